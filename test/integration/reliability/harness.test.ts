import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { countConditionalConflicts, countStoreWrites } from '../../../lib/reliability/harness';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const put = (id: string) =>
  dynamo.raw.send(
    new PutItemCommand({
      TableName: dynamo.tableName,
      Item: { PK: { S: `race#${id}` }, SK: { S: 'x' } },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );

test('the conflict counter counts the conditional writes DynamoDB refused, and nothing else', async () => {
  const conflicts = countConditionalConflicts(dynamo.raw);
  const writes = countStoreWrites(dynamo.raw);
  await put('a');
  expect(conflicts.count).toBe(0);
  await expect(put('a')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  await put('b');
  expect(conflicts.count).toBe(1);
  expect(writes.count).toBe(3);
  conflicts.remove();
  writes.remove();
  await expect(put('b')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  expect(conflicts.count).toBe(1);
});
