/**
 * The simulated Apps Script trigger (DESIGN section 2). An edit made as a person fires a signed POST naming the
 * spreadsheet; edits made through the API fire nothing ("installable triggers ... are not triggered by API
 * requests"); a copied spreadsheet has no trigger.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { deriveSheetKey, verifySignal } from '../../../lib/protocol/signature';
import { ALICE, BOB, clientsFor } from './helpers';

type Received = { headers: IncomingHttpHeaders; body: string };

const MASTER = 'local-master-secret';
let emu: Emulator;
let hook: Server;
let received: Received[];

beforeAll(async () => {
  received = [];
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const port = (hook.address() as AddressInfo).port;
  emu = await startEmulator({
    quota: 'off',
    webhook: { url: `http://127.0.0.1:${port}/signal`, masterSecret: MASTER },
  });
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => hook.close(r));
});
beforeEach(() => {
  received.length = 0;
});

function zoneSheet() {
  const { spreadsheetId } = emu.createSpreadsheetAs(ALICE, {
    sheets: [
      {
        title: 'Form',
        values: [
          ['code', 'value'],
          ['X1', ''],
        ],
      },
    ],
  });
  emu.share(spreadsheetId, BOB, 'writer');
  return spreadsheetId;
}

it('an edit as a person applies the value and posts the signed signal to the webhook', async () => {
  const id = zoneSheet();
  emu.enableTrigger(id);
  const res = await emu.editAsPerson(id, BOB, 'Form!B2', [['17.35%']]);
  expect(res.signal).toMatchObject({ spreadsheetId: id, status: 202 });
  expect(received).toHaveLength(1);
  const [signal] = received;
  expect(JSON.parse(signal!.body)).toEqual({ spreadsheetId: id, editor: BOB });
  expect(signal!.headers['content-type']).toBe('application/json');
  const checked = verifySignal({
    secret: { masterSecret: MASTER },
    headers: signal!.headers,
    body: signal!.body,
    now: Date.now(),
  });
  expect(checked).toMatchObject({ ok: true, spreadsheetId: id });
  const v = await clientsFor(emu, ALICE).sheets.spreadsheets.values.get({
    spreadsheetId: id,
    range: 'Form!B2',
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  expect(v.data.values).toEqual([[0.1735]]);
});

it("signs with the spreadsheet's own key, so another sheet's key does not verify it", async () => {
  const id = zoneSheet();
  emu.enableTrigger(id);
  await emu.editAsPerson(id, BOB, 'Form!B2', [['1']]);
  const [signal] = received;
  const own = verifySignal({
    secret: { key: deriveSheetKey(MASTER, id) },
    headers: signal!.headers,
    body: signal!.body,
    now: Date.now(),
  });
  const other = verifySignal({
    secret: { key: deriveSheetKey(MASTER, 'other') },
    headers: signal!.headers,
    body: signal!.body,
    now: Date.now(),
  });
  expect(own.ok).toBe(true);
  expect(other).toMatchObject({ ok: false, reason: 'bad-signature' });
});

it('an edit through the API fires nothing, as in Google', async () => {
  const id = zoneSheet();
  emu.enableTrigger(id);
  await clientsFor(emu, BOB).sheets.spreadsheets.values.update({
    spreadsheetId: id,
    range: 'Form!B2',
    valueInputOption: 'USER_ENTERED',
    requestBody: { values: [['5']] },
  });
  expect(received).toHaveLength(0);
});

it('a spreadsheet without the trigger fires nothing', async () => {
  const id = zoneSheet();
  const res = await emu.editAsPerson(id, BOB, 'Form!B2', [['5']]);
  expect(res.signal).toBeUndefined();
  expect(received).toHaveLength(0);
});

it('the edit moves the Drive version and names the person as the last modifying user', async () => {
  const id = zoneSheet();
  const before = emu.file(id).version;
  await emu.editAsPerson(id, BOB, 'Form!B2', [['5']]);
  expect(emu.file(id)).toMatchObject({ version: before + 1, lastModifyingUser: BOB });
});

it('a person without write access cannot edit', async () => {
  const id = zoneSheet();
  await expect(emu.editAsPerson(id, 'mallory@example.com', 'Form!B2', [['5']])).rejects.toMatchObject({
    code: 403,
  });
});

it('the HTTP edit endpoint (for the local web page) does the same as editAsPerson', async () => {
  const id = zoneSheet();
  const enable = await fetch(`${emu.url}emulator/v1/spreadsheets/${id}/trigger`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
    body: JSON.stringify({ enabled: true }),
  });
  expect(enable.status).toBe(200);
  const res = await fetch(`${emu.url}emulator/v1/spreadsheets/${id}/edit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOB}`, 'content-type': 'application/json' },
    body: JSON.stringify({ range: 'Form!B2', values: [['1,092.47']] }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ updatedRange: 'Form!B2', signal: { status: 202 } });
  expect(received).toHaveLength(1);
});

it('only the owner can install the trigger over HTTP', async () => {
  const id = zoneSheet();
  const f = await fetch(`${emu.url}emulator/v1/spreadsheets/${id}/trigger`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${BOB}`, 'content-type': 'application/json' },
    body: JSON.stringify({ enabled: true }),
  });
  expect(f.status).toBe(403);
});

it('a webhook that is down is recorded, not thrown: the reconcile poll is what catches a lost signal', async () => {
  const id = zoneSheet();
  emu.enableTrigger(id);
  emu.setWebhook({ url: 'http://127.0.0.1:1/unreachable', masterSecret: MASTER, timeoutMs: 500 });
  try {
    const res = await emu.editAsPerson(id, BOB, 'Form!B2', [['5']]);
    expect(res.signal?.error).toEqual(expect.any(String));
    expect(res.updatedCells).toBe(1);
  } finally {
    emu.setWebhook({
      url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/signal`,
      masterSecret: MASTER,
    });
  }
});

it('an edit as a person is checked like any write: past the grid is refused and nothing fires', async () => {
  const id = zoneSheet();
  emu.enableTrigger(id);
  await expect(emu.editAsPerson(id, BOB, 'Form!A1001', [['x']])).rejects.toMatchObject({ code: 400 });
  expect(received).toHaveLength(0);
});
