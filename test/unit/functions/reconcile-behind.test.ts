/**
 * The EvaluationBehind alarm's metric during a Google or credentials outage: the reconcile handler publishes how long
 * each evaluation has been behind from the store alone, before its Drive listing, so the alarm sees the delay grow
 * while Drive fails (the real reconcile stage runs; only Drive is made to fail).
 */
import { makeHandler } from '../../../functions/reconcile';
import { silentLogger } from '../../../lib/pipeline/log';
import { MemoryMetrics } from '../../../lib/pipeline/metrics';
import type { EvaluationState } from '../../../lib/pipeline/ports';

const NOW = new Date('2026-11-28T09:00:00.000Z');
const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: NOW.toISOString() };

const state = (over: Partial<EvaluationState>): EvaluationState => ({
  evaluationId: 'e2026',
  requested: 4,
  scored: 4,
  lastRunSeq: 2,
  currentRun: 2,
  publishedRun: 2,
  methodologyVersion: 'v1',
  resyncedVersion: 'v1',
  methodologySeq: 1,
  lastRequestAt: null,
  scoredAt: null,
  pendingSince: null,
  ...over,
});

function harness(evaluations: Record<string, EvaluationState | null>, listFiles: () => Promise<never>) {
  const metrics = new MemoryMetrics();
  const handler = makeHandler({
    stage: {
      store: {
        getEvaluationState: async (id) => evaluations[id] ?? null,
        listSheets: async () => [],
        requestSheet: async () => {
          throw new Error('nothing to request');
        },
        findSpreadsheet: async () => null,
      },
      queue: {
        send: async () => {
          throw new Error('nothing to send');
        },
      },
      log: silentLogger,
    },
    files: () => ({ listFiles }),
    evaluations: Object.keys(evaluations).map((evaluationId) => ({
      evaluationId,
      folder: `f-${evaluationId}`,
    })),
    log: silentLogger,
    counters: metrics.for('zone-eval-reconcile'),
  });
  return { metrics, run: () => handler(event) };
}

describe('the reconcile handler during an outage of Google', () => {
  test('credentials not filled in: the poll fails, and each evaluation still reports how long it has been behind', async () => {
    const h = harness(
      {
        behind: state({ requested: 7, scored: 4, pendingSince: '2026-11-28T08:40:00.000Z' }),
        'caught-up': state({}),
      },
      async () => {
        throw new Error('Google credentials not filled in: the secret still holds the placeholder');
      },
    );
    await expect(h.run()).rejects.toThrow(/reconcile failed for behind: Google credentials not filled in/);
    expect(h.metrics.values('evaluation.unscored-seconds')).toEqual([20 * 60, 0]);
    expect(h.metrics.get('reconcile.failed')).toBe(2);
    expect(h.metrics.get('reconcile.done')).toBe(0);
    expect(h.metrics.flushCount).toBe(1);
  });

  test('an evaluation the store does not know yet reports 0, as a caught-up one does', async () => {
    const h = harness({ fresh: null }, async () => {
      throw new Error('Drive answered 503');
    });
    await expect(h.run()).rejects.toThrow(/Drive answered 503/);
    expect(h.metrics.values('evaluation.unscored-seconds')).toEqual([0]);
  });
});
