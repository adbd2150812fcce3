/**
 * Provisioning spreadsheets as the service account, through Google's real clients against the emulator. A service
 * account has no Drive storage, so `spreadsheets.create` is refused with 403 "The user's Drive storage quota has
 * been exceeded." (burnash/gspread#1592, xing5/mcp-google-sheets#40) and files live in a shared drive where it is a
 * content manager (DESIGN section 9; n8n-io/n8n#26050 quoting Drive's shared drives guide). A create is not
 * idempotent (cockroachdb/cockroach#170130): each file carries a key in its appProperties and is looked up by it.
 */

import type { Zone } from '../../../lib/local/demo-data';
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { DRIVE_ADMIN, provisionEvaluation } from '../../../lib/local/seed';
import { SERVICE_ACCOUNT } from '../../../lib/local/stack';
import {
  buildControlTabs,
  buildFormRows,
  DriveStorageError,
  FEEDBACK_TAB,
  GoogleSpreadsheetFiles,
  GoogleSpreadsheetReader,
} from '../../../lib/sheets';
import { createSpreadsheet, KEY_PROPERTY } from '../../../lib/sheets/provision';
import { BOT, clientsFor, methodology, placeIn, sharedDriveOf } from './fixtures';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.faults.clear();
  emu.resetRequests();
});

const form = () => buildFormRows({ zoneId: 'hangzhou' }, methodology);
const feedback = { title: FEEDBACK_TAB, rows: [[{ value: 'Status' }]], frozenRows: 0 };
/** Waits until the emulator has answered `n` requests of a route (a released held request answers late). */
async function settled(route: string, n: number): Promise<void> {
  for (let i = 0; i < 100 && emu.requestCount({ route }) < n; i++)
    await new Promise((r) => setTimeout(r, 10));
}

const withKey = (key: string) => emu.files().filter((f) => f.appProperties?.[KEY_PROPERTY] === key);

describe('creating a spreadsheet as the service account', () => {
  test('makes it in the shared drive with Drive files.create, then one batchUpdate; spreadsheets.create is never sent', async () => {
    const clients = clientsFor(emu);
    const place = placeIn(emu);

    const { spreadsheetId, tabIds, created } = await createSpreadsheet(
      clients,
      'Zone',
      [form(), feedback],
      place,
    );

    expect(created).toBe(true);
    expect(emu.file(spreadsheetId)).toMatchObject({
      name: 'Zone',
      driveId: place.driveId,
      parents: [place.folderId],
      appProperties: { [KEY_PROPERTY]: place.key },
    });
    expect(tabIds).toEqual({ Form: 0, Feedback: 1 });
    expect(emu.requestCount({ route: 'sheets.spreadsheets.create' })).toBe(0);
    expect(emu.requestCount({ route: 'drive.files.create' })).toBe(1);
    expect(emu.requestCount({ route: 'sheets.*' })).toBe(1);
    const read = await new GoogleSpreadsheetReader(clients).readForm(spreadsheetId, methodology, {
      expectedZoneId: 'hangzhou',
    });
    expect(read.problems).toEqual([]);
    expect(read.zoneId).toBe('hangzhou');
    expect(read.feedbackTab).toMatchObject({ tabId: 1 });
  });

  test('the control spreadsheet gets its five tabs, each grid big enough for its rows', async () => {
    const clients = clientsFor(emu);
    const tabs = buildControlTabs(methodology, []);

    const { spreadsheetId } = await createSpreadsheet(clients, 'Control', tabs, placeIn(emu));

    const control = await new GoogleSpreadsheetReader(clients).readControl(spreadsheetId);
    expect(control.problems).toEqual([]);
    const meta = await clients.sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets.properties(title,gridProperties.rowCount)',
    });
    expect(meta.data.sheets?.map((s) => s.properties?.title)).toEqual(tabs.map((t) => t.title));
  });

  test('outside a shared drive it is refused like Google refuses it, and nothing is retried', async () => {
    // A person's folder shared with the service account as an editor is not enough (burnash/gspread#1568).
    const clients = clientsFor(emu);
    const person = clientsFor(emu, 'person@example.com').drive;
    const folder = (
      await person.files.create({
        requestBody: { name: 'My folder', mimeType: 'application/vnd.google-apps.folder' },
      })
    ).data.id!;
    await person.permissions.create({
      fileId: folder,
      requestBody: { type: 'user', role: 'writer', emailAddress: BOT },
    });
    emu.resetRequests();

    await expect(
      createSpreadsheet(clients, 'Zone', [form()], { folderId: folder, key: 'outside' }),
    ).rejects.toThrow(DriveStorageError);
    await expect(
      createSpreadsheet(clients, 'Zone', [form()], { folderId: folder, key: 'outside-2' }),
    ).rejects.toThrow(/service accounts have no Drive storage.*shared drive/);
    expect(emu.requestCount({ route: 'drive.files.create' })).toBe(2);
  });

  test('a create whose answer is lost (held past the client timeout) leaves one spreadsheet, set up', async () => {
    // The reviewer's reproduction: a held create and a client timeout made three files under the old provisioning.
    const clients = clientsFor(emu, BOT, { retry: { baseDelayMs: 20, maxDelayMs: 40 } }, 300);
    const place = placeIn(emu);
    const hold = emu.faults.hold('drive.files.create', { stage: 'after', times: 3 });

    const { spreadsheetId, created } = await createSpreadsheet(clients, 'Zone', [form(), feedback], place);
    hold.release();
    await settled('drive.files.create', 1);

    expect(withKey(place.key)).toHaveLength(1);
    expect(created).toBe(false);
    expect(hold.hits).toBe(1);
    expect(emu.requestCount({ route: 'drive.files.create' })).toBe(1);
    const read = await new GoogleSpreadsheetReader(clients).readForm(spreadsheetId, methodology);
    expect(read.problems).toEqual([]);
  });

  test('running it again with the same key reuses the spreadsheet instead of making a second', async () => {
    const clients = clientsFor(emu);
    const place = placeIn(emu);
    const first = await createSpreadsheet(clients, 'Zone', [form(), feedback], place);
    emu.resetRequests();

    const again = await createSpreadsheet(clients, 'Zone', [form(), feedback], place);

    expect(again).toEqual({ ...first, created: false });
    expect(withKey(place.key)).toHaveLength(1);
    expect(emu.requestCount({ route: 'drive.files.create' })).toBe(0);
    expect(emu.requestCount({ route: 'sheets.spreadsheets.batchUpdate' })).toBe(0);
  });

  test('an empty spreadsheet left by a failed run is set up by the next run', async () => {
    const clients = clientsFor(emu);
    const place = placeIn(emu);
    emu.faults.error('sheets.spreadsheets.batchUpdate', 400, { times: 1 });
    await expect(createSpreadsheet(clients, 'Zone', [form(), feedback], place)).rejects.toThrow();

    const { spreadsheetId, tabIds } = await createSpreadsheet(clients, 'Zone', [form(), feedback], place);

    expect(withKey(place.key)).toHaveLength(1);
    expect(tabIds).toEqual({ Form: 0, Feedback: 1 });
    const read = await new GoogleSpreadsheetReader(clients).readForm(spreadsheetId, methodology);
    expect(read.problems).toEqual([]);
  });

  test('a batchUpdate retried after its first attempt went through is recognised as done', async () => {
    const clients = clientsFor(emu, BOT, { retry: { baseDelayMs: 20, maxDelayMs: 40 } }, 300);
    const place = placeIn(emu);
    const hold = emu.faults.hold('sheets.spreadsheets.batchUpdate', { stage: 'after' });

    const { tabIds } = await createSpreadsheet(clients, 'Zone', [form(), feedback], place);
    hold.release();
    await settled('sheets.spreadsheets.batchUpdate', 2);

    expect(tabIds).toEqual({ Form: 0, Feedback: 1 });
    expect(emu.requestCount({ route: 'sheets.spreadsheets.batchUpdate' })).toBe(2);
  });
});

describe('provisioning an evaluation on the local stack', () => {
  test('makes every spreadsheet in a folder of a shared drive, none owned by the service account', async () => {
    const google = clientsFor(emu, SERVICE_ACCOUNT);
    const zone = (zoneId: string, nameEn: string): Zone => ({
      zoneId,
      nameEn,
      nameZh: nameEn,
      provinceEn: 'Zhejiang',
      provinceZh: '浙江',
      batch: 1,
      approved: '2015-03',
    });
    const zones = [zone('z1', 'One'), zone('z2', 'Two')];

    const prov = await provisionEvaluation({ emulator: emu, google }, methodology, zones);

    const ids = [prov.controlId, ...prov.sheets.values()];
    const files = ids.map((id) => emu.file(id));
    const driveId = files[0]!.driveId!;
    expect(driveId).toEqual(expect.any(String));
    const folder = files[0]!.parents[0]!;
    expect(emu.file(folder)).toMatchObject({ mimeType: 'application/vnd.google-apps.folder', driveId });
    for (const f of files) expect(f).toMatchObject({ driveId, parents: [folder] });
    expect(emu.requestCount({ route: 'sheets.spreadsheets.create' })).toBe(0);
    const listed = await new GoogleSpreadsheetFiles(google).listFiles(folder, { driveId });
    expect(listed.map((f) => f.id).sort()).toEqual([...ids].sort());
    const control = await new GoogleSpreadsheetReader(google).readControl(prov.controlId);
    expect(control.zones.map((z) => z.spreadsheetId)).toEqual([...prov.sheets.values()]);
    // The drive is the admin's: the service account is a member, never an owner of a file.
    expect((await google.drive.drives.get({ driveId })).data.name).toEqual(expect.any(String));
    expect(
      emu
        .files()
        .filter((f) => f.driveId === driveId)
        .every((f) => f.owner === SERVICE_ACCOUNT),
    ).toBe(true);
    expect(DRIVE_ADMIN).not.toBe(SERVICE_ACCOUNT);
  });

  test("forms made several at a time are listed in the control sheet in the zones' order, each its own zone's", async () => {
    const google = clientsFor(emu, SERVICE_ACCOUNT);
    const zones: Zone[] = Array.from({ length: 19 }, (_, k) => ({
      zoneId: `z${k}`,
      nameEn: `Zone ${k}`,
      nameZh: `区${k}`,
      provinceEn: 'Zhejiang',
      provinceZh: '浙江',
      batch: 1,
      approved: '2015-03',
    }));
    const seen: number[] = [];

    const prov = await provisionEvaluation({ emulator: emu, google }, methodology, zones, undefined, (done) =>
      seen.push(done),
    );

    expect(seen).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect([...prov.sheets.keys()]).toEqual(zones.map((z) => z.zoneId));
    const control = await new GoogleSpreadsheetReader(google).readControl(prov.controlId);
    expect(control.zones.map((z) => [z.zoneId, z.spreadsheetId])).toEqual(
      zones.map((z) => [z.zoneId, prov.sheets.get(z.zoneId)]),
    );
    for (const z of zones)
      expect(emu.file(prov.sheets.get(z.zoneId)!)?.name).toBe(`${z.nameEn} ${z.nameZh}: submission 填报`);
  });
});

describe('listing a shared drive for the reconcile poll', () => {
  test('given the drive id, lists with corpora=drive and finds the files a folder-only listing misses', async () => {
    const clients = clientsFor(emu);
    const driveId = sharedDriveOf(emu);
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await createSpreadsheet(clients, `Zone ${i}`, [form()], placeIn(emu))).spreadsheetId);
    const files = new GoogleSpreadsheetFiles(clients, 2, { driveId });

    const listed = await files.listFiles(driveId);
    const byFolderOnly = await new GoogleSpreadsheetFiles(clients).listFiles(driveId);

    expect(listed.map((f) => f.id)).toEqual(expect.arrayContaining(ids));
    expect(byFolderOnly).toEqual([]);
  });
});
