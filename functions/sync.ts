/**
 * The sync Lambda (SQS FIFO, group = spreadsheet): reads the spreadsheet a message names with the stage for its
 * kind (a zone's form, the control sheet, a central department's data), then asks for an evaluation. A control
 * sync that installed a new methodology also queues a sync of every zone sheet it asked to read again.
 *
 * The evaluate message: group = evaluation, dedup id `<evaluationId>#<r>` with r the evaluation's `requested`
 * after this sync asked (DESIGN section 2), so each request is one message and a retried send is dropped. It
 * carries on the sync message's `signalledAt`, from which the evaluate handler measures `edit-to-publish`.
 *
 * Metrics: `sync.processed` / `sync.failed` per message (shared/sqs-batch.ts), `cells.refused` per zone read.
 */
import type { SQSRecord } from 'aws-lambda';
import { syncCentral } from '../lib/pipeline/central';
import { syncControl } from '../lib/pipeline/control';
import type { SheetStageDeps } from '../lib/pipeline/deps';
import type { Logger } from '../lib/pipeline/log';
import { type MessageQueue, type SyncMessage, SyncMessageSchema } from '../lib/pipeline/messages';
import type { SheetKind, SpreadsheetIndex } from '../lib/pipeline/ports';
import { sendEvaluate, sendSync } from '../lib/pipeline/send';
import { syncSheet } from '../lib/pipeline/sync';
import { GoogleSpreadsheetFiles } from '../lib/sheets/drive';
import { GoogleSpreadsheetReader } from '../lib/sheets/reader';
import { GoogleFeedbackWriter } from '../lib/sheets/writer';
import { awsQueue, awsRetryLater } from './shared/aws-queue';
import { awsStore } from './shared/aws-store';
import { CONFIG_SCHEMAS, type FunctionConfig } from './shared/config';
import { awsGoogle, lambdaGoogleDeadline, perClients, SYNC_GOOGLE_BUDGET_MS } from './shared/google';
import { awsObservability, lambdaEntry } from './shared/lambda';
import { type Counters, countRateLimited } from './shared/observability';
import { fifoHandler, type RetryLater } from './shared/sqs-batch';

export type SyncHandlerDeps = {
  stage: SheetStageDeps;
  index: Pick<SpreadsheetIndex, 'findSpreadsheet'>;
  queue: MessageQueue;
  log: Logger;
  counters: Counters;
  retryLater?: RetryLater;
  retryDelayMs: number;
};

async function kindOf(deps: SyncHandlerDeps, msg: SyncMessage): Promise<SheetKind | null> {
  if (msg.kind) return msg.kind;
  const entry = await deps.index.findSpreadsheet(msg.spreadsheetId);
  return entry?.evaluationId === msg.evaluationId ? entry.kind : null;
}

/** One sync message: the stage for the sheet's kind, then the messages it owes. Throws on system faults. */
async function syncRecord(deps: SyncHandlerDeps, record: SQSRecord): Promise<void> {
  const msg = SyncMessageSchema.parse(JSON.parse(record.body));
  const req = { evaluationId: msg.evaluationId, spreadsheetId: msg.spreadsheetId, caller: msg.caller };
  const kind = await kindOf(deps, msg);
  let evaluationRequested: number | null | undefined = null;
  switch (kind) {
    case 'zone': {
      const o = await syncSheet({ ...req, editor: msg.editor }, deps.stage);
      evaluationRequested = 'evaluationRequested' in o ? o.evaluationRequested : null;
      if ('refusedCells' in o) deps.counters.add('cells.refused', o.refusedCells);
      break;
    }
    case 'control': {
      const o = await syncControl({ ...req, editor: msg.editor }, deps.stage);
      if (o.status !== 'coalesced') {
        for (const r of o.resync)
          await sendSync(deps.queue, {
            evaluationId: msg.evaluationId,
            spreadsheetId: r.spreadsheetId,
            requested: r.requested,
            caller: 'control',
            editor: null,
            kind: 'zone',
            ...(msg.signalledAt && { signalledAt: msg.signalledAt }),
          });
        evaluationRequested = o.evaluationRequested;
      }
      break;
    }
    case 'central': {
      const o = await syncCentral(req, deps.stage);
      evaluationRequested = 'evaluationRequested' in o ? o.evaluationRequested : null;
      break;
    }
    default:
      // A results spreadsheet, or one no evaluation knows (the index lost it): nothing to read. Not a fault: a
      // retry would find the same.
      deps.log.warn('sync.nothing-to-read', { ...req, kind });
      return;
  }
  if (evaluationRequested !== null && evaluationRequested !== undefined)
    await sendEvaluate(deps.queue, {
      evaluationId: msg.evaluationId,
      requested: evaluationRequested,
      caller: msg.caller,
      ...(msg.signalledAt && { signalledAt: msg.signalledAt }),
    });
}

/** The handler over its dependencies; the local runtime calls it with its own. */
export function makeHandler(deps: SyncHandlerDeps) {
  return fifoHandler('sync', deps, syncRecord);
}

const syncDeps = perClients((clients, config: FunctionConfig<'sync'>): SyncHandlerDeps => {
  const { log, counters } = awsObservability('sync');
  return {
    stage: {
      store: awsStore(config),
      reader: new GoogleSpreadsheetReader(clients),
      feedback: new GoogleFeedbackWriter(clients),
      files: new GoogleSpreadsheetFiles(clients),
      log,
    },
    index: awsStore(config),
    queue: awsQueue(config),
    log,
    counters,
    retryLater: awsRetryLater,
    retryDelayMs: config.RETRY_DELAY_SECONDS * 1000,
  };
});

/** The sync function's adapters on AWS, made again when Google's clients are (a rotated secret). */
export async function awsSyncDeps(config: FunctionConfig<'sync'>): Promise<SyncHandlerDeps> {
  // A sync retries Google for about a minute at most (SYNC_GOOGLE_BUDGET_MS), then fails and comes back soon.
  const calls = {
    ...countRateLimited(awsObservability('sync').counters),
    deadline: () => lambdaGoogleDeadline(SYNC_GOOGLE_BUDGET_MS),
  };
  return syncDeps(await awsGoogle(config, calls), config);
}

export const handler = lambdaEntry('sync', CONFIG_SCHEMAS.sync, awsSyncDeps, makeHandler);
