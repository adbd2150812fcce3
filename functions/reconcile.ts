/**
 * The reconcile Lambda (EventBridge schedule, every minute): for each evaluation the configuration names, compares
 * Drive's versions with the stored ones and signals the sheets whose content moved, and re-sends requests stuck for
 * two minutes (lib/pipeline/reconcile). One evaluation's failure does not stop the others; the invocation then
 * fails as a whole, so the error count and its alarm see it.
 *
 * Metrics: `reconcile.done` / `reconcile.failed` per evaluation, and `evaluation.unscored-seconds`: how long each
 * evaluation's `requested` has stood above `scored` (the `EvaluationBehind` alarm fires at 15 minutes).
 */
import * as z from '../lib/core/zod';
import type { Logger } from '../lib/pipeline/log';
import { type ReconcileDeps, reconcile } from '../lib/pipeline/reconcile';
import { GoogleSpreadsheetFiles } from '../lib/sheets/drive';
import { awsQueue } from './shared/aws-queue';
import { awsStore } from './shared/aws-store';
import { CONFIG_SCHEMAS, type FunctionConfig, loadConfig } from './shared/config';
import { awsGoogle, perClients } from './shared/google';
import { awsObservability, lambdaEntry } from './shared/lambda';
import type { Counters } from './shared/observability';

export type ReconcileHandlerDeps = {
  stage: Omit<ReconcileDeps, 'files'>;
  /** Drive listings in an evaluation's shared drive (listing a shared drive's folder needs the drive named). */
  files: (driveId: string | undefined) => ReconcileDeps['files'];
  /** The evaluations the poll covers, each with the Drive folder (and shared drive) holding its spreadsheets. */
  evaluations: readonly { evaluationId: string; folder: string; driveId?: string | undefined }[];
  log: Logger;
  counters: Counters;
};

/** The part of an EventBridge scheduled event the handler reads. */
export const ScheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
  time: z.iso.datetime(),
});

export function makeHandler(deps: ReconcileHandlerDeps) {
  return async (event: unknown) => {
    const e = ScheduledEventSchema.parse(event);
    const now = new Date(e.time);
    const failures: string[] = [];
    try {
      for (const { evaluationId, folder, driveId } of deps.evaluations) {
        try {
          const stage = { ...deps.stage, files: deps.files(driveId) };
          const outcome = await reconcile(stage, { evaluationId, folder, now });
          deps.log.info('reconcile.done', { evaluationId, ...outcome });
          deps.counters.add('reconcile.done');
          // One value per evaluation and minute; the alarm reads their maximum.
          deps.counters.add('evaluation.unscored-seconds', outcome.unscoredSeconds);
        } catch (error) {
          deps.log.error('reconcile.failed', { evaluationId, error: String(error) });
          deps.counters.add('reconcile.failed');
          failures.push(`${evaluationId}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      deps.counters.flush();
    }
    if (failures.length) throw new Error(`reconcile failed for ${failures.join('; ')}`);
    return { evaluations: deps.evaluations.length };
  };
}

const reconcileDeps = perClients((clients): ReconcileHandlerDeps => {
  const { log, counters } = awsObservability('reconcile');
  const config = loadConfig('reconcile', CONFIG_SCHEMAS.reconcile);
  return {
    stage: { store: awsStore(), queue: awsQueue(config), log },
    files: (driveId) => new GoogleSpreadsheetFiles(clients, 1000, driveId === undefined ? {} : { driveId }),
    evaluations: config.EVALUATIONS,
    log,
    counters,
  };
});

/** The reconcile function's adapters on AWS (Drive only: its quota is Drive's, not Sheets'). */
export async function awsReconcileDeps(config: FunctionConfig<'reconcile'>): Promise<ReconcileHandlerDeps> {
  return reconcileDeps(await awsGoogle({ ...config, SHEETS_CONCURRENCY: 1 }));
}

export const handler = lambdaEntry('reconcile', CONFIG_SCHEMAS.reconcile, awsReconcileDeps, makeHandler);
