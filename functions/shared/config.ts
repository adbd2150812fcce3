/**
 * The handlers' configuration: one zod schema over the environment, read once per container. A missing or malformed
 * setting fails the cold start with its name and what it should hold; there are no silent defaults for names of
 * resources (tables, queues, secrets), only for tuning numbers. Secrets are never in the environment: the settings
 * name them, and they are fetched from Secrets Manager (see `aws.ts`).
 */
import * as z from '../../lib/core/zod';
import { DEFAULT_SIGNALS_PER_SECOND } from '../../lib/pipeline/rate-limit';

/** What each setting holds, for the error message. */
const HOLDS = {
  TABLE_NAME: 'the DynamoDB table name',
  SYNC_QUEUE_URL: 'the sync FIFO queue URL',
  EVALUATE_QUEUE_URL: 'the evaluate FIFO queue URL',
  GOOGLE_SECRET_ID: 'the Secrets Manager id of the Google credentials (service-account key or WIF config)',
  TRIGGER_SECRET_ID: 'the Secrets Manager id of the trigger master secret',
  EVALUATIONS:
    'the evaluations the reconcile poll covers, as evaluationId=folderId@sharedDriveId, comma-separated',
  AWS_REGION: 'the AWS region (Lambda sets it)',
  SECRET_MAX_AGE_SECONDS: 'seconds a fetched secret is cached',
  SHEETS_CONCURRENCY: 'the reserved concurrency of the functions calling Google',
  RETRY_DELAY_SECONDS: 'seconds before a failed message comes back',
  SIGNALS_PER_SECOND:
    "signals a second one webhook instance accepts before answering 429 (the stage's webhookSignalsPerSecond)",
} as const;

const fifoUrl = z
  .url()
  .check(z.refine((u) => u.endsWith('.fifo'), 'must be the URL of a FIFO queue (ending in .fifo)'));

/** One entry of `EVALUATIONS`: `evaluationId=folderId@sharedDriveId`, the shared drive optional. */
const evaluationEntry = z.pipe(
  z
    .string()
    .check(
      z.regex(/^[^=@\s]+=[^=@\s]+(@[^=@\s]+)?$/, 'each entry must read evaluationId=folderId@sharedDriveId'),
    ),
  z.transform((x: string) => {
    const [evaluationId = '', place = ''] = x.split('=');
    const [folder = '', driveId] = place.split('@');
    return { evaluationId, folder, ...(driveId && { driveId }) };
  }),
);

/** A whole number from an environment variable (text), within bounds, with its tuning default. */
const tuning = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), fallback);

const all = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  SYNC_QUEUE_URL: fifoUrl,
  EVALUATE_QUEUE_URL: fifoUrl,
  GOOGLE_SECRET_ID: z.string().check(z.minLength(1)),
  TRIGGER_SECRET_ID: z.string().check(z.minLength(1)),
  EVALUATIONS: z.pipe(
    z.pipe(
      z.string(),
      z.transform((s: string) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ),
    z.array(evaluationEntry).check(z.minLength(1, 'must name at least one evaluation')),
  ),
  AWS_REGION: z.string().check(z.minLength(1)),
  /** A rotated secret takes effect within this time. */
  SECRET_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 300),
  /** Each instance paces Google calls under its share of the service account's quota (`shareOf`). */
  SHEETS_CONCURRENCY: tuning(1, 50, 3),
  /** Doubling per receive, capped at 8 times this. */
  RETRY_DELAY_SECONDS: tuning(0, 900, 10),
  /** The webhook instance's throttle (lib/pipeline/rate-limit.ts). */
  SIGNALS_PER_SECOND: tuning(1, 1000, DEFAULT_SIGNALS_PER_SECOND),
});

const common = { TABLE_NAME: true, AWS_REGION: true, SECRET_MAX_AGE_SECONDS: true } as const;

/** What each function reads. */
export const CONFIG_SCHEMAS = {
  webhook: z.pick(all, {
    ...common,
    SYNC_QUEUE_URL: true,
    TRIGGER_SECRET_ID: true,
    SIGNALS_PER_SECOND: true,
  }),
  sync: z.pick(all, {
    ...common,
    SYNC_QUEUE_URL: true,
    EVALUATE_QUEUE_URL: true,
    GOOGLE_SECRET_ID: true,
    SHEETS_CONCURRENCY: true,
    RETRY_DELAY_SECONDS: true,
  }),
  evaluate: z.pick(all, {
    ...common,
    GOOGLE_SECRET_ID: true,
    SHEETS_CONCURRENCY: true,
    RETRY_DELAY_SECONDS: true,
  }),
  reconcile: z.pick(all, {
    ...common,
    SYNC_QUEUE_URL: true,
    EVALUATE_QUEUE_URL: true,
    GOOGLE_SECRET_ID: true,
    EVALUATIONS: true,
  }),
};
export type FunctionName = keyof typeof CONFIG_SCHEMAS;
export type FunctionConfig<F extends FunctionName> = z.output<(typeof CONFIG_SCHEMAS)[F]>;

/** A setting missing or malformed: a deploy mistake, reported at cold start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads one function's settings from `env`; throws one ConfigError naming every missing or malformed setting.
 * Example: `loadConfig('webhook', CONFIG_SCHEMAS.webhook)`.
 */
export function loadConfig<S extends z.core.$ZodType>(
  fn: FunctionName,
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> {
  const parsed = z.safeParse(schema, env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof typeof HOLDS;
    const value = env[name];
    return value === undefined || value === ''
      ? `${name} is not set (${HOLDS[name] ?? 'required'})`
      : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(`${fn} configuration: ${problems.join('; ')}`);
}
