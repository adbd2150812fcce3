/**
 * Which stored runs stay for good, and which expire (DynamoDB's time to live on the run's items).
 *
 * A run is derived data: the revisions it scored are history and stay, and its methodology version is immutable.
 * What people cite are the results they saw. Nearly every run is published, a few seconds after the one before it
 * while officials type, so "keep every published run" would keep them all (about 2 GB a month at 105 zones). The
 * rule is therefore about what could have been read and cited:
 * - kept for good: every run that was the evaluation's newest run for an hour or more (or never replaced), the
 *   signed-off final run (`keepRun` at sign-off), and the current and published runs (never expired: only runs
 *   older than the one just published are looked at);
 * - expiring `SUPERSEDED_RUN_DAYS` after being replaced: a run replaced on the results sheet within
 *   `SHOWN_LONG_ENOUGH_MS` of its creation, or never published at all.
 * 35 days is longer than any month, so every expiring run is in at least one monthly backup (kept
 * `monthlyBackupDays`, 730 in prod) and point-in-time recovery reaches it for 35 days more after its deletion: a
 * short-lived run leaves the table, not the record.
 */
import type { Logger } from './log';

export const SUPERSEDED_RUN_DAYS = 35;
export const SHOWN_LONG_ENOUGH_MS = 60 * 60 * 1000;
/** Runs looked at per publish, newest first: a long outage of the results sheet leaves older ones kept, never lost. */
export const MAX_EXPIRED_PER_PUBLISH = 20;

export type RunRetentionStore = {
  /** Gives run `seq` a time to live when it was created after `createdAfter` and never kept; false otherwise. */
  expireRun?(
    evaluationId: string,
    seq: number,
    when: { expiresAt: Date; createdAfter: Date },
  ): Promise<boolean>;
};

/**
 * Called once run `published` is on the results sheet, replacing `before` (the published run until then, null
 * for none): lets the runs from `before` up to `published` (excluded) expire, except `signedOff`, when they were
 * replaced within `SHOWN_LONG_ENOUGH_MS` of their creation. Returns the runs given a time to live.
 */
export async function expireReplacedRuns(
  store: RunRetentionStore,
  evaluationId: string,
  runs: { before: number | null; published: number; signedOff: number | null },
  now: Date,
  log: Logger,
): Promise<number[]> {
  if (!store.expireRun) return [];
  const from = Math.max(runs.before ?? 1, runs.published - MAX_EXPIRED_PER_PUBLISH, 1);
  const expiresAt = new Date(now.getTime() + SUPERSEDED_RUN_DAYS * 86_400_000);
  const createdAfter = new Date(now.getTime() - SHOWN_LONG_ENOUGH_MS);
  const expired: number[] = [];
  try {
    for (let seq = runs.published - 1; seq >= from; seq--) {
      if (seq === runs.signedOff) continue;
      if (await store.expireRun(evaluationId, seq, { expiresAt, createdAfter })) expired.push(seq);
    }
  } catch (error) {
    // The publish succeeded; retrying the message would not come back here (the run is then already published),
    // and a run left without a time to live is only kept, never lost.
    log.warn('evaluate.retention-failed', { evaluationId, error: String(error) });
  }
  if (expired.length) log.info('evaluate.runs-expiring', { evaluationId, runs: expired, expiresAt });
  return expired;
}
