/**
 * The embedded DynamoDB: dynalite in this process on an ephemeral port, spoken to by the real AWS SDK.
 * It implements the data plane the store uses (no transactions, streams or TTL, which the store does not use).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { StoreError } from '../store/errors';
import { PARTITION_KEY, SORT_KEY } from '../store/keys';
import { localDynamoClients } from './dynamo-client';

export { LOCAL_CREDENTIALS, LOCAL_SIGNER, localDynamoClients } from './dynamo-client';

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

/** Starts dynalite on 127.0.0.1 with an ephemeral port and creates the table if it is not there yet. */
export async function startDynamo(options: StartDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const tableName = options.tableName ?? 'zone-eval';
  const region = options.region ?? 'us-east-1';
  let served = await listenDynalite(options.path, 0);
  const address = served.server.address();
  if (address === null || typeof address === 'string')
    throw new StoreError('dynalite is not listening on a TCP port');
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const { raw, client } = localDynamoClients(endpoint, region);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    client.destroy();
    raw.destroy();
    await served.stop();
  };
  const restart = async (): Promise<void> => {
    if (closed) throw new StoreError('the embedded DynamoDB is closed');
    await served.stop();
    served = await listenDynalite(options.path, port);
  };
  try {
    await createTable(raw, tableName);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, tableName, region, raw, client, restart, close };
}

/** How long a stop waits for the requests dynalite is still working on (they take milliseconds). */
const DRAIN_MS = 10_000;

/**
 * A dynalite server listening on 127.0.0.1 (`port` 0: a free one), over `path` or in memory. `stop()` drops every
 * connection (a request made meanwhile fails as a connection fault), then waits for the requests dynalite already
 * began before its `close()` shuts the LevelDB: dynalite goes on with a request whose socket is gone, and a later
 * read of such a request against the closed database rejects unhandled ("Database is closed").
 */
async function listenDynalite(path: string | undefined, port: number) {
  // Tables become ACTIVE after createTableMs; zero makes the embedded table usable at once.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  let stopping = false;
  let working = 0;
  let drained: (() => void) | null = null;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (stopping) {
      req.socket.destroy();
      return;
    }
    working++;
    // dynalite ends every request it handles with res.end, also when the socket is already gone.
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let done = false;
    res.end = ((...args: unknown[]) => {
      if (!done) {
        done = true;
        working--;
        if (working === 0) drained?.();
      }
      return end(...args);
    }) as ServerResponse['end'];
    for (const handle of handlers) handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    stopping = true;
    server.closeAllConnections();
    if (working > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_MS);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  return { server, stop };
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
