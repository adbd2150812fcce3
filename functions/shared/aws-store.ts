/** The store on AWS: DynamoDB through the document client, on the configured table, with the spreadsheet index. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { once } from './lambda';

/** The store on `TABLE_NAME`, built once per container. */
export const awsStore = once(
  () =>
    new DynamoStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env['AWS_REGION'] })),
      tableName: process.env['TABLE_NAME'] ?? '',
    }),
);
