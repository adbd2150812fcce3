import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import {
  buildFormRows,
  createSpreadsheet,
  type GoogleClients,
  GoogleFeedbackWriter,
  GoogleSpreadsheetFiles,
  GoogleSpreadsheetReader,
  SpreadsheetAccessError,
  SpreadsheetNotFoundError,
} from '../../../lib/sheets';
import { feedbackTable } from '../../helpers/feedback';
import { BOT, clientsFor, methodology, OFFICIAL, placeIn } from './fixtures';

let emu: Emulator;
let clients: GoogleClients;
let writer: GoogleFeedbackWriter;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  clients = clientsFor(emu);
  writer = new GoogleFeedbackWriter(clients);
});
afterAll(() => emu.close());
afterEach(() => emu.faults.clear());

async function form(): Promise<string> {
  const { spreadsheetId } = await createSpreadsheet(
    clients,
    'Zone',
    [buildFormRows({ zoneId: 'hangzhou' }, methodology)],
    placeIn(emu),
  );
  return spreadsheetId;
}

/** The Feedback tab's cells as stored: userEnteredValue tells text from a formula. */
async function storedFeedback(spreadsheetId: string) {
  const res = await clients.sheets.spreadsheets.get({
    spreadsheetId,
    ranges: ['Feedback'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue,formattedValue)',
  });
  return (res.data.sheets?.[0]?.data?.[0]?.rowData ?? []).map((r) =>
    (r.values ?? []).map((v) => v.userEnteredValue ?? null),
  );
}

const report = (lines: number) =>
  feedbackTable({
    status: `${lines} values need attention`,
    syncedAt: '2025-03-01T08:00:00.000Z',
    issues: Array.from({ length: lines }, (_, i) => ({
      at: `Form!D${i + 3}`,
      code: `T0${i}`,
      typed: '=IMPORTXML("http://example.com","//a")',
      problem: 'is not a number',
      lastAccepted: i,
    })),
  });

describe('writing the Feedback tab', () => {
  test('adds the tab when missing and writes it in one request', async () => {
    const id = await form();
    const reader = new GoogleSpreadsheetReader(clients);
    const read = await reader.readForm(id, methodology);
    const before = emu.requestCount({ route: 'sheets.*', spreadsheetId: id });

    const tab = await writer.writeFeedback(id, report(2), read.feedbackTab);

    expect(emu.requestCount({ route: 'sheets.*', spreadsheetId: id }) - before).toBe(1);
    expect((await reader.readForm(id, methodology)).feedbackTab).toEqual(tab);
  });

  test('writes text as text, so a formula an official typed is not evaluated', async () => {
    const id = await form();

    await writer.writeFeedback(id, report(1), null);

    const cells = await storedFeedback(id);
    expect(cells[4]?.[2]).toEqual({ stringValue: '=IMPORTXML("http://example.com","//a")' });
    expect(cells[4]?.[5]).toEqual({ numberValue: 0 });
  });

  test('a shorter write clears the lines of the previous one', async () => {
    const id = await form();
    const tab = await writer.writeFeedback(id, report(5), null);

    await writer.writeFeedback(id, report(1), tab);

    expect(await storedFeedback(id)).toHaveLength(5);
  });

  test('a write longer than the tab grows it in the same request', async () => {
    const id = await form();
    const tab = await writer.writeFeedback(id, report(1), null);
    const before = emu.requestCount({ route: 'sheets.*', spreadsheetId: id });

    const grown = await writer.writeFeedback(id, report(150), tab);

    expect(emu.requestCount({ route: 'sheets.*', spreadsheetId: id }) - before).toBe(1);
    expect(grown.rowCount).toBeGreaterThanOrEqual(154);
    expect(await storedFeedback(id)).toHaveLength(154);
  });

  test('a stale tab handle (the official deleted the tab) is recovered with one lookup', async () => {
    const id = await form();
    const tab = await writer.writeFeedback(id, report(1), null);
    await clients.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ deleteSheet: { sheetId: tab.tabId } }] },
    });

    const again = await writer.writeFeedback(id, report(2), tab);

    expect(again.tabId).not.toBe(tab.tabId);
    expect(await storedFeedback(id)).toHaveLength(6);
  });

  test('a POST answered 429 and 503 is retried until written', async () => {
    const id = await form();
    const storm = emu.faults.rateLimit('sheets.spreadsheets.batchUpdate', 3, { spreadsheetId: id });
    emu.faults.error('sheets.spreadsheets.batchUpdate', 503, { times: 1, spreadsheetId: id });

    await writer.writeFeedback(id, report(1), null);

    expect(storm.hits).toBe(3);
    expect(await storedFeedback(id)).toHaveLength(5);
  });

  test('a spreadsheet shared read-only is a SpreadsheetAccessError', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(OFFICIAL, { sheets: [{ title: 'Form' }] });
    emu.share(spreadsheetId, BOT, 'reader');

    await expect(writer.writeFeedback(spreadsheetId, report(1), null)).rejects.toBeInstanceOf(
      SpreadsheetAccessError,
    );
  });
});

describe('listing files for the reconcile poll', () => {
  test('lists every file of a folder across pages with its version', async () => {
    const folder = 'folder-zones';
    const ids = Array.from(
      { length: 5 },
      (_, i) => emu.createSpreadsheetAs(BOT, { title: `Zone ${i}`, parents: [folder] }).spreadsheetId,
    );
    emu.createSpreadsheetAs(BOT, { title: 'elsewhere', parents: ['other'] });
    const files = new GoogleSpreadsheetFiles(clients, 2);
    emu.resetRequests();

    const listed = await files.listFiles(folder);

    expect(listed.map((f) => f.id).sort()).toEqual([...ids].sort());
    expect(listed[0]).toEqual({
      id: expect.any(String),
      version: expect.any(String),
      modifiedTime: expect.any(String),
    });
    expect(emu.requestCount({ route: 'drive.files.list' })).toBe(3);
  });

  test('a version moves when a person edits the spreadsheet', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(BOT, {
      sheets: [{ title: 'Form' }],
      parents: ['folder-moves'],
    });
    emu.share(spreadsheetId, OFFICIAL, 'writer');
    const files = new GoogleSpreadsheetFiles(clients);
    const [before] = await files.listFiles('folder-moves');

    await emu.editAsPerson(spreadsheetId, OFFICIAL, 'Form!A1', [['x']]);
    const [after] = await files.listFiles('folder-moves');

    expect(Number(after?.version)).toBeGreaterThan(Number(before?.version));
  });

  test('gets one file, and a deleted one is a SpreadsheetNotFoundError', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(BOT, { title: 'Zone file' });
    const files = new GoogleSpreadsheetFiles(clients);

    const info = await files.getFile(spreadsheetId);
    await clients.drive.files.delete({ fileId: spreadsheetId });

    expect(info).toMatchObject({
      id: spreadsheetId,
      name: 'Zone file',
      trashed: false,
      lastModifyingUser: BOT,
    });
    await expect(files.getFile(spreadsheetId)).rejects.toBeInstanceOf(SpreadsheetNotFoundError);
  });
});
