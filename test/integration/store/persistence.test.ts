import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamo } from '../../../lib/local/dynamo';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { current } from './fixtures';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zone-eval-dynamo-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('a persisted table keeps its items across a close and a restart', async () => {
  const first = await startDynamo({ path: dir, tableName: 'persisted' });
  const before = new DynamoStore({ client: first.client, tableName: first.tableName });
  await before.requestSheet('p', 'sheet-1');
  await before.requestSheet('p', 'sheet-1');
  await before.putCurrent('p', current('CN-HZ', 7));
  await first.close();

  const second = await startDynamo({ path: dir, tableName: 'persisted' });
  try {
    const after = new DynamoStore({ client: second.client, tableName: second.tableName });

    expect(second.endpoint).not.toBe('');
    expect((await after.getSheetState('p', 'sheet-1'))?.requested).toBe(2);
    expect(await after.getCurrent('p', 'CN-HZ')).toEqual(current('CN-HZ', 7));
    expect(await after.requestSheet('p', 'sheet-1')).toBe(3);
  } finally {
    await second.close();
  }
});

test('an in-memory table starts empty on every start', async () => {
  const first = await startDynamo();
  await new DynamoStore({ client: first.client, tableName: first.tableName }).requestSheet('m', 's');
  await first.close();

  const second = await startDynamo();
  try {
    expect(
      await new DynamoStore({ client: second.client, tableName: second.tableName }).getSheetState('m', 's'),
    ).toBeNull();
  } finally {
    await second.close();
  }
});

test('two embedded instances run side by side on different ports', async () => {
  const [a, b] = await Promise.all([startDynamo(), startDynamo()]);
  try {
    expect(a.endpoint).not.toBe(b.endpoint);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a table name shorter than 3 characters is refused', async () => {
  await expect(startDynamo({ tableName: 'ab' })).rejects.toThrow(/shorter than 3 characters/);
});
