/**
 * The stages the handlers call, in one place. Each handler imports its stage from here, so that the day a stage's
 * module moves, one line changes.
 *
 * TEMPORARY: the signal, reconcile, central and evaluate stages are being written on other branches; until they
 * land on main their shapes are declared here as agreed (issue 9) and calling them throws.
 */
import type { SheetStageDeps } from '../../lib/pipeline/deps';
import type { Logger } from '../../lib/pipeline/log';
import type { MessageQueue } from '../../lib/pipeline/messages';
import type {
  SheetKind,
  SpreadsheetFiles,
  SpreadsheetIndex,
  SubmissionStore,
} from '../../lib/pipeline/ports';

export { syncControl } from '../../lib/pipeline/control';
export { syncSheet } from '../../lib/pipeline/sync';

const notLanded = (name: string) => () => {
  throw new Error(`${name} has not landed on this branch yet`);
};

export type SignalDeps = {
  store: Pick<SubmissionStore, 'requestSheet'> & Pick<SpreadsheetIndex, 'findSpreadsheet'>;
  queue: MessageQueue;
  masterSecret: () => Promise<string>;
  windowSeconds?: number;
  now?: () => Date;
  log?: Logger;
};
export type SignalInput = {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  receivedAt?: Date;
};
export type SignalOutcome =
  | {
      status: 'accepted';
      evaluationId: string;
      spreadsheetId: string;
      kind: Exclude<SheetKind, 'results'>;
      requested: number;
      editor: string | null;
    }
  | { status: string; message: string; spreadsheetId?: string };
export const SIGNAL_HTTP_STATUS: Record<string, number> = {};
export const acceptSignal: (deps: SignalDeps, input: SignalInput) => Promise<SignalOutcome> =
  notLanded('acceptSignal');

export type ReconcileDeps = {
  store: SheetStageDeps['store'];
  files: SpreadsheetFiles;
  queue: MessageQueue;
  now?: () => Date;
  log?: Logger;
};
export const reconcile: (
  deps: ReconcileDeps,
  req: { evaluationId: string; folder: string; now?: Date },
) => Promise<{ signalled: number; resent: number }> = notLanded('reconcile');

export type CentralDeps = SheetStageDeps;
export const syncCentral: (
  req: { evaluationId: string; spreadsheetId: string; caller: string },
  deps: CentralDeps,
) => Promise<{ status: string; evaluationRequested?: number | null }> = notLanded('syncCentral');

export type EvaluateDeps = SheetStageDeps & { publisher: unknown };
export const evaluateRun: (
  req: { evaluationId: string; caller: string },
  deps: EvaluateDeps,
) => Promise<{ status: string }> = notLanded('evaluateRun');

/** The Amazon SQS adapter of the queue port (lib/queue/sqs.ts, landing with the signal stage). */
export const sqsQueue: (options: {
  client: import('@aws-sdk/client-sqs').SQSClient;
  urls: Record<import('../../lib/pipeline/messages').QueueName, string>;
}) => MessageQueue = notLanded('the SQS queue adapter');

/** The store with the spreadsheet index (landing with the signal stage). */
export const indexedStore = (
  store: import('../../lib/store/dynamo-store').DynamoStore,
): import('../../lib/store/dynamo-store').DynamoStore & SpreadsheetIndex =>
  Object.assign(store, {
    indexSpreadsheet: notLanded('indexSpreadsheet'),
    findSpreadsheet: notLanded('findSpreadsheet'),
  });

/** The Google results publisher (lib/sheets, landing with the evaluate stage). */
export const googlePublisher: (google: import('../../lib/sheets').GoogleClients) => unknown =
  notLanded('the results publisher');
