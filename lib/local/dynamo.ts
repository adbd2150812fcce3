/**
 * The embedded DynamoDB: dynalite in this process on an ephemeral port, spoken to by the real AWS SDK.
 * It implements the data plane the store uses (no transactions, streams or TTL, which the store does not use).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { StoreError } from '../store/errors';
import { PARTITION_KEY, SORT_KEY } from '../store/keys';

export interface StartDynamoOptions {
  /** LevelDB directory that keeps the data across restarts; in memory when absent. */
  path?: string;
  /** At least 3 characters (DynamoDB's rule). */
  tableName?: string;
  region?: string;
}

export interface EmbeddedDynamo {
  endpoint: string;
  tableName: string;
  region: string;
  /** Low-level client, for table administration. */
  raw: DynamoDBClient;
  client: DynamoDBDocumentClient;
  /**
   * Stops the server and starts a new one on the same port over the same LevelDB directory, keeping the clients:
   * the fault-injection suite's "DynamoDB restarted mid-run". Requests made meanwhile fail as connection faults.
   */
  restart(): Promise<void>;
  /** Closes the clients, stops the server and releases the LevelDB directory. */
  close(): Promise<void>;
}

/** Credentials dynalite accepts and never checks; they keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The signature the embedded table is sent: dynalite checks that a SigV4 Authorization header is there and well
 * formed, never the signature itself, so the SDK's hashing and HMACs (a few per cent of the local loop's CPU) are
 * left out. Only the local client uses it; the Lambdas sign with the SDK's own signer.
 */
export const LOCAL_SIGNER: Extract<NonNullable<DynamoDBClientConfig['signer']>, { sign: unknown }> = {
  async sign(request) {
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    request.headers['x-amz-date'] = date;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`;
    return request;
  },
};

/** Starts dynalite on 127.0.0.1 with an ephemeral port and creates the table if it is not there yet. */
export async function startDynamo(options: StartDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const tableName = options.tableName ?? 'zone-eval';
  const region = options.region ?? 'us-east-1';
  let server = await listenDynalite(options.path, 0);
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new StoreError('dynalite is not listening on a TCP port');
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const raw = new DynamoDBClient({
    endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    signer: LOCAL_SIGNER,
    maxAttempts: 3,
  });
  const client = DynamoDBDocumentClient.from(raw);
  let closed = false;
  const stopServer = async (): Promise<void> => {
    // Idle keep-alive sockets of the SDK would otherwise hold the server open.
    server.closeIdleConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    client.destroy();
    raw.destroy();
    await stopServer();
  };
  const restart = async (): Promise<void> => {
    if (closed) throw new StoreError('the embedded DynamoDB is closed');
    server.closeAllConnections();
    await stopServer();
    server = await listenDynalite(options.path, port);
  };
  try {
    await createTable(raw, tableName);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, tableName, region, raw, client, restart, close };
}

/** A dynalite server listening on 127.0.0.1 (`port` 0: a free one), over `path` or in memory. */
async function listenDynalite(path: string | undefined, port: number) {
  // Tables become ACTIVE after createTableMs; zero makes the embedded table usable at once.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Creates the store's table (PK/SK strings, on-demand) and waits until it is ACTIVE. An existing table with the
 * same key schema is accepted, so a persisted directory or a long-lived local endpoint can be reused.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (tableName.length < 3)
    throw new StoreError(`table name ${JSON.stringify(tableName)} is shorter than 3 characters`);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: SORT_KEY, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: SORT_KEY, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
      throw new StoreError(`could not create table ${tableName}`, { cause: error });
    }
  }
  await waitActive(client, tableName);
}

async function waitActive(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table: table }: DescribeTableCommandOutput = await client.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const keys = (table?.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    if (keys !== `${PARTITION_KEY}:HASH,${SORT_KEY}:RANGE`) {
      throw new StoreError(
        `table ${tableName} exists with key schema ${keys}, not ${PARTITION_KEY}/${SORT_KEY}`,
      );
    }
    if (table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new StoreError(`table ${tableName} is still ${table?.TableStatus} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
