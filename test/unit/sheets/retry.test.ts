import { createGoogleClients } from '../../../lib/sheets/client';
import {
  DeadlineError,
  QuotaExhaustedError,
  SheetsUnavailableError,
  SpreadsheetAccessError,
  SpreadsheetNotFoundError,
} from '../../../lib/sheets/errors';
import {
  ApiCaller,
  backoffDelay,
  DEFAULT_PACE,
  DEFAULT_RETRY,
  minTotalBackoffMs,
  Pacer,
  shareOf,
} from '../../../lib/sheets/retry';
import { fakeClock } from './helpers';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script and records each request's method and URL: no network. */
function fakeFetch(script: Reply[]) {
  const requests: { method: string; url: string }[] = [];
  const fetchImplementation = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    requests.push({ method: init?.method ?? 'GET', url: String(input) });
    const next = script.length > 1 ? script.shift()! : script[0]!;
    if (next instanceof Error) throw next;
    return new Response(JSON.stringify(next.body ?? {}), {
      status: next.status,
      headers: { 'content-type': 'application/json', ...next.headers },
    });
  };
  return { requests, fetchImplementation: fetchImplementation as typeof fetch };
}

const quota = {
  status: 429,
  body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } },
};
const unavailable = {
  status: 503,
  body: { error: { code: 503, message: 'unavailable', status: 'UNAVAILABLE' } },
};
const ok = (body: unknown = { spreadsheetId: 's1' }) => ({ status: 200, body });

function clients(script: Reply[], maxAttempts = DEFAULT_RETRY.maxAttempts) {
  const fake = fakeFetch(script);
  const clock = fakeClock();
  const c = createGoogleClients({
    credentials: { kind: 'bearer', token: 'test@example.com' },
    rootUrl: 'http://sheets.test/',
    fetchImplementation: fake.fetchImplementation,
    calls: { clock, pace: false, retry: { maxAttempts, random: () => 0.5 } },
  });
  return { ...c, ...fake, clock };
}

const batchUpdate = (c: ReturnType<typeof clients>) =>
  c.calls.call({ name: 'sheets.spreadsheets.batchUpdate', kind: 'sheets.write', fileId: 's1' }, () =>
    c.sheets.spreadsheets.batchUpdate({ spreadsheetId: 's1', requestBody: { requests: [] } }),
  );
const get = (c: ReturnType<typeof clients>) =>
  c.calls.call({ name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: 's1' }, () =>
    c.sheets.spreadsheets.get({ spreadsheetId: 's1' }),
  );

describe('backoff', () => {
  test('doubles per retry, with jitter in the upper half, up to the cap', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 8000 };

    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, { ...policy, random: () => 0 }))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect(backoffDelay(2, { ...policy, random: () => 0.999999 })).toBe(4000);
  });
});

describe('the default retry budget outlasts a quota window', () => {
  // Sheets quotas are per minute and "refilled every minute" (Sheets API: Usage limits); a caller that gives up
  // sooner turns a used-up window into a failed sync.
  test('the least total backoff before giving up is at least a minute', () => {
    expect(minTotalBackoffMs(DEFAULT_RETRY)).toBeGreaterThanOrEqual(60_000);
  });

  test('a 429 that never ends is given up on only after a minute of waiting, with every jitter at its lowest', async () => {
    const fake = fakeFetch([quota]);
    const clock = fakeClock();
    const c = createGoogleClients({
      credentials: { kind: 'bearer', token: 'test@example.com' },
      rootUrl: 'http://sheets.test/',
      fetchImplementation: fake.fetchImplementation,
      calls: { clock, pace: false, retry: { random: () => 0 } },
    });

    const err = await c.calls
      .call({ name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: 's1' }, () =>
        c.sheets.spreadsheets.get({ spreadsheetId: 's1' }),
      )
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(fake.requests).toHaveLength(DEFAULT_RETRY.maxAttempts);
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
  });
});

describe('pacing under a quota shared by concurrent instances', () => {
  test('shareOf divides every limit by the number of instances, rounding down', () => {
    expect(shareOf(4)).toEqual({
      'sheets.read': { limit: 13, windowMs: 60_000 },
      'sheets.write': { limit: 13, windowMs: 60_000 },
      drive: { limit: 150, windowMs: 60_000 },
    });
    expect(shareOf(1)).toEqual(DEFAULT_PACE);
  });

  test('each instance keeps at least one call a window, and a concurrency that is not a count is refused', () => {
    expect(shareOf(100)['sheets.read']).toEqual({ limit: 1, windowMs: 60_000 });
    expect(() => shareOf(0)).toThrow(RangeError);
    expect(() => shareOf(2.5)).toThrow(RangeError);
  });

  test('five instances pacing at their share start no more than the quota in a minute between them', async () => {
    const clock = fakeClock(1_000_000);
    const share = shareOf(5, { 'sheets.read': { limit: 55, windowMs: 60_000 } });
    const pacers = Array.from({ length: 5 }, () => new Pacer(share, clock));
    let started = 0;

    // Each instance takes what its pacer lets through without waiting: together, one window's worth.
    for (const p of pacers)
      while (p.inWindow('sheets.read') < share['sheets.read']!.limit) {
        await p.acquire('sheets.read');
        started++;
      }

    expect(started).toBe(55);
    expect(clock.waits).toEqual([]);
  });
});

describe('a call that must not be sent twice (idempotent: false)', () => {
  const create = (c: ReturnType<typeof clients>, recover?: () => Promise<{ id: string } | undefined>) =>
    c.calls.call(
      { name: 'drive.files.create', kind: 'drive', idempotent: false },
      async () => (await c.drive.files.create({ requestBody: { name: 'x' } })).data as { id: string },
      recover,
    );

  test('a 503 is not sent again without a way to find what it may have made', async () => {
    const c = clients([unavailable, ok({ id: 'f1' })]);

    await expect(create(c)).rejects.toBeInstanceOf(SheetsUnavailableError);
    expect(c.requests).toHaveLength(1);
  });

  test('a 429 was refused before anything was done, so it is retried', async () => {
    const c = clients([quota, ok({ id: 'f1' })]);

    await expect(create(c)).resolves.toEqual({ id: 'f1' });
    expect(c.requests).toHaveLength(2);
  });

  test('after a lost answer and the backoff, what recover finds is the answer and nothing is sent again', async () => {
    const c = clients([new TypeError('fetch failed'), ok({ id: 'second' })]);
    const looked: number[] = [];

    const res = await create(c, async () => {
      looked.push(c.clock.now());
      return { id: 'first' };
    });

    expect(res).toEqual({ id: 'first' });
    expect(c.requests).toHaveLength(1);
    expect(looked).toEqual([750]);
  });

  test('when recover finds nothing, the call is sent again', async () => {
    const c = clients([unavailable, ok({ id: 'f2' })]);

    const res = await create(c, async () => undefined);

    expect(res).toEqual({ id: 'f2' });
    expect(c.requests).toHaveLength(2);
  });

  test('after the last attempt, recover is still asked before giving up', async () => {
    const c = clients([unavailable], 2);
    let asked = 0;

    const res = await create(c, async () => (++asked === 2 ? { id: 'late' } : undefined));

    expect(res).toEqual({ id: 'late' });
    expect(c.requests).toHaveLength(2);
  });
});

describe('retries through the real Sheets client', () => {
  test('a POST answered 503 twice is retried and succeeds', async () => {
    const c = clients([unavailable, unavailable, ok()]);

    const res = await batchUpdate(c);

    expect(res.data.spreadsheetId).toBe('s1');
    expect(c.requests.map((x) => x.method)).toEqual(['POST', 'POST', 'POST']);
    expect(c.clock.waits).toEqual([750, 1500]);
  });

  test("the client's own retries are off: with one attempt allowed, a GET answered 429 is sent once", async () => {
    const c = clients([quota, ok()], 1);

    await expect(get(c)).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(c.requests).toHaveLength(1);
  });

  test('a 429 that never ends is a QuotaExhaustedError after the last attempt, with the cause kept', async () => {
    const c = clients([quota], 4);

    const err = await batchUpdate(c).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(c.requests).toHaveLength(4);
    expect((err as QuotaExhaustedError).detail).toMatchObject({ status: 429, attempts: 4, fileId: 's1' });
    expect((err as Error).cause).toBeDefined();
  });

  test('a 5xx that never ends is a SheetsUnavailableError', async () => {
    const c = clients([unavailable], 3);

    await expect(get(c)).rejects.toBeInstanceOf(SheetsUnavailableError);
  });

  test('404 and 403 are thrown at once as typed errors', async () => {
    const notFound = clients([
      { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } },
    ]);
    const denied = clients([
      {
        status: 403,
        body: {
          error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
        },
      },
    ]);

    await expect(get(notFound)).rejects.toBeInstanceOf(SpreadsheetNotFoundError);
    await expect(get(denied)).rejects.toBeInstanceOf(SpreadsheetAccessError);
    expect(notFound.requests).toHaveLength(1);
    expect(denied.requests).toHaveLength(1);
  });

  test("Drive's 403 rate limit is retried like a 429", async () => {
    const c = clients([
      {
        status: 403,
        body: { error: { code: 403, message: 'Rate limit', errors: [{ reason: 'userRateLimitExceeded' }] } },
      },
      ok({ files: [] }),
    ]);

    await c.calls.call({ name: 'drive.files.list', kind: 'drive' }, () => c.drive.files.list({}));

    expect(c.requests).toHaveLength(2);
  });

  test('a dropped connection is retried', async () => {
    const c = clients([new TypeError('fetch failed'), ok()]);

    await get(c);

    expect(c.requests).toHaveLength(2);
  });

  test('a Retry-After header lengthens the wait', async () => {
    const c = clients([{ ...quota, headers: { 'retry-after': '20' } }, ok()]);

    await get(c);

    expect(c.clock.waits).toEqual([20_000]);
  });
});

describe('the caller', () => {
  test('never takes a 429 answer for success, even from a transport that accepts any status', async () => {
    const clock = fakeClock();
    const caller = new ApiCaller({ clock, pace: false, retry: { maxAttempts: 3 } });
    let n = 0;

    const result = await caller.call({ name: 'x', kind: 'sheets.read' }, async () => {
      n++;
      return n < 3 ? { status: 429, data: {} } : { status: 200, data: { ok: true } };
    });

    expect(result.data).toEqual({ ok: true });
    expect(n).toBe(3);
  });

  test('rethrows a bug in our own code at once instead of retrying it', async () => {
    const caller = new ApiCaller({ clock: fakeClock(), pace: false });
    let n = 0;

    const err = await caller
      .call({ name: 'x', kind: 'sheets.read' }, async () => {
        n++;
        throw new RangeError('bad index');
      })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RangeError);
    expect(n).toBe(1);
  });

  test('reports each retry', async () => {
    const events: string[] = [];
    const caller = new ApiCaller({
      clock: fakeClock(),
      pace: false,
      onRetry: (e) => events.push(`${e.attempt}:${e.failure.kind}`),
    });
    let n = 0;

    await caller.call({ name: 'x', kind: 'sheets.read' }, async () => {
      if (n++ < 2) throw Object.assign(new Error('busy'), { response: { status: 503 } });
      return 'done';
    });

    expect(events).toEqual(['1:unavailable', '2:unavailable']);
  });
});

describe('pacing', () => {
  test('a full re-sync of 105 reads never starts more than the limit in any minute', async () => {
    const clock = fakeClock(1_000_000);
    const pacer = new Pacer({ 'sheets.read': { limit: 55, windowMs: 60_000 } }, clock);
    const starts: number[] = [];

    for (let i = 0; i < 105; i++) {
      await pacer.acquire('sheets.read');
      starts.push(clock.now());
    }

    for (let i = 0; i + 55 < starts.length; i++)
      expect(starts[i + 55]! - starts[i]!).toBeGreaterThanOrEqual(60_000);
    expect(starts.at(-1)! - starts[0]!).toBe(60_000);
  });

  test('concurrent callers share the limit', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const clock = {
        now: () => Date.now(),
        sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      };
      const pacer = new Pacer({ 'sheets.write': { limit: 3, windowMs: 1000 } }, clock);
      const starts: number[] = [];

      const all = Promise.all(
        Array.from({ length: 7 }, () => pacer.acquire('sheets.write').then(() => starts.push(Date.now()))),
      );
      await jest.advanceTimersByTimeAsync(5000);
      await all;

      expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('reads and writes are paced separately', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(
      { 'sheets.read': { limit: 1, windowMs: 1000 }, 'sheets.write': { limit: 1, windowMs: 1000 } },
      clock,
    );

    await pacer.acquire('sheets.read');
    await pacer.acquire('sheets.write');

    expect(clock.waits).toEqual([]);
  });

  test('every attempt of a retried call is paced', async () => {
    const clock = fakeClock();
    const caller = new ApiCaller({
      clock,
      pace: { 'sheets.read': { limit: 2, windowMs: 60_000 } },
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10, random: () => 0 },
    });
    let n = 0;

    await caller.call({ name: 'x', kind: 'sheets.read' }, async () => {
      if (n++ < 2) throw Object.assign(new Error('quota'), { response: { status: 429 } });
      return 'ok';
    });

    // Two attempts fit the window; the third waits for it to roll over.
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
  });
});

describe("a deadline (a Lambda invocation's remaining time)", () => {
  const timedOut = () =>
    Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

  test('a call whose attempts hang is given up before the deadline, each attempt started in time to end by it', async () => {
    const clock = fakeClock();
    const deadline = 60_000;
    const caller = new ApiCaller({
      clock,
      pace: false,
      retry: { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 16_000, random: () => 0.5 },
      attemptTimeoutMs: 10_000,
      deadline: () => deadline,
    });
    const starts: number[] = [];

    const failure = await caller
      .call({ name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: 's1' }, async () => {
        starts.push(clock.now());
        // Each attempt waits out its whole timeout.
        await clock.sleep(10_000);
        throw timedOut();
      })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeadlineError);
    expect((failure as DeadlineError).transient).toBe(true);
    expect((failure as DeadlineError).cause).toBeInstanceOf(SheetsUnavailableError);
    expect(starts.length).toBeGreaterThan(1);
    expect(starts.length).toBeLessThan(7);
    expect(Math.max(...starts)).toBeLessThanOrEqual(deadline - 10_000);
    expect(clock.now()).toBeLessThanOrEqual(deadline);
  });

  test('a Retry-After wait that would end past the deadline is not begun', async () => {
    const clock = fakeClock();
    const caller = new ApiCaller({
      clock,
      pace: false,
      attemptTimeoutMs: 10_000,
      deadline: () => 40_000,
    });
    let calls = 0;

    const failure = await caller
      .call({ name: 'sheets.values.get', kind: 'sheets.read' }, async () => {
        calls++;
        return { status: 429, headers: new Headers({ 'retry-after': '32' }), data: {} };
      })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeadlineError);
    expect((failure as DeadlineError).cause).toBeInstanceOf(QuotaExhaustedError);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  test('no attempt starts when the time left is shorter than one attempt', async () => {
    const clock = fakeClock(100_000);
    const caller = new ApiCaller({ clock, pace: false, attemptTimeoutMs: 10_000, deadline: () => 105_000 });
    let calls = 0;

    const failure = await caller
      .call({ name: 'sheets.values.get', kind: 'sheets.read' }, async () => {
        calls++;
      })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeadlineError);
    expect((failure as DeadlineError).detail.attempts).toBe(0);
    expect(calls).toBe(0);
  });

  test('a pacing wait that would end past the deadline is not begun, and takes no slot', async () => {
    const clock = fakeClock();
    const caller = new ApiCaller({
      clock,
      pace: { 'sheets.read': { limit: 1, windowMs: 60_000 } },
      attemptTimeoutMs: 10_000,
      deadline: () => 30_000,
    });
    const read = () => caller.call({ name: 'sheets.values.get', kind: 'sheets.read' }, async () => 'ok');

    await read();
    const failure = await read().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeadlineError);
    expect(clock.waits).toEqual([]);
    expect(caller.pacer?.inWindow('sheets.read')).toBe(1);
  });

  test('the deadline is read at each call: with none, the retries run their course', async () => {
    const clock = fakeClock();
    let deadline: number | undefined = 1;
    const caller = new ApiCaller({
      clock,
      pace: false,
      retry: { maxAttempts: 3 },
      attemptTimeoutMs: 10_000,
      deadline: () => deadline,
    });
    const op = { name: 'sheets.values.get', kind: 'sheets.read' } as const;
    await expect(caller.call(op, async () => 'ok')).rejects.toBeInstanceOf(DeadlineError);

    deadline = undefined;
    let calls = 0;
    const failure = await caller
      .call(op, async () => {
        calls++;
        throw timedOut();
      })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(SheetsUnavailableError);
    expect(calls).toBe(3);
  });

  test('the real client gives up on a hanging transport by the deadline, its HTTP timeout cutting each attempt', async () => {
    const starts: number[] = [];
    // A transport that never answers: only the client's timeout (an abort) ends a request.
    const hanging = ((_input: string | URL | Request, init?: RequestInit) => {
      starts.push(Date.now());
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }) as typeof fetch;
    const start = Date.now();
    const c = createGoogleClients({
      credentials: { kind: 'bearer', token: 'test@example.com' },
      rootUrl: 'http://sheets.test/',
      fetchImplementation: hanging,
      timeoutMs: 100,
      calls: {
        pace: false,
        retry: { maxAttempts: 9, baseDelayMs: 20, maxDelayMs: 40 },
        deadline: () => start + 400,
      },
    });

    const failure = await c.calls
      .call({ name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: 's1' }, () =>
        c.sheets.spreadsheets.get({ spreadsheetId: 's1' }),
      )
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DeadlineError);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    // No attempt began that its 100 ms timeout could carry past the deadline (a few ms pass between the check and
    // the request; how late the timers fire on a busy machine does not matter here).
    for (const t of starts) expect(t - start).toBeLessThanOrEqual(300 + 50);
  });
});
