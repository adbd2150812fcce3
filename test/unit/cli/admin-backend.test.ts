import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { backendChoice, dlqDepths, googleCredentialsFromEnv } from '../../../lib/cli/backend';
import { historyOf } from '../../../lib/cli/history';
import { traceValues } from '../../../lib/cli/trace';
import type { Revision } from '../../../lib/pipeline/ports';

describe('dead-letter depths', () => {
  it('asks each configured DLQ for ApproximateNumberOfMessages alone and reads the number', async () => {
    const sent: GetQueueAttributesCommand[] = [];
    const client = {
      async send(c: GetQueueAttributesCommand) {
        sent.push(c);
        return {
          $metadata: {},
          Attributes: { ApproximateNumberOfMessages: c.input.QueueUrl?.includes('sync') ? '3' : '0' },
        };
      },
    };
    const depths = await dlqDepths(client, {
      sync: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-sync-dlq.fifo',
      evaluate: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-evaluate-dlq.fifo',
    });
    expect(sent.map((c) => c.input)).toEqual([
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-sync-dlq.fifo',
        AttributeNames: ['ApproximateNumberOfMessages'],
      },
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-evaluate-dlq.fifo',
        AttributeNames: ['ApproximateNumberOfMessages'],
      },
    ]);
    expect(sent.every((c) => c instanceof GetQueueAttributesCommand)).toBe(true);
    expect(depths.map((d) => [d.queue, d.messages])).toEqual([
      ['sync', 3],
      ['evaluate', 0],
    ]);
  });

  it('skips a queue with no URL configured', async () => {
    const client = { send: jest.fn() };
    expect(await dlqDepths(client, {})).toEqual([]);
    expect(client.send).not.toHaveBeenCalled();
  });
});

describe('backend options', () => {
  it('takes the evaluation from the environment and refuses --data-dir without --local', () => {
    expect(backendChoice({}, { ZONE_EVAL_EVALUATION: 'y2025' })).toEqual({
      kind: 'aws',
      evaluationId: 'y2025',
    });
    expect(() => backendChoice({ 'data-dir': '/tmp/x' }, { ZONE_EVAL_EVALUATION: 'y' })).toThrow(
      /only used with --local/,
    );
    expect(() => backendChoice({}, {})).toThrow(/--evaluation is required/);
  });

  it('refuses Google credentials that are neither a key nor a WIF config', () => {
    expect(() => googleCredentialsFromEnv({})).toThrow(/GOOGLE_APPLICATION_CREDENTIALS/);
    expect(() => googleCredentialsFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent.json' })).toThrow(
      /cannot be read as JSON/,
    );
  });
});

const rev = (seq: number, values: Revision['values'], editor: string | null): Revision => ({
  zoneId: 'z',
  seq,
  values,
  contentHash: `h${seq}`,
  spreadsheetId: 's',
  driveVersion: null,
  readSeq: seq,
  caller: 'trigger',
  editor,
  at: `2025-01-0${seq}T00:00:00.000Z`,
});

describe('history and trace of revisions', () => {
  const revisions = [
    rev(1, { A: { value: 1, text: '1' }, B: { value: 5, text: '5' } }, 'x@a'),
    rev(
      2,
      { A: { value: 1, text: '1' }, B: { value: 5, text: 'five', note: 'refused: not a number' } },
      'y@a',
    ),
    rev(
      3,
      { A: { value: 2, text: '2' }, B: { value: 5, text: 'five', note: 'refused: not a number' } },
      'z@a',
    ),
  ];

  it('lists a value at the revision where it changed, refused ones with their reason', () => {
    expect(
      historyOf(revisions).map((h) => [h.revision, h.indicator, h.text, h.status, h.by, h.note]),
    ).toEqual([
      [1, 'A', '1', 'accepted', 'x@a', null],
      [1, 'B', '5', 'accepted', 'x@a', null],
      [2, 'B', 'five', 'refused', 'y@a', 'not a number'],
      [3, 'A', '2', 'accepted', 'z@a', null],
    ]);
  });

  it('lists a value changed after the freeze as late, and again as accepted when the admin accepts it', () => {
    const late = [
      rev(1, { A: { value: 1, text: '1' }, B: { value: 5, text: '5' } }, 'x@a'),
      { ...rev(2, { A: { value: 9, text: '9' }, B: { value: 5, text: '5' } }, 'x@a'), late: true },
      { ...rev(3, { A: { value: 9, text: '9' }, B: { value: 6, text: '6' } }, 'x@a'), late: true },
      {
        ...rev(4, { A: { value: 9, text: '9' }, B: { value: 6, text: '6' } }, 'admin@a'),
        caller: 'accept-late:3',
      },
    ];
    expect(historyOf(late).map((h) => [h.revision, h.indicator, h.text, h.status, h.by])).toEqual([
      [1, 'A', '1', 'accepted', 'x@a'],
      [1, 'B', '5', 'accepted', 'x@a'],
      [2, 'A', '9', 'late', 'x@a'],
      [3, 'B', '6', 'late', 'x@a'],
      [4, 'A', '9', 'accepted', 'admin@a'],
      [4, 'B', '6', 'accepted', 'admin@a'],
    ]);
  });

  it('traces a value to the revision that entered it, naming a refused attempt the run did not use', () => {
    const [a, b] = traceValues(revisions, 3, { A: 2, B: 5 });
    expect(a).toMatchObject({ used: 2, entered: { revision: 3, by: 'z@a' }, refusedAfter: null });
    expect(b).toMatchObject({
      used: 5,
      entered: { revision: 1, by: 'x@a', text: '5' },
      refusedAfter: { revision: 2, by: 'y@a', text: 'five', note: 'not a number' },
    });
    expect(traceValues(revisions, 1, { A: 1 }, 'A')[0]).toMatchObject({ entered: { revision: 1 } });
  });
});
