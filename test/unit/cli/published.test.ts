import { UsageError } from '../../../lib/cli/errors';
import { chooseRun } from '../../../lib/cli/published';
import type { EvaluationState } from '../../../lib/pipeline/ports';

/** A store whose evaluation has reached run 7 and holds none of them (as after their expiry). */
const store = {
  getEvaluationState: async (): Promise<EvaluationState> => ({
    evaluationId: 'e',
    requested: 9,
    scored: 9,
    lastRunSeq: 7,
    currentRun: 7,
    publishedRun: 7,
    methodologyVersion: null,
    resyncedVersion: null,
    methodologySeq: 1,
    lastRequestAt: null,
    scoredAt: null,
    pendingSince: null,
  }),
  getRun: async () => null,
  latestRun: async () => null,
};

test('an earlier run no longer stored is explained as expired, with where it still is', async () => {
  const out = chooseRun(store, 'e', { seq: 3, fallbackToLatest: false });
  await expect(out).rejects.toBeInstanceOf(UsageError);
  await expect(out).rejects.toThrow(
    /has no run 3 any more \(its latest is 7\): a run replaced within an hour expires 35 days later; restore the monthly backup taken after it/,
  );
});

test('a run past the latest is simply not there', async () => {
  await expect(chooseRun(store, 'e', { seq: 99, fallbackToLatest: false })).rejects.toThrow(
    "evaluation 'e' has no run 99 (its latest is 7)",
  );
});
