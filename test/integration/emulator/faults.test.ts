/**
 * Faults injected per route, seen through Google's client: latency, 5xx, bursts of 429, a dropped connection, and
 * a request held until released. gaxios retries GET/PUT on 429 and 5xx by default (retry: 3, backoff), which
 * these tests rely on or switch off with { retry: false }.
 */
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { ALICE, clientsFor, failure, noRetry } from './helpers';

let emu: Emulator;
let api: ReturnType<typeof clientsFor>['sheets'];
let id: string;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  api = clientsFor(emu, ALICE).sheets;
  id = emu.createSpreadsheetAs(ALICE, {
    sheets: [
      {
        title: 'Form',
        values: [
          ['code', 'value'],
          ['X1', '1'],
        ],
      },
    ],
  }).spreadsheetId;
});
afterAll(() => emu.close());
afterEach(() => emu.faults.clear());

it('adds latency to the named route only', async () => {
  emu.faults.latency('sheets.values.get', 150);
  const t0 = Date.now();
  await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
  const slow = Date.now() - t0;
  const t1 = Date.now();
  await api.spreadsheets.get({ spreadsheetId: id, fields: 'spreadsheetId' });
  const fast = Date.now() - t1;
  expect(slow).toBeGreaterThanOrEqual(140);
  expect(fast).toBeLessThan(100);
});

it('answers 503 UNAVAILABLE in Google error shape', async () => {
  emu.faults.error('sheets.values.get', 503, { times: 1 });
  const f = await failure(api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, noRetry));
  expect(f.status).toBe(503);
  expect(f.data.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
  await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, noRetry);
});

it('a burst of 429s is absorbed by the client retrying, and every attempt is counted', async () => {
  emu.resetRequests();
  const burst = emu.faults.rateLimit('sheets.values.get', 2);
  const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
  expect(r.data.values).toEqual([['code']]);
  expect(burst.hits).toBe(2);
  expect(emu.requestCount({ route: 'sheets.values.get' })).toBe(3);
});

it('a 429 burst carries the quota body a client backs off on', async () => {
  emu.faults.rateLimit('sheets.spreadsheets.get', 1);
  const f = await failure(api.spreadsheets.get({ spreadsheetId: id }, noRetry));
  expect(f.status).toBe(429);
  expect(f.data.error.status).toBe('RESOURCE_EXHAUSTED');
});

it('drops the connection without an answer', async () => {
  emu.faults.drop('sheets.values.get', { times: 1 });
  await expect(api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, noRetry)).rejects.toThrow();
  await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, noRetry);
});

it('matches a caller or a spreadsheet when asked', async () => {
  const other = emu.createSpreadsheetAs(ALICE).spreadsheetId;
  emu.faults.error('sheets.*', 500, { spreadsheetId: other });
  await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, noRetry);
  expect(
    (await failure(api.spreadsheets.values.get({ spreadsheetId: other, range: 'A1' }, noRetry))).status,
  ).toBe(500);
});

it('holds a read after it has taken its snapshot, so an edit lands while the sync is reading', async () => {
  const hold = emu.faults.hold('sheets.spreadsheets.get');
  const reading = api.spreadsheets.get({
    spreadsheetId: id,
    ranges: ['Form!B2'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values.formattedValue',
  });
  await hold.reached;
  await emu.editAsPerson(id, ALICE, 'Form!B2', [['2']]);
  hold.release();
  const r = await reading;
  // The read answers what the sheet held when it was read; the edit after it needs another read.
  expect(r.data.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0]?.formattedValue).toBe('1');
  const again = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!B2' });
  expect(again.data.values).toEqual([['2']]);
  await emu.editAsPerson(id, ALICE, 'Form!B2', [['1']]);
});

it('holds a request before it reads when asked, so the edit is seen', async () => {
  const hold = emu.faults.hold('sheets.values.get', { stage: 'before' });
  const reading = api.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!B2' });
  await hold.reached;
  await emu.editAsPerson(id, ALICE, 'Form!B2', [['3']]);
  hold.release();
  expect((await reading).data.values).toEqual([['3']]);
  await emu.editAsPerson(id, ALICE, 'Form!B2', [['1']]);
});
