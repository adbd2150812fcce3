import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import cdkJson from '../../../cdk.json';
import {
  backendChoice,
  DEFAULT_SHEETS_CALLERS,
  dlqDepths,
  googleCredentialsFromEnv,
  openBackend,
  sheetsCallersFromEnv,
} from '../../../lib/cli/backend';
import { UsageError } from '../../../lib/cli/errors';
import { historyOf } from '../../../lib/cli/history';
import { traceValues } from '../../../lib/cli/trace';
import { readSettings, sheetsCallers } from '../../../lib/infra/settings';
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

describe("the CLI's share of the Sheets quota on AWS", () => {
  test('by default it counts the callers as every stage of cdk.json does (sync + evaluate + otherSheetsCallers)', () => {
    expect(DEFAULT_SHEETS_CALLERS).toBe(5);
    for (const stage of Object.keys(cdkJson.context['zone-eval:stages'])) {
      const context = { ...cdkJson.context, stage } as Record<string, unknown>;
      expect(sheetsCallers(readSettings((k) => context[k]).settings)).toBe(DEFAULT_SHEETS_CALLERS);
    }
    expect(sheetsCallersFromEnv({})).toBe(DEFAULT_SHEETS_CALLERS);
    expect(sheetsCallersFromEnv({ SHEETS_CONCURRENCY: '' })).toBe(DEFAULT_SHEETS_CALLERS);
  });

  test('SHEETS_CONCURRENCY sets it for a stage deployed with other concurrency settings', () => {
    expect(sheetsCallersFromEnv({ SHEETS_CONCURRENCY: '7' })).toBe(7);
    expect(sheetsCallersFromEnv({ SHEETS_CONCURRENCY: '1' })).toBe(1);
  });

  test.each(['0', '-2', '2.5', 'five', '51'])(
    'SHEETS_CONCURRENCY=%s is refused, saying what it holds',
    (raw) => {
      expect(() => sheetsCallersFromEnv({ SHEETS_CONCURRENCY: raw })).toThrow(UsageError);
      expect(() => sheetsCallersFromEnv({ SHEETS_CONCURRENCY: raw })).toThrow(
        `SHEETS_CONCURRENCY=${raw} must be a whole number from 1 to 50: the processes calling Sheets as the service account at once, the stage's syncConcurrency + evaluateConcurrency + otherSheetsCallers (5 by default`,
      );
    },
  );

  describe('the Google clients of an AWS backend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zone-eval-cli-share-'));
    const keyFile = join(dir, 'key.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        client_email: 'zone-eval@project.iam.gserviceaccount.com',
        private_key: '-----BEGIN PRIVATE KEY-----\nnot used: no call is made\n-----END PRIVATE KEY-----\n',
      }),
    );
    const env = (extra: Record<string, string> = {}) => ({
      TABLE_NAME: 'zone-eval-test',
      AWS_REGION: 'eu-west-1',
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      ...extra,
    });
    const choice = { kind: 'aws', evaluationId: 'e2026' } as const;

    afterEach(() => jest.useRealTimers());

    /** Sheets reads the clients let start in one minute before the next must wait. */
    async function readsPerMinute(b: Awaited<ReturnType<typeof openBackend>>): Promise<number> {
      const pacer = b.google().calls.pacer;
      if (!pacer) throw new Error('the CLI on AWS must pace');
      jest.useFakeTimers({ now: Date.parse('2026-11-28T09:00:00.000Z') });
      let started = 0;
      for (;;) {
        let done = false;
        const next = pacer.acquire('sheets.read').then(() => {
          done = true;
        });
        for (let i = 0; i < 5; i++) await Promise.resolve();
        if (!done) {
          jest.advanceTimersByTime(60_000);
          await next;
          return started;
        }
        started++;
      }
    }

    test('pace under 1/5 of the quota by default: 11 of the 55 reads a minute, as each function does', async () => {
      const b = await openBackend(choice, env());
      try {
        expect(await readsPerMinute(b)).toBe(11);
      } finally {
        await b.close();
      }
    });

    test('pace under the share SHEETS_CONCURRENCY gives', async () => {
      const b = await openBackend(choice, env({ SHEETS_CONCURRENCY: '1' }));
      try {
        expect(await readsPerMinute(b)).toBe(55);
      } finally {
        await b.close();
      }
    });

    test('a bad SHEETS_CONCURRENCY is refused when the backend opens, before any command runs', async () => {
      await expect(openBackend(choice, env({ SHEETS_CONCURRENCY: 'all' }))).rejects.toThrow(
        /^SHEETS_CONCURRENCY=all must be a whole number/,
      );
    });
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
