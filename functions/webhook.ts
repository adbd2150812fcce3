/**
 * The webhook Lambda (Function URL): an edit signal from an Apps Script trigger. Verifies it, counts it and queues a
 * sync (lib/pipeline/signal), and answers with a status only: 202 accepted; 400, 401, 404, 405, 413 or 422 refused;
 * 429 past the instance's rate limit (lib/pipeline/rate-limit.ts), checked before anything else. The body of a refusal says nothing more than its status, so the endpoint teaches a prober nothing; the reason is
 * in the log. A system fault (the secret or the table unreachable) is thrown: the Function URL answers 502, and the
 * trigger's next edit (or the reconcile poll) signals again.
 */
import type { LambdaFunctionURLResult } from 'aws-lambda';
import * as z from '../lib/core/zod';
import type { Logger } from '../lib/pipeline/log';
import { RateLimiter } from '../lib/pipeline/rate-limit';
import { acceptSignal, SIGNAL_HTTP_STATUS, type SignalDeps } from '../lib/pipeline/signal';
import { awsQueue } from './shared/aws-queue';
import { secretText } from './shared/aws-secrets';
import { awsStore } from './shared/aws-store';
import { CONFIG_SCHEMAS, type FunctionConfig } from './shared/config';
import { awsObservability, lambdaEntry } from './shared/lambda';
import type { Counters } from './shared/observability';

export type WebhookDeps = {
  signal: SignalDeps;
  log: Logger;
  counters: Counters;
  now?: () => Date;
  /** The instance's throttle (lib/pipeline/rate-limit.ts), checked before anything else; none when absent. */
  limiter?: Pick<RateLimiter, 'take'>;
};

/** The part of a Function URL event (payload 2.0) the webhook reads. */
export const FunctionUrlEventSchema = z.object({
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z.optional(z.string()),
  isBase64Encoded: z._default(z.boolean(), false),
  requestContext: z.looseObject({
    http: z.looseObject({ method: z.string() }),
    /** When the request arrived, ms since the epoch. */
    timeEpoch: z.optional(z.number()),
  }),
});

const REASONS: Record<number, string> = {
  202: 'accepted',
  400: 'bad request',
  401: 'unauthorized',
  404: 'not found',
  405: 'method not allowed',
  413: 'payload too large',
  422: 'unprocessable',
  429: 'too many requests',
};

function answer(statusCode: number): LambdaFunctionURLResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status: REASONS[statusCode] ?? 'refused' }),
  };
}

/**
 * Refusals past the rate limit are counted in the instance and written as one metric line at most this often (and
 * with any other call's line), not one line per refused call: a flood's log bytes stay bounded per instance. What an
 * instance still holds when Lambda retires it (at most this long's refusals) is lost, which a flood alarm can spare.
 */
export const THROTTLED_FLUSH_MS = 10_000;

/** The handler over its dependencies; the local runtime calls it with its own. */
export function makeHandler(deps: WebhookDeps) {
  let throttled = 0;
  let throttledWrittenAt = Number.NEGATIVE_INFINITY;
  /** Writes the metrics, with the refusals past the rate counted since the last line. */
  const flush = (nowMs: number) => {
    if (throttled > 0) {
      deps.counters.add('signal.throttled', throttled);
      throttled = 0;
      throttledWrittenAt = nowMs;
    }
    deps.counters.flush();
  };
  return async (event: unknown): Promise<LambdaFunctionURLResult> => {
    const nowMs = (deps.now?.() ?? new Date()).getTime();
    // Before any parse, secret, store or log line: a flood past the rate costs its invocations and, per instance,
    // a metric line every THROTTLED_FLUSH_MS.
    if (deps.limiter && !deps.limiter.take(nowMs)) {
      throttled++;
      if (nowMs - throttledWrittenAt >= THROTTLED_FLUSH_MS) flush(nowMs);
      return answer(429);
    }
    const parsed = FunctionUrlEventSchema.safeParse(event);
    if (!parsed.success) {
      deps.log.warn('webhook.bad-event', { issues: parsed.error.issues.length });
      deps.counters.add('signal.refused');
      flush(nowMs);
      return answer(400);
    }
    const e = parsed.data;
    if (e.requestContext.http.method.toUpperCase() !== 'POST') {
      deps.counters.add('signal.refused');
      flush(nowMs);
      return answer(405);
    }
    const body = e.isBase64Encoded ? Buffer.from(e.body ?? '', 'base64').toString('utf8') : (e.body ?? '');
    const receivedAt =
      e.requestContext.timeEpoch !== undefined ? new Date(e.requestContext.timeEpoch) : deps.now?.();
    try {
      const outcome = await acceptSignal(deps.signal, {
        headers: e.headers,
        body,
        ...(receivedAt && { receivedAt }),
      });
      const status = SIGNAL_HTTP_STATUS[outcome.status] ?? 400;
      deps.counters.add(outcome.status === 'accepted' ? 'signal.accepted' : 'signal.refused');
      return answer(status);
    } finally {
      flush(nowMs);
    }
  };
}

let webhookDeps: WebhookDeps | undefined;

/**
 * The webhook's adapters on AWS: the store with the index, the sync queue, the trigger master secret (cached). No
 * Google client: a signal never reads a sheet, and the bundle stays small (test/infra/bundles.test.ts).
 */
export async function awsWebhookDeps(config: FunctionConfig<'webhook'>): Promise<WebhookDeps> {
  if (webhookDeps) return webhookDeps;
  const { log, counters } = awsObservability('webhook');
  webhookDeps = {
    log,
    counters,
    limiter: new RateLimiter(config.SIGNALS_PER_SECOND),
    signal: {
      store: awsStore(config),
      queue: awsQueue(config),
      masterSecret: () => secretText(config.TRIGGER_SECRET_ID, config.SECRET_MAX_AGE_SECONDS),
      log,
    },
  };
  return webhookDeps;
}

/** The Lambda entry point: adapters built once per container from the validated configuration. */
export const handler = lambdaEntry('webhook', CONFIG_SCHEMAS.webhook, awsWebhookDeps, makeHandler);
