/**
 * The whole loop over real HTTP (issue 9, section 9): a person's edit in the emulator fires the simulated trigger,
 * the webhook handler (served as a local Function URL) counts it and queues a sync, the sync handler reads the sheet
 * and queues an evaluation, the evaluate handler scores and publishes the results spreadsheet, read back through
 * Google's client. The same handlers as on AWS, over the emulator, dynalite and the in-process queues.
 */

import { fireSignal } from '../../../lib/local/emulator/trigger';
import type { LocalRuntime } from '../../../lib/local/runtime';
import type { SeededYear } from '../../../lib/local/runtime-seed';
import { DRIVE_ADMIN, officialOf } from '../../../lib/local/seed';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import {
  deriveSheetKey,
  MAX_SIGNAL_BODY_BYTES,
  signalBody,
  signalHeaders,
} from '../../../lib/protocol/signature';
import { RESULTS_TABS } from '../../../lib/sheets';
import { ev, ranking, seedTestYear, startTestRuntime } from './helpers';

const E = 'loop2025';
const ZONES = 12;
let runtime: LocalRuntime;
let year: SeededYear;

beforeAll(async () => {
  runtime = await startTestRuntime();
  year = await seedTestYear(runtime, E, ZONES);
}, 120_000);
afterAll(() => runtime?.close());

const zoneIndicators = ev.methodology.indicators.filter((i) => i.source === 'zone');
const formRow = (code: string) => zoneIndicators.findIndex((i) => i.code === code) + 3;
const zoneAt = (k: number) => ev.zones[k]!.zoneId;
const sheetOf = (zoneId: string) => year.sheets.get(zoneId)!;
const edit = (zoneId: string, code: string, typed: string) =>
  runtime.stack.emulator.editAsPerson(sheetOf(zoneId), officialOf(zoneId), `Form!D${formRow(code)}`, [
    [typed],
  ]);
const state = async () => (await runtime.stack.store.getEvaluationState(E))!;
const reads = (sid: string) =>
  runtime.stack.emulator.requestCount({ route: 'sheets.spreadsheets.get', spreadsheetId: sid });
/** The published run's results document. */
async function published() {
  const s = await state();
  const run = await runtime.stack.store.getRun(E, s.publishedRun!);
  return ResultsDocSchema.parse(run!.results);
}
const publishedValue = async (zoneId: string, code: string) =>
  (await published()).zones.find((z) => z.zoneId === zoneId)?.values[code];
function settled(s: Awaited<ReturnType<typeof state>>) {
  expect(s.scored).toBe(s.requested);
  expect(s.publishedRun).toBe(s.currentRun);
}

test('seeding ends in a published ranking of every zone, read back through Google', async () => {
  const rows = await ranking(runtime, year.resultsId);
  expect(rows.map((r) => r['Rank 排名'])).toEqual(Array.from({ length: ZONES }, (_, k) => k + 1));
  settled(await state());
  expect(runtime.queues.queues.sync.deadLetters()).toHaveLength(0);
  expect(runtime.queues.queues.evaluate.deadLetters()).toHaveLength(0);
});

test("an official's edit travels trigger, webhook, sync and evaluate to the results sheet", async () => {
  const z = zoneAt(3);
  const before = await state();
  const res = await edit(z, 'T03', '999999');
  expect(res.signal?.status).toBe(202);
  await runtime.untilQuiet();
  const after = await state();
  expect(after.publishedRun).toBeGreaterThan(before.publishedRun ?? 0);
  expect(await publishedValue(z, 'T03')).toBe(999999);
  expect((await runtime.stack.store.getCurrent(E, z))?.editor).toBe(officialOf(z));
  settled(after);
});

test('an edit landing while its sync is held is read by the next sync and published', async () => {
  const z = zoneAt(1);
  const sid = sheetOf(z);
  const hold = runtime.stack.emulator.faults.hold('sheets.spreadsheets.get', {
    spreadsheetId: sid,
    times: 1,
  });
  await edit(z, 'T03', '111');
  await hold.reached;
  // The first read is parked before the emulator serves it; the second edit lands now, and its signal is counted.
  await edit(z, 'T03', '222');
  hold.release();
  await runtime.untilQuiet();
  const sheet = await runtime.stack.store.getSheetState(E, sid);
  expect(sheet!.synced).toBe(sheet!.requested);
  expect((await runtime.stack.store.getCurrent(E, z))?.values['T03']?.value).toBe(222);
  expect(await publishedValue(z, 'T03')).toBe(222);
  settled(await state());
});

test('duplicate, delayed and out-of-order signals cost at most a read each and end synced', async () => {
  const [a, b] = [zoneAt(5), zoneAt(6)];
  await runtime.stack.emulator.writeAs(
    officialOf(a),
    sheetOf(a),
    `Form!D${formRow('T03')}`,
    [['333']],
    'USER_ENTERED',
  );
  await runtime.stack.emulator.writeAs(
    officialOf(b),
    sheetOf(b),
    `Form!D${formRow('T03')}`,
    [['444']],
    'USER_ENTERED',
  );
  const cfg = { url: runtime.webhookUrl, masterSecret: runtime.triggerSecret };
  const readsBefore = reads(sheetOf(a)) + reads(sheetOf(b));
  const now = Date.now();
  // Out of order: b's signal made later arrives first; a's arrives twice (a retried UrlFetch), once 4 minutes late.
  const sent = await Promise.all([
    fireSignal(cfg, sheetOf(b), now),
    fireSignal(cfg, sheetOf(a), now - 4 * 60_000),
    fireSignal(cfg, sheetOf(a), now - 4 * 60_000),
    fireSignal(cfg, sheetOf(b), now - 60_000),
  ]);
  expect(sent.map((s) => s.status)).toEqual([202, 202, 202, 202]);
  await runtime.untilQuiet();
  expect(reads(sheetOf(a)) + reads(sheetOf(b)) - readsBefore).toBeLessThanOrEqual(4);
  expect(await publishedValue(a, 'T03')).toBe(333);
  expect(await publishedValue(b, 'T03')).toBe(444);
  settled(await state());
});

test('every refused signal leaves nothing counted, stored or queued', async () => {
  const sid = sheetOf(zoneAt(0));
  const sheetBefore = await runtime.stack.store.getSheetState(E, sid);
  const evalBefore = await state();
  const sentBefore = runtime.queues.queues.sync.stats.sent;
  const ts = Math.floor(Date.now() / 1000);
  const signed = (id: string, body = signalBody(id), at = ts, secret = runtime.triggerSecret) =>
    signalHeaders(deriveSheetKey(secret, id), at, body);
  const post = async (headers: Record<string, string>, body: string, method = 'POST') =>
    (await fetch(runtime.webhookUrl, { method, headers, ...(method === 'POST' && { body }) })).status;
  const big = JSON.stringify({ spreadsheetId: sid, editor: 'x'.repeat(MAX_SIGNAL_BODY_BYTES) });
  const wrongShape = JSON.stringify({ spreadsheet: sid });
  const unknown = 'spreadsheet-no-evaluation-knows';
  const statuses = {
    missingHeaders: await post({ 'content-type': 'application/json' }, signalBody(sid)),
    badSignature: await post(signed(sid, signalBody(sid), ts, 'another secret'), signalBody(sid)),
    stale: await post(signed(sid, signalBody(sid), ts - 301), signalBody(sid)),
    tooLarge: await post(signed(sid, big), big),
    otherShape: await post(signed(sid, wrongShape), wrongShape),
    unknownSpreadsheet: await post(signed(unknown), signalBody(unknown)),
    resultsSpreadsheet: await post(signed(year.resultsId), signalBody(year.resultsId)),
    get: await post({}, '', 'GET'),
  };
  expect(statuses).toEqual({
    missingHeaders: 400,
    badSignature: 401,
    stale: 401,
    tooLarge: 413,
    otherShape: 400,
    unknownSpreadsheet: 404,
    resultsSpreadsheet: 422,
    get: 405,
  });
  expect(runtime.queues.queues.sync.stats.sent).toBe(sentBefore);
  expect(await runtime.stack.store.getSheetState(E, sid)).toEqual(sheetBefore);
  expect((await state()).requested).toBe(evalBefore.requested);
  expect(await runtime.stack.store.getSheetState(E, unknown)).toBeNull();
});

test('a publish refused with 429 fails, comes back and is published', async () => {
  const z = zoneAt(2);
  const failedBefore = runtime.counters.get('evaluate.failed');
  const throttledBefore = runtime.counters.get('sheets.429', 'zone-eval-local');
  // More 429s than one invocation's retries: the message fails, is made visible again soon, and succeeds.
  const refusals = runtime.stack.emulator.faults.rateLimit('sheets.spreadsheets.batchUpdate', 12, {
    spreadsheetId: year.resultsId,
  });
  await edit(z, 'T03', '555');
  await runtime.untilQuiet();
  expect(refusals.hits).toBe(12);
  // Every 429 is counted, the ones the invocation gave up on too (the runtime shares one Google client).
  expect(runtime.counters.get('sheets.429', 'zone-eval-local') - throttledBefore).toBe(12);
  expect(runtime.counters.get('evaluate.failed')).toBeGreaterThan(failedBefore);
  expect(await publishedValue(z, 'T03')).toBe(555);
  expect(runtime.queues.queues.evaluate.deadLetters()).toHaveLength(0);
  settled(await state());
});

test('a results tab renamed by a person is repaired by the next publish', async () => {
  const admin = runtime.stack.clientsAs(DRIVE_ADMIN);
  await admin.sheets.spreadsheets.batchUpdate({
    spreadsheetId: year.resultsId,
    requestBody: {
      requests: [
        {
          updateSheetProperties: {
            properties: { sheetId: RESULTS_TABS.ranking.id, title: 'My notes' },
            fields: 'title',
          },
        },
      ],
    },
  });
  await edit(zoneAt(4), 'T03', '666');
  await runtime.untilQuiet();
  const meta = await runtime.stack.google.sheets.spreadsheets.get({
    spreadsheetId: year.resultsId,
    fields: 'sheets.properties(sheetId,title)',
  });
  const titles = (meta.data.sheets ?? []).map((s) => s.properties?.title);
  expect(titles).toContain(RESULTS_TABS.ranking.title);
  expect(titles).not.toContain('My notes');
  expect(await publishedValue(zoneAt(4), 'T03')).toBe(666);
});

test('an edit made through the API, with no trigger, is picked up by the reconcile poll', async () => {
  const z = zoneAt(7);
  const signals = runtime.stack.emulator.signals.length;
  await runtime.stack.clientsAs(officialOf(z)).sheets.spreadsheets.values.update({
    spreadsheetId: sheetOf(z),
    range: `Form!D${formRow('T03')}`,
    valueInputOption: 'USER_ENTERED',
    requestBody: { values: [['777']] },
  });
  await runtime.untilQuiet();
  expect(runtime.stack.emulator.signals.length).toBe(signals);
  expect(await publishedValue(z, 'T03')).not.toBe(777);
  await runtime.reconcileNow();
  await runtime.untilQuiet();
  expect(await publishedValue(z, 'T03')).toBe(777);
  settled(await state());
});

test("the loop's metrics: an edit is counted at the webhook, read, run and measured edit to publish, and a caught-up evaluation reads 0 s behind", async () => {
  const z = zoneAt(5);
  const m = runtime.counters;
  const seen = {
    accepted: m.get('signal.accepted', 'zone-eval-webhook'),
    syncs: m.get('sync.processed', 'zone-eval-sync'),
    runs: m.get('evaluate.scored', 'zone-eval-evaluate'),
    measured: m.values('edit-to-publish', 'zone-eval-evaluate').length,
  };
  const started = Date.now();
  await edit(z, 'T03', '4321');
  await runtime.untilQuiet();
  const took = (Date.now() - started) / 1000;
  expect(m.get('signal.accepted', 'zone-eval-webhook')).toBe(seen.accepted + 1);
  expect(m.get('sync.processed', 'zone-eval-sync')).toBeGreaterThan(seen.syncs);
  expect(m.get('evaluate.scored', 'zone-eval-evaluate')).toBeGreaterThan(seen.runs);
  // Measured from the webhook's receipt of the signal (carried by the sync and evaluate messages) to the publish.
  const measured = m.values('edit-to-publish', 'zone-eval-evaluate').slice(seen.measured);
  expect(measured).toHaveLength(1);
  expect(measured[0]).toBeGreaterThan(0);
  expect(measured[0]).toBeLessThanOrEqual(took);
  expect((await state()).pendingSince).toBeNull();

  await runtime.reconcileNow();
  await runtime.untilQuiet();
  expect(m.values('evaluation.unscored-seconds', 'zone-eval-reconcile').at(-1)).toBe(0);
});

// The 200 edits across 50 zones, each into a cell of its own, are burst.test.ts (and, with the production
// delay, the benchmark's); here every zone's official overwrites the same cell five times, the last value winning.
test('a burst of 60 edits across 12 zones coalesces into a few runs, the last reflecting every edit', async () => {
  const before = await state();
  const last = new Map<string, number>();
  runtime.queues.queues.evaluate.setDelay(2000);
  // Five rounds in which every zone's official edits at once.
  for (let round = 0; round < 5; round++) {
    const edits = Array.from({ length: ZONES }, (_, k) => {
      const z = zoneAt(k);
      last.set(z, 2000 + round * ZONES + k);
      return edit(z, 'T05', String(2000 + round * ZONES + k));
    });
    for (const res of await Promise.all(edits)) expect(res.signal?.status).toBe(202);
  }
  await runtime.untilQuiet({ timeoutMs: 120_000 });
  runtime.queues.queues.evaluate.setDelay(300);
  const after = await state();
  const runs = after.lastRunSeq - before.lastRunSeq;
  expect(runs).toBeGreaterThanOrEqual(1);
  expect(runs).toBeLessThanOrEqual(10);
  const doc = await published();
  for (const [z, v] of last) expect(doc.zones.find((x) => x.zoneId === z)?.values['T05']).toBe(v);
  settled(after);
}, 180_000);

test('a zone name typed as a formula is published as text', async () => {
  const formula = '=IMPORTXML("https://evil.example/","//a")';
  const control = runtime.stack.clientsAs(DRIVE_ADMIN).sheets.spreadsheets;
  const zonesTab =
    (await control.values.get({ spreadsheetId: year.controlId, range: 'Zones' })).data.values ?? [];
  const col = zonesTab[0]!.findIndex((h) => /name.?en|English/i.test(String(h)));
  const row = zonesTab.findIndex((r) => r[0] === zoneAt(0));
  expect(col).toBeGreaterThanOrEqual(0);
  const a1 = `Zones!${String.fromCharCode(65 + col)}${row + 1}`;
  await runtime.stack.emulator.editAsPerson(year.controlId, DRIVE_ADMIN, a1, [[`'${formula}`]]);
  await runtime.untilQuiet();
  // A control-sheet edit is a draft until a methodologist types its version into Settings “live”.
  const draft = (await runtime.stack.store.getGovernance(year.evaluationId)).draft;
  expect(draft).not.toBeNull();
  const settings =
    (await control.values.get({ spreadsheetId: year.controlId, range: 'Settings' })).data.values ?? [];
  await runtime.stack.emulator.editAsPerson(
    year.controlId,
    DRIVE_ADMIN,
    `Settings!A${settings.length + 1}:B${settings.length + 1}`,
    [['live', draft!.version]],
  );
  await runtime.untilQuiet();
  const grid = await runtime.stack.google.sheets.spreadsheets.get({
    spreadsheetId: year.resultsId,
    ranges: ['Ranking'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue)',
  });
  const cells = (grid.data.sheets?.[0]?.data?.[0]?.rowData ?? []).flatMap((r) => r.values ?? []);
  const cell = cells.find((c) => c.userEnteredValue?.stringValue === formula);
  expect(cell).toBeDefined();
  expect(cells.some((c) => c.userEnteredValue?.formulaValue !== undefined)).toBe(false);
});

test("a year whose control sheet's Settings names the previous evaluation publishes the change in rank and grade against it", async () => {
  const prev = await seedTestYear(runtime, 'loop-prev', 5, 2024);
  const cur = await seedTestYear(runtime, 'loop-cur', 5, 2025, 'loop-prev');
  // The previous evaluation is named in the control sheet's Settings, as a methodologist would read it.
  const settings = await runtime.stack.clientsAs(DRIVE_ADMIN).sheets.spreadsheets.values.get({
    spreadsheetId: cur.controlId,
    range: 'Settings',
  });
  expect(settings.data.values).toContainEqual(['previous_evaluation', 'loop-prev']);
  expect(
    (
      await runtime.stack.clientsAs(DRIVE_ADMIN).sheets.spreadsheets.values.get({
        spreadsheetId: prev.controlId,
        range: 'Settings',
      })
    ).data.values?.some((r) => r[0] === 'previous_evaluation'),
  ).toBe(false);

  const last = await runtime.stack.store.getEvaluationState('loop-prev');
  const lastYear = ResultsDocSchema.parse(
    (await runtime.stack.store.getRun('loop-prev', last!.publishedRun!))!.results,
  );
  const before = new Map(lastYear.zones.map((z) => [z.nameEn, z]));
  const order = lastYear.grades.map((g) => g.code);
  const rows = await ranking(runtime, cur.resultsId);
  expect(rows).toHaveLength(5);
  for (const r of rows) {
    const was = before.get(String(r['Zone']))!;
    expect(was).toBeDefined();
    expect(r['Last year rank 上年排名']).toBe(was.rank);
    expect(r['Last year grade 上年等级']).toBe(was.grade);
    expect(r['Rank change 排名变化']).toBe(was.rank! - Number(r['Rank 排名']));
    const d = order.indexOf(was.grade!) - order.indexOf(String(r['Grade 等级']));
    expect(r['Grade change 等级变化']).toBe(
      d === 0 ? 'same 持平' : d > 0 ? `up from ${was.grade} 升` : `down from ${was.grade} 降`,
    );
  }
  // The synthetic years differ, so some zone moved: the columns are compared, not merely filled.
  expect(rows.some((r) => r['Rank change 排名变化'] !== 0)).toBe(true);
  // The year with no previous evaluation leaves the column empty (Sheets answers an empty cell as '').
  expect(
    (await ranking(runtime, prev.resultsId)).every(
      (r) => r['Rank change 排名变化'] === null || r['Rank change 排名变化'] === '',
    ),
  ).toBe(true);
}, 120_000);
