import { sendEvaluate, sendSync } from '../../../lib/pipeline/send';
import { recordingQueue as recorder } from '../../helpers/queue';

it('a sync message goes to the sync queue, grouped by spreadsheet, deduplicated by its count', async () => {
  const { queue, sent } = recorder();
  const message = { evaluationId: 'e', spreadsheetId: 's1', requested: 3, caller: 'control', editor: null };
  expect(await sendSync(queue, message)).toBe('s1#3');
  expect(await sendSync(queue, message, '20261128T0300')).toBe('s1#3#retry-20261128T0300');
  expect(sent.map((m) => [m.queue, m.group])).toEqual([
    ['sync', 's1'],
    ['sync', 's1'],
  ]);
  expect(JSON.parse(sent[0]!.body)).toEqual(message);
});

it('an evaluate message goes to the evaluate queue, grouped by evaluation, deduplicated by its count', async () => {
  const { queue, sent } = recorder();
  expect(await sendEvaluate(queue, { evaluationId: 'e2025', requested: 9, caller: 'sync' })).toBe('e2025#9');
  expect(sent[0]).toMatchObject({ queue: 'evaluate', group: 'e2025', dedupId: 'e2025#9' });
});

it('refuses a message that does not fit its schema, sending nothing', async () => {
  const { queue, sent } = recorder();
  await expect(sendEvaluate(queue, { evaluationId: '', requested: -1, caller: 'sync' })).rejects.toThrow();
  expect(sent).toEqual([]);
});
