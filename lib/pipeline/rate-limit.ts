/**
 * The webhook's own throttle: a token bucket per instance, checked before anything else (no secret, no store, no
 * queue, no log line of its own: the webhook writes their count as one metric line per instance every 10 s), so a
 * flood of calls past the rate is answered 429 for little more than the price of the invocation.
 *
 * Why in the handler: a Function URL has no throttle setting of its own (CloudFormation's `AWS::Lambda::Url` takes
 * an auth type, CORS and an invoke mode only). Its rate is bounded by the function's concurrency (with N reserved,
 * at most 10 N requests a second), and reserved concurrency is what caps it; but an account must keep
 * 100 executions unreserved, so a new account (limit 10) cannot reserve any and the stack cannot make it the
 * default (`webhookConcurrency` stays opt-in). API Gateway's throttling or CloudFront with a WAF rate rule would
 * put a second paid service in front for a few edits a minute, and Lambda's web functions (whose endpoints take a
 * `rateLimit`, 100 per second at the least) are another programming model. This bucket is free and always on: the
 * store writes, queue sends and Sheets reads a flood (or a replayed signal) can cause are bounded by the rate times
 * the instances running, and refusals take about a millisecond, which keeps those instances few.
 */

/** A token bucket: `ratePerSecond` calls a second on average, bursts up to `burst`. */
export class RateLimiter {
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = Math.max(1, ratePerSecond * 2),
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1))
      throw new RangeError(
        `a rate limit needs a positive rate and a burst of 1 or more, got ${ratePerSecond}/${burst}`,
      );
    this.tokens = burst;
  }

  /** Takes a token at `nowMs` (ms since the epoch); false when the bucket is empty (the call is refused). */
  take(nowMs: number): boolean {
    if (this.last !== undefined && nowMs > this.last)
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.last) / 1000) * this.ratePerSecond);
    if (this.last === undefined || nowMs > this.last) this.last = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Signals a second per webhook instance by default. The loop's own peak is a few a second across all instances (105
 * zones, one signal per change); 10 leaves room for a burst of pasted edits while a flood
 * reaches the store at 10 a second per instance at most.
 */
export const DEFAULT_SIGNALS_PER_SECOND = 10;
