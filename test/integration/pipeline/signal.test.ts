/**
 * The signal stage over real HTTP: the emulator's simulated trigger posts to a webhook served here, which calls
 * `acceptSignal` over dynalite; the sync then reads the sheet and stores the editor and the Drive version.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import { SyncMessageSchema } from '../../../lib/pipeline/messages';
import {
  acceptSignal,
  SIGNAL_HTTP_STATUS,
  type SignalDeps,
  type SignalOutcome,
} from '../../../lib/pipeline/signal';
import { indexProvisioned } from '../../../lib/pipeline/spreadsheet-index';
import { syncSheet } from '../../../lib/pipeline/sync';
import { deriveSheetKey, signalBody, signalHeaders } from '../../../lib/protocol/signature';
import { recordingQueue } from '../../helpers/queue';
import { syncDeps } from '../../helpers/stack';

const E = 'signal2025';
const MASTER = 'local-master-secret';
const ev = loadDefaultEvaluation(11);
const zones = ev.zones.slice(0, 3);
const [first, second] = zones.map((z) => z.zoneId) as [string, string];

let stack: LocalStack;
let prov: Provisioned;
let hook: Server;
const outcomes: SignalOutcome[] = [];
const { queue, sent } = recordingQueue();
const signalDeps = (): SignalDeps => ({
  store: stack.store,
  queue,
  masterSecret: async () => MASTER,
  log: silentLogger,
});
const sheetDeps = () => ({ ...syncDeps(stack), files: stack.files });
const sheetOf = (zoneId: string) => prov.sheets.get(zoneId)!;

beforeAll(async () => {
  stack = await startLocalStack({
    emulator: { quota: 'off' },
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
  // The webhook as the Lambda's Function URL would call it: raw headers and body in, the outcome's status out.
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const outcome = await acceptSignal(signalDeps(), { headers: req.headers, body });
      outcomes.push(outcome);
      res.writeHead(SIGNAL_HTTP_STATUS[outcome.status]).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  stack.emulator.setWebhook({
    url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/signal`,
    masterSecret: MASTER,
  });
  prov = await provisionEvaluation(stack, ev.methodology.spec, zones);
  await stack.store.requestSheet(E, prov.controlId);
  const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, sheetDeps());
  if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
});
afterAll(async () => {
  await stack.close();
  await new Promise((r) => hook.close(r));
});
beforeEach(() => {
  sent.length = 0;
  outcomes.length = 0;
});

describe('the spreadsheet index', () => {
  it('knows every zone sheet and the control sheet once the control sheet registered them', async () => {
    for (const z of zones)
      expect(await stack.store.findSpreadsheet(sheetOf(z.zoneId))).toEqual({
        spreadsheetId: sheetOf(z.zoneId),
        evaluationId: E,
        kind: 'zone',
        zoneId: z.zoneId,
      });
    expect(await stack.store.findSpreadsheet(prov.controlId)).toEqual({
      spreadsheetId: prov.controlId,
      evaluationId: E,
      kind: 'control',
      zoneId: null,
    });
  });

  it('answers null for a spreadsheet no evaluation registered', async () => {
    expect(await stack.store.findSpreadsheet('neverRegistered')).toBeNull();
  });

  it('keeps the last registration of a spreadsheet (a sheet moved to another year)', async () => {
    await stack.store.indexSpreadsheet({
      spreadsheetId: 'moved',
      evaluationId: 'y2024',
      kind: 'central',
      zoneId: null,
    });
    await stack.store.indexSpreadsheet({
      spreadsheetId: 'moved',
      evaluationId: 'y2025',
      kind: 'central',
      zoneId: null,
    });
    expect(await stack.store.findSpreadsheet('moved')).toMatchObject({ evaluationId: 'y2025' });
  });

  it('refuses an entry that does not fit the port, before writing', async () => {
    await expect(
      stack.store.indexSpreadsheet({
        spreadsheetId: 'x',
        evaluationId: E,
        kind: 'form' as never,
        zoneId: null,
      }),
    ).rejects.toThrow(/cannot be stored/);
    expect(await stack.store.findSpreadsheet('x')).toBeNull();
  });
});

it("an official's edit: trigger -> webhook -> counted -> sync message; the sync stores the editor and the Drive version", async () => {
  const s = sheetOf(first);
  stack.emulator.enableTrigger(s);
  const before = (await stack.store.getSheetState(E, s))?.requested ?? 0;
  const res = await stack.emulator.editAsPerson(s, officialOf(first), 'Form!D3', [['42']]);
  expect(res.signal).toMatchObject({ status: 202 });
  expect(outcomes).toEqual([
    expect.objectContaining({ status: 'accepted', spreadsheetId: s, editor: officialOf(first) }),
  ]);
  const state = await stack.store.getSheetState(E, s);
  expect(state?.requested).toBe(before + 1);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ queue: 'sync', group: s, dedupId: `${s}#${before + 1}` });
  const message = SyncMessageSchema.parse(JSON.parse(sent[0]!.body));
  expect(message).toEqual({
    evaluationId: E,
    spreadsheetId: s,
    requested: before + 1,
    caller: 'trigger',
    editor: officialOf(first),
    kind: 'zone',
    // The Function URL's arrival time, from which edit-to-publish is measured.
    signalledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });

  const reads = stack.emulator.requestCount({ route: 'sheets.spreadsheets.get', spreadsheetId: s });
  const synced = await syncSheet(message, sheetDeps());
  expect(synced.status).toBe('synced');
  expect(stack.emulator.requestCount({ route: 'sheets.spreadsheets.get', spreadsheetId: s })).toBe(reads + 1);
  const revisions = await stack.store.listRevisions(E, first);
  const latest = revisions.at(-1)!;
  expect(latest).toMatchObject({ editor: officialOf(first), caller: 'trigger' });
  // The revision names the version its read saw; the sheet keeps the version after the system's own Feedback write.
  expect(latest.driveVersion).toEqual(expect.any(String));
  const file = await stack.files.getFile(s);
  expect((await stack.store.getSheetState(E, s))?.driveVersion).toBe(file.version);
});

it('a signal never reads a sheet', async () => {
  const s = sheetOf(second);
  const reads = stack.emulator.requestCount({ route: 'sheets.spreadsheets.get' });
  const body = signalBody(s);
  const outcome = await acceptSignal(signalDeps(), {
    headers: signalHeaders(deriveSheetKey(MASTER, s), Math.floor(Date.now() / 1000), body),
    body,
  });
  expect(outcome.status).toBe('accepted');
  expect(stack.emulator.requestCount({ route: 'sheets.spreadsheets.get' })).toBe(reads);
});

it('refused signals leave nothing stored or queued: a forged key, a stale replay, an unknown spreadsheet', async () => {
  const s = sheetOf(second);
  const before = await stack.store.getSheetState(E, s);
  const now = Math.floor(Date.now() / 1000);
  const body = signalBody(s);
  const forged = await acceptSignal(signalDeps(), {
    headers: signalHeaders(deriveSheetKey('guessed-secret', s), now, body),
    body,
  });
  const replay = await acceptSignal(signalDeps(), {
    headers: signalHeaders(deriveSheetKey(MASTER, s), now - 600, body),
    body,
  });
  const unknownBody = signalBody('notInAnyEvaluation');
  const unknown = await acceptSignal(signalDeps(), {
    headers: signalHeaders(deriveSheetKey(MASTER, 'notInAnyEvaluation'), now, unknownBody),
    body: unknownBody,
  });
  expect([forged.status, replay.status, unknown.status]).toEqual([
    'bad-signature',
    'stale',
    'unknown-spreadsheet',
  ]);
  expect(await stack.store.getSheetState(E, s)).toEqual(before);
  expect(await stack.store.getSheetState(E, 'notInAnyEvaluation')).toBeNull();
  expect(sent).toEqual([]);
});

it('provisioning indexes the central-data and results spreadsheets; a signal for central data is accepted, for results refused', async () => {
  const written = await indexProvisioned(stack.store, E, {
    central: ['centralSheet1'],
    results: 'resultsSheet1',
  });
  expect(written.map((x) => x.kind)).toEqual(['central', 'results']);
  const now = Math.floor(Date.now() / 1000);
  const send = (id: string) => {
    const body = signalBody(id);
    return acceptSignal(signalDeps(), {
      headers: signalHeaders(deriveSheetKey(MASTER, id), now, body),
      body,
    });
  };
  expect(await send('centralSheet1')).toMatchObject({ status: 'accepted', kind: 'central', evaluationId: E });
  expect(await send('resultsSheet1')).toMatchObject({ status: 'not-an-input' });
  expect(await stack.store.getSheetState(E, 'resultsSheet1')).toBeNull();
  expect(sent.map((m) => m.group)).toEqual(['centralSheet1']);
});
