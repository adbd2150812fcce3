import { DynamoStore } from '../../../lib/store/dynamo-store';
import { conditionFailed, fakeDynamo, type Reply, type SentRequest } from './fake-dynamo';

const AT = '2024-11-05T08:00:00.000Z';
/** The current values given to putCurrent: the stored CUR item (revision 3) has the same content hash. */
const CURRENT = {
  zoneId: 'z',
  revSeq: 2,
  mappingSeq: 1,
  spreadsheetId: 's',
  readSeq: 2,
  contentHash: 'h',
  values: { I01: { value: 1, text: '1' } },
  updatedAt: AT,
};
const values = { M: { I01: { M: { value: { N: '1' }, text: { S: '1' } } } } };
const currentItem = {
  PK: { S: 'EVAL#e' },
  SK: { S: 'CUR#z' },
  zoneId: { S: 'z' },
  revSeq: { N: '3' },
  contentHash: { S: 'h' },
  values,
  updatedAt: { S: AT },
};

// Reads come back empty except the CUR item putCurrent re-reads after its condition fails.
function reply(request: SentRequest): Reply {
  switch (request.operation) {
    case 'GetItem':
      return {
        body: (request.body['Key'] as { SK: { S: string } }).SK.S === 'CUR#z' ? { Item: currentItem } : {},
      };
    case 'Query':
      return { body: { Items: [], Count: 0 } };
    case 'PutItem':
      return (request.body['Item'] as { SK: { S: string } }).SK.S === 'CUR#z'
        ? conditionFailed
        : { body: {} };
    default:
      return { body: {} };
  }
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

async function exerciseEveryRead(store: DynamoStore): Promise<void> {
  await store.getSheetState('e', 's');
  await store.listSheets('e');
  await store.getEvaluationState('e');
  await store.getCurrent('e', 'z');
  await store.listCurrent('e');
  await store.listRevisions('e', 'z');
  await store.getRun('e', 1);
  await store.latestRun('e');
  await store.appendRevision('e', 'z', {
    values: { I01: { value: 1, text: '1' } },
    contentHash: 'h',
    spreadsheetId: 's',
    driveVersion: '1',
    readSeq: 1,
    caller: 'trigger',
    editor: null,
    at: AT,
  });
  await store.putCurrent('e', CURRENT);
}

test('every read the store sends asks for strong consistency', async () => {
  const { client, sent } = fakeDynamo(reply);

  await exerciseEveryRead(new DynamoStore({ client, tableName: 'zone-eval' }));

  const reads = sent.filter((r) => READS.has(r.operation));
  // 8 direct reads, the revision-number Query of appendRevision, the re-read after putCurrent's failed condition.
  expect(reads).toHaveLength(10);
  for (const read of reads)
    expect({ operation: read.operation, ConsistentRead: read.body['ConsistentRead'] }).toEqual({
      operation: read.operation,
      ConsistentRead: true,
    });
});

test('the fake answers putCurrent as DynamoDB would, so the re-read path is the one exercised', async () => {
  const { client } = fakeDynamo(reply);
  const store = new DynamoStore({ client, tableName: 'zone-eval' });

  const outcome = await store.putCurrent('e', CURRENT);

  expect(outcome).toEqual({ status: 'unchanged', revSeq: 3 });
});

test('a signal is one UpdateItem that adds 1 and returns the new value', async () => {
  const { client, sent } = fakeDynamo(() => ({ body: { Attributes: { requested: { N: '7' } } } }));

  const r = await new DynamoStore({ client, tableName: 'zone-eval' }).requestSheet('e', 's');

  expect(r).toBe(7);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    operation: 'UpdateItem',
    body: {
      UpdateExpression: 'ADD #n :one SET #t = :at',
      ReturnValues: 'UPDATED_NEW',
      Key: { PK: { S: 'EVAL#e' }, SK: { S: 'SHEET#s' } },
    },
  });
});

test('a failure DynamoDB reports is raised as a StoreRequestError that keeps the cause', async () => {
  const { client } = fakeDynamo(() => ({
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'slow down',
    },
  }));

  const error = await new DynamoStore({ client, tableName: 'zone-eval' })
    .getSheetState('e', 's')
    .catch((e: unknown) => e);

  expect(error).toMatchObject({
    name: 'StoreRequestError',
    cause: { name: 'ProvisionedThroughputExceededException' },
  });
});
