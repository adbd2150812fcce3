/**
 * Service accounts, shared drives and app properties through @googleapis/drive and @googleapis/sheets. References:
 * Drive API shared drives guide ("Service accounts don't have storage quota and can't own any files. Instead, they
 * must upload files and folders into shared drives", quoted in n8n-io/n8n#26050); the 403 "The user's Drive
 * storage quota has been exceeded." with reason storageQuotaExceeded in domain usageLimits (burnash/gspread#1592,
 * kopia/kopia#2656), also from spreadsheets.create (xing5/mcp-google-sheets#40), and still when the folder is in a
 * My Drive shared with the service account (burnash/gspread#1568); "Implement shared drive support"
 * (supportsAllDrives, corpora, driveId, includeItemsFromAllDrives: "If not present or set to false, then shared
 * drive items are not returned"); drives.create's requestId; "Custom file properties" and the search term
 * `appProperties has { key='...' and value='...' }`; Search query terms ("modifiedTime ... The default time zone
 * is UTC").
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { drive } from '@googleapis/drive';
import { auth } from '@googleapis/sheets';
import { type Emulator, SPREADSHEET_MIME, startEmulator } from '../../../lib/local/emulator';
import { ALICE, BOB, CAROL, clientsFor, failure } from './helpers';

const SA = 'zone-eval@project-1.iam.gserviceaccount.com';
const FOLDER = 'application/vnd.google-apps.folder';
const STORAGE = "The user's Drive storage quota has been exceeded.";

let emu: Emulator;
let admin: ReturnType<typeof clientsFor>;
let sa: ReturnType<typeof clientsFor>;
let driveId: string;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  admin = clientsFor(emu, ALICE);
  sa = clientsFor(emu, SA);
  driveId = (await admin.drive.drives.create({ requestId: randomUUID(), requestBody: { name: 'Zones' } }))
    .data.id!;
  await admin.drive.permissions.create({
    fileId: driveId,
    supportsAllDrives: true,
    requestBody: { type: 'user', role: 'fileOrganizer', emailAddress: SA },
  });
});
afterAll(() => emu.close());

describe('a service account has no Drive storage', () => {
  it('spreadsheets.create answers 403 with the storage quota message', async () => {
    const f = await failure(
      sa.sheets.spreadsheets.create({ requestBody: { properties: { title: 'Zone' } } }),
    );
    expect(f.status).toBe(403);
    expect(f.data.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED', message: STORAGE });
  });

  it('files.create in its My Drive answers 403 storageQuotaExceeded in domain usageLimits', async () => {
    const f = await failure(
      sa.drive.files.create({ requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME } }),
    );
    expect(f.status).toBe(403);
    expect(f.data.error).toEqual({
      code: 403,
      message: STORAGE,
      errors: [{ message: STORAGE, domain: 'usageLimits', reason: 'storageQuotaExceeded' }],
    });
  });

  it("so does files.create in a person's folder shared with it as an editor (gspread#1568)", async () => {
    const folder = (await admin.drive.files.create({ requestBody: { name: 'Mine', mimeType: FOLDER } })).data
      .id!;
    await admin.drive.permissions.create({
      fileId: folder,
      requestBody: { type: 'user', role: 'writer', emailAddress: SA },
    });
    const f = await failure(
      sa.drive.files.create({ requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME, parents: [folder] } }),
    );
    expect(f.status).toBe(403);
    expect(f.data.error.errors?.[0]?.reason).toBe('storageQuotaExceeded');
  });

  it('people keep their storage, and the option lets a service account own files', async () => {
    await admin.sheets.spreadsheets.create({ requestBody: {} });
    const other = await startEmulator({ quota: 'off', serviceAccounts: { noDriveStorage: false } });
    try {
      const r = await clientsFor(other, SA).sheets.spreadsheets.create({ requestBody: {} });
      expect(r.data.spreadsheetId).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });
});

describe('shared drives', () => {
  it('a content manager creates a spreadsheet in the shared drive: one empty 1000 x 26 tab Sheet1, no owner', async () => {
    const f = await sa.drive.files.create({
      supportsAllDrives: true,
      fields: 'id,driveId,parents,owners,ownedByMe',
      requestBody: { name: 'Zone 1', mimeType: SPREADSHEET_MIME, parents: [driveId] },
    });
    expect(f.data).toEqual({ id: expect.any(String), driveId, parents: [driveId], ownedByMe: false });
    const s = await sa.sheets.spreadsheets.get({
      spreadsheetId: f.data.id!,
      fields: 'properties.title,sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))',
    });
    expect(s.data).toEqual({
      properties: { title: 'Zone 1' },
      sheets: [
        { properties: { sheetId: 0, title: 'Sheet1', gridProperties: { rowCount: 1000, columnCount: 26 } } },
      ],
    });
  });

  it('a request that does not say supportsAllDrives does not find shared drive files', async () => {
    const f = await failure(
      sa.drive.files.create({
        requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME, parents: [driveId] },
      }),
    );
    expect(f.status).toBe(404);
    expect(f.data.error.message).toBe(`File not found: ${driveId}.`);
    const { id } = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME, parents: [driveId] },
      })
    ).data;
    expect((await failure(sa.drive.files.get({ fileId: id! }))).status).toBe(404);
    expect((await sa.drive.files.get({ fileId: id!, supportsAllDrives: true })).data.id).toBe(id);
  });

  it('folders in the shared drive hold files in the drive, and non-members see none of it', async () => {
    const folder = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: { name: 'Evaluation', mimeType: FOLDER, parents: [driveId] },
      })
    ).data.id!;
    const f = await sa.drive.files.create({
      supportsAllDrives: true,
      fields: 'id,driveId',
      requestBody: { name: 'Zone 2', mimeType: SPREADSHEET_MIME, parents: [folder] },
    });
    expect(f.data.driveId).toBe(driveId);
    const denied = await failure(
      clientsFor(emu, BOB).drive.files.get({ fileId: f.data.id!, supportsAllDrives: true }),
    );
    expect(denied.status).toBe(404);
  });

  it('drives.create is idempotent by requestId (409 on a repeat), and drives.get answers members only', async () => {
    const requestId = randomUUID();
    const d = await admin.drive.drives.create({ requestId, requestBody: { name: 'Once' } });
    const again = await failure(admin.drive.drives.create({ requestId, requestBody: { name: 'Once' } }));
    expect(again.status).toBe(409);
    expect((await admin.drive.drives.get({ driveId: d.data.id! })).data).toEqual({
      kind: 'drive#drive',
      id: d.data.id,
      name: 'Once',
    });
    expect((await failure(clientsFor(emu, BOB).drive.drives.get({ driveId: d.data.id! }))).status).toBe(404);
  });

  it('only an organizer adds members; shared drive roles are refused on an ordinary file', async () => {
    const f = await failure(
      sa.drive.permissions.create({
        fileId: driveId,
        supportsAllDrives: true,
        requestBody: { type: 'user', role: 'writer', emailAddress: BOB },
      }),
    );
    expect(f.status).toBe(403);
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const g = await failure(
      admin.drive.permissions.create({
        fileId: spreadsheetId,
        requestBody: { type: 'user', role: 'fileOrganizer', emailAddress: BOB },
      }),
    );
    expect(g.status).toBe(400);
  });
});

describe('shared drive restrictions', () => {
  // Drive v3 `drives.restrictions`, set with drives.update by a Manager; "Users can't share files with anyone
  // outside the shared drive's restrictions", and a change of restrictions "does not automatically remove existing
  // users", who "might regain access if restrictions are relaxed" (Google Workspace Admin Help).
  const OUTSIDER = 'someone@elsewhere.org';
  let drive2: string;
  let fileId: string;
  const bob = () => clientsFor(emu, BOB);
  const restrict = (restrictions: Record<string, boolean>) =>
    admin.drive.drives.update({ driveId: drive2, requestBody: { restrictions } });
  const shareAs = (who: ReturnType<typeof clientsFor>, id: string, body: Record<string, string>) =>
    who.drive.permissions.create({ fileId: id, supportsAllDrives: true, requestBody: body });

  beforeEach(async () => {
    drive2 = (
      await admin.drive.drives.create({ requestId: randomUUID(), requestBody: { name: 'Restricted' } })
    ).data.id!;
    await admin.drive.permissions.create({
      fileId: drive2,
      supportsAllDrives: true,
      requestBody: { type: 'user', role: 'fileOrganizer', emailAddress: SA },
    });
    fileId = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME, parents: [drive2] },
      })
    ).data.id!;
    // Bob is not a member: a per-file writer, as an official is.
    await shareAs(sa, fileId, { type: 'user', role: 'writer', emailAddress: BOB });
  });

  it('a new drive has none; only a Manager changes them, a Content manager is refused', async () => {
    const got = await sa.drive.drives.get({ driveId: drive2, fields: 'restrictions,capabilities' });
    expect(got.data.restrictions).toEqual({
      adminManagedRestrictions: false,
      copyRequiresWriterPermission: false,
      domainUsersOnly: false,
      driveMembersOnly: false,
      sharingFoldersRequiresOrganizerPermission: false,
    });
    expect(got.data.capabilities).toMatchObject({ canChangeDomainUsersOnlyRestriction: false });
    const refused = await failure(
      sa.drive.drives.update({ driveId: drive2, requestBody: { restrictions: { domainUsersOnly: true } } }),
    );
    expect(refused.status).toBe(403);
    expect(refused.data.error.errors?.[0]?.reason).toBe('insufficientFilePermissions');
    const set = await admin.drive.drives.update({
      driveId: drive2,
      fields: 'restrictions',
      requestBody: { restrictions: { sharingFoldersRequiresOrganizerPermission: true } },
    });
    expect(set.data.restrictions).toMatchObject({
      sharingFoldersRequiresOrganizerPermission: true,
      domainUsersOnly: false,
    });
    const misspelt = await failure(
      admin.drive.drives.update({
        driveId: drive2,
        requestBody: { restrictions: { domainUserOnly: true } as never },
      }),
    );
    expect(misspelt.status).toBe(400);
    // With adminManagedRestrictions, even a Manager leaves them to a domain administrator.
    await restrict({ adminManagedRestrictions: true });
    expect((await failure(restrict({ driveMembersOnly: true }))).status).toBe(403);
  });

  it('a per-file writer who is not a member shares the file: writersCanShare does not apply in a shared drive', async () => {
    await shareAs(bob(), fileId, { type: 'user', role: 'writer', emailAddress: OUTSIDER });
    await shareAs(bob(), fileId, { type: 'anyone', role: 'reader' });
    const f = await bob().drive.files.get({
      fileId,
      supportsAllDrives: true,
      fields: 'capabilities(canShare)',
    });
    expect(f.data.capabilities?.canShare).toBe(true);
  });

  it('domainUsersOnly: no one outside the domain nor anyone with the link, and an outsider already added loses access', async () => {
    await shareAs(sa, fileId, { type: 'user', role: 'reader', emailAddress: OUTSIDER });
    await restrict({ domainUsersOnly: true });
    const refused: Array<Record<string, string>> = [
      { type: 'user', role: 'writer', emailAddress: 'friend@gmail.com' },
      { type: 'anyone', role: 'reader' },
    ];
    for (const body of refused) {
      const f = await failure(shareAs(bob(), fileId, body));
      expect(f.status).toBe(403);
      expect(f.data.error.errors?.[0]?.reason).toBe('teamDriveDomainUsersOnlyRestriction');
    }
    // A colleague in the domain can still be added: the restriction narrows whom, not whether.
    await shareAs(bob(), fileId, { type: 'user', role: 'reader', emailAddress: CAROL });
    const outsider = clientsFor(emu, OUTSIDER);
    expect((await failure(outsider.drive.files.get({ fileId, supportsAllDrives: true }))).status).toBe(404);
    await restrict({ domainUsersOnly: false });
    expect((await outsider.drive.files.get({ fileId, supportsAllDrives: true })).data.id).toBe(fileId);
  });

  it('driveMembersOnly: a non-member cannot be added, and a per-file writer loses access until it is relaxed', async () => {
    await restrict({ driveMembersOnly: true });
    const f = await failure(shareAs(sa, fileId, { type: 'user', role: 'writer', emailAddress: CAROL }));
    expect(f.status).toBe(403);
    expect(f.data.error.errors?.[0]?.reason).toBe('teamDriveTeamMembersOnlyRestriction');
    expect((await failure(bob().drive.files.get({ fileId, supportsAllDrives: true }))).status).toBe(404);
    await restrict({ driveMembersOnly: false });
    expect((await bob().drive.files.get({ fileId, supportsAllDrives: true })).data.id).toBe(fileId);
  });

  it('folders: a writer never shares one, a Content manager only while sharingFoldersRequiresOrganizerPermission is off', async () => {
    const folder = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: { name: 'Evaluation', mimeType: FOLDER, parents: [drive2] },
      })
    ).data.id!;
    await shareAs(sa, folder, { type: 'user', role: 'writer', emailAddress: BOB });
    expect(
      (await failure(shareAs(bob(), folder, { type: 'user', role: 'reader', emailAddress: CAROL }))).status,
    ).toBe(403);
    await restrict({ sharingFoldersRequiresOrganizerPermission: true });
    expect(
      (await failure(shareAs(sa, folder, { type: 'user', role: 'reader', emailAddress: CAROL }))).status,
    ).toBe(403);
    await shareAs(admin, folder, { type: 'user', role: 'reader', emailAddress: CAROL });
  });

  it('copyRequiresWriterPermission: a reader cannot copy the file, a writer can', async () => {
    await shareAs(sa, fileId, { type: 'user', role: 'reader', emailAddress: CAROL });
    const carol = clientsFor(emu, CAROL);
    const copy = (who: ReturnType<typeof clientsFor>) =>
      who.drive.files.copy({ fileId, supportsAllDrives: true, requestBody: { name: 'Mine', parents: [] } });
    await copy(carol);
    await restrict({ copyRequiresWriterPermission: true });
    const f = await failure(copy(carol));
    expect(f.status).toBe(403);
    expect(f.data.error.errors?.[0]?.reason).toBe('cannotCopyFile');
    const got = await carol.drive.files.get({
      fileId,
      supportsAllDrives: true,
      fields: 'copyRequiresWriterPermission,capabilities(canCopy)',
    });
    expect(got.data).toEqual({ copyRequiresWriterPermission: true, capabilities: { canCopy: false } });
    await copy(bob());
  });
});

describe('listing a shared drive', () => {
  let mine: string;
  beforeAll(async () => {
    mine = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: { name: 'Listed', mimeType: SPREADSHEET_MIME, parents: [driveId] },
      })
    ).data.id!;
  });

  it('corpora=drive with driveId and includeItemsFromAllDrives finds the files the drive holds', async () => {
    const r = await sa.drive.files.list({
      q: `'${driveId}' in parents and trashed = false`,
      corpora: 'drive',
      driveId,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      fields: 'files(id,driveId)',
    });
    expect(r.data.files).toContainEqual({ id: mine, driveId });
  });

  it('the default corpus (user) misses them: they are reached through membership, not shared directly', async () => {
    const r = await sa.drive.files.list({
      q: `'${driveId}' in parents`,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      fields: 'files(id)',
    });
    expect(r.data.files?.map((f) => f.id)).not.toContain(mine);
  });

  it('without includeItemsFromAllDrives shared drive items are not returned, and corpora=drive is refused', async () => {
    const r = await sa.drive.files
      .list({ q: `'${driveId}' in parents`, corpora: 'allDrives', fields: 'files(id)' })
      .catch((e: { response?: { status: number } }) => e.response);
    expect(r?.status).toBe(400);
    const f = await failure(sa.drive.files.list({ corpora: 'drive', supportsAllDrives: true }));
    expect(f.status).toBe(400);
  });
});

describe('app properties', () => {
  it('are set on create, answered when asked for, found by `appProperties has`, and removed with null', async () => {
    const key = `zone:${randomUUID()}`;
    const { id } = (
      await sa.drive.files.create({
        supportsAllDrives: true,
        requestBody: {
          name: 'Keyed',
          mimeType: SPREADSHEET_MIME,
          parents: [driveId],
          appProperties: { zoneEvalKey: key },
        },
      })
    ).data;
    const got = await sa.drive.files.get({ fileId: id!, supportsAllDrives: true, fields: 'appProperties' });
    expect(got.data).toEqual({ appProperties: { zoneEvalKey: key } });
    const list = (q: string) =>
      sa.drive.files.list({
        q,
        corpora: 'drive',
        driveId,
        includeItemsFromAllDrives: true,
        supportsAllDrives: true,
        fields: 'files(id)',
      });
    const q = `appProperties has { key='zoneEvalKey' and value='${key}' } and trashed = false`;
    expect((await list(q)).data.files).toEqual([{ id }]);
    expect((await list(`appProperties has { key='zoneEvalKey' and value='other' }`)).data.files).toEqual([]);
    await sa.drive.files.update({
      fileId: id!,
      supportsAllDrives: true,
      requestBody: { appProperties: { zoneEvalKey: null } } as never,
    });
    expect((await list(q)).data.files).toEqual([]);
  });
});

describe('query times', () => {
  it("reads a time without an offset as UTC, whatever the host's zone (Drive: the default time zone is UTC)", async () => {
    // The emulator runs in its own process with TZ set, since a test cannot change the zone of its own process.
    const child = spawn(
      process.execPath,
      ['bin/zone-eval.cjs', 'emulator', '--port', '0', '--quota', 'off'],
      {
        env: { ...process.env, TZ: 'Pacific/Honolulu' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const oauth = new auth.OAuth2();
      oauth.setCredentials({ access_token: ALICE });
      const api = drive({ version: 'v3', rootUrl: url, auth: oauth, fetchImplementation: fetch });
      const folder = (await api.files.create({ requestBody: { name: 'T', mimeType: FOLDER } })).data.id!;
      const file = await api.files.create({
        fields: 'id,modifiedTime',
        requestBody: { name: 'Zone', mimeType: SPREADSHEET_MIME, parents: [folder] },
      });
      // An hour before the file, written without a zone: in UTC it is before; read in UTC-10 it would be after.
      const before = new Date(Date.parse(file.data.modifiedTime!) - 3_600_000)
        .toISOString()
        .replace(/\.\d+Z$/, '');
      const r = await api.files.list({
        q: `'${folder}' in parents and modifiedTime > '${before}'`,
        fields: 'files(id)',
      });
      expect(r.data.files).toEqual([{ id: file.data.id }]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
