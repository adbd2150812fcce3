/**
 * What a flood past the webhook's rate limit writes: the refusals are counted in the instance and written as one
 * metric line every THROTTLED_FLUSH_MS (or with the next other call's line), never a line per refused call.
 */
import type { Counters } from '../../../functions/shared/observability';
import { makeHandler, THROTTLED_FLUSH_MS } from '../../../functions/webhook';
import { silentLogger } from '../../../lib/pipeline/log';
import type { MetricName } from '../../../lib/pipeline/metrics';

const T0 = Date.parse('2026-11-28T08:00:00.000Z');

/** Counters that keep each flush's additions as one line, as Powertools writes one EMF line per flush. */
function lineCounters() {
  const lines: Partial<Record<MetricName, number>>[] = [];
  let pending: Partial<Record<MetricName, number>> = {};
  const counters: Counters = {
    add: (name, value = 1) => {
      pending[name] = (pending[name] ?? 0) + value;
    },
    flush: () => {
      if (Object.keys(pending).length === 0) return;
      lines.push(pending);
      pending = {};
    },
  };
  return { counters, lines };
}

function harness(refuse: () => boolean) {
  let now = T0;
  const { counters, lines } = lineCounters();
  const handler = makeHandler({
    signal: {
      store: {
        requestSheet: async () => {
          throw new Error('a refused call must not reach the store');
        },
        findSpreadsheet: async () => null,
      },
      queue: {
        send: async () => {
          throw new Error('a refused call must not reach the queue');
        },
      },
      masterSecret: async () => 'm'.repeat(64),
      log: silentLogger,
    },
    log: silentLogger,
    counters,
    now: () => new Date(now),
    limiter: { take: () => !refuse() },
  });
  return {
    lines,
    at: (ms: number) => {
      now = T0 + ms;
    },
    call: async (event: unknown = { requestContext: { http: { method: 'POST' } } }) => {
      const res = await handler(event);
      return typeof res === 'string' ? 200 : res.statusCode;
    },
  };
}

describe("the webhook's refusals past its rate limit", () => {
  test('a flood of 1,000 calls in 5 seconds writes one metric line, counting the first refusal', async () => {
    const h = harness(() => true);
    for (let i = 0; i < 1000; i++) {
      h.at(i * 5);
      expect(await h.call()).toBe(429);
    }
    expect(h.lines).toEqual([{ 'signal.throttled': 1 }]);
  });

  test('the refusals counted since the last line are written THROTTLED_FLUSH_MS later, every one of them', async () => {
    const h = harness(() => true);
    let calls = 0;
    for (let ms = 0; ms <= 2 * THROTTLED_FLUSH_MS; ms += 100) {
      h.at(ms);
      await h.call();
      calls++;
    }
    expect(h.lines).toEqual([
      { 'signal.throttled': 1 },
      { 'signal.throttled': THROTTLED_FLUSH_MS / 100 },
      { 'signal.throttled': THROTTLED_FLUSH_MS / 100 },
    ]);
    expect(h.lines.reduce((n, l) => n + (l['signal.throttled'] ?? 0), 0)).toBe(calls);
  });

  test("refusals still held are written with the next other call's line, not lost", async () => {
    let refusing = true;
    const h = harness(() => refusing);
    h.at(0);
    await h.call();
    for (let i = 1; i <= 7; i++) {
      h.at(i);
      await h.call();
    }
    refusing = false;
    h.at(8);
    // A GET passes the limiter and is refused for its method: its line carries the 7 held refusals.
    expect(await h.call({ requestContext: { http: { method: 'GET' } } })).toBe(405);
    expect(h.lines).toEqual([{ 'signal.throttled': 1 }, { 'signal.refused': 1, 'signal.throttled': 7 }]);
  });
});
