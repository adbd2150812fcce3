/**
 * What the deployment and the handlers agree on, with no CDK import so that a handler may import it without
 * bundling the CDK: the fixed names of the stateful resources per stage, the Google credentials placeholder, and the
 * metrics the alarms and the dashboard read.
 *
 * Fixed names, not CloudFormation exports, couple the data and service stacks: an export cannot be changed or
 * removed while another stack imports it, so a service redeploy could lock (or, worse, ask to replace) the table.
 */

/** The stage's DynamoDB table. Never change this for a deployed stage: a new name means a new, empty table. */
export const tableNameOf = (stage: string) => `zone-eval-${stage}`;

/** The Secrets Manager names of the stage's two secrets (the admin fills and rotates them by these names). */
export const secretNamesOf = (stage: string) => ({
  google: `zone-eval/${stage}/google-credentials`,
  trigger: `zone-eval/${stage}/trigger-master-secret`,
});

/** The AWS Backup vault of the stage (kept when the stack is deleted). */
export const backupVaultNameOf = (stage: string) => `zone-eval-${stage}`;

/**
 * The Google credentials secret as created: not credentials, a note. A handler that reads this `type` reports
 * "credentials not filled in" (a deploy step not done), not a malformed key. The text must never change: a changed
 * value in the template would make CloudFormation overwrite the credentials the admin filled in.
 */
export const GOOGLE_CREDENTIALS_PLACEHOLDER_TYPE = 'zone-eval-placeholder';
export const GOOGLE_CREDENTIALS_PLACEHOLDER = JSON.stringify({
  type: GOOGLE_CREDENTIALS_PLACEHOLDER_TYPE,
  note: 'Not filled in. Put a service-account key or a Workload Identity Federation configuration here (README: the admin guide).',
});

/** True when a credentials secret still holds the placeholder. */
export function isCredentialsPlaceholder(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      parsed !== null &&
      typeof parsed === 'object' &&
      'type' in parsed &&
      parsed.type === GOOGLE_CREDENTIALS_PLACEHOLDER_TYPE
    );
  } catch {
    return false;
  }
}

/** The CloudWatch namespace of the handlers' Powertools metrics. */
export const METRICS_NAMESPACE = 'ZoneEval';

/** Powertools' `service` dimension of each function's metrics (`serviceName`). */
export const serviceOf = (fn: FunctionKey) => `zone-eval-${fn}`;

export const FUNCTION_KEYS = ['webhook', 'sync', 'evaluate', 'reconcile'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/**
 * The metrics the handlers emit and the alarms and the dashboard read: one table, in lib/pipeline (the handlers
 * emit through the pipeline's port), named here for the stack.
 */
export { type EmitterOf, METRIC_NAMES, METRICS, type MetricName } from '../pipeline/metrics';
