/** The store on AWS: DynamoDB through the document client, on the configured table, with the spreadsheet index. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../lib/store/dynamo-store';
import type { FunctionConfig, FunctionName } from './config';

let made: { key: string; store: DynamoStore } | undefined;

/**
 * The store on the validated configuration's table and region, built once per container (a container's
 * configuration never changes; another one, as a test passes, builds another store). The names come from the parsed
 * configuration only, so a missing one has already failed the cold start with its name.
 */
export function awsStore(
  config: Pick<FunctionConfig<FunctionName>, 'TABLE_NAME' | 'AWS_REGION'>,
): DynamoStore {
  const key = `${config.AWS_REGION}\u0000${config.TABLE_NAME}`;
  if (made?.key !== key)
    made = {
      key,
      store: new DynamoStore({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.AWS_REGION })),
        tableName: config.TABLE_NAME,
      }),
    };
  return made.store;
}
