/**
 * The reconcile Lambda (EventBridge schedule, every minute): for each evaluation the configuration names, compares
 * Drive's versions with the stored ones and signals the sheets whose content moved, and re-sends requests stuck for
 * two minutes (lib/pipeline/reconcile). One evaluation's failure does not stop the others; the invocation then
 * fails as a whole, so the error count and its alarm see it.
 *
 * Metrics: `reconcile.done` / `reconcile.failed` per evaluation, and `evaluation.unscored-seconds`: how long each
 * evaluation's `requested` has stood above `scored` (the `EvaluationBehind` alarm fires at 15 minutes), published from
 * the store before the Drive listing, so that it keeps growing through an outage of Google or of the credentials.
 */
import * as z from '../lib/core/zod';
import type { Logger } from '../lib/pipeline/log';
import { type ReconcileDeps, reconcile, unscoredSeconds } from '../lib/pipeline/reconcile';
import { GoogleSpreadsheetFiles } from '../lib/sheets/drive';
import { awsQueue } from './shared/aws-queue';
import { awsStore } from './shared/aws-store';
import { CONFIG_SCHEMAS, type FunctionConfig } from './shared/config';
import { awsGoogle } from './shared/google';
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
          // The EvaluationBehind alarm's value first, from the store alone, before any Google call: an outage of
          // Google or of the credentials stops the runs, and is just when the alarm must see the delay grow. (Not
          // treating missing data as breaching instead: with the poll disabled, or between two polls, no data is
          // the normal state.) One value per evaluation and minute; the alarm reads their maximum.
          const state = await deps.stage.store.getEvaluationState(evaluationId);
          deps.counters.add('evaluation.unscored-seconds', state ? unscoredSeconds(state, now) : 0);
          const stage = { ...deps.stage, files: deps.files(driveId) };
          const outcome = await reconcile(stage, { evaluationId, folder, now });
          deps.log.info('reconcile.done', { evaluationId, ...outcome });
          deps.counters.add('reconcile.done');
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

let reconcileDeps: ReconcileHandlerDeps | undefined;

/**
 * The reconcile function's adapters on AWS (Drive only: its quota is Drive's, not Sheets'). The Google clients are
 * fetched at each listing, not here: unfilled or broken credentials fail the listing, after the handler has
 * published how far behind each evaluation is, instead of failing the whole invocation before it (the clients
 * themselves are rebuilt only when the secret's text changes, `awsGoogle`).
 */
export async function awsReconcileDeps(config: FunctionConfig<'reconcile'>): Promise<ReconcileHandlerDeps> {
  if (reconcileDeps) return reconcileDeps;
  const { log, counters } = awsObservability('reconcile');
  const google = () => awsGoogle({ ...config, SHEETS_CONCURRENCY: 1 });
  reconcileDeps = {
    stage: { store: awsStore(config), queue: awsQueue(config), log },
    files: (driveId) => ({
      listFiles: async (folder) =>
        new GoogleSpreadsheetFiles(await google(), 1000, driveId === undefined ? {} : { driveId }).listFiles(
          folder,
        ),
    }),
    evaluations: config.EVALUATIONS,
    log,
    counters,
  };
  return reconcileDeps;
}

export const handler = lambdaEntry('reconcile', CONFIG_SCHEMAS.reconcile, awsReconcileDeps, makeHandler);
