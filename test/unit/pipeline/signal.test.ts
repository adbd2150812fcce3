/**
 * The webhook's work (issue 9 section 1) over in-memory ports: every refusal is its own outcome and log line and
 * leaves nothing counted or queued; an accepted signal counts once and sends one sync message.
 */
import type { Logger } from '../../../lib/pipeline/log';
import { SyncMessageSchema } from '../../../lib/pipeline/messages';
import type { SpreadsheetIndexEntry } from '../../../lib/pipeline/ports';
import {
  acceptSignal,
  requestSync,
  SIGNAL_HTTP_STATUS,
  type SignalDeps,
  type SignalOutcome,
} from '../../../lib/pipeline/signal';
import {
  deriveSheetKey,
  MAX_SIGNAL_BODY_BYTES,
  SIGNATURE_HEADER,
  signalBody,
  signalHeaders,
  TIMESTAMP_HEADER,
} from '../../../lib/protocol/signature';
import { recordingQueue } from '../../helpers/queue';

const MASTER = 'master-secret-for-tests';
const SHEET = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
const CONTROL = 'control-sheet-id';
const RESULTS = 'results-sheet-id';
const NOW = new Date('2026-11-28T02:00:00.000Z');
const TS = Math.floor(NOW.getTime() / 1000);

function harness(entries: SpreadsheetIndexEntry[] = defaultEntries()) {
  const counters = new Map<string, number>();
  const lines: { level: string; event: string; data?: Record<string, unknown> }[] = [];
  let secretFetches = 0;
  const { queue, sent } = recordingQueue();
  const log: Logger = {
    info: (event, data) => lines.push({ level: 'info', event, ...(data && { data }) }),
    warn: (event, data) => lines.push({ level: 'warn', event, ...(data && { data }) }),
    error: (event, data) => lines.push({ level: 'error', event, ...(data && { data }) }),
  };
  const deps: SignalDeps = {
    store: {
      async requestSheet(e, s) {
        const key = `${e}/${s}`;
        const r = (counters.get(key) ?? 0) + 1;
        counters.set(key, r);
        return r;
      },
      async findSpreadsheet(id) {
        return entries.find((x) => x.spreadsheetId === id) ?? null;
      },
    },
    queue,
    masterSecret: async () => {
      secretFetches++;
      return MASTER;
    },
    now: () => NOW,
    log,
  };
  return { deps, counters, sent, lines, secretFetches: () => secretFetches };
}

function defaultEntries(): SpreadsheetIndexEntry[] {
  return [
    { spreadsheetId: SHEET, evaluationId: 'e2025', kind: 'zone', zoneId: 'hangzhou' },
    { spreadsheetId: CONTROL, evaluationId: 'e2025', kind: 'control', zoneId: null },
    { spreadsheetId: RESULTS, evaluationId: 'e2025', kind: 'results', zoneId: null },
  ];
}

/** A signal as the trigger makes it: the body signed with the spreadsheet's own key. */
function signed(spreadsheetId = SHEET, editor?: string, ts = TS) {
  const body = signalBody(spreadsheetId, editor);
  return { headers: signalHeaders(deriveSheetKey(MASTER, spreadsheetId), ts, body), body };
}

/** Runs a signal that must be refused, and checks it left nothing behind and logged its own line. */
async function refused(
  input: { headers: Record<string, string>; body: string },
  status: SignalOutcome['status'],
  entries?: SpreadsheetIndexEntry[],
) {
  const h = harness(entries);
  const outcome = await acceptSignal(h.deps, input);
  expect(outcome.status).toBe(status);
  expect(h.counters.size).toBe(0);
  expect(h.sent).toEqual([]);
  expect(h.lines).toEqual([expect.objectContaining({ level: 'warn', event: `signal.${status}` })]);
  return { outcome, h };
}

describe('acceptSignal accepts', () => {
  it('a signed signal for a zone sheet: counts it once and sends one sync message deduplicated by the count', async () => {
    const h = harness();
    const outcome = await acceptSignal(h.deps, signed(SHEET, 'official@hangzhou.example'));
    expect(outcome).toEqual({
      status: 'accepted',
      evaluationId: 'e2025',
      spreadsheetId: SHEET,
      kind: 'zone',
      requested: 1,
      editor: 'official@hangzhou.example',
    });
    expect(h.counters.get(`e2025/${SHEET}`)).toBe(1);
    expect(h.sent).toHaveLength(1);
    const [msg] = h.sent;
    expect(msg).toMatchObject({ queue: 'sync', group: SHEET, dedupId: `${SHEET}#1` });
    expect(SyncMessageSchema.parse(JSON.parse(msg!.body))).toEqual({
      evaluationId: 'e2025',
      spreadsheetId: SHEET,
      requested: 1,
      caller: 'trigger',
      editor: 'official@hangzhou.example',
      kind: 'zone',
      signalledAt: NOW.toISOString(),
    });
    expect(SIGNAL_HTTP_STATUS[outcome.status]).toBe(202);
  });

  it("stamps the sync message with the request's arrival, from which edit-to-publish is measured", async () => {
    const h = harness();
    const arrived = new Date(NOW.getTime() + 30_000);
    await acceptSignal(h.deps, { ...signed(), receivedAt: arrived });
    expect(JSON.parse(h.sent[0]!.body)).toMatchObject({ signalledAt: arrived.toISOString() });
  });

  it('a second signal gets the next count, so SQS does not drop it as a duplicate', async () => {
    const h = harness();
    await acceptSignal(h.deps, signed());
    await acceptSignal(h.deps, signed());
    expect(h.sent.map((m) => m.dedupId)).toEqual([`${SHEET}#1`, `${SHEET}#2`]);
  });

  it('the control sheet, with its kind in the message and no editor when the trigger knows none', async () => {
    const h = harness();
    const outcome = await acceptSignal(h.deps, signed(CONTROL));
    expect(outcome).toMatchObject({ status: 'accepted', kind: 'control', editor: null });
    expect(JSON.parse(h.sent[0]!.body)).toMatchObject({ kind: 'control', editor: null });
  });

  it('a timestamp at the edge of the five-minute window, either side', async () => {
    for (const ts of [TS - 300, TS + 300]) {
      const h = harness();
      expect((await acceptSignal(h.deps, signed(SHEET, undefined, ts))).status).toBe('accepted');
    }
  });

  it('headers whatever their case', async () => {
    const { headers, body } = signed();
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect((await acceptSignal(harness().deps, { headers: upper, body })).status).toBe('accepted');
  });

  it('receivedAt over the clock of the deps', async () => {
    const h = harness();
    const late = new Date(NOW.getTime() + 10 * 60_000);
    expect((await acceptSignal(h.deps, { ...signed(), receivedAt: late })).status).toBe('stale');
  });
});

describe('acceptSignal refuses, with no write and no message,', () => {
  it('a signal without headers', async () => {
    const { outcome, h } = await refused({ headers: {}, body: signed().body }, 'missing-headers');
    expect(h.secretFetches()).toBe(0);
    expect(SIGNAL_HTTP_STATUS[outcome.status]).toBe(400);
  });

  it('a signal missing its signature header, naming it', async () => {
    const { headers, body } = signed();
    const { [SIGNATURE_HEADER]: _gone, ...rest } = headers;
    const { outcome } = await refused({ headers: rest, body }, 'missing-headers');
    expect(outcome).toMatchObject({ message: `missing ${SIGNATURE_HEADER}` });
  });

  it('a timestamp that is not unix seconds', async () => {
    const { headers, body } = signed();
    await refused(
      { headers: { ...headers, [TIMESTAMP_HEADER]: '2026-11-28T02:00:00Z' }, body },
      'malformed-headers',
    );
  });

  it('a signature that is not v1=<64 hex digits>', async () => {
    const { headers, body } = signed();
    for (const sig of ['v1=abc', `v2=${'a'.repeat(64)}`, 'a'.repeat(67)])
      await refused({ headers: { ...headers, [SIGNATURE_HEADER]: sig }, body }, 'malformed-headers');
  });

  it('a body over 64 KB, before parsing it or fetching the secret', async () => {
    const body = JSON.stringify({ spreadsheetId: SHEET, editor: `${'x'.repeat(MAX_SIGNAL_BODY_BYTES)}@a.b` });
    const headers = signalHeaders(deriveSheetKey(MASTER, SHEET), TS, body);
    const { outcome, h } = await refused({ headers, body }, 'too-large');
    expect(h.secretFetches()).toBe(0);
    expect(SIGNAL_HTTP_STATUS[outcome.status]).toBe(413);
  });

  it('a replay older than five minutes, and a timestamp more than five minutes ahead', async () => {
    await refused(signed(SHEET, undefined, TS - 301), 'stale');
    await refused(signed(SHEET, undefined, TS + 301), 'stale');
  });

  it('a body that is not JSON', async () => {
    const body = 'spreadsheetId=abc';
    await refused({ headers: signalHeaders(deriveSheetKey(MASTER, SHEET), TS, body), body }, 'bad-body');
  });

  it('a body of another shape: an unknown key, no spreadsheet id, an id that is no Drive id, an editor that is no email', async () => {
    for (const shape of [
      { spreadsheetId: SHEET, zoneId: 'hangzhou' },
      { editor: 'a@b.example' },
      { spreadsheetId: 'EVAL#x' },
      { spreadsheetId: SHEET, editor: 'not an email' },
      [SHEET],
    ]) {
      const body = JSON.stringify(shape);
      await refused({ headers: signalHeaders(deriveSheetKey(MASTER, SHEET), TS, body), body }, 'bad-body');
    }
  });

  it('a body changed after signing', async () => {
    const { headers } = signed(SHEET);
    const { outcome } = await refused(
      { headers, body: signalBody(SHEET, 'intruder@example.com') },
      'bad-signature',
    );
    expect(SIGNAL_HTTP_STATUS[outcome.status]).toBe(401);
  });

  it("a signal signed with another spreadsheet's key (an official nudging someone else's sheet)", async () => {
    const body = signalBody(SHEET);
    const headers = signalHeaders(deriveSheetKey(MASTER, CONTROL), TS, body);
    await refused({ headers, body }, 'bad-signature');
  });

  it('a signal signed under another master secret', async () => {
    const body = signalBody(SHEET);
    await refused(
      { headers: signalHeaders(deriveSheetKey('other-master', SHEET), TS, body), body },
      'bad-signature',
    );
  });

  it('a spreadsheet no evaluation knows, once its signature checked out', async () => {
    const { outcome } = await refused(signed('unknownSheet123'), 'unknown-spreadsheet');
    expect(outcome).toMatchObject({ spreadsheetId: 'unknownSheet123' });
    expect(SIGNAL_HTTP_STATUS[outcome.status]).toBe(404);
  });

  it('a results spreadsheet: the system writes it and never reads it', async () => {
    await refused(signed(RESULTS), 'not-an-input');
  });
});

describe('requestSync', () => {
  it('counts, then sends under the caller given (the admin recompute, the reconcile poll)', async () => {
    const h = harness();
    const result = await requestSync(h.deps, {
      evaluationId: 'e2025',
      spreadsheetId: SHEET,
      caller: 'manual',
    });
    expect(result).toMatchObject({ requested: 1, dedupId: `${SHEET}#1` });
    expect(JSON.parse(h.sent[0]!.body)).toEqual({
      evaluationId: 'e2025',
      spreadsheetId: SHEET,
      requested: 1,
      caller: 'manual',
      editor: null,
      signalledAt: NOW.toISOString(),
    });
    expect(h.lines).toEqual([expect.objectContaining({ event: 'sync.requested' })]);
  });

  it('does not send when counting fails: a fault is thrown for the caller to retry', async () => {
    const h = harness();
    h.deps.store.requestSheet = async () => {
      throw new Error('DynamoDB unavailable');
    };
    await expect(acceptSignal(h.deps, signed())).rejects.toThrow('DynamoDB unavailable');
    expect(h.sent).toEqual([]);
  });
});
