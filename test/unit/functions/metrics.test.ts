/**
 * The metrics each handler emits on each path, recorded in memory (test/helpers/metric-paths.ts), and the
 * Powertools adapter that publishes them on AWS.
 */
import { countRateLimited, powertoolsCounters } from '../../../functions/shared/observability';
import { METRICS_NAMESPACE } from '../../../lib/infra/contract';
import { METRIC_NAMES, METRICS, MemoryMetrics } from '../../../lib/pipeline/metrics';
import { RateLimiter } from '../../../lib/pipeline/rate-limit';
import { ApiCaller } from '../../../lib/sheets/retry';
import {
  evaluateHandler,
  METRIC_PATHS,
  mocked,
  NOW,
  runMetricPaths,
  type Sent,
  sqsRecord,
  syncHandler,
} from '../../helpers/metric-paths';

/** Every `service/name: values` a path recorded, sorted. */
function recorded(m: MemoryMetrics): string[] {
  return m.emitted().map((pair) => {
    const [service = '', name = ''] = pair.split('/');
    return `${pair}: ${m.values(name as keyof typeof METRICS, service).join(',')}`;
  });
}

const expected: Record<string, string[]> = {
  'the webhook accepts a signed signal': ['zone-eval-webhook/signal.accepted: 1'],
  'the webhook refuses a GET': ['zone-eval-webhook/signal.refused: 1'],
  "the webhook throttles a call past its instance's rate, touching nothing": [
    'zone-eval-webhook/signal.accepted: 1',
    'zone-eval-webhook/signal.throttled: 1',
  ],
  'a sync reads a zone sheet with 3 refused cells': [
    'zone-eval-sync/cells.refused: 3',
    'zone-eval-sync/sync.processed: 1',
  ],
  'a sync fails': ['zone-eval-sync/sync.failed: 1'],
  'Google answers the sync function 429, then 200': ['zone-eval-sync/sheets.429: 1'],
  'Google answers the evaluate function 429, then 200': ['zone-eval-evaluate/sheets.429: 1'],
  'an evaluate message answered 12 s after its signal is scored and published': [
    'zone-eval-evaluate/edit-to-publish: 12',
    'zone-eval-evaluate/evaluate.processed: 1',
    'zone-eval-evaluate/evaluate.scored: 1',
  ],
  'a run finds the results spreadsheet unavailable': [
    'zone-eval-evaluate/evaluate.processed: 1',
    'zone-eval-evaluate/evaluate.scored: 1',
    'zone-eval-evaluate/publish.unavailable: 1',
  ],
  'an evaluate message is coalesced': [
    'zone-eval-evaluate/evaluate.coalesced: 1',
    'zone-eval-evaluate/evaluate.processed: 1',
  ],
  'an evaluate message is unchanged': [
    'zone-eval-evaluate/evaluate.processed: 1',
    'zone-eval-evaluate/evaluate.unchanged: 1',
  ],
  'an evaluate message is refused': [
    'zone-eval-evaluate/evaluate.processed: 1',
    'zone-eval-evaluate/evaluate.refused: 1',
  ],
  'an evaluate message fails': ['zone-eval-evaluate/evaluate.failed: 1'],
  'a reconcile poll finds an evaluation 16 minutes behind': [
    'zone-eval-reconcile/evaluation.unscored-seconds: 960',
    'zone-eval-reconcile/reconcile.done: 1',
  ],
  // Drive failed: how far behind the evaluation is was published before the listing, from the store alone.
  'a reconcile poll fails': [
    'zone-eval-reconcile/evaluation.unscored-seconds: 960',
    'zone-eval-reconcile/reconcile.failed: 1',
  ],
};

describe('each path emits its metrics, under its function, and flushes them', () => {
  test.each(METRIC_PATHS.map((p) => [p.name, p] as const))('%s', async (name, path) => {
    const m = new MemoryMetrics();
    await path.run(m);
    expect(recorded(m)).toEqual(expected[name]);
    if (!name.startsWith('Google')) expect(m.flushCount).toBeGreaterThan(0);
  });
});

test('every metric of the table is emitted by a path, under every function the table names', async () => {
  const emitted = new Set([...(await runMetricPaths()).values()].flatMap((m) => m.emitted()));
  const owed = METRIC_NAMES.flatMap((name) => METRICS[name].emittedBy.map((fn) => `zone-eval-${fn}/${name}`));
  expect(owed.filter((pair) => !emitted.has(pair))).toEqual([]);
  expect([...emitted].filter((pair) => !owed.includes(pair))).toEqual([]);
});

test('the sync hands the signal time on to the evaluate message it sends', async () => {
  mocked.syncSheet.mockResolvedValueOnce({
    status: 'synced',
    requested: 1,
    zoneId: 'hangzhou',
    revision: 4,
    superseded: false,
    feedbackWritten: false,
    problems: 0,
    refusedCells: 0,
    evaluationRequested: 9,
  });
  const sent: Sent[] = [];
  const signalledAt = '2026-11-28T05:59:30.000Z';
  await syncHandler(
    new MemoryMetrics(),
    sent,
  )({
    Records: [
      sqsRecord({
        evaluationId: 'e2026',
        spreadsheetId: 'sheet1',
        requested: 1,
        caller: 'trigger',
        kind: 'zone',
        signalledAt,
      }),
    ],
  });
  expect(sent.map((s) => [s.queue, JSON.parse(s.body).signalledAt])).toEqual([['evaluate', signalledAt]]);
});

test('a run that is not written to the results sheet measures no edit-to-publish', async () => {
  const m = new MemoryMetrics();
  for (const publish of ['signed-off', 'no-results-sheet', 'superseded'] as const) {
    mocked.evaluateRun.mockResolvedValueOnce({
      status: 'scored',
      requested: 9,
      run: 3,
      inputHash: 'h',
      publish,
      requests: 0,
    });
    await evaluateHandler(m)({
      Records: [
        sqsRecord({ evaluationId: 'e2026', requested: 9, caller: 'trigger', signalledAt: NOW.toISOString() }),
      ],
    });
  }
  expect(m.get('evaluate.scored')).toBe(3);
  expect(m.values('edit-to-publish')).toEqual([]);
});

test('every 429 counts, the last one that gives up too', async () => {
  const m = new MemoryMetrics();
  const caller = new ApiCaller({
    pace: false,
    retry: { maxAttempts: 3 },
    clock: { now: () => 0, sleep: async () => {} },
    ...countRateLimited(m.for('zone-eval-sync')),
  });
  await expect(
    caller.call({ name: 'spreadsheets.get', kind: 'sheets.read' }, async () => ({ status: 429, data: null })),
  ).rejects.toThrow();
  expect(m.get('sheets.429')).toBe(3);
});

describe('the rate limiter', () => {
  test('lets a burst through, then refills at its rate', () => {
    const limiter = new RateLimiter(10, 20);
    const t = 1_000_000;
    expect(Array.from({ length: 25 }, () => limiter.take(t)).filter(Boolean)).toHaveLength(20);
    expect(limiter.take(t + 50)).toBe(false);
    expect(limiter.take(t + 100)).toBe(true);
    expect(limiter.take(t + 100)).toBe(false);
    expect(Array.from({ length: 30 }, () => limiter.take(t + 60_000)).filter(Boolean)).toHaveLength(20);
  });

  test('refuses a rate that would never let anything through', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});

describe('the Powertools adapter', () => {
  /** The embedded-metric-format lines Powertools writes while `act` runs. */
  function emfLines(act: () => void): Record<string, unknown>[] {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      act();
    } finally {
      spy.mockRestore();
    }
    return lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('_aws'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  test('publishes each metric in its table unit, with the service dimension, in one line per flush', () => {
    const lines = emfLines(() => {
      const counters = powertoolsCounters('zone-eval-evaluate');
      counters.add('evaluate.scored');
      counters.add('edit-to-publish', 12.5);
      counters.flush();
    });
    expect(lines).toHaveLength(1);
    const line = lines[0] as {
      _aws: {
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string; Unit: string }[];
        }[];
      };
      service: string;
      'evaluate.scored': number;
      'edit-to-publish': number;
    };
    const [directive] = line._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(line.service).toBe('zone-eval-evaluate');
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'evaluate.scored', Unit: 'Count' },
        { Name: 'edit-to-publish', Unit: 'Seconds' },
      ]),
    );
    expect(line['edit-to-publish']).toBe(12.5);
  });

  test('writes nothing when nothing was added (a refused call costs no metric line)', () => {
    expect(emfLines(() => powertoolsCounters('zone-eval-webhook').flush())).toEqual([]);
  });
});
