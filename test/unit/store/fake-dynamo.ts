import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface SentRequest {
  /** DynamoDB operation, e.g. `GetItem`. */
  operation: string;
  /** The request body as DynamoDB receives it (marshalled). */
  body: Record<string, unknown>;
}

export type Reply = { status?: number; body: Record<string, unknown> };

/**
 * A real document client whose HTTP handler answers in memory: every request goes through the SDK's own
 * marshalling and serialisation, so what is recorded is exactly what DynamoDB would receive. No networking.
 */
export function fakeDynamo(reply: (request: SentRequest) => Reply): {
  client: DynamoDBDocumentClient;
  sent: SentRequest[];
} {
  const sent: SentRequest[] = [];
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        const target = request.headers['x-amz-target'] ?? '';
        const text =
          request.body instanceof Uint8Array
            ? new TextDecoder().decode(request.body)
            : String(request.body ?? '{}');
        const recorded: SentRequest = {
          operation: target.split('.').pop() ?? target,
          body: JSON.parse(text),
        };
        sent.push(recorded);
        const { status = 200, body } = reply(recorded);
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    },
  });
  return { client: DynamoDBDocumentClient.from(raw), sent };
}

export const conditionFailed: Reply = {
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
  },
};
