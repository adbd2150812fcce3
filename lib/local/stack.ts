/**
 * The local stack's parts, wired as the Lambdas wire them in AWS: the Sheets/Drive emulator over HTTP with the
 * real Google clients pointed at it, dynalite with the real AWS SDK, the DynamoDB store, and the Sheets adapter.
 * Used by the integration tests, the benchmarks and the demo.
 */
import {
  type CallerOptions,
  createGoogleClients,
  type GoogleClients,
  GoogleFeedbackWriter,
  GoogleSpreadsheetFiles,
  GoogleSpreadsheetReader,
} from '../sheets';
import { DynamoStore } from '../store/dynamo-store';
import { type EmbeddedDynamo, startDynamo } from './dynamo';
import { type Emulator, type EmulatorOptions, startEmulator } from './emulator';

/** The identity the service uses with the emulator (a service account's email in Google). */
export const SERVICE_ACCOUNT = 'zone-eval@zone-eval.iam.gserviceaccount.com';

export type LocalStack = {
  emulator: Emulator;
  dynamo: EmbeddedDynamo;
  store: DynamoStore;
  /** Clients acting as the service account. */
  google: GoogleClients;
  reader: GoogleSpreadsheetReader;
  feedback: GoogleFeedbackWriter;
  files: GoogleSpreadsheetFiles;
  /** Google clients acting as someone else (an official, an admin), for tests and the demo. */
  clientsAs(email: string, calls?: CallerOptions): GoogleClients;
  /**
   * Stops the emulator and dynalite and starts them again on the same ports, keeping what their data directories
   * hold (`emulator.dataDir`, `dynamoPath`; without them the state is lost, as a real restart would lose it). The
   * clients are kept; `emulator` is the new instance (its faults, counts and webhook start afresh). For the
   * fault-injection suite's "restarted mid-run".
   */
  restart(): Promise<void>;
  close(): Promise<void>;
};

export type LocalStackOptions = {
  emulator?: EmulatorOptions;
  /** Retry and pacing of the service's Google calls (tests shorten the backoff). */
  calls?: CallerOptions;
  dynamoPath?: string;
};

/** Starts the emulator and dynalite on ephemeral ports and wires the adapters. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  let emulator = await startEmulator({ port: 0, ...options.emulator });
  const dynamo = await startDynamo(options.dynamoPath ? { path: options.dynamoPath } : {});
  const clientsAs = (email: string, calls?: CallerOptions) =>
    createGoogleClients({
      credentials: { kind: 'bearer', token: email },
      rootUrl: emulator.url,
      // Node's own fetch: gaxios would otherwise load node-fetch with a dynamic import, which jest refuses.
      fetchImplementation: fetch,
      ...(calls && { calls }),
    });
  const google = clientsAs(SERVICE_ACCOUNT, options.calls);
  const stack: LocalStack = {
    emulator,
    dynamo,
    store: new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName }),
    google,
    reader: new GoogleSpreadsheetReader(google),
    feedback: new GoogleFeedbackWriter(google),
    files: new GoogleSpreadsheetFiles(google),
    clientsAs,
    async restart() {
      const port = emulator.port;
      await emulator.close();
      await dynamo.restart();
      emulator = await startEmulator({ ...options.emulator, port });
      stack.emulator = emulator;
    },
    async close() {
      await emulator.close();
      await dynamo.close();
    },
  };
  return stack;
}
