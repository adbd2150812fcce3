/**
 * What an official, a per-file writer of their zone's spreadsheet in the evaluation's shared drive, can and cannot
 * do once `zone-eval provision` has set the drive's restrictions, through Google's clients over HTTP to the
 * emulator. In a shared drive `writersCanShare` does not apply: a writer may share a file, within the drive's
 * restrictions only (Drive API: Share files, folders, and drives; Google Workspace Admin Help: "Users can't share
 * files with anyone outside the shared drive's restrictions").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_METHODOLOGY_PATH } from '../../../lib/local/demo-data';
import { SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { runCli } from '../../helpers/cli';
import { cellWriter, type openStack, withStack } from './fixture';

const E = 'access2025';
const OFFICIAL = 'li@mofcom.gov.cn';
const COLLEAGUE = 'zhou@mofcom.gov.cn';
const OUTSIDE_EDITOR = 'wang@gmail.com';
let dir: string;
let driveId: string;
const args = () => ['provision', '--evaluation', E, '--local', '--data-dir', dir, '--drive', driveId];

type Stack = Awaited<ReturnType<typeof openStack>>;
const inspect = <T>(look: (s: Stack) => Promise<T>): Promise<T> => withStack(dir, look);
const fileOf = (s: Stack, key: string) =>
  s.emulator.files().find((f) => f.appProperties?.zoneEvalKey === `${E}:${key}` && !f.trashed)!.id;
/** The reason of a Drive refusal, or the status of another failure. */
async function refusal(p: Promise<unknown>): Promise<string | number> {
  try {
    await p;
  } catch (e) {
    const r = (
      e as { response?: { status: number; data?: { error?: { errors?: Array<{ reason?: string }> } } } }
    ).response;
    if (r) return r.data?.error?.errors?.[0]?.reason ?? r.status;
    throw e;
  }
  throw new Error('expected the call to be refused');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zone-eval-access-'));
  writeFileSync(
    join(dir, 'zones.csv'),
    `zone_id,name_en,name_zh,province,batch,editors\nzhengzhou,Zhengzhou,郑州,Henan,1,${OFFICIAL}; ${OUTSIDE_EDITOR}\n`,
  );
  // The Workspace admin's drive: the service account a Manager; the drive as an organisation might default it
  // (members only), and its Managers have turned on domainUsersOnly, the officials having accounts in the domain.
  await inspect(async (s) => {
    driveId = s.emulator.createSharedDrive(
      'admin@mofcom.gov.cn',
      'Evaluation 2025',
      { [SERVICE_ACCOUNT]: 'organizer' },
      { domains: ['mofcom.gov.cn'] },
    );
    await s.clientsAs('admin@mofcom.gov.cn').drive.drives.update({
      driveId,
      requestBody: { restrictions: { driveMembersOnly: true, domainUsersOnly: true } },
    });
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('provision sets the restrictions it needs, keeps domainUsersOnly, and names an editor the drive refuses', async () => {
  const r = await runCli([
    ...args(),
    '--method',
    DEFAULT_METHODOLOGY_PATH,
    '--zones',
    join(dir, 'zones.csv'),
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    'drive restrictions: set driveMembersOnly: true → false, sharingFoldersRequiresOrganizerPermission: false → true; domainUsersOnly on',
  );
  expect(r.stdout).toContain(
    `not shared: zone zhengzhou: ${OUTSIDE_EDITOR} is outside the shared drive's Workspace domain`,
  );
  const got = await inspect(
    async (s) => (await s.google.drive.drives.get({ driveId, fields: 'restrictions' })).data,
  );
  expect(got.restrictions).toEqual({
    adminManagedRestrictions: false,
    copyRequiresWriterPermission: false,
    domainUsersOnly: true,
    driveMembersOnly: false,
    sharingFoldersRequiresOrganizerPermission: true,
  });
  // Run again: nothing to change; a Manager's drift back to members-only is repaired.
  const again = await runCli(args());
  expect(again.stdout).toContain('drive restrictions: as needed; domainUsersOnly on');
  await inspect((s) =>
    s.clientsAs('admin@mofcom.gov.cn').drive.drives.update({
      driveId,
      requestBody: { restrictions: { driveMembersOnly: true } },
    }),
  );
  expect((await runCli(args())).stdout).toContain('drive restrictions: set driveMembersOnly: true → false');
});

it('an official edits values, and cannot edit the labels, share outside the domain, share the folder, or change protections', async () => {
  await inspect(async (s) => {
    const id = fileOf(s, 'zone:zhengzhou');
    const official = s.clientsAs(OFFICIAL);
    const write = cellWriter(s, OFFICIAL, id);
    // Can: type a value and a note.
    await expect(write('Form!D3', '1,092.47亿')).resolves.toMatchObject({ status: 200 });
    await expect(write('Form!E3', '海关统计')).resolves.toMatchObject({ status: 200 });
    // Cannot: the protected code column, zone row, Feedback.
    expect(await refusal(write('Form!A3', 'T99'))).toBe(403);
    expect(await refusal(write('Feedback!A1', 'all fine'))).toBe(403);

    // Cannot share outside the Workspace domain, nor by link.
    const share = (body: Record<string, string>) =>
      official.drive.permissions.create({ fileId: id, supportsAllDrives: true, requestBody: body });
    expect(await refusal(share({ type: 'user', role: 'writer', emailAddress: 'friend@gmail.com' }))).toBe(
      'teamDriveDomainUsersOnlyRestriction',
    );
    expect(await refusal(share({ type: 'anyone', role: 'reader' }))).toBe(
      'teamDriveDomainUsersOnlyRestriction',
    );
    // Cannot reach the evaluation's folder (holding every zone's sheet) or the drive's settings.
    const folder = fileOf(s, 'folder');
    expect(
      await refusal(
        official.drive.permissions.create({
          fileId: folder,
          supportsAllDrives: true,
          requestBody: { type: 'user', role: 'reader', emailAddress: COLLEAGUE },
        }),
      ),
    ).toBe('notFound');
    expect(
      await refusal(
        official.drive.drives.update({ driveId, requestBody: { restrictions: { domainUsersOnly: false } } }),
      ),
    ).toBe('notFound');

    // Cannot change or remove a protection: not one of its editors.
    const ranges = (
      await official.sheets.spreadsheets.get({
        spreadsheetId: id,
        fields: 'sheets.protectedRanges(protectedRangeId,description)',
      })
    ).data.sheets!.flatMap((x) => x.protectedRanges ?? []);
    expect(ranges.length).toBeGreaterThan(0);
    const pr = ranges[0]!.protectedRangeId!;
    const batch = (request: object) =>
      official.sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: [request] } });
    expect(await refusal(batch({ deleteProtectedRange: { protectedRangeId: pr } }))).toBe(403);
    expect(
      await refusal(
        batch({
          updateProtectedRange: {
            protectedRange: { protectedRangeId: pr, editors: { users: [OFFICIAL] } },
            fields: 'editors',
          },
        }),
      ),
    ).toBe(403);
    const after = (
      await s.google.sheets.spreadsheets.get({
        spreadsheetId: id,
        fields: 'sheets.protectedRanges.protectedRangeId',
      })
    ).data.sheets!.flatMap((x) => x.protectedRanges ?? []);
    expect(after.length).toBe(ranges.length);
  });
});

it('within the domain an official can still add a colleague (Drive allows it); the next provision removes it', async () => {
  await inspect(async (s) => {
    await s.clientsAs(OFFICIAL).drive.permissions.create({
      fileId: fileOf(s, 'zone:zhengzhou'),
      supportsAllDrives: true,
      requestBody: { type: 'user', role: 'writer', emailAddress: COLLEAGUE },
    });
  });
  const r = await runCli(args());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`no longer shared: zone zhengzhou: ${COLLEAGUE}`);
  await inspect(async (s) => {
    const id = fileOf(s, 'zone:zhengzhou');
    expect(await refusal(s.clientsAs(COLLEAGUE).sheets.spreadsheets.get({ spreadsheetId: id }))).toBe(403);
  });
});

it('a service account that is only a Content manager names the restriction it cannot set and how to fix it', async () => {
  const other = 'access2026';
  let drive2 = '';
  await inspect(async (s) => {
    drive2 = s.emulator.createSharedDrive('admin@mofcom.gov.cn', 'Evaluation 2026', {
      [SERVICE_ACCOUNT]: 'fileOrganizer',
    });
    await s
      .clientsAs('admin@mofcom.gov.cn')
      .drive.drives.update({ driveId: drive2, requestBody: { restrictions: { driveMembersOnly: true } } });
  });
  const r = await runCli([
    'provision',
    '--evaluation',
    other,
    '--local',
    '--data-dir',
    dir,
    '--drive',
    drive2,
    '--method',
    DEFAULT_METHODOLOGY_PATH,
    '--zones',
    join(dir, 'zones.csv'),
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('drive restrictions: not as needed');
  expect(r.stdout).toContain(
    "not repaired: the shared drive's driveMembersOnly is true and should be false (officials and leaders are given single files, not drive membership; with it on they reach nothing); the service account may not change it: make it a Manager of the drive, or have a Manager change it in the drive's settings",
  );
  // With the drive members-only, the official's own file-level access gives nothing.
  await inspect(async (s) => {
    const id = s.emulator.files().find((f) => f.appProperties?.zoneEvalKey === `${other}:zone:zhengzhou`)!.id;
    expect(await refusal(s.clientsAs(OFFICIAL).sheets.spreadsheets.get({ spreadsheetId: id }))).toBe(403);
  });
});
