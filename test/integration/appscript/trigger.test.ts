/**
 * The Apps Script projects of lib/appscript, run in a V8 context with shims that behave as Apps Script does
 * (signed bytes from Utilities.computeHmacSha256Signature, a blocking UrlFetchApp.fetch), configured by their
 * installer as the admin CLI would through scripts.run, then fired with change events. Their signals go over real
 * HTTP to the webhook Lambda's handler (functions/webhook.ts, behind a local Function URL) over dynalite, and what
 * it stored and queued is checked.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeHandler } from '../../../functions/webhook';
import { boundConfigureRequest, standaloneConfigureRequest } from '../../../lib/appscript/project';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { functionUrlEvent } from '../../../lib/local/runtime';
import type { Logger } from '../../../lib/pipeline/log';
import { SyncMessageSchema } from '../../../lib/pipeline/messages';
import { MemoryMetrics } from '../../../lib/pipeline/metrics';
import { deriveSheetKey, signSignal } from '../../../lib/protocol/signature';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { recordingQueue } from '../../helpers/queue';
import { emptyState, type GasState, runScript } from './gas';

const E = 'appscript2025';
const MASTER = 'appscript-test-master-secret';
const BOT = 'zone-eval-bot@example.gov.cn';
const OFFICIAL = 'li.wei@zhengzhou.example.gov.cn';
const SHEET_A = '1ZhengzhouFormAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const SHEET_B = '1HangzhouFormBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;
let hook: Server;
let webhookUrl: string;
/** The webhook's `signal.<outcome>` log events, with the spreadsheet each names. */
const signals: { event: string; spreadsheetId?: unknown }[] = [];
const log: Logger = {
  info: (event, data) => signals.push({ event, spreadsheetId: data?.['spreadsheetId'] }),
  warn: (event, data) => signals.push({ event, spreadsheetId: data?.['spreadsheetId'] }),
  error: (event, data) => signals.push({ event: `${event}: ${String(data?.['error'])}` }),
};
const refusals = () => signals.filter((s) => s.event.startsWith('signal.') && s.event !== 'signal.accepted');
const { queue, sent } = recordingQueue();

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
  await store.indexSpreadsheet({
    spreadsheetId: SHEET_A,
    evaluationId: E,
    kind: 'zone',
    zoneId: 'zhengzhou',
  });
  await store.indexSpreadsheet({ spreadsheetId: SHEET_B, evaluationId: E, kind: 'zone', zoneId: 'hangzhou' });
  // The webhook Lambda's handler (functions/webhook.ts), behind a local Function URL as the local runtime serves it.
  const handler = makeHandler({
    signal: { store, queue, masterSecret: async () => MASTER, log },
    log,
    counters: new MemoryMetrics().for('zone-eval-webhook'),
  });
  hook = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const port = (hook.address() as AddressInfo).port;
    try {
      const result = await handler(functionUrlEvent(req, Buffer.concat(chunks), port));
      // The webhook always answers a structured result (a status, JSON headers and body), never a bare string.
      if (typeof result === 'string') throw new Error('the webhook answered a bare string');
      res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(result.body);
    } catch (error) {
      // A function error: the Function URL answers 502 (and the test sees why in the log).
      log.error('webhook.error', { error: String(error) });
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/signal`;
});
afterAll(async () => {
  await new Promise((r) => hook.close(r));
  await dynamo.close();
});
beforeEach(() => {
  sent.length = 0;
  signals.length = 0;
});

const requested = async (id: string) => (await store.getSheetState(E, id))?.requested ?? 0;

/** A bound script on `sheet`, configured by the bot as the admin CLI does with scripts.run. */
async function configuredBound(sheet: string): Promise<GasState> {
  const request = boundConfigureRequest(MASTER, webhookUrl, sheet);
  const run = await runScript(
    'bound',
    { fn: request.function, args: request.parameters },
    emptyState({ activeSpreadsheetId: sheet, activeUser: BOT }),
  );
  expect(run.error).toBeNull();
  return run.state;
}

describe('signing in Apps Script', () => {
  it('gives the signature Node gives, for keys and messages whose HMAC bytes run over the whole signed range', async () => {
    const cases = Array.from({ length: 64 }, (_, i) => [
      deriveSheetKey(randomBytes(16).toString('hex'), `sheet${i}`),
      String(1_700_000_000 + i),
      JSON.stringify({ spreadsheetId: `sheet${i}`, editor: `官员${i}@example.cn` }),
    ]);
    const run = await runScript('bound', { fn: 'zoneEvalSignature_', batch: cases }, emptyState());
    expect(run.error).toBeNull();
    expect(run.result).toEqual(cases.map(([k, ts, body]) => signSignal(k!, ts!, body!)));
  });

  it('converts signed bytes to hex: -1 is ff, -128 is 80, 0 is 00, 127 is 7f', async () => {
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalHex_', args: [[-1, -128, 0, 127, 15, -16]] },
      emptyState(),
    );
    expect(run.result).toBe('ff80007f0ff0');
  });
});

describe('the bound script', () => {
  it('installs one onChange trigger as the bot, and a re-run replaces it instead of adding a second', async () => {
    const state = await configuredBound(SHEET_A);
    expect(state.triggers).toEqual([
      { id: '1', handler: 'zoneEvalOnChange', sourceId: SHEET_A, eventType: 'ON_CHANGE', owner: BOT },
    ]);
    expect(state.scriptProperties).toEqual({
      ZONE_EVAL_WEBHOOK_URL: webhookUrl,
      ZONE_EVAL_SPREADSHEET_ID: SHEET_A,
      ZONE_EVAL_SHEET_KEY: deriveSheetKey(MASTER, SHEET_A),
    });
    expect(Object.values(state.scriptProperties)).not.toContain(MASTER);
    const request = boundConfigureRequest(MASTER, webhookUrl, SHEET_A);
    const again = await runScript('bound', { fn: request.function, args: request.parameters }, state);
    expect(again.state.triggers).toEqual([expect.objectContaining({ id: '2', sourceId: SHEET_A })]);
  });

  it("refuses to be configured with another spreadsheet's id or with something that is not a derived key", async () => {
    const forB = boundConfigureRequest(MASTER, webhookUrl, SHEET_B);
    const wrongSheet = await runScript(
      'bound',
      { fn: 'zoneEvalConfigure', args: forB.parameters },
      emptyState({ activeSpreadsheetId: SHEET_A, activeUser: BOT }),
    );
    expect(wrongSheet.error).toMatch(`bound to ${SHEET_A}, not ${SHEET_B}`);
    const master = await runScript(
      'bound',
      { fn: 'zoneEvalConfigure', args: [{ webhookUrl, spreadsheetId: SHEET_A, key: MASTER }] },
      emptyState({ activeSpreadsheetId: SHEET_A, activeUser: BOT }),
    );
    expect(master.error).toMatch('64 lower-case hex digits');
    const plainHttp = await runScript(
      'bound',
      {
        fn: 'zoneEvalConfigure',
        args: [{ ...boundConfigureRequest(MASTER, 'http://hook.example.com/', SHEET_A).parameters[0] }],
      },
      emptyState({ activeSpreadsheetId: SHEET_A, activeUser: BOT }),
    );
    expect(plainHttp.error).toMatch('https://');
    for (const run of [wrongSheet, master, plainHttp]) {
      expect(run.state.triggers).toEqual([]);
      expect(run.state.scriptProperties).toEqual({});
    }
  });

  it("an edit: the trigger signs with the sheet's key; the counter moves and a sync is queued under <id>#<r>", async () => {
    const state = await configuredBound(SHEET_A);
    const before = await requested(SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      { ...state, activeUser: BOT },
    );
    expect(run.error).toBeNull();
    expect(run.result).toBe(202);
    expect(run.record.fetches).toHaveLength(1);
    const [f] = run.record.fetches;
    expect(f).toMatchObject({ method: 'POST', status: 202, headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(f!.body!)).toEqual({ spreadsheetId: SHEET_A, editor: OFFICIAL });
    const ts = f!.headers['X-Zone-Eval-Timestamp']!;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(30);
    expect(f!.headers['X-Zone-Eval-Signature']).toBe(
      signSignal(deriveSheetKey(MASTER, SHEET_A), ts, f!.body!),
    );

    expect(await requested(SHEET_A)).toBe(before + 1);
    expect(sent).toEqual([
      { queue: 'sync', group: SHEET_A, dedupId: `${SHEET_A}#${before + 1}`, body: expect.any(String) },
    ]);
    expect(SyncMessageSchema.parse(JSON.parse(sent[0]!.body))).toEqual({
      evaluationId: E,
      spreadsheetId: SHEET_A,
      requested: before + 1,
      caller: 'trigger',
      editor: OFFICIAL,
      kind: 'zone',
      // The Function URL's arrival time, from which edit-to-publish is measured.
      signalledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it.each(['INSERT_ROW', 'REMOVE_COLUMN', 'INSERT_GRID', 'OTHER'])(
    'a %s change sends a signal too',
    async (type) => {
      const state = await configuredBound(SHEET_A);
      const before = await requested(SHEET_A);
      const run = await runScript(
        'bound',
        { fn: 'zoneEvalOnChange', event: { changeType: type, sourceId: SHEET_A, user: OFFICIAL } },
        state,
      );
      expect(run.result).toBe(202);
      expect(await requested(SHEET_A)).toBe(before + 1);
    },
  );

  it('a FORMAT change sends nothing: no request, no counter, no message', async () => {
    const state = await configuredBound(SHEET_A);
    const before = await store.getSheetState(E, SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'FORMAT', sourceId: SHEET_A, user: OFFICIAL } },
      state,
    );
    expect(run.result).toBe(0);
    expect(run.record.fetches).toEqual([]);
    expect(run.record.logs).toContain('zone-eval: format-only change; no signal');
    expect(signals).toEqual([]);
    expect(await store.getSheetState(E, SHEET_A)).toEqual(before);
    expect(sent).toEqual([]);
  });

  it('a tampered key is refused with 401, once (a refusal is not retried), and nothing is stored or queued', async () => {
    const state = await configuredBound(SHEET_A);
    const key = state.scriptProperties['ZONE_EVAL_SHEET_KEY']!;
    state.scriptProperties['ZONE_EVAL_SHEET_KEY'] = (key[0] === '0' ? '1' : '0') + key.slice(1);
    const before = await store.getSheetState(E, SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      state,
    );
    expect(run.result).toBe(401);
    expect(run.record.fetches.map((f) => f.status)).toEqual([401]);
    expect(run.record.sleeps).toEqual([]);
    expect(refusals()).toEqual([{ event: 'signal.bad-signature', spreadsheetId: SHEET_A }]);
    expect(await store.getSheetState(E, SHEET_A)).toEqual(before);
    expect(sent).toEqual([]);
  });

  it("a script holding another sheet's key cannot nudge this sheet", async () => {
    // Hangzhou's script, its properties edited by someone who can open it to name Zhengzhou's sheet.
    const state = await configuredBound(SHEET_B);
    state.scriptProperties['ZONE_EVAL_SPREADSHEET_ID'] = SHEET_A;
    const before = await store.getSheetState(E, SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      { ...state, activeSpreadsheetId: SHEET_A },
    );
    expect(run.result).toBe(401);
    expect(refusals()).toEqual([{ event: 'signal.bad-signature', spreadsheetId: SHEET_A }]);
    expect(await store.getSheetState(E, SHEET_A)).toEqual(before);
    expect(sent).toEqual([]);
  });

  it('a copy of the spreadsheet (its script copied with the properties) sends nothing for the copy', async () => {
    const state = await configuredBound(SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: 'copyOfZhengzhou', user: OFFICIAL } },
      { ...state, activeSpreadsheetId: 'copyOfZhengzhou' },
    );
    expect(run.result).toBe(0);
    expect(run.record.fetches).toEqual([]);
  });

  it('sends no editor when Google leaves the email blank, and the sync message carries none', async () => {
    const state = await configuredBound(SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: '' } },
      state,
    );
    expect(JSON.parse(run.record.fetches[0]!.body!)).toEqual({ spreadsheetId: SHEET_A });
    expect(SyncMessageSchema.parse(JSON.parse(sent[0]!.body)).editor).toBeNull();
  });

  it('retries a webhook outage (503, then 502) with pauses and lands once; the counter moves by one', async () => {
    const state = await configuredBound(SHEET_A);
    const before = await requested(SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      state,
      (_req, n) => (n === 0 ? { status: 503 } : n === 1 ? { status: 502 } : undefined),
    );
    expect(run.result).toBe(202);
    expect(run.record.fetches.map((f) => f.status)).toEqual([503, 502, 202]);
    expect(run.record.sleeps).toEqual([1000, 3000]);
    expect(await requested(SHEET_A)).toBe(before + 1);
    expect(sent).toHaveLength(1);
  });

  it('gives up after three network failures without throwing (the reconcile poll catches the edit)', async () => {
    const state = await configuredBound(SHEET_A);
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      state,
      () => ({ error: 'Address unavailable: http://127.0.0.1/signal' }),
    );
    expect(run.error).toBeNull();
    expect(run.result).toBe(0);
    expect(run.record.fetches).toHaveLength(3);
    expect(run.record.logs.at(-1)).toBe(`zone-eval: signal for ${SHEET_A} given up after 3 attempts`);
  });

  it('sends nothing, and says so in the log, before it is configured', async () => {
    const run = await runScript(
      'bound',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A, user: OFFICIAL } },
      emptyState({ activeSpreadsheetId: SHEET_A, activeUser: BOT }),
    );
    expect(run.result).toBe(0);
    expect(run.record.logs).toEqual([
      'zone-eval: not configured (run zoneEvalConfigure as the bot account); no signal sent',
    ]);
  });

  it('"Recompute now": the menu names it, and clicking it signals as the official and shows a toast', async () => {
    const state = await configuredBound(SHEET_A);
    const open = await runScript('bound', { fn: 'onOpen' }, { ...state, activeUser: OFFICIAL });
    expect(open.record.menus).toEqual([
      {
        name: 'zone-eval',
        items: [{ caption: 'Recompute now / 立即重新计算', functionName: 'zoneEvalRecomputeNow' }],
      },
    ]);
    const before = await requested(SHEET_A);
    const click = await runScript(
      'bound',
      { fn: 'zoneEvalRecomputeNow' },
      { ...state, activeUser: OFFICIAL },
    );
    expect(click.result).toBe(202);
    expect(click.record.toasts[0]?.message).toMatch(/^Recompute requested/);
    expect(await requested(SHEET_A)).toBe(before + 1);
    expect(SyncMessageSchema.parse(JSON.parse(sent[0]!.body))).toMatchObject({
      caller: 'trigger',
      editor: OFFICIAL,
    });
  });
});

describe('the standalone script', () => {
  async function configured(ids: string[], state = emptyState({ activeUser: BOT })) {
    const request = standaloneConfigureRequest(MASTER, webhookUrl, ids);
    return runScript('standalone', { fn: request.function, args: request.parameters }, state);
  }

  it("installs one trigger per spreadsheet as the bot and keeps the keys in the bot's User Properties", async () => {
    const run = await configured([SHEET_A, SHEET_B]);
    expect(run.error).toBeNull();
    expect(run.result).toEqual({ spreadsheets: 2, created: [SHEET_A, SHEET_B], removed: [] });
    expect(run.state.triggers.map((t) => [t.sourceId, t.handler, t.owner])).toEqual([
      [SHEET_A, 'zoneEvalOnChange', BOT],
      [SHEET_B, 'zoneEvalOnChange', BOT],
    ]);
    expect(run.state.scriptProperties).toEqual({});
    expect(JSON.parse(run.state.userProperties[BOT]!['ZONE_EVAL_SHEET_KEYS']!)).toEqual({
      [SHEET_A]: deriveSheetKey(MASTER, SHEET_A),
      [SHEET_B]: deriveSheetKey(MASTER, SHEET_B),
    });
  });

  it('a re-run with a changed list removes and adds triggers, and never duplicates one', async () => {
    const first = await configured([SHEET_A, SHEET_B]);
    const second = await configured([SHEET_A], first.state);
    expect(second.result).toEqual({ spreadsheets: 1, created: [], removed: [SHEET_B] });
    expect(second.state.triggers.map((t) => t.sourceId)).toEqual([SHEET_A]);
  });

  it('refuses more than 20 spreadsheets for one script, before touching any trigger', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `sheet${i}`);
    const keys = Object.fromEntries(ids.map((id) => [id, deriveSheetKey(MASTER, id)]));
    const run = await runScript(
      'standalone',
      { fn: 'zoneEvalConfigure', args: [{ webhookUrl, keys }] },
      emptyState({ activeUser: BOT }),
    );
    expect(run.error).toMatch('21 spreadsheets given; one script holds at most 20 triggers');
    expect(run.state.triggers).toEqual([]);
  });

  it("finds the spreadsheet from the event's source and signs with that spreadsheet's key", async () => {
    const { state } = await configured([SHEET_A, SHEET_B]);
    const before = await requested(SHEET_B);
    const run = await runScript(
      'standalone',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_B, user: OFFICIAL } },
      state,
    );
    expect(run.result).toBe(202);
    expect(await requested(SHEET_B)).toBe(before + 1);
    expect(sent).toEqual([expect.objectContaining({ group: SHEET_B, dedupId: `${SHEET_B}#${before + 1}` })]);
  });

  it("names the spreadsheet by the event's trigger id when the event has no source", async () => {
    const { state } = await configured([SHEET_A, SHEET_B]);
    expect(JSON.parse(state.userProperties[BOT]!['ZONE_EVAL_TRIGGER_SHEETS']!)).toEqual({
      '1': SHEET_A,
      '2': SHEET_B,
    });
    const before = await requested(SHEET_B);
    const run = await runScript(
      'standalone',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', triggerUid: '2', user: OFFICIAL } },
      state,
    );
    expect(run.result).toBe(202);
    expect(await requested(SHEET_B)).toBe(before + 1);
  });

  it('sends nothing for a spreadsheet its map does not name, nor for a FORMAT change', async () => {
    const { state } = await configured([SHEET_A]);
    const other = await runScript(
      'standalone',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_B } },
      state,
    );
    const format = await runScript(
      'standalone',
      { fn: 'zoneEvalOnChange', event: { changeType: 'FORMAT', sourceId: SHEET_A } },
      state,
    );
    expect([other.result, format.result]).toEqual([0, 0]);
    expect([...other.record.fetches, ...format.record.fetches]).toEqual([]);
  });

  it("a map entry holding another sheet's key is refused by the webhook", async () => {
    const { state } = await configured([SHEET_A, SHEET_B]);
    const props = state.userProperties[BOT]!;
    const keys = JSON.parse(props['ZONE_EVAL_SHEET_KEYS']!) as Record<string, string>;
    props['ZONE_EVAL_SHEET_KEYS'] = JSON.stringify({ ...keys, [SHEET_A]: keys[SHEET_B] });
    const before = await store.getSheetState(E, SHEET_A);
    const run = await runScript(
      'standalone',
      { fn: 'zoneEvalOnChange', event: { changeType: 'EDIT', sourceId: SHEET_A } },
      state,
    );
    expect(run.result).toBe(401);
    expect(refusals()).toEqual([{ event: 'signal.bad-signature', spreadsheetId: SHEET_A }]);
    expect(await store.getSheetState(E, SHEET_A)).toEqual(before);
    expect(sent).toEqual([]);
  });
});
