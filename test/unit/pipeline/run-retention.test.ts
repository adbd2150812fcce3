import { silentLogger } from '../../../lib/pipeline/log';
import {
  expireReplacedRuns,
  MAX_EXPIRED_PER_PUBLISH,
  SHOWN_LONG_ENOUGH_MS,
  SUPERSEDED_RUN_DAYS,
} from '../../../lib/pipeline/run-retention';

const now = new Date('2026-03-02T12:00:00.000Z');

/** Records what the policy asks of the store; every run counts as expired unless `refuse` names it. */
function recorder(refuse: number[] = []) {
  const calls: { seq: number; expiresAt: Date; createdAfter: Date }[] = [];
  return {
    calls,
    store: {
      async expireRun(_e: string, seq: number, when: { expiresAt: Date; createdAfter: Date }) {
        calls.push({ seq, ...when });
        return !refuse.includes(seq);
      },
    },
  };
}

test('the run replaced on the sheet and the runs never published since are asked to expire in 35 days if younger than an hour', async () => {
  const { calls, store } = recorder([5]);

  const expired = await expireReplacedRuns(
    store,
    'e',
    { before: 4, published: 7, signedOff: null },
    now,
    silentLogger,
  );

  expect(calls.map((c) => c.seq)).toEqual([6, 5, 4]);
  expect(expired).toEqual([6, 4]);
  expect(SUPERSEDED_RUN_DAYS).toBeGreaterThan(31); // every expiring run lands in a monthly backup first
  for (const c of calls) {
    expect(c.expiresAt.getTime() - now.getTime()).toBe(SUPERSEDED_RUN_DAYS * 86_400_000);
    expect(now.getTime() - c.createdAfter.getTime()).toBe(SHOWN_LONG_ENOUGH_MS);
  }
});

test('the signed-off run is never asked to expire, nor the run just published', async () => {
  const { calls, store } = recorder();

  await expireReplacedRuns(store, 'e', { before: 2, published: 4, signedOff: 3 }, now, silentLogger);

  expect(calls.map((c) => c.seq)).toEqual([2]);
});

test('the first publish looks at the runs before it; a long outage looks at the newest runs only', async () => {
  const first = recorder();
  await expireReplacedRuns(
    first.store,
    'e',
    { before: null, published: 3, signedOff: null },
    now,
    silentLogger,
  );
  expect(first.calls.map((c) => c.seq)).toEqual([2, 1]);

  const outage = recorder();
  await expireReplacedRuns(
    outage.store,
    'e',
    { before: 1, published: 500, signedOff: null },
    now,
    silentLogger,
  );
  expect(outage.calls).toHaveLength(MAX_EXPIRED_PER_PUBLISH);
  expect(outage.calls.at(-1)?.seq).toBe(500 - MAX_EXPIRED_PER_PUBLISH);
});

test('a store failure leaves the runs kept and is logged, never failing the publish', async () => {
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (event: string) => void warnings.push(event) };
  const store = {
    expireRun: async () => {
      throw new Error('throttled');
    },
  };

  await expect(
    expireReplacedRuns(store, 'e', { before: 1, published: 2, signedOff: null }, now, log),
  ).resolves.toEqual([]);
  expect(warnings).toEqual(['evaluate.retention-failed']);
});

test('a store without time to live keeps every run', async () => {
  await expect(
    expireReplacedRuns({}, 'e', { before: 1, published: 2, signedOff: null }, now, silentLogger),
  ).resolves.toEqual([]);
});
