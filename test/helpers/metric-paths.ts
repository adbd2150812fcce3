/**
 * The handlers' metric paths, each run once with the in-memory recorder: which metric each path emits, under which
 * function's `service`. The stages are stubbed (jest.mock below) so a path is one handler invocation with a chosen
 * outcome; the webhook runs its real signal stage over fakes, and Google's 429 goes through the real retry loop.
 *
 * test/unit/functions/metrics.test.ts checks each path; test/infra/metrics.test.ts checks that every metric an
 * alarm or a dashboard widget reads is emitted by one of them.
 */
import type { SQSRecord } from 'aws-lambda';
import { makeHandler as makeEvaluate } from '../../functions/evaluate';
import { makeHandler as makeReconcile, type ReconcileHandlerDeps } from '../../functions/reconcile';
import { countRateLimited } from '../../functions/shared/observability';
import { makeHandler as makeSync } from '../../functions/sync';
import { makeHandler as makeWebhook } from '../../functions/webhook';
import { evaluateRun } from '../../lib/pipeline/evaluate';
import { silentLogger } from '../../lib/pipeline/log';
import type { MessageQueue, QueueName } from '../../lib/pipeline/messages';
import { MemoryMetrics } from '../../lib/pipeline/metrics';
import type { EvaluationState } from '../../lib/pipeline/ports';
import { RateLimiter } from '../../lib/pipeline/rate-limit';
import { reconcile } from '../../lib/pipeline/reconcile';
import { syncSheet } from '../../lib/pipeline/sync';
import { deriveSheetKey, signalBody, signalHeaders } from '../../lib/protocol/signature';
import { ApiCaller } from '../../lib/sheets/retry';

jest.mock('../../lib/pipeline/sync', () => ({
  ...jest.requireActual('../../lib/pipeline/sync'),
  syncSheet: jest.fn(),
}));
jest.mock('../../lib/pipeline/evaluate', () => ({
  ...jest.requireActual('../../lib/pipeline/evaluate'),
  evaluateRun: jest.fn(),
}));
jest.mock('../../lib/pipeline/reconcile', () => ({
  ...jest.requireActual('../../lib/pipeline/reconcile'),
  reconcile: jest.fn(),
}));

export const mocked = {
  syncSheet: syncSheet as jest.MockedFunction<typeof syncSheet>,
  evaluateRun: evaluateRun as jest.MockedFunction<typeof evaluateRun>,
  reconcile: reconcile as jest.MockedFunction<typeof reconcile>,
};

export const NOW = new Date('2026-11-28T06:00:00.000Z');
const SHEET = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
const MASTER = 'm'.repeat(64);

/** A dependency the path must not touch: any use throws, but of the members `allowed` gives. */
function untouched<T extends object>(what: string, allowed: Partial<T> = {}): T {
  return new Proxy({} as T, {
    get: (_target, key) => {
      if (Object.hasOwn(allowed, key)) return allowed[key as keyof T];
      throw new Error(`${what}.${String(key)} was used`);
    },
  });
}

export type Sent = { queue: QueueName; body: string };
const recordingQueue = (sent: Sent[]): MessageQueue => ({
  async send(queue, _group, _dedupId, body) {
    sent.push({ queue, body });
  },
});

/** An SQS FIFO record as Lambda delivers it. */
export function sqsRecord(body: unknown, group = 'g'): SQSRecord {
  return {
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    receiptHandle: 'rh',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
      MessageDeduplicationId: 'd',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:q.fifo',
    awsRegion: 'eu-west-1',
  };
}

/** A Function URL event (payload 2.0) carrying `body`. */
function urlEvent(method: string, headers: Record<string, string>, body: string) {
  return {
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method }, timeEpoch: NOW.getTime() },
  };
}

function webhook(metrics: MemoryMetrics, limiter?: RateLimiter) {
  const requests: string[] = [];
  const sent: Sent[] = [];
  const handler = makeWebhook({
    signal: {
      store: {
        requestSheet: async (_e, s) => {
          requests.push(s);
          return requests.length;
        },
        findSpreadsheet: async (id) =>
          id === SHEET
            ? { spreadsheetId: SHEET, evaluationId: 'e2026', kind: 'zone', zoneId: 'hangzhou' }
            : null,
      },
      queue: recordingQueue(sent),
      masterSecret: async () => MASTER,
      log: silentLogger,
    },
    log: silentLogger,
    counters: metrics.for('zone-eval-webhook'),
    now: () => NOW,
    ...(limiter && { limiter }),
  });
  /** The status the handler answered. */
  const status = async (event: unknown) => {
    const res = await handler(event);
    return typeof res === 'string' ? 200 : res.statusCode;
  };
  return { handler, status, requests, sent };
}

/** A signal the trigger would send for the zone sheet, signed with its key. */
export function signedEvent() {
  const body = signalBody(SHEET, 'official@hangzhou.example');
  return urlEvent(
    'POST',
    signalHeaders(deriveSheetKey(MASTER, SHEET), Math.floor(NOW.getTime() / 1000), body),
    body,
  );
}

export function syncHandler(metrics: MemoryMetrics, sent: Sent[] = []) {
  return makeSync({
    stage: untouched('sync stage deps'),
    index: untouched('index'),
    queue: recordingQueue(sent),
    log: silentLogger,
    counters: metrics.for('zone-eval-sync'),
    retryDelayMs: 1000,
  });
}

export function evaluateHandler(metrics: MemoryMetrics) {
  return makeEvaluate({
    stage: untouched('evaluate stage deps'),
    log: silentLogger,
    counters: metrics.for('zone-eval-evaluate'),
    retryDelayMs: 1000,
    now: () => NOW,
  });
}

/** The evaluation's state the reconcile paths find: requested 16 minutes ago, not scored since. */
const BEHIND: EvaluationState = {
  evaluationId: 'e2026',
  requested: 9,
  scored: 8,
  lastRunSeq: 3,
  currentRun: 3,
  publishedRun: 3,
  methodologyVersion: 'v1',
  resyncedVersion: 'v1',
  methodologySeq: 1,
  lastRequestAt: null,
  scoredAt: null,
  pendingSince: new Date(NOW.getTime() - 16 * 60_000).toISOString(),
};

export function reconcileHandler(metrics: MemoryMetrics) {
  return makeReconcile({
    // Only the evaluation's state is read by the handler itself; the stage (mocked) gets the rest.
    stage: untouched<ReconcileHandlerDeps['stage']>('reconcile stage deps', {
      store: untouched<ReconcileHandlerDeps['stage']['store']>('reconcile store', {
        getEvaluationState: async () => BEHIND,
      }),
    }),
    files: () => untouched('files'),
    evaluations: [{ evaluationId: 'e2026', folder: 'folder' }],
    log: silentLogger,
    counters: metrics.for('zone-eval-reconcile'),
  });
}

export const scheduledEvent = {
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: NOW.toISOString(),
};

const zoneSync = (refusedCells: number) => ({
  status: 'synced' as const,
  requested: 1,
  zoneId: 'hangzhou',
  revision: 4,
  superseded: false,
  feedbackWritten: true,
  problems: refusedCells,
  refusedCells,
  evaluationRequested: 9,
});

const scored = (publish: 'published' | 'unavailable') => ({
  status: 'scored' as const,
  requested: 9,
  run: 3,
  inputHash: 'h',
  publish,
  requests: 1,
});

/** A path: what it does, and the metrics it leaves behind. */
export type MetricPath = { name: string; run: (metrics: MemoryMetrics) => Promise<void> };

/** Every path that emits a metric, one handler invocation each. */
/** The SQS event of one trigger-signalled sync of the zone sheet. */
const zoneSyncEvent = () => ({
  Records: [
    sqsRecord({ evaluationId: 'e2026', spreadsheetId: SHEET, requested: 1, caller: 'trigger', kind: 'zone' }),
  ],
});

export const METRIC_PATHS: MetricPath[] = [
  {
    name: 'the webhook accepts a signed signal',
    run: async (m) => {
      expect(await webhook(m).status(signedEvent())).toBe(202);
    },
  },
  {
    name: 'the webhook refuses a GET',
    run: async (m) => {
      expect(await webhook(m).status(urlEvent('GET', {}, ''))).toBe(405);
    },
  },
  {
    name: "the webhook throttles a call past its instance's rate, touching nothing",
    run: async (m) => {
      const w = webhook(m, new RateLimiter(1, 1));
      expect(await w.status(signedEvent())).toBe(202);
      expect(await w.status(signedEvent())).toBe(429);
      expect(w.requests).toHaveLength(1);
    },
  },
  {
    name: 'a sync reads a zone sheet with 3 refused cells',
    run: async (m) => {
      mocked.syncSheet.mockResolvedValueOnce(zoneSync(3));
      const res = await syncHandler(m)(zoneSyncEvent());
      expect(res.batchItemFailures).toEqual([]);
    },
  },
  {
    name: 'a sync fails',
    run: async (m) => {
      mocked.syncSheet.mockRejectedValueOnce(new Error('Sheets unavailable'));
      const res = await syncHandler(m)(zoneSyncEvent());
      expect(res.batchItemFailures).toHaveLength(1);
    },
  },
  ...(['sync', 'evaluate'] as const).map((fn) => ({
    name: `Google answers the ${fn} function 429, then 200`,
    run: async (m: MemoryMetrics) => {
      const caller = new ApiCaller({
        pace: false,
        clock: { now: () => 0, sleep: async () => {} },
        ...countRateLimited(m.for(`zone-eval-${fn}`)),
      });
      let calls = 0;
      const out = await caller.call(
        { name: 'spreadsheets.values.batchGet', kind: 'sheets.read' },
        async () => (++calls === 1 ? { status: 429, data: null } : { status: 200, data: 'ok' }),
      );
      expect(out).toEqual({ status: 200, data: 'ok' });
    },
  })),
  {
    name: 'an evaluate message answered 12 s after its signal is scored and published',
    run: async (m) => {
      mocked.evaluateRun.mockResolvedValueOnce(scored('published'));
      const signalledAt = new Date(NOW.getTime() - 12_000).toISOString();
      await evaluateHandler(m)({
        Records: [sqsRecord({ evaluationId: 'e2026', requested: 9, caller: 'trigger', signalledAt })],
      });
    },
  },
  {
    name: 'a run finds the results spreadsheet unavailable',
    run: async (m) => {
      mocked.evaluateRun.mockResolvedValueOnce(scored('unavailable'));
      await evaluateHandler(m)({
        Records: [sqsRecord({ evaluationId: 'e2026', requested: 9, caller: 'trigger' })],
      });
    },
  },
  ...(['coalesced', 'unchanged', 'refused'] as const).map((status) => ({
    name: `an evaluate message is ${status}`,
    run: async (m: MemoryMetrics) => {
      mocked.evaluateRun.mockResolvedValueOnce(
        status === 'coalesced'
          ? { status, requested: 9, scored: 9 }
          : status === 'refused'
            ? { status, requested: 9, reason: 'quotas above the zones' }
            : { status, requested: 9, run: 3, inputHash: 'h', publish: 'already-published', requests: 0 },
      );
      await evaluateHandler(m)({
        Records: [
          sqsRecord({
            evaluationId: 'e2026',
            requested: 9,
            caller: 'trigger',
            signalledAt: NOW.toISOString(),
          }),
        ],
      });
    },
  })),
  {
    name: 'an evaluate message fails',
    run: async (m) => {
      mocked.evaluateRun.mockRejectedValueOnce(new Error('DynamoDB unavailable'));
      const res = await evaluateHandler(m)({
        Records: [sqsRecord({ evaluationId: 'e2026', requested: 9, caller: 'trigger' })],
      });
      expect(res.batchItemFailures).toHaveLength(1);
    },
  },
  {
    name: 'a reconcile poll finds an evaluation 16 minutes behind',
    run: async (m) => {
      mocked.reconcile.mockResolvedValueOnce({
        listed: 0,
        requested: [],
        resent: [],
        evaluationResent: null,
        unlisted: [],
        unscoredSeconds: 960,
      });
      await reconcileHandler(m)(scheduledEvent);
    },
  },
  {
    name: 'a reconcile poll fails',
    run: async (m) => {
      mocked.reconcile.mockRejectedValueOnce(new Error('Drive unavailable'));
      await expect(reconcileHandler(m)(scheduledEvent)).rejects.toThrow(/reconcile failed/);
    },
  },
];

/** Runs every path, each with its own recorder; returns them by path name. */
export async function runMetricPaths(): Promise<Map<string, MemoryMetrics>> {
  const out = new Map<string, MemoryMetrics>();
  for (const path of METRIC_PATHS) {
    const m = new MemoryMetrics();
    await path.run(m);
    out.set(path.name, m);
  }
  return out;
}
