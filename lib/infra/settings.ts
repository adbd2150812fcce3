/**
 * The deployment's settings per stage, from CDK context: `-c stage=prod` picks the stage, `cdk.json` holds each
 * stage's defaults under `zone-eval:stages`, and `-c <setting>=<value>` overrides one for a deploy. Checked with one
 * zod schema at synth, so a typo fails with the closest known name instead of deploying a default silently.
 */
import * as z from 'zod';
import { didYouMean } from '../core/suggest';
import { DEFAULT_SIGNALS_PER_SECOND } from '../pipeline/rate-limit';

/** Retention periods CloudWatch Logs accepts (days). */
const LOG_RETENTIONS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653,
] as const;

/** Context values arrive as strings from `-c k=v` and as JSON values from cdk.json: numbers accept both. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const StageSettingsSchema = z
  .strictObject({
    /** Where the alarms' SNS topic sends email; empty for none (subscribe later in the console). */
    alarmEmail: z.union([z.literal(''), z.email()]).default(''),
    /**
     * The evaluations the reconcile poll covers, `evaluationId=folderId@sharedDriveId` comma-separated (the folder
     * holding the evaluation's spreadsheets and the shared drive it is in; the handler's EVALUATIONS reads the same).
     * Empty: the reconcile schedule is created disabled.
     */
    evaluations: z
      .string()
      .regex(
        /^(\s*[^=\s,]+=[^=\s,]+\s*)(,\s*[^=\s,]+=[^=\s,]+\s*)*$|^$/,
        'evaluations reads evaluationId=folderId@sharedDriveId, comma-separated',
      )
      .default(''),
    /** Days the functions' logs are kept. */
    logRetentionDays: z.coerce
      .number()
      .refine((d) => (LOG_RETENTIONS as readonly number[]).includes(d), {
        message: `logRetentionDays must be one of ${LOG_RETENTIONS.join(', ')}`,
      })
      .default(90),
    /**
     * Sync invocations at once (the SQS event source's maximum concurrency, 2 at least). Each reads one sheet at a
     * time under its share of the service account's Sheets quota, so more does not mean faster past the quota.
     */
    syncConcurrency: int(2, 10).default(2),
    /** Evaluate invocations at once (2 at least; runs of one evaluation never overlap: one FIFO group each). */
    evaluateConcurrency: int(2, 10).default(2),
    /**
     * Processes outside Lambda that call Sheets as the same service account at once (the admin CLI). The pacing
     * share of every caller is the quota divided by sync + evaluate + this.
     */
    otherSheetsCallers: int(0, 10).default(1),
    /**
     * Reserved concurrency of the webhook, a hard cap on its invocations (a Function URL takes at most 10 requests a
     * second per concurrent execution): a flood past it is throttled by Lambda before any code runs. 0 for none: an
     * account must keep 100 executions unreserved, so a new account (limit 10) cannot reserve any.
     */
    webhookConcurrency: int(0, 100).default(0),
    /**
     * Signals a second each webhook instance accepts before answering 429, checked before any AWS call
     * (lib/pipeline/rate-limit.ts): the throttle every account can have.
     */
    webhookSignalsPerSecond: int(1, 1000).default(DEFAULT_SIGNALS_PER_SECOND),
    /** Days the monthly backups are kept: beyond point-in-time recovery's 35 days. */
    monthlyBackupDays: int(90, 3650).default(730),
    /**
     * Days after which a monthly backup moves to cold storage (about a third of the warm price; 90 days at least
     * there). 0: never.
     */
    coldBackupAfterDays: int(0, 3560).default(35),
  })
  .check((ctx) => {
    const { monthlyBackupDays: keep, coldBackupAfterDays: cold } = ctx.value;
    // AWS Backup keeps a backup in cold storage 90 days at least and refuses a plan that deletes it sooner.
    if (cold > 0 && keep < cold + 90)
      ctx.issues.push({
        code: 'custom',
        input: cold,
        path: ['coldBackupAfterDays'],
        message: `a backup moved to cold storage after ${cold} days must be kept ${cold + 90} days at least (monthlyBackupDays is ${keep}): raise monthlyBackupDays, or set coldBackupAfterDays to 0 for no cold storage`,
      });
  });
export type StageSettings = z.output<typeof StageSettingsSchema>;

export const SETTING_NAMES = Object.keys(StageSettingsSchema.shape) as (keyof StageSettings)[];

export const StageNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,20}$/, 'context stage must be a short lowercase name (letters, digits, -)');

/** A setting or stage mistake: the message names the setting and the remedy. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Context = (key: string) => unknown;

/**
 * The stage and its settings: the stage's defaults from `zone-eval:stages` in cdk.json, each overridden by a
 * top-level context value of the same name (`-c alarmEmail=ops@example.org`).
 */
export function readSettings(context: Context): { stage: string; settings: StageSettings } {
  const stageParsed = StageNameSchema.safeParse(context('stage') ?? 'dev');
  if (!stageParsed.success)
    throw new SettingsError(
      `${stageParsed.error.issues[0]?.message ?? 'bad stage'}, got ${JSON.stringify(context('stage'))}`,
    );
  const stage = stageParsed.data;
  const stages = (context('zone-eval:stages') ?? {}) as Record<string, unknown>;
  const defaults = stages[stage] ?? {};
  if (typeof defaults !== 'object' || defaults === null)
    throw new SettingsError(`cdk.json zone-eval:stages.${stage} must be an object of settings`);
  const unknown = Object.keys(defaults).filter((k) => !SETTING_NAMES.includes(k as keyof StageSettings));
  if (unknown.length)
    throw new SettingsError(
      `cdk.json zone-eval:stages.${stage}: unknown setting ${unknown
        .map((k) => `'${k}'${didYouMean(k, SETTING_NAMES)}`)
        .join(', ')}`,
    );
  const merged: Record<string, unknown> = { ...defaults };
  for (const name of SETTING_NAMES) {
    const override = context(name);
    if (override !== undefined) merged[name] = override;
  }
  const parsed = StageSettingsSchema.safeParse(merged);
  if (!parsed.success)
    throw new SettingsError(
      `stage ${stage}: ${parsed.error.issues
        .map(
          (i) =>
            `setting ${i.path.join('.')}: ${i.message} (set it in cdk.json zone-eval:stages.${stage} or with -c ${i.path.join('.')}=...)`,
        )
        .join('; ')}`,
    );
  return { stage, settings: parsed.data };
}

/** The number of processes that may call Sheets as the service account at once: each paces under 1/this. */
export function sheetsCallers(s: StageSettings): number {
  return s.syncConcurrency + s.evaluateConcurrency + s.otherSheetsCallers;
}
