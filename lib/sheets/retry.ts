/**
 * Retries and pacing for every Google API call. The Google clients retry only idempotent methods by default and
 * without pacing; here every method (POST batchUpdate included) is retried on 429, 5xx and network faults with
 * capped exponential backoff and jitter, and calls are paced so a full re-sync (105 reads) stays under the
 * caller's per-minute quota instead of meeting it as a storm of 429s.
 *
 * Retrying a POST is safe for this project's writes: a Feedback or results write replaces cells with the same
 * content, so applying it twice leaves the sheet as applying it once. (A retried `addSheet` that already succeeded
 * fails as "already exists"; the writer handles that by looking the tab up.) A call that creates something is not:
 * a create whose answer was lost (a timeout, a dropped connection, a 5xx) may have created the file, and sending it
 * again makes a second one. Such calls say `idempotent: false`; they are retried only on a 429 (refused before
 * anything was done), and the caller decides what to do after a fault that may have created it (provisioning looks
 * the file up by its key).
 *
 * The pacer is per process. Google's quota is per user (the service account) across every process using it, so with
 * several concurrent Lambda instances sharing one service account each must pace under its share, `limit /
 * concurrency` (`shareOf`), with the function's reserved concurrency as `concurrency`; otherwise N instances each
 * pacing at the whole quota send N times too much, and the retries below are what absorbs the 429s.
 */
import {
  classifyFailure,
  DeadlineError,
  type FailureClass,
  type FaultDetail,
  isNetworkFailure,
  toSheetsError,
} from './errors';

/** Time, injectable so tests run backoff and pacing without waiting. */
export type Clock = { now(): number; sleep(ms: number): Promise<void> };

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type RetryPolicy = {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Cap of the first backoff; it doubles per attempt. */
  baseDelayMs: number;
  /** Largest single backoff. */
  maxDelayMs: number;
  /** Uniform [0, 1): the jitter source, injectable for tests. */
  random: () => number;
};

/**
 * Google's advice for 429 is truncated exponential backoff up to 32-64 s; Sheets quotas are per minute ("refilled
 * every minute", Sheets API: Usage limits), so the retries must wait out a whole window that was used up. With
 * equal jitter each wait is at least half its cap: caps 1, 2, 4, 8, 16, 32, 32, 32 s over nine attempts wait at
 * least 0.5 + 1 + 2 + 4 + 8 + 16 + 16 + 16 = 63.5 s in all (at most 127 s) before giving up. (Seven attempts waited
 * as little as 31.5 s, half a window.) `minTotalBackoffMs` computes it.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 9,
  baseDelayMs: 1000,
  maxDelayMs: 32_000,
  random: Math.random,
};

/** The least time a policy waits, in all, before its last attempt (every jitter at its lowest). */
export function minTotalBackoffMs(policy: RetryPolicy): number {
  let total = 0;
  for (let retry = 0; retry < policy.maxAttempts - 1; retry++)
    total += backoffDelay(retry, { ...policy, random: () => 0 });
  return total;
}

/**
 * The wait before retry number `retry` (0 for the first retry): "equal jitter", half the capped exponential
 * plus a random half, so waits grow reliably while concurrent callers spread out.
 */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(cap / 2 + policy.random() * (cap / 2));
}

/** A `Retry-After` header in seconds (or an HTTP date), from a gaxios response; undefined when absent. */
export function retryAfterMs(err: unknown, now: number): number | undefined {
  const response = err !== null && typeof err === 'object' && 'response' in err ? err.response : undefined;
  const headers =
    response !== null && typeof response === 'object' && 'headers' in response ? response.headers : undefined;
  let value: unknown;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (headers !== null && typeof headers === 'object' && 'retry-after' in headers)
    value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A limit of `limit` calls in any `windowMs`. */
export type PaceLimit = { limit: number; windowMs: number };

/** The quotas a pacer enforces, by kind of call. */
export type PaceConfig = Partial<Record<PaceKind, PaceLimit>>;

/** Sheets counts reads and writes separately per user; Drive has its own, much larger, quota. */
export type PaceKind = 'sheets.read' | 'sheets.write' | 'drive';

/**
 * Google's default Sheets quota is 60 reads and 60 writes a minute per user. The pacer keeps a margin under it for
 * occasional callers (the admin CLI). It is the budget of one process: with several concurrent instances sharing
 * the service account, give each `shareOf(concurrency)`.
 */
export const DEFAULT_PACE: PaceConfig = {
  'sheets.read': { limit: 55, windowMs: 60_000 },
  'sheets.write': { limit: 55, windowMs: 60_000 },
  drive: { limit: 600, windowMs: 60_000 },
};

/**
 * One process's share of a quota shared by `concurrency` processes using the same service account: each limit
 * divided by `concurrency`, rounded down, at least one call per window. Pass the Lambda's reserved concurrency.
 */
export function shareOf(concurrency: number, pace: PaceConfig = DEFAULT_PACE): PaceConfig {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
  const out: PaceConfig = {};
  for (const [kind, limit] of Object.entries(pace) as [PaceKind, PaceLimit][]) {
    out[kind] = { limit: Math.max(1, Math.floor(limit.limit / concurrency)), windowMs: limit.windowMs };
  }
  return out;
}

/**
 * A sliding-window limiter: at most `limit` calls start in any `windowMs`. Any window of that length holds at most
 * `limit` calls, so Google's fixed per-minute windows never see more than the quota from this process (and only
 * from this process: with several, give each `shareOf(concurrency)`).
 */
export class Pacer {
  private readonly starts = new Map<PaceKind, number[]>();

  constructor(
    private readonly config: PaceConfig,
    private readonly clock: Clock = realClock,
  ) {}

  /**
   * Waits until a call of this kind may start, then records it and answers true. With `latestStart` (a time on the
   * clock), a slot that frees only after it is not waited for: nothing is recorded and the answer is false.
   */
  async acquire(kind: PaceKind, latestStart?: number): Promise<boolean> {
    const limit = this.config[kind];
    if (limit === undefined) return true;
    let list = this.starts.get(kind);
    if (list === undefined) {
      list = [];
      this.starts.set(kind, list);
    }
    for (;;) {
      const now = this.clock.now();
      while (list.length > 0 && list[0]! <= now - limit.windowMs) list.shift();
      if (list.length < limit.limit) {
        list.push(now);
        return true;
      }
      const freeAt = list[0]! + limit.windowMs;
      if (latestStart !== undefined && freeAt > latestStart) return false;
      // Checking again after the wait, because concurrent callers may have taken the freed slot first.
      await this.clock.sleep(freeAt - now);
    }
  }

  /** Calls started in the current window, for tests and logs. */
  inWindow(kind: PaceKind): number {
    const limit = this.config[kind];
    const list = this.starts.get(kind) ?? [];
    if (limit === undefined) return list.length;
    const now = this.clock.now();
    return list.filter((t) => t > now - limit.windowMs).length;
  }
}

/** One attempt that failed and is being retried, for logs and metrics. */
export type RetryEvent = { operation: string; attempt: number; delayMs: number; failure: FailureClass };

export type CallerOptions = {
  retry?: Partial<RetryPolicy>;
  /** Quotas to pace under; `false` for none (seeding the emulator with its quota off). */
  pace?: PaceConfig | false;
  clock?: Clock;
  onRetry?: (event: RetryEvent) => void;
  /** Called for every 429 answer, retried or the last (the handlers count them as the `sheets.429` metric). */
  onRateLimited?: (operation: string) => void;
  /**
   * When every call must have ended (a time on `clock`), read at each attempt; undefined for no limit. No attempt
   * starts that its timeout (`attemptTimeoutMs`) could carry past it, and no pacing or backoff wait is begun that
   * would: the call fails with a `DeadlineError` instead. The Lambda functions set it from the invocation's
   * remaining time, so a call gives up while there is still time to fail the record cleanly.
   */
  deadline?: () => number | undefined;
  /** The longest one attempt can take (the clients' HTTP timeout), which an attempt needs before the deadline. */
  attemptTimeoutMs?: number;
};

/**
 * What is being called: the API method, its quota and the file, for pacing and error messages. `idempotent: false`
 * marks a call that must not be sent twice blindly (a create): after a failure that may have taken effect (5xx,
 * timeout, dropped connection) it is sent again only if `call`'s `recover` finds nothing, and thrown at once
 * without one; a 429 is retried as usual.
 */
export type Operation = { name: string; kind: PaceKind; fileId?: string; idempotent?: boolean };

/** Runs API calls with pacing, retries and typed errors. */
export class ApiCaller {
  readonly policy: RetryPolicy;
  readonly pacer: Pacer | undefined;
  private readonly clock: Clock;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly onRateLimited: ((operation: string) => void) | undefined;
  private readonly deadline: (() => number | undefined) | undefined;
  private readonly attemptTimeoutMs: number;

  constructor(options: CallerOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? realClock;
    this.pacer = options.pace === false ? undefined : new Pacer(options.pace ?? DEFAULT_PACE, this.clock);
    this.onRetry = options.onRetry;
    this.onRateLimited = options.onRateLimited;
    this.deadline = options.deadline;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 0;
  }

  /**
   * Calls `fn` until it succeeds or fails for good; throws a `SheetsError` subclass with the last failure as cause.
   *
   * For an `idempotent: false` operation, `recover` is what makes retrying it safe: after a failure that may have
   * taken effect (5xx, timeout, dropped connection) and the backoff, `recover()` looks for the effect (the file the
   * lost create made); what it finds is the answer, and only when it finds nothing is the call sent again. Without
   * `recover` such a failure is thrown at once.
   */
  async call<T>(op: Operation, fn: () => Promise<T>, recover?: () => Promise<T | undefined>): Promise<T> {
    let last: unknown;
    for (let attempt = 1; ; attempt++) {
      const deadline = this.deadline?.();
      // The last moment an attempt may start and still end (or time out) before the deadline.
      const latestStart = deadline === undefined ? undefined : deadline - this.attemptTimeoutMs;
      const paced = (await this.pacer?.acquire(op.kind, latestStart)) ?? true;
      if (!paced || (latestStart !== undefined && this.clock.now() > latestStart))
        throw new DeadlineError(detailOf(op, attempt - 1), last === undefined ? {} : { cause: last });
      let failure: unknown;
      try {
        const result = await fn();
        // A transport configured to accept any status must still not pass a 429 or a 5xx off as data.
        const status = statusOf(result);
        if (status === undefined || (status >= 200 && status < 300) || status === 304) return result;
        failure = Object.assign(new Error(`HTTP ${status}`), { response: result, status });
      } catch (err) {
        failure = err;
      }
      const cls = classifyFailure(failure);
      if (cls.kind === 'rate-limit') this.onRateLimited?.(op.name);
      if (cls.kind === 'unavailable' && cls.status === undefined && !isNetworkFailure(failure)) {
        // A bug in our code (a TypeError, a zod error) is not a network fault: rethrow it as it is.
        throw failure;
      }
      const detail = detailOf(op, attempt);
      // A 429 was refused before anything was done; a 5xx or a lost answer may have done it.
      const mayHaveHappened = cls.kind === 'unavailable' && op.idempotent === false;
      const retriable =
        cls.kind === 'rate-limit' ||
        (cls.kind === 'unavailable' && (!mayHaveHappened || recover !== undefined));
      if (!retriable || attempt >= this.policy.maxAttempts) {
        if (mayHaveHappened && recover !== undefined) {
          const found = await recover();
          if (found !== undefined) return found;
        }
        throw toSheetsError(failure, cls, detail);
      }
      const backoff = backoffDelay(attempt - 1, this.policy);
      const hinted = retryAfterMs(failure, this.clock.now());
      const delayMs =
        hinted === undefined ? backoff : Math.min(Math.max(hinted, backoff), this.policy.maxDelayMs * 2);
      // A wait that would end too late for another attempt: give up now, while the caller has time to fail.
      if (latestStart !== undefined && this.clock.now() + delayMs > latestStart) {
        if (mayHaveHappened && recover !== undefined) {
          const found = await recover();
          if (found !== undefined) return found;
        }
        throw new DeadlineError(detail, { cause: toSheetsError(failure, cls, detail) });
      }
      last = toSheetsError(failure, cls, detail);
      this.onRetry?.({ operation: op.name, attempt, delayMs, failure: cls });
      await this.clock.sleep(delayMs);
      if (mayHaveHappened && recover !== undefined) {
        const found = await recover();
        if (found !== undefined) return found;
      }
    }
  }
}

function detailOf(op: Operation, attempts: number): FaultDetail {
  return op.fileId === undefined
    ? { operation: op.name, attempts }
    : { operation: op.name, fileId: op.fileId, attempts };
}

function statusOf(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object' || !('status' in result)) return undefined;
  return typeof result.status === 'number' ? result.status : undefined;
}
