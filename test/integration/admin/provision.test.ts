/**
 * `zone-eval provision` against the local stack in a directory: the first run makes every spreadsheet in the
 * evaluation's shared drive; a second run makes nothing new; after drift (a deleted tab, a changed editor list) a
 * run repairs it. What an official, a per-file writer, can and cannot do to the sheet provisioning made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive_v3 } from '@googleapis/drive';
import { DEFAULT_METHODOLOGY_PATH } from '../../../lib/local/demo-data';
import { INSTRUCTIONS_TAB, PROTECTIONS } from '../../../lib/sheets/provision-form';
import { runCli } from '../../helpers/cli';
import { cellWriter, type openStack, withStack } from './fixture';

const E = 'prov2025';
let dir: string;
const args = () => ['provision', '--evaluation', E, '--local', '--data-dir', dir];
const key = (f: { appProperties?: Record<string, string> }) => f.appProperties?.zoneEvalKey ?? '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zone-eval-prov-'));
  writeFileSync(
    join(dir, 'zones.csv'),
    'zone_id,name_en,name_zh,province,batch,editors\n' +
      'zhengzhou,Zhengzhou,郑州,Henan,1,li@zz.gov.cn; wang@zz.gov.cn\n' +
      'hangzhou,Hangzhou,杭州,Zhejiang,1,chen@hz.gov.cn\n' +
      'tianjin,Tianjin,天津,Tianjin,2,zhao@tj.gov.cn\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the stack over the directory, hands it to `look`, closes it. */
const inspect = <T>(look: (s: Awaited<ReturnType<typeof openStack>>) => Promise<T>): Promise<T> =>
  withStack(dir, look);

const filesOf = (s: Awaited<ReturnType<typeof openStack>>) =>
  s.emulator.files().filter((f) => key(f).startsWith(`${E}:`) && !f.trashed);
const sheetOf = (s: Awaited<ReturnType<typeof openStack>>, k: string) =>
  filesOf(s).find((f) => key(f) === `${E}:${k}`)!.id;

/** The descriptions of a spreadsheet's protected ranges, sorted. */
const protectionsOf = (sheets: { protectedRanges?: { description?: string | null }[] }[]) =>
  sheets
    .flatMap((x) => x.protectedRanges ?? [])
    .map((p) => p.description)
    .sort();

async function writersOf(s: Awaited<ReturnType<typeof openStack>>, fileId: string) {
  const res = await s.google.drive.permissions.list({
    fileId,
    supportsAllDrives: true,
    fields: 'permissions(id,type,role,emailAddress)',
  });
  return (res.data.permissions ?? [])
    .filter((p) => p.role === 'writer' || p.role === 'reader')
    .map((p) => `${p.role}:${p.emailAddress}`)
    .sort();
}

it('makes the control, a sheet per zone, the central data and results spreadsheets in one shared drive', async () => {
  const r = await runCli([
    ...args(),
    '--method',
    DEFAULT_METHODOLOGY_PATH,
    '--zones',
    join(dir, 'zones.csv'),
    '--leaders',
    'minister@mofcom.gov.cn',
    '--methodologists',
    'li.na@mofcom.gov.cn',
  ]);
  expect(r.stdout).toContain(
    'created: zone zhengzhou, zone hangzhou, zone tianjin, control, central data, results',
  );
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('provision: 6/6 results');
  await inspect(async (s) => {
    const files = filesOf(s);
    expect(files.map(key).sort()).toEqual(
      ['central', 'control', 'folder', 'results', 'zone:hangzhou', 'zone:tianjin', 'zone:zhengzhou'].map(
        (k) => `${E}:${k}`,
      ),
    );
    expect(new Set(files.map((f) => f.driveId)).size).toBe(1);
    expect(await writersOf(s, sheetOf(s, 'zone:zhengzhou'))).toEqual([
      'writer:li@zz.gov.cn',
      'writer:wang@zz.gov.cn',
    ]);
    expect(await writersOf(s, sheetOf(s, 'zone:hangzhou'))).toEqual(['writer:chen@hz.gov.cn']);
    expect(await writersOf(s, sheetOf(s, 'results'))).toEqual(['reader:minister@mofcom.gov.cn']);
    expect(await writersOf(s, sheetOf(s, 'central'))).toEqual(['reader:minister@mofcom.gov.cn']);
    // The methodologist may edit the control sheet, which names them in Settings; the sync accepted them.
    expect(await writersOf(s, sheetOf(s, 'control'))).toEqual(['writer:li.na@mofcom.gov.cn']);
    const settings = await s.google.sheets.spreadsheets.values.get({
      spreadsheetId: sheetOf(s, 'control'),
      range: 'Settings',
    });
    expect(settings.data.values).toContainEqual(['methodologists', 'li.na@mofcom.gov.cn']);
    expect((await s.store.getGovernance(E)).methodologists).toEqual(['li.na@mofcom.gov.cn']);
    // The control sync ran: the zone sheets are registered.
    expect(await s.store.findSpreadsheet(sheetOf(s, 'zone:tianjin'))).toMatchObject({
      kind: 'zone',
      zoneId: 'tianjin',
    });
    expect(await s.store.findSpreadsheet(sheetOf(s, 'results'))).toMatchObject({ kind: 'results' });
  });
});

it('protects the header, labels, Feedback and Instructions, and validates values without rejecting', async () => {
  await inspect(async (s) => {
    const id = sheetOf(s, 'zone:zhengzhou');
    const got = await s.google.sheets.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!D3:D4'],
      includeGridData: true,
      fields: 'sheets(properties(title),protectedRanges(description),data.rowData.values.dataValidation)',
    });
    const all = await s.google.sheets.spreadsheets.get({
      spreadsheetId: id,
      fields: 'sheets(properties(title),protectedRanges(description))',
    });
    expect(all.data.sheets!.map((x) => x.properties!.title)).toEqual(['Form', 'Feedback', INSTRUCTIONS_TAB]);
    expect(protectionsOf(all.data.sheets!)).toEqual(Object.values(PROTECTIONS).sort());
    // The Instructions tab reads in both languages, each row English then Chinese.
    const instructions =
      (
        await s.google.sheets.spreadsheets.values.get({
          spreadsheetId: id,
          range: `'${INSTRUCTIONS_TAB}'!A1:B10`,
        })
      ).data.values ?? [];
    expect(instructions[0]).toEqual(['How to fill in this spreadsheet', '填报说明']);
    expect(instructions.length).toBeGreaterThan(3);
    for (const [en, zh] of instructions) {
      expect(en).toMatch(/[A-Za-z]{3}/);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const rule = got.data.sheets![0]!.data![0]!.rowData![0]!.values![0]!.dataValidation!;
    expect(rule.strict).toBe(false);
    expect(rule.inputMessage).toContain('亿');

    const write = cellWriter(s, 'li@zz.gov.cn', id);
    await expect(write('Form!D3', '1,092.47亿')).resolves.toMatchObject({ status: 200 });
    await expect(write('Form!E3', 'estimate')).resolves.toMatchObject({ status: 200 });
    await expect(write('Form!A3', 'T99')).rejects.toMatchObject({ status: 403 });
    await expect(write('Form!B1', 'beijing')).rejects.toMatchObject({ status: 403 });
    await expect(write('Feedback!A1', 'all fine')).rejects.toMatchObject({ status: 403 });
    // An official of another zone cannot even read it.
    await expect(
      s.clientsAs('chen@hz.gov.cn').sheets.spreadsheets.get({ spreadsheetId: id }),
    ).rejects.toMatchObject({ status: expect.any(Number) });
  });
});

it('makes nothing twice when run again', async () => {
  const before = await inspect(async (s) => filesOf(s).length);
  const r = await runCli(args());
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('created: nothing');
  expect(r.stdout).toContain('repaired: nothing');
  expect(r.stdout).toContain('shared: no change');
  await inspect(async (s) => {
    expect(filesOf(s).length).toBe(before);
    const all = await s.google.sheets.spreadsheets.get({
      spreadsheetId: sheetOf(s, 'zone:zhengzhou'),
      fields: 'sheets(protectedRanges(description))',
    });
    expect(all.data.sheets!.flatMap((x) => x.protectedRanges ?? []).length).toBe(
      Object.keys(PROTECTIONS).length,
    );
  });
});

it('repairs a deleted tab and brings sharing back to a changed editor list', async () => {
  await inspect(async (s) => {
    const id = sheetOf(s, 'zone:zhengzhou');
    const tabs = await s.google.sheets.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties' });
    const instructions = tabs.data.sheets!.find((x) => x.properties!.title === INSTRUCTIONS_TAB)!;
    await s.google.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ deleteSheet: { sheetId: instructions.properties!.sheetId! } }] },
    });
    // The control sheet now lists another official for Zhengzhou (the editors column of its row).
    const control = sheetOf(s, 'control');
    const zonesTab = await s.google.sheets.spreadsheets.values.get({
      spreadsheetId: control,
      range: 'Zones!A1:G',
    });
    const row = zonesTab.data.values!.findIndex((r) => r[0] === 'zhengzhou') + 1;
    const col = zonesTab.data.values![0]!.indexOf('editors');
    await s.google.sheets.spreadsheets.values.update({
      spreadsheetId: control,
      range: `Zones!${String.fromCharCode(65 + col)}${row}`,
      valueInputOption: 'RAW',
      requestBody: { values: [['li@zz.gov.cn, sun@zz.gov.cn']] },
    });
  });
  const r = await runCli(args());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    `repaired: zone zhengzhou: tab ${INSTRUCTIONS_TAB} added, 1 protections restored`,
  );
  expect(r.stdout).toContain('shared: zone zhengzhou: sun@zz.gov.cn');
  expect(r.stdout).toContain('no longer shared: zone zhengzhou: wang@zz.gov.cn');
  await inspect(async (s) => {
    const id = sheetOf(s, 'zone:zhengzhou');
    expect(await writersOf(s, id)).toEqual(['writer:li@zz.gov.cn', 'writer:sun@zz.gov.cn']);
    const all = await s.google.sheets.spreadsheets.get({
      spreadsheetId: id,
      fields: 'sheets.properties.title',
    });
    expect(all.data.sheets!.map((x) => x.properties!.title)).toEqual(['Form', 'Feedback', INSTRUCTIONS_TAB]);
    // The removed official lost access.
    await expect(
      s.clientsAs('wang@zz.gov.cn').sheets.spreadsheets.get({ spreadsheetId: id }),
    ).rejects.toMatchObject({
      status: expect.any(Number),
    });
  });
});

it('shares the control sheet again with exactly the methodologists, and refuses --methodologists once the sheet names them', async () => {
  await inspect(async (s) => {
    s.emulator.share(sheetOf(s, 'control'), 'intruder@example.com', 'writer');
  });
  const r = await runCli(args());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('no longer shared: control: intruder@example.com');
  await inspect(async (s) =>
    expect(await writersOf(s, sheetOf(s, 'control'))).toEqual(['writer:li.na@mofcom.gov.cn']),
  );
  const again = await runCli([...args(), '--methodologists', 'x@mofcom.gov.cn']);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/its Settings row “methodologists” names them now/);
});

it('refuses a first run without the methodology and zones, and --method without --zones', async () => {
  const other = await runCli(['provision', '--evaluation', 'none2025', '--local', '--data-dir', dir]);
  expect(other.code).toBe(2);
  expect(other.stderr).toBe(
    "zone-eval provision: evaluation 'none2025' has no control spreadsheet yet: give --method FILE.json and --zones FILE.csv",
  );
  const half = await runCli([...args(), '--method', DEFAULT_METHODOLOGY_PATH]);
  expect(half.code).toBe(2);
  expect(half.stderr).toContain('--method and --zones go together');
});

it("undoes an official's re-share at the next run: a per-file writer of a shared-drive file can share it", async () => {
  // Drive: "To share a file in a shared drive, the user must have role=writer, role=fileOrganizer, or
  // role=organizer"; writersCanShare is not populated for shared-drive items. Only the drive's restrictions
  // (domainUsersOnly, driveMembersOnly) narrow whom a writer can add; provisioning brings the list back.
  await inspect(async (s) => {
    const id = sheetOf(s, 'zone:zhengzhou');
    await s.clientsAs('li@zz.gov.cn').drive.permissions.create({
      fileId: id,
      supportsAllDrives: true,
      requestBody: { type: 'user', role: 'writer', emailAddress: 'friend@example.com' },
    });
    expect(await writersOf(s, id)).toContain('writer:friend@example.com');
  });
  const r = await runCli(args());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('no longer shared: zone zhengzhou: friend@example.com');
  await inspect(async (s) => {
    expect(await writersOf(s, sheetOf(s, 'zone:zhengzhou'))).toEqual([
      'writer:li@zz.gov.cn',
      'writer:sun@zz.gov.cn',
    ]);
    // An official of another zone does not even see the file (404), let alone its permissions.
    await expect(
      s.clientsAs('chen@hz.gov.cn').drive.permissions.delete({
        fileId: sheetOf(s, 'zone:zhengzhou'),
        permissionId: 'nonexistent',
        supportsAllDrives: true,
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

it('answers 404 for a permission that is not there (permissions.delete)', async () => {
  await inspect(async (s) => {
    await expect(
      s.google.drive.permissions.delete({
        fileId: sheetOf(s, 'zone:hangzhou'),
        permissionId: 'nobody',
        supportsAllDrives: true,
      }),
    ).rejects.toMatchObject({ status: 404, message: 'Permission not found: nobody.' });
  });
});

it('restores a protection someone removed, and only that one', async () => {
  await inspect(async (s) => {
    const id = sheetOf(s, 'zone:hangzhou');
    const got = await s.google.sheets.spreadsheets.get({
      spreadsheetId: id,
      fields: 'sheets.protectedRanges(protectedRangeId,description)',
    });
    const labels = got.data
      .sheets!.flatMap((x) => x.protectedRanges ?? [])
      .find((p) => p.description === PROTECTIONS.labels)!;
    // The service account (the spreadsheet's creator) may remove it; an official may not (official-access.test).
    await s.google.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ deleteProtectedRange: { protectedRangeId: labels.protectedRangeId! } }] },
    });
  });
  const r = await runCli(args());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('repaired: zone hangzhou: 1 protections restored');
  await inspect(async (s) => {
    const all = await s.google.sheets.spreadsheets.get({
      spreadsheetId: sheetOf(s, 'zone:hangzhou'),
      fields: 'sheets(protectedRanges(description))',
    });
    expect(protectionsOf(all.data.sheets!)).toEqual(Object.values(PROTECTIONS).sort());
  });
});

it('resumes after an interruption: run again, it makes what is missing and nothing twice', async () => {
  const E2 = 'resume2025';
  const first = ['provision', '--evaluation', E2, '--local', '--data-dir', dir];
  const inputs = ['--method', DEFAULT_METHODOLOGY_PATH, '--zones', join(dir, 'zones.csv')];
  // The run stops while the second zone's spreadsheet is being shared (Zhengzhou's two editors are the first two
  // grants): a failure nothing retries, standing in for a killed process. The spreadsheet is made, not shared.
  const proto = drive_v3.Resource$Permissions.prototype;
  const real = proto.create;
  let calls = 0;
  const cut = jest.spyOn(proto, 'create').mockImplementation(function (this: unknown, ...a: unknown[]) {
    if (++calls === 3)
      return Promise.reject(
        Object.assign(new Error('the run stops here'), {
          response: { status: 400, data: { error: { code: 400, message: 'the run stops here' } } },
        }),
      );
    return (real as (...x: unknown[]) => unknown).apply(this, a) as never;
  });
  try {
    await expect(runCli([...first, ...inputs])).rejects.toThrow(/the run stops here/);
  } finally {
    cut.mockRestore();
  }
  await inspect(async (s) => {
    const made = s.emulator.files().filter((f) => key(f).startsWith(`${E2}:`));
    expect(made.map(key).sort()).toEqual([`${E2}:folder`, `${E2}:zone:hangzhou`, `${E2}:zone:zhengzhou`]);
  });
  // Run again, as the admin would (no control sheet yet, so the first run's inputs again).
  const again = await runCli([...first, ...inputs]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('created: zone tianjin, control, central data, results');
  expect(again.stdout).toContain('shared: zone hangzhou: chen@hz.gov.cn; zone tianjin: zhao@tj.gov.cn');
  await inspect(async (s) => {
    const made = s.emulator.files().filter((f) => key(f).startsWith(`${E2}:`));
    expect(made.length).toBe(new Set(made.map(key)).size);
    expect(made.length).toBe(7);
  });
});
