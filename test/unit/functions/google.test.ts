/**
 * The Lambda side of Google's calls: the test-only root URL (local addresses only) and the deadline each invocation
 * gives the caller, from its Lambda context.
 */
import * as z from 'zod';
import {
  GOOGLE_ROOT_URL_SETTING,
  googleRootUrl,
  LAMBDA_GOOGLE_RESERVE_MS,
  lambdaGoogleDeadline,
  SYNC_GOOGLE_BUDGET_MS,
} from '../../../functions/shared/google';
import { invocationDeadline, invocationStart, lambdaEntry } from '../../../functions/shared/lambda';

describe('the test-only Google root URL', () => {
  test('unset or empty, Google is called', () => {
    expect(googleRootUrl({})).toBeUndefined();
    expect(googleRootUrl({ [GOOGLE_ROOT_URL_SETTING]: '' })).toBeUndefined();
  });

  test('a loopback emulator address is taken, as a base URL ending in a slash', () => {
    expect(googleRootUrl({ [GOOGLE_ROOT_URL_SETTING]: 'http://127.0.0.1:8085' })).toBe(
      'http://127.0.0.1:8085/',
    );
    expect(googleRootUrl({ [GOOGLE_ROOT_URL_SETTING]: 'http://localhost:9/' })).toBe('http://localhost:9/');
  });

  test.each([
    'https://sheets.googleapis.com/',
    'http://10.0.0.7:8085/',
    'http://127.0.0.1.example.org/',
    'not a url',
  ])(
    '%s is refused, naming the setting: a signed grant must not go anywhere but a local emulator',
    (value) => {
      expect(() => googleRootUrl({ [GOOGLE_ROOT_URL_SETTING]: value })).toThrow(
        new RegExp(`${GOOGLE_ROOT_URL_SETTING} is for tests against a local emulator`),
      );
    },
  );
});

describe("the invocation's deadline", () => {
  const entry = lambdaEntry(
    'webhook',
    z.object({}),
    async () => ({}),
    () => async () => ({ deadline: invocationDeadline(), google: lambdaGoogleDeadline() }),
  );

  test("comes from the Lambda context's remaining time, and Google's calls keep the reserve before it", async () => {
    const before = Date.now();
    const seen = await entry({}, { getRemainingTimeInMillis: () => 60_000 });
    const after = Date.now();

    expect(seen.deadline).toBeGreaterThanOrEqual(before + 60_000);
    expect(seen.deadline).toBeLessThanOrEqual(after + 60_000);
    expect(seen.google).toBe((seen.deadline ?? 0) - LAMBDA_GOOGLE_RESERVE_MS);
  });

  test('is set afresh by each invocation, and none without a context (the local runtime, tests)', async () => {
    await entry({}, { getRemainingTimeInMillis: () => 60_000 });

    expect(await entry({})).toEqual({ deadline: undefined, google: undefined });
  });

  describe("a sync invocation's Google budget", () => {
    const sync = lambdaEntry(
      'sync',
      z.object({}),
      async () => ({}),
      () => async () => ({
        started: invocationStart(),
        deadline: invocationDeadline(),
        google: lambdaGoogleDeadline(SYNC_GOOGLE_BUDGET_MS),
      }),
    );

    test('with the 3-minute timeout, Google is retried for a minute from the start, not until the reserve', async () => {
      const seen = await sync({}, { getRemainingTimeInMillis: () => 180_000 });

      expect(SYNC_GOOGLE_BUDGET_MS).toBe(60_000);
      expect(seen.started).toBeDefined();
      expect(seen.google).toBe((seen.started ?? 0) + 60_000);
      expect(seen.google).toBeLessThan((seen.deadline ?? 0) - LAMBDA_GOOGLE_RESERVE_MS);
    });

    test('with less time left than the budget, the reserve before the timeout still decides', async () => {
      const seen = await sync({}, { getRemainingTimeInMillis: () => 40_000 });

      expect(seen.google).toBe((seen.deadline ?? 0) - LAMBDA_GOOGLE_RESERVE_MS);
    });

    test('outside Lambda there is no deadline, budget or not', async () => {
      expect(await sync({})).toEqual({ started: undefined, deadline: undefined, google: undefined });
    });
  });
});
