/**
 * Retries and pacing for every Google API call. The Google clients retry only idempotent methods by default and
 * without pacing; here every method (POST batchUpdate included) is retried on 429, 5xx and network faults with
 * capped exponential backoff and jitter, and calls are paced so a full re-sync (105 reads) stays under the
 * caller's per-minute quota instead of meeting it as a storm of 429s.
 *
 * Retrying a POST is safe for this project's writes: a Feedback or results write replaces cells with the same
 * content, so applying it twice leaves the sheet as applying it once. (A retried `addSheet` that already succeeded
 * fails as "already exists"; the writer handles that by looking the tab up.)
 */
import { classifyFailure, type FailureClass, isNetworkFailure, toSheetsError } from './errors';

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
 * Google's advice for 429 is truncated exponential backoff up to 32-64 s; quotas refill each minute, so seven
 * attempts (about a minute of waiting in all) outlast a window that was used up.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 7,
  baseDelayMs: 1000,
  maxDelayMs: 32_000,
  random: Math.random,
};

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
 * Google's default Sheets quota is 60 reads and 60 writes a minute per user. The pacer keeps a margin under it
 * because other callers (the admin CLI, a second Lambda instance warming up) share the same service account.
 */
export const DEFAULT_PACE: PaceConfig = {
  'sheets.read': { limit: 55, windowMs: 60_000 },
  'sheets.write': { limit: 55, windowMs: 60_000 },
  drive: { limit: 600, windowMs: 60_000 },
};

/**
 * A sliding-window limiter: at most `limit` calls start in any `windowMs`. Any window of that length holds at most
 * `limit` calls, so Google's fixed per-minute windows never see more than the quota from this process.
 */
export class Pacer {
  private readonly starts = new Map<PaceKind, number[]>();

  constructor(
    private readonly config: PaceConfig,
    private readonly clock: Clock = realClock,
  ) {}

  /** Waits until a call of this kind may start, then records it. */
  async acquire(kind: PaceKind): Promise<void> {
    const limit = this.config[kind];
    if (limit === undefined) return;
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
        return;
      }
      // Checking again after the wait, because concurrent callers may have taken the freed slot first.
      await this.clock.sleep(list[0]! + limit.windowMs - now);
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
};

/** What is being called: the API method, its quota and the file, for pacing and error messages. */
export type Operation = { name: string; kind: PaceKind; fileId?: string };

/** Runs API calls with pacing, retries and typed errors. */
export class ApiCaller {
  readonly policy: RetryPolicy;
  readonly pacer: Pacer | undefined;
  private readonly clock: Clock;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  constructor(options: CallerOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? realClock;
    this.pacer = options.pace === false ? undefined : new Pacer(options.pace ?? DEFAULT_PACE, this.clock);
    this.onRetry = options.onRetry;
  }

  /** Calls `fn` until it succeeds or fails for good; throws a `SheetsError` subclass with the last failure as cause. */
  async call<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.pacer?.acquire(op.kind);
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
      if (cls.kind === 'unavailable' && cls.status === undefined && !isNetworkFailure(failure)) {
        // A bug in our code (a TypeError, a zod error) is not a network fault: rethrow it as it is.
        throw failure;
      }
      const detail =
        op.fileId === undefined
          ? { operation: op.name, attempts: attempt }
          : { operation: op.name, fileId: op.fileId, attempts: attempt };
      const retriable = cls.kind === 'rate-limit' || cls.kind === 'unavailable';
      if (!retriable || attempt >= this.policy.maxAttempts) throw toSheetsError(failure, cls, detail);
      const backoff = backoffDelay(attempt - 1, this.policy);
      const hinted = retryAfterMs(failure, this.clock.now());
      const delayMs =
        hinted === undefined ? backoff : Math.min(Math.max(hinted, backoff), this.policy.maxDelayMs * 2);
      this.onRetry?.({ operation: op.name, attempt, delayMs, failure: cls });
      await this.clock.sleep(delayMs);
    }
  }
}

function statusOf(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object' || !('status' in result)) return undefined;
  return typeof result.status === 'number' ? result.status : undefined;
}
