import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteIncompleteError, StoreError, StoreRequestError } from './errors';

/** One put or delete of a BatchWriteItem, in document (unmarshalled) form. */
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

export interface BatchWriteOptions {
  /** Attempts per chunk of 25, the first included. */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles after each, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

// DynamoDB's per-request maximum.
const BATCH_SIZE = 25;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function keyOf(request: WriteRequest): string {
  const item = 'PutRequest' in request ? request.PutRequest.Item : request.DeleteRequest.Key;
  return `${String(item['PK'])}\u0000${String(item['SK'])}`;
}

/**
 * Writes any number of items with BatchWriteItem, 25 at a time, retrying UnprocessedItems with exponential
 * backoff (DynamoDB returns them under throttling and expects the caller to back off).
 */
export async function batchWriteAll(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  // DynamoDB refuses a whole batch that names a key twice; say which key instead of its generic message.
  const seen = new Set<string>();
  for (const request of requests) {
    const key = keyOf(request);
    if (seen.has(key))
      throw new StoreError(`batch write names the key ${key.replace('\u0000', ' / ')} twice`);
    seen.add(key);
  }

  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    let pending: WriteRequest[] = requests.slice(start, start + BATCH_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new BatchWriteIncompleteError(
          `batch write to ${tableName} left ${pending.length} of ${requests.length} items unprocessed after ${maxAttempts} attempts`,
          pending.length,
        );
      }
      if (attempt > 1) {
        const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2));
        await sleep(Math.round(random() * ceiling));
      }
      let output: Awaited<ReturnType<typeof sendBatch>>;
      try {
        output = await sendBatch(client, tableName, pending);
      } catch (error) {
        throw new StoreRequestError(`batch write of ${pending.length} items to ${tableName} failed`, {
          cause: error,
        });
      }
      pending = (output.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

function sendBatch(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  requests: WriteRequest[],
) {
  return client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
}
