/**
 * The evaluation's table for the admin's commands (`sign-off`, `accept-late`): DynamoDB by table name, with
 * `--endpoint` for a local table (dynalite or the local stack). Credentials and region come from the usual AWS
 * chain (environment, profile, instance role).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/dynamo';
import { DynamoStore } from '../store/dynamo-store';
import { UsageError } from './errors';

export const STORE_OPTIONS = {
  evaluation: { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  as: { type: 'string' },
} as const;

export const STORE_HELP = `  --evaluation ID      the evaluation (as the control sheet's deployment names it)
  --table NAME         the DynamoDB table, zone-eval-<stage> when deployed (default: $TABLE_NAME)
  --endpoint URL       a local DynamoDB endpoint (dynalite, the local stack); AWS otherwise
  --as EMAIL           the admin's Google account, recorded with the action`;

/** An email-like account name: recorded as who acted, so a typo should not slip through. */
const ACCOUNT = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function openStore(o: { evaluation?: string; table?: string; endpoint?: string; as?: string }) {
  if (!o.evaluation) throw new UsageError('--evaluation is required (the evaluation id)');
  if (!o.as || !ACCOUNT.test(o.as))
    throw new UsageError(
      `--as must be the admin's Google account, such as admin@example.gov.cn${o.as ? `, got '${o.as}'` : ''}`,
    );
  // No built-in default: a deployed table is `zone-eval-<stage>`, and a guessed name would act on the wrong table.
  const tableName = o.table ?? process.env['TABLE_NAME'];
  if (!tableName)
    throw new UsageError(
      "--table is required (a deployed stage's table is zone-eval-<stage>, such as zone-eval-prod), or set TABLE_NAME",
    );
  const raw = new DynamoDBClient({
    ...(o.endpoint && { endpoint: o.endpoint, credentials: LOCAL_CREDENTIALS }),
    region: process.env['AWS_REGION'] ?? 'us-east-1',
    maxAttempts: 3,
  });
  const store = new DynamoStore({
    client: DynamoDBDocumentClient.from(raw),
    tableName,
  });
  return { store, evaluationId: o.evaluation, by: o.as, close: () => raw.destroy() };
}
