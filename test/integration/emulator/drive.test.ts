/**
 * Drive v3 through @googleapis/drive. References: Drive API File resource ("version: a monotonically increasing
 * version number for the file. This reflects every change made to the file on the server"), files.list (q, fields,
 * pageSize, pageToken), files.copy, permissions.create/list, "Return specific fields".
 */
import { type Emulator, SPREADSHEET_MIME, startEmulator } from '../../../lib/local/emulator';
import { ALICE, BOB, CAROL, clientsFor, failure } from './helpers';

let emu: Emulator;
let alice: ReturnType<typeof clientsFor>;
let bob: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  alice = clientsFor(emu, ALICE);
  bob = clientsFor(emu, BOB);
});
afterAll(() => emu.close());

describe('files.create and files.get', () => {
  it('creates a spreadsheet by mime type, usable through the Sheets API at once', async () => {
    const f = await alice.drive.files.create({ requestBody: { name: 'Zone 7', mimeType: SPREADSHEET_MIME } });
    expect(f.data).toEqual({
      kind: 'drive#file',
      id: expect.any(String),
      name: 'Zone 7',
      mimeType: SPREADSHEET_MIME,
    });
    const s = await alice.sheets.spreadsheets.get({
      spreadsheetId: f.data.id!,
      fields: 'properties.title,sheets.properties.title',
    });
    expect(s.data).toEqual({
      properties: { title: 'Zone 7' },
      sheets: [{ properties: { title: 'Sheet1' } }],
    });
  });

  it('answers kind, id, name and mimeType when no fields are asked for', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE, { title: 'Default fields' });
    const r = await alice.drive.files.get({ fileId: spreadsheetId });
    expect(Object.keys(r.data).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
  });

  it('answers version, modifiedTime and lastModifyingUser when asked for', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE, { title: 'Meta' });
    const r = await alice.drive.files.get({
      fileId: spreadsheetId,
      fields: 'name,mimeType,modifiedTime,version,lastModifyingUser(emailAddress,displayName)',
    });
    expect(r.data).toEqual({
      name: 'Meta',
      mimeType: SPREADSHEET_MIME,
      modifiedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      version: expect.stringMatching(/^\d+$/),
      lastModifyingUser: { emailAddress: ALICE, displayName: 'alice' },
    });
  });

  it('every change moves version and modifiedTime, and names who made it', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE, { title: 'Versions' });
    emu.share(spreadsheetId, BOB, 'writer');
    const meta = async () =>
      (
        await alice.drive.files.get({
          fileId: spreadsheetId,
          fields: 'version,modifiedTime,lastModifyingUser(emailAddress)',
        })
      ).data;
    const v0 = await meta();
    await bob.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['x']] },
    });
    const v1 = await meta();
    await alice.sheets.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: [{ addSheet: {} }] },
    });
    const v2 = await meta();
    expect(Number(v1.version)).toBeGreaterThan(Number(v0.version));
    expect(Number(v2.version)).toBeGreaterThan(Number(v1.version));
    expect(Date.parse(v1.modifiedTime!)).toBeGreaterThan(Date.parse(v0.modifiedTime!));
    expect(Date.parse(v2.modifiedTime!)).toBeGreaterThan(Date.parse(v1.modifiedTime!));
    expect(v1.lastModifyingUser?.emailAddress).toBe(BOB);
    expect(v2.lastModifyingUser?.emailAddress).toBe(ALICE);
  });

  it('a read moves nothing', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const before = emu.file(spreadsheetId).version;
    await alice.sheets.spreadsheets.values.get({ spreadsheetId, range: 'A1' });
    expect(emu.file(spreadsheetId).version).toBe(before);
  });

  it('a file the caller cannot see is 404 "File not found", as Drive hides its existence', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const f = await failure(bob.drive.files.get({ fileId: spreadsheetId }));
    expect(f.status).toBe(404);
    expect(f.data.error).toMatchObject({
      code: 404,
      message: `File not found: ${spreadsheetId}.`,
      errors: [{ reason: 'notFound' }],
    });
  });
});

describe('files.list', () => {
  const owner = 'lister@example.com';
  let folder: string;
  let ids: string[];
  let lister: ReturnType<typeof clientsFor>;
  beforeAll(async () => {
    lister = clientsFor(emu, owner);
    folder = (
      await lister.drive.files.create({
        requestBody: { name: 'Zones', mimeType: 'application/vnd.google-apps.folder' },
      })
    ).data.id!;
    ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(emu.createSpreadsheetAs(owner, { title: `Zone ${i}`, parents: [folder] }).spreadsheetId);
    emu.createSpreadsheetAs(owner, { title: 'Elsewhere' });
  });

  it("answers the files of a folder with the fields the reconcile poll asks for ('X' in parents, files(id,version))", async () => {
    const r = await lister.drive.files.list({
      q: `'${folder}' in parents and trashed = false`,
      fields: 'nextPageToken, files(id,version)',
    });
    expect(r.data.files?.map((f) => f.id).sort()).toEqual([...ids].sort());
    expect(r.data.files?.[0]).toEqual({ id: expect.any(String), version: expect.stringMatching(/^\d+$/) });
    expect(r.data.nextPageToken).toBeUndefined();
  });

  it('pages with pageSize and nextPageToken until every file is seen once', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const r = await lister.drive.files.list({
        q: `'${folder}' in parents`,
        pageSize: 2,
        fields: 'nextPageToken,files(id)',
        ...(pageToken ? { pageToken } : {}),
      });
      seen.push(...(r.data.files ?? []).map((f) => f.id!));
      pageToken = r.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it("filters on modifiedTime > 'RFC 3339 time'", async () => {
    const cut = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await lister.sheets.spreadsheets.values.update({
      spreadsheetId: ids[2]!,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[1]] },
    });
    const r = await lister.drive.files.list({
      q: `'${folder}' in parents and modifiedTime > '${cut}'`,
      fields: 'files(id)',
    });
    expect(r.data.files).toEqual([{ id: ids[2] }]);
  });

  it('lists only the files the caller can read', async () => {
    const r = await clientsFor(emu, CAROL).drive.files.list({
      q: `'${folder}' in parents`,
      fields: 'files(id)',
    });
    expect(r.data.files).toEqual([]);
  });

  it('answers kind, incompleteSearch and files(kind,id,name,mimeType) by default', async () => {
    const r = await lister.drive.files.list({ q: `'${folder}' in parents`, pageSize: 1 });
    expect(r.data).toMatchObject({
      kind: 'drive#fileList',
      incompleteSearch: false,
      nextPageToken: expect.any(String),
    });
    expect(Object.keys(r.data.files?.[0] ?? {}).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
  });

  it('orders by each orderBy key in turn: name descending; folders first, then by name', async () => {
    const names = async (q: string, orderBy: string) =>
      ((await lister.drive.files.list({ q, orderBy, fields: 'files(name)' })).data.files ?? []).map(
        (f) => f.name,
      );
    expect(await names(`'${folder}' in parents`, 'name desc')).toEqual(
      [4, 3, 2, 1, 0].map((i) => `Zone ${i}`),
    );
    expect(await names('trashed = false', 'folder desc,name')).toEqual([
      'Zones',
      'Elsewhere',
      ...[0, 1, 2, 3, 4].map((i) => `Zone ${i}`),
    ]);
  });

  it('refuses a query it does not understand with 400', async () => {
    const f = await failure(lister.drive.files.list({ q: 'fullText contains "x"' }));
    expect(f.status).toBe(400);
  });
});

describe('files.copy', () => {
  it('copies the sheets and values, owned by the caller, without sharing or trigger', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE, {
      title: 'Template',
      sheets: [{ title: 'Form', values: [['code'], ['X1']] }],
    });
    emu.share(spreadsheetId, BOB, 'reader');
    emu.enableTrigger(spreadsheetId);
    const c = await bob.drive.files.copy({
      fileId: spreadsheetId,
      requestBody: { name: 'Zone 9' },
      fields: 'id,name,owners(emailAddress)',
    });
    expect(c.data).toMatchObject({ name: 'Zone 9', owners: [{ emailAddress: BOB }] });
    const v = await bob.sheets.spreadsheets.values.get({ spreadsheetId: c.data.id!, range: 'Form!A:A' });
    expect(v.data.values).toEqual([['code'], ['X1']]);
    expect(emu.file(c.data.id!).trigger).toBe(false);
    await failure(alice.sheets.spreadsheets.get({ spreadsheetId: c.data.id! })).then((f) =>
      expect(f.status).toBe(403),
    );
  });
});

describe('permissions', () => {
  it('permissions.create gives a user reader access: reads pass, writes are 403 PERMISSION_DENIED', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const p = await alice.drive.permissions.create({
      fileId: spreadsheetId,
      requestBody: { type: 'user', role: 'reader', emailAddress: BOB },
    });
    expect(p.data).toEqual({
      kind: 'drive#permission',
      id: expect.any(String),
      type: 'user',
      role: 'reader',
    });
    await bob.sheets.spreadsheets.values.get({ spreadsheetId, range: 'A1' });
    const f = await failure(
      bob.sheets.spreadsheets.values.update({
        spreadsheetId,
        range: 'A1',
        valueInputOption: 'RAW',
        requestBody: { values: [[1]] },
      }),
    );
    expect(f.data).toEqual({
      error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
    });
  });

  it('permissions.create with writer lets the user write', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    await alice.drive.permissions.create({
      fileId: spreadsheetId,
      requestBody: { type: 'user', role: 'writer', emailAddress: BOB },
    });
    await bob.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[1]] },
    });
  });

  it('a reader cannot share the file', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    emu.share(spreadsheetId, BOB, 'reader');
    const f = await failure(
      bob.drive.permissions.create({
        fileId: spreadsheetId,
        requestBody: { type: 'user', role: 'writer', emailAddress: CAROL },
      }),
    );
    expect(f.status).toBe(403);
    expect(f.data.error.errors?.[0]?.reason).toBe('insufficientFilePermissions');
  });

  it('permissions.list names the owner and everyone the file is shared with', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    await alice.drive.permissions.create({
      fileId: spreadsheetId,
      requestBody: { type: 'user', role: 'writer', emailAddress: BOB },
    });
    const r = await alice.drive.permissions.list({
      fileId: spreadsheetId,
      fields: 'permissions(emailAddress,role,type)',
    });
    expect(r.data.permissions).toEqual([
      { emailAddress: ALICE, role: 'owner', type: 'user' },
      { emailAddress: BOB, role: 'writer', type: 'user' },
    ]);
  });

  it('sharing moves the version', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const before = emu.file(spreadsheetId).version;
    await alice.drive.permissions.create({
      fileId: spreadsheetId,
      requestBody: { type: 'user', role: 'reader', emailAddress: BOB },
    });
    expect(emu.file(spreadsheetId).version).toBeGreaterThan(before);
  });
});

describe('about.get', () => {
  // Drive v3 about.get: "Required: The fields parameter must be set"; its user is the About resource's User.
  it("answers the caller's own user, as much of it as fields asks for", async () => {
    const a = await alice.drive.about.get({ fields: 'user(displayName,emailAddress,permissionId,me)' });
    expect(a.data).toEqual({
      user: { displayName: 'alice', emailAddress: ALICE, permissionId: expect.any(String), me: true },
    });
    const b = await bob.drive.about.get({ fields: 'user(emailAddress)' });
    expect(b.data).toEqual({ user: { emailAddress: BOB } });
  });

  it('refuses a request without fields, as Google does: 400 "The \'fields\' parameter is required"', async () => {
    const f = await failure(alice.drive.about.get({}));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe("The 'fields' parameter is required for this method.");
    expect(f.data.error.errors?.[0]?.reason).toBe('required');
  });
});
