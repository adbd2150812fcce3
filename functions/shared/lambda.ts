/**
 * What every Lambda entry point shares and nothing more: the configuration read at cold start, the handler made
 * again only when its adapters change, and the function's logger and metrics. The adapters themselves live one
 * concern a file (`aws-store`, `aws-queue`, `aws-secrets`, `google`), so a function bundles only the clients it
 * uses: the webhook has no Google client, the evaluate function no SQS sender (README, "Bundles").
 *
 * `lambdaEntry` reads the configuration at module load inside Lambda, so a missing setting fails the cold start
 * with its name; imported anywhere else (the local runtime, tests) nothing is read until the handler is called.
 */
import type { Context } from 'aws-lambda';
import type * as z from '../../lib/core/zod';
import type { Logger } from '../../lib/pipeline/log';
import { type FunctionName, loadConfig } from './config';
import { type Counters, functionLogger, pipelineLogger, powertoolsCounters } from './observability';

/** A value made on first use and kept for the container's life. */
export const once = <T>(make: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
};

/**
 * When the running invocation times out (epoch ms), from its Lambda context; undefined outside Lambda. A container
 * runs one invocation at a time, so one value serves: Google's caller reads it to stop retrying in time.
 */
let deadline: number | undefined;
export const invocationDeadline = (): number | undefined => deadline;

/** When the running invocation started (epoch ms), from the same context; undefined outside Lambda. */
let started: number | undefined;
export const invocationStart = (): number | undefined => started;

const observability = new Map<FunctionName, { log: Logger; counters: Counters }>();

/**
 * Logger (pipeline port over Powertools) and Powertools metrics for a function, one pair per container: the Google
 * clients' 429 hook (`countRateLimited`) and the handler add to the same metrics, which the handler flushes.
 */
export function awsObservability(name: FunctionName): { log: Logger; counters: Counters } {
  let made = observability.get(name);
  if (!made) {
    const service = `zone-eval-${name}`;
    made = { log: pipelineLogger(functionLogger(service)), counters: powertoolsCounters(service) };
    observability.set(name, made);
  }
  return made;
}

/**
 * A Lambda entry point: the configuration is read at cold start (in Lambda, at module load), the dependencies are
 * built by `build` (cheap once cached), and the handler is made again only when they change (a rotated secret).
 */
export function lambdaEntry<S extends z.core.$ZodType, D, R>(
  name: FunctionName,
  schema: S,
  build: (config: z.output<S>) => Promise<D>,
  make: (deps: D) => (event: unknown) => Promise<R>,
): (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<R> {
  const config = once(() => loadConfig(name, schema));
  if (process.env['AWS_LAMBDA_FUNCTION_NAME']) config();
  let cached: { deps: D; handler: (event: unknown) => Promise<R> } | undefined;
  return async (event, context) => {
    const now = Date.now();
    started = context ? now : undefined;
    deadline = context ? now + context.getRemainingTimeInMillis() : undefined;
    const deps = await build(config());
    if (cached?.deps !== deps) cached = { deps, handler: make(deps) };
    return cached.handler(event);
  };
}
