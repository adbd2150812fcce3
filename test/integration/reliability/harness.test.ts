import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { countConditionalConflicts, countStoreWrites } from '../../../lib/reliability/harness';
import { TTL_ATTRIBUTE } from '../../../lib/store/keys';

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

test("a refused TTL update (a run's retention) is not counted as two writers meeting", async () => {
  const conflicts = countConditionalConflicts(dynamo.raw);
  const expire = () =>
    dynamo.raw.send(
      new UpdateItemCommand({
        TableName: dynamo.tableName,
        Key: { PK: { S: 'race#gone' }, SK: { S: 'x' } },
        UpdateExpression: 'SET #t = :t',
        ConditionExpression: 'attribute_exists(SK)',
        ExpressionAttributeNames: { '#t': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':t': { N: '1' } },
      }),
    );
  await expect(expire()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  expect(conflicts.count).toBe(0);
  await put('c');
  await expect(put('c')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  expect(conflicts.count).toBe(1);
  conflicts.remove();
});
