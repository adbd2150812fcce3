/**
 * `zone-eval provision`: the evaluation's spreadsheets in its shared drive, made once and repaired on every run.
 *
 * - the control spreadsheet (from `--method` and `--zones` the first time; afterwards it is the source: zones,
 *   editors, the leaders on its `Leaders 领导` tab, the methodologists its Settings row `methodologists` names),
 *   shared as writer with exactly the methodologists;
 * - one submission spreadsheet per zone (Form, Feedback, Instructions), shared as writer with exactly that zone's
 *   editors, its header, codes, labels, Feedback and Instructions protected, advisory validation on each value;
 * - the central data spreadsheet (a tab per `central:<tab>` source, when the methodology has any) and the results
 *   spreadsheet, readable by the leaders.
 *
 * Every file is found by its key (`<evaluation>:zone:<id>`...) before it is made, so a re-run never duplicates: it
 * adds a tab someone deleted, a protection someone removed, re-applies validation, and brings each zone's sharing
 * back to the control sheet's editors. Interrupted, it resumes by being run again. Google calls are paced under the
 * per-user quota by the clients' caller (lib/sheets/retry). Finally it asks for a control sync (the methodology
 * installed, the zone sheets registered) and indexes the control, central and results spreadsheets.
 */
import { readCsv } from '../core/csv';
import { compileMethodology, type Methodology } from '../core/methodology';
import { syncControl } from '../pipeline/control';
import { silentLogger } from '../pipeline/log';
import type { ControlZone } from '../pipeline/ports';
import { requestSync } from '../pipeline/signal';
import { indexProvisioned } from '../pipeline/spreadsheet-index';
import {
  buildControlTabs,
  buildFormRows,
  CONTROL_TABS,
  columnLetters,
  FEEDBACK_TAB,
  FORM_TAB,
  GoogleSpreadsheetReader,
  quoteTab,
  type TabLayout,
} from '../sheets';
import { batchUpdate, type GoogleClients } from '../sheets/client';
import {
  type AccessChange,
  createSpreadsheet,
  ensureAccess,
  ensureDriveRestrictions,
  ensureFolder,
  findByKey,
  missingTabRequests,
  readTabStates,
} from '../sheets/provision';
import {
  feedbackPlaceholder,
  INSTRUCTIONS_TAB,
  instructionsLayout,
  protectionRequests,
  validationRequests,
} from '../sheets/provision-form';
import { parseOptions } from './args';
import {
  BACKEND_HELP,
  BACKEND_OPTIONS,
  type Backend,
  backendChoice,
  HeldQueue,
  withBackend,
} from './backend';
import { UsageError } from './errors';
import { loadMethodology, readText } from './score';

const HELP = `usage: zone-eval provision [--drive ID] [--method FILE.json --zones FILE.csv [--leaders EMAILS]
                           [--methodologists EMAILS]] [--evaluation ID] [--local --data-dir DIR]

Creates, or repairs, the evaluation's spreadsheets in its shared drive: the control spreadsheet, one submission
spreadsheet per zone shared with that zone's editors, the central data and the results spreadsheets readable by
the leaders. Safe to run again: nothing is made twice, drift is repaired.

options:
  --drive ID           the shared drive (its id, from its URL); locally one is made if none holds the evaluation
  --method FILE.json   the methodology, for the first run (afterwards the control sheet is the source)
  --zones FILE.csv     zone_id, name_en, name_zh, province, batch, editors (emails, separated by ; or spaces)
  --leaders EMAILS     the leaders who read the results, comma-separated, for the first run's Leaders tab
  --methodologists EMAILS
                       who may put a methodology version in force, comma-separated, for the first run's
                       Settings row "methodologists"; the control sheet is shared with them as writers
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
  drive: { type: 'string' },
  method: { type: 'string' },
  zones: { type: 'string' },
  leaders: { type: 'string' },
  methodologists: { type: 'string' },
} as const;

export const LEADERS_TAB = 'Leaders 领导';
const RESULTS_PLACEHOLDER: TabLayout = {
  title: 'About 说明',
  rows: [[{ value: 'Written by zone-eval after each evaluation run. 每次评估后由系统写入。' }]],
  frozenRows: 0,
};

const splitEmails = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Reads the zones file of a first run: a header row with zone_id and the optional columns. */
export function readZonesCsv(path: string): ControlZone[] {
  const read = readCsv(readText(path, 'zones'));
  if (!read.ok) throw new UsageError(`${path}: line ${read.line}: ${read.message}`);
  const [head, ...rows] = read.rows;
  if (!head || rows.length === 0)
    throw new UsageError(`${path}: no zones (a header row, then one row per zone)`);
  const col = (names: string[]) => head.fields.findIndex((h) => names.includes(h.trim().toLowerCase()));
  const id = col(['zone_id']);
  if (id < 0) throw new UsageError(`${path}: line ${head.line}: no zone_id column`);
  const [en, zh, prov, batch, editors] = [
    col(['name_en']),
    col(['name_zh']),
    col(['province', 'province_en']),
    col(['batch']),
    col(['editors']),
  ];
  const known = new Set([
    'zone_id',
    'name_en',
    'name_zh',
    'province',
    'province_en',
    'province_zh',
    'batch',
    'editors',
    'approved',
  ]);
  const unknown = head.fields.find((h) => !known.has(h.trim().toLowerCase()));
  if (unknown !== undefined)
    throw new UsageError(
      `${path}: column '${unknown}' is not a zones column (zone_id, name_en, name_zh, province, batch, editors)`,
    );
  return rows.map((r) => {
    const f = (k: number) => (k < 0 ? undefined : (r.fields[k]?.trim() ?? undefined) || undefined);
    const b = f(batch);
    if (b !== undefined && !/^\d+$/.test(b))
      throw new UsageError(`${path}: line ${r.line}: batch '${b}' is not a whole number`);
    const zoneId = f(id);
    if (!zoneId) throw new UsageError(`${path}: line ${r.line}: zone_id is empty`);
    return {
      zoneId,
      ...(f(en) && { nameEn: f(en) }),
      ...(f(zh) && { nameZh: f(zh) }),
      ...(f(prov) && { province: f(prov) }),
      ...(b !== undefined && { batch: Number(b) }),
      editors: splitEmails(f(editors) ?? ''),
    };
  });
}

/** Where progress goes: `write` redraws in place on a terminal, `line` prints one whole line. */
export type ProgressStream = { isTTY: boolean; write(text: string): unknown; line(text: string): void };

const STDERR: ProgressStream = {
  isTTY: process.stderr.isTTY === true,
  write: (text) => process.stderr.write(text),
  line: (text) => console.error(text),
};

/**
 * A progress line: a bar redrawn in place on a terminal, otherwise (a log file, CI) a line at every tenth, so a
 * run over 105 zones leaves about ten lines rather than 105 or a screen of carriage returns.
 */
export function progress(total: number, out: ProgressStream = STDERR) {
  let last = -1;
  return (done: number, what: string) => {
    if (out.isTTY) {
      const w = 30;
      const fill = Math.round((done / total) * w);
      out.write(
        `\rprovision [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${done}/${total} ${what}`.padEnd(90),
      );
      if (done === total) out.write('\n');
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== last || done === total) {
      last = tenth;
      out.line(`provision: ${done}/${total} ${what}`);
    }
  };
}

type Summary = {
  created: string[];
  repaired: string[];
  shared: string[];
  unshared: string[];
  /** People a share was refused for by the shared drive's restrictions, with why. */
  notShared: string[];
};

/** The shared drive holding the evaluation: `--drive`, or locally the one its folder is in, or a new one. */
async function sharedDrive(b: Backend, given: string | undefined): Promise<string> {
  if (given) return given;
  if (!b.local)
    throw new UsageError(
      "option --drive is required: the id of the evaluation's shared drive, where the service account is a Manager (README: Google credentials)",
    );
  const google = b.google();
  const folder = await findByKey(google, { key: `${b.evaluationId}:folder` });
  if (folder !== undefined) {
    const driveId = b.local.emulator.file(folder).driveId;
    if (driveId) return driveId;
  }
  const { DRIVE_ADMIN } = require('../local/seed') as typeof import('../local/seed');
  const { SERVICE_ACCOUNT } = require('../local/stack') as typeof import('../local/stack');
  // What a Workspace admin does once in Google: a shared drive with the service account as a Manager, so that
  // provisioning can set the drive's sharing restrictions (README: Google credentials).
  return b.local.emulator.createSharedDrive(DRIVE_ADMIN, `Evaluation ${b.evaluationId} 评估`, {
    [SERVICE_ACCOUNT]: 'organizer',
  });
}

/** A zone's spreadsheet made or repaired; returns its id. */
async function provisionZone(
  google: GoogleClients,
  methodology: Methodology,
  zone: ControlZone,
  place: { folderId: string; driveId: string; key: string },
  summary: Summary,
): Promise<string> {
  const layouts = [
    buildFormRows({ zoneId: zone.zoneId, nameEn: zone.nameEn, nameZh: zone.nameZh }, methodology),
    feedbackPlaceholder(),
    instructionsLayout(),
  ];
  const title = `${[zone.nameEn, zone.nameZh].filter(Boolean).join(' ') || zone.zoneId}: submission 填报`;
  const made = await createSpreadsheet(google, title, layouts, place, { repair: true });
  const tabs = await readTabStates(google, made.spreadsheetId);
  const missing = missingTabRequests(tabs, layouts);
  const ids = {
    form: missing.tabIds[FORM_TAB]!,
    feedback: missing.tabIds[FEEDBACK_TAB]!,
    instructions: missing.tabIds[INSTRUCTIONS_TAB]!,
  };
  const present = new Set(tabs.filter((t) => !missing.added.includes(t.title)).flatMap((t) => t.protections));
  const protect = protectionRequests(ids, present);
  const requests = [...missing.requests, ...protect, ...validationRequests(methodology, ids.form)];
  await batchUpdate(google, made.spreadsheetId, requests);
  if (made.created) summary.created.push(`zone ${zone.zoneId}`);
  else if (missing.added.length || protect.length)
    summary.repaired.push(
      `zone ${zone.zoneId}: ${[...missing.added.map((t) => `tab ${t} added`), ...(protect.length ? [`${protect.length} protections restored`] : [])].join(', ')}`,
    );
  const access = await ensureAccess(
    google,
    made.spreadsheetId,
    zone.editors.map((email) => ({ email, role: 'writer' as const })),
  );
  noteAccess(summary, `zone ${zone.zoneId}`, access);
  return made.spreadsheetId;
}

function noteAccess(summary: Summary, what: string, a: AccessChange) {
  for (const e of a.added) summary.shared.push(`${what}: ${e}`);
  for (const e of a.removed) summary.unshared.push(`${what}: ${e}`);
  for (const r of a.refused) summary.notShared.push(`${what}: ${r.email} is ${r.why}`);
}

/** The leaders named on the control sheet's Leaders tab (column A under its header). */
async function readLeaders(google: GoogleClients, controlId: string): Promise<string[]> {
  const res = await google.calls.call(
    { name: 'sheets.spreadsheets.values.get', kind: 'sheets.read', fileId: controlId },
    () =>
      google.sheets.spreadsheets.values.get({
        spreadsheetId: controlId,
        range: `${quoteTab(LEADERS_TAB)}!A2:A`,
      }),
  );
  return (res.data.values ?? []).flatMap((r) => splitEmails(String(r[0] ?? '')));
}

/** Writes a zone's spreadsheet id into the control sheet's Zones tab where the cell differs (a zone added later). */
async function recordZoneSheets(
  google: GoogleClients,
  controlId: string,
  ids: Map<string, string>,
): Promise<number> {
  const tab = quoteTab(CONTROL_TABS.zones);
  const res = await google.calls.call(
    { name: 'sheets.spreadsheets.values.get', kind: 'sheets.read', fileId: controlId },
    () => google.sheets.spreadsheets.values.get({ spreadsheetId: controlId, range: `${tab}!A1:Z` }),
  );
  const rows = res.data.values ?? [];
  const head = (rows[0] ?? []).map((h) => String(h).trim().toLowerCase());
  const idCol = head.indexOf('zone_id');
  const sheetCol = head.indexOf('spreadsheet_id');
  if (idCol < 0 || sheetCol < 0) return 0;
  const data = rows.slice(1).flatMap((r, k) => {
    const want = ids.get(String(r[idCol] ?? '').trim());
    return want !== undefined && String(r[sheetCol] ?? '').trim() !== want
      ? [{ range: `${tab}!${columnLetters(sheetCol)}${k + 2}`, values: [[want]] }]
      : [];
  });
  if (data.length === 0) return 0;
  await google.calls.call(
    { name: 'sheets.spreadsheets.values.batchUpdate', kind: 'sheets.write', fileId: controlId },
    () =>
      google.sheets.spreadsheets.values.batchUpdate({
        spreadsheetId: controlId,
        requestBody: { valueInputOption: 'RAW', data },
      }),
  );
  return data.length;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const o = args.values;
  if ((o.method === undefined) !== (o.zones === undefined))
    throw new UsageError(
      'options --method and --zones go together (the first run makes the control sheet from them)',
    );
  const firstRun =
    o.method !== undefined
      ? { methodology: loadMethodology(o.method).spec, zones: readZonesCsv(o.zones!) }
      : null;
  const choice = backendChoice(o);
  return withBackend(choice, async (b) => {
    const e = b.evaluationId;
    const google = b.google();
    const driveId = await sharedDrive(b, o.drive);
    const restrictions = await ensureDriveRestrictions(google, driveId);
    const folderId = await ensureFolder(google, `Evaluation ${e} 评估`, {
      folderId: driveId,
      driveId,
      key: `${e}:folder`,
    });
    const place = (key: string) => ({ folderId, driveId, key: `${e}:${key}` });
    const summary: Summary = { created: [], repaired: [], shared: [], unshared: [], notShared: [] };

    // The control sheet: the source of zones, editors and leaders once it exists.
    let controlId = await findByKey(google, { driveId, key: `${e}:control` });
    let methodology: Methodology;
    let zones: ControlZone[];
    let leaders: string[];
    // Who may put a version in force: shared the control sheet as writers (admins reach it as drive members).
    let methodologists: string[];
    if (controlId === undefined) {
      if (firstRun === null)
        throw new UsageError(
          `evaluation '${e}' has no control spreadsheet yet: give --method FILE.json and --zones FILE.csv`,
        );
      methodology = firstRun.methodology;
      zones = firstRun.zones;
      leaders = splitEmails(o.leaders ?? '');
      methodologists = splitEmails(o.methodologists ?? '');
    } else {
      if (firstRun !== null)
        throw new UsageError(
          `evaluation '${e}' has a control spreadsheet (${controlId}): it is the source now; run without --method and --zones`,
        );
      if (o.methodologists !== undefined)
        throw new UsageError(
          `evaluation '${e}' has a control spreadsheet (${controlId}): its Settings row “methodologists” names them now (a methodologist changes it); run without --methodologists`,
        );
      const read = await new GoogleSpreadsheetReader(google).readControl(controlId);
      const compiled = compileMethodology(read.methodology);
      if (!compiled.ok)
        throw new UsageError(
          `the control spreadsheet's methodology is refused (${compiled.issues[0]?.path}: ${compiled.issues[0]?.message}): see its Feedback tab`,
        );
      methodology = compiled.methodology.spec;
      zones = read.zones;
      leaders = await readLeaders(google, controlId);
      // The list the control sync accepted (changed only by a methodologist), else the sheet's before any sync.
      methodologists =
        (await b.store.getGovernance(e)).methodologists ?? read.governance.methodologists ?? [];
    }
    const centralTabs = [
      ...new Set(
        methodology.indicators.flatMap((i) => (i.source?.startsWith('central:') ? [i.source.slice(8)] : [])),
      ),
    ];
    const total = zones.length + 3;
    const tick = progress(total);
    let done = 0;

    const ids = new Map<string, string>();
    for (const z of zones) {
      ids.set(z.zoneId, await provisionZone(google, methodology, z, place(`zone:${z.zoneId}`), summary));
      tick(++done, `zone ${z.zoneId}`);
    }

    if (controlId === undefined) {
      const withIds = zones.map((z) => ({ ...z, spreadsheetId: ids.get(z.zoneId)! }));
      const leadersTab: TabLayout = {
        title: LEADERS_TAB,
        rows: [
          [{ value: 'email', bold: true, note: '领导邮箱：可查看结果表和中央数据表' }],
          ...leaders.map((l) => [{ value: l }]),
        ],
        frozenRows: 1,
      };
      const made = await createSpreadsheet(
        google,
        `Control ${e} 控制表`,
        [...buildControlTabs(methodology, withIds, { methodologists }), leadersTab],
        place('control'),
      );
      controlId = made.spreadsheetId;
      summary.created.push('control');
    } else {
      const n = await recordZoneSheets(google, controlId, ids);
      if (n) summary.repaired.push(`control: ${n} zone spreadsheet id${n > 1 ? 's' : ''} written`);
    }
    noteAccess(
      summary,
      'control',
      await ensureAccess(
        google,
        controlId,
        methodologists.map((email) => ({ email, role: 'writer' as const })),
        // None named yet (an evaluation made before the row existed): shares made by hand stay.
        { keepOthers: methodologists.length === 0 },
      ),
    );
    tick(++done, 'control');

    const readers = leaders.map((email) => ({ email, role: 'reader' as const }));
    let centralId: string | undefined;
    if (centralTabs.length) {
      const layouts: TabLayout[] = centralTabs.map((tab) => ({
        title: tab,
        rows: [
          [
            { value: 'zone_id', bold: true },
            ...methodology.indicators
              .filter((i) => i.source === `central:${tab}`)
              .map((i) => ({ value: i.code, bold: true })),
          ],
          ...zones.map((z) => [{ value: z.zoneId }]),
        ],
        frozenRows: 1,
      }));
      const made = await createSpreadsheet(google, `Central data ${e} 中央数据`, layouts, place('central'), {
        repair: true,
      });
      centralId = made.spreadsheetId;
      if (made.created) summary.created.push('central data');
      else {
        const missing = missingTabRequests(await readTabStates(google, centralId), layouts);
        if (missing.requests.length) {
          await google.calls.call(
            { name: 'sheets.spreadsheets.batchUpdate', kind: 'sheets.write', fileId: centralId },
            () =>
              google.sheets.spreadsheets.batchUpdate({
                spreadsheetId: centralId!,
                requestBody: { requests: missing.requests },
              }),
          );
          summary.repaired.push(`central data: ${missing.added.map((t) => `tab ${t} added`).join(', ')}`);
        }
      }
      // Central departments are added by hand (their editors are not listed anywhere): only leaders are ensured.
      noteAccess(
        summary,
        'central data',
        await ensureAccess(google, centralId, readers, { keepOthers: true }),
      );
    }
    tick(++done, 'central data');

    const results = await createSpreadsheet(
      google,
      `Results ${e} 评估结果`,
      [RESULTS_PLACEHOLDER],
      place('results'),
    );
    if (results.created) summary.created.push('results');
    noteAccess(summary, 'results', await ensureAccess(google, results.spreadsheetId, readers));
    tick(++done, 'results');

    await indexProvisioned(b.store, e, {
      control: controlId,
      ...(centralId && { central: [centralId] }),
      results: results.spreadsheetId,
    });
    await b.store.setResultsSpreadsheet(e, results.spreadsheetId);
    await requestSync(
      { store: b.store, queue: b.queue, log: silentLogger },
      { evaluationId: e, spreadsheetId: controlId, caller: 'provision', kind: 'control' },
    );
    if (b.local && b.queue instanceof HeldQueue) {
      const s = b.local;
      const out = await syncControl(
        { evaluationId: e, spreadsheetId: controlId },
        { store: b.store, reader: s.reader, feedback: s.feedback, files: s.files, log: silentLogger },
      );
      console.log(`local: control sync ${out.status}`);
    }

    console.log(
      `evaluation ${e}: control ${controlId}, results ${results.spreadsheetId}${centralId ? `, central data ${centralId}` : ''}, ${zones.length} zone spreadsheets in folder ${folderId} of shared drive ${driveId}`,
    );
    console.log(`created: ${summary.created.length ? summary.created.join(', ') : 'nothing'}`);
    console.log(`repaired: ${summary.repaired.length ? summary.repaired.join('; ') : 'nothing'}`);
    console.log(`shared: ${summary.shared.length ? summary.shared.join('; ') : 'no change'}`);
    if (summary.unshared.length) console.log(`no longer shared: ${summary.unshared.join('; ')}`);
    for (const n of summary.notShared) console.log(`not shared: ${n}`);
    console.log(
      `drive restrictions: ${restrictions.changed.length ? `set ${restrictions.changed.join(', ')}` : restrictions.notChanged.length ? 'not as needed' : 'as needed'}; domainUsersOnly ${restrictions.domainUsersOnly ? 'on: officials can share their sheet within the Workspace domain only' : 'off: officials can share their sheet with anyone'}, and the next run removes what they add`,
    );
    for (const n of restrictions.notChanged) console.log(`not repaired: ${n}`);
    return 0;
  });
}
