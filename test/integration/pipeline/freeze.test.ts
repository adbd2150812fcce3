/**
 * The deadline freeze and the sign-off over the emulator and dynalite: an edit after the freeze is kept as a late
 * revision, shown on the zone's Feedback, and not scored until `zone-eval accept-late`; `zone-eval sign-off`
 * records who (the credentials' Google account, as Drive reports it) signed off which run, and `mayPublish` keeps later runs out of the results sheet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDataPaths } from '../../../lib/cli/backend';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, SERVICE_ACCOUNT, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { mayPublish } from '../../../lib/pipeline/governance';
import { syncSheet } from '../../../lib/pipeline/sync';
import { runCli } from '../../helpers/cli';
import { syncDeps, tabText } from '../../helpers/stack';

const E = 'freeze2025';
const ev = loadDefaultEvaluation(5);
const methodology = ev.methodology.spec;
const zones = ev.zones.slice(0, 2);
const zone = zones[0]!.zoneId;
/** Who the admin's commands record: the credentials' Google account (the local stack's service account). */
const admin = SERVICE_ACCOUNT;
const typedFor = (zoneId: string) =>
  Object.fromEntries(
    Object.entries(ev.demo.values[2025]![zoneId]!).map(([code, cell]) => [code, cell.typed]),
  );
const rowOf = (code: string) =>
  methodology.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === code) + 3;

let stack: LocalStack;
let prov: Provisioned;
const deps = () => syncDeps(stack);
const sync = async () => {
  await stack.store.requestSheet(E, prov.sheets.get(zone)!);
  return syncSheet(
    { evaluationId: E, spreadsheetId: prov.sheets.get(zone)!, caller: 'trigger', editor: officialOf(zone) },
    deps(),
  );
};
const feedback = () => tabText(stack, prov.sheets.get(zone)!, 'Feedback');
/** The stack's directory, so that the admin's commands open it as a terminal would (`--local --data-dir`). */
const dir = mkdtempSync(join(tmpdir(), 'zone-eval-freeze-'));
const open = () =>
  startLocalStack({
    emulator: { quota: 'off', dataDir: localDataPaths(dir).emulator },
    dynamoPath: localDataPaths(dir).dynamo,
    calls: { pace: false },
  });
/** An admin command over the directory; the test's own stack is closed meanwhile (one process holds the table). */
async function cli(args: string[]) {
  await stack.close();
  try {
    return await runCli([...args, '--evaluation', E, '--local', '--data-dir', dir]);
  } finally {
    stack = await open();
  }
}

beforeAll(async () => {
  stack = await open();
  prov = await provisionEvaluation(stack, methodology, zones, typedFor);
  await stack.store.requestSheet(E, prov.controlId);
  await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps());
  expect(await sync()).toMatchObject({ status: 'synced', late: null });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an edit after the freeze is kept as a late revision, shown on the Feedback, and not scored', async () => {
  await stack.store.setGovernance(E, { freeze: '2020-01-01T00:00:00.000Z' });
  const before = await stack.store.getCurrent(E, zone);
  await stack.emulator.editAsPerson(prov.sheets.get(zone)!, officialOf(zone), `Form!D${rowOf('T03')}`, [
    ['4321'],
  ]);
  const o = await sync();
  expect(o).toMatchObject({ status: 'synced', revision: null });
  const late = o.status === 'synced' ? o.late : null;
  expect(late).toBe(before!.revSeq + 1);
  expect(await stack.store.getCurrent(E, zone)).toEqual(before);
  const revs = await stack.store.listRevisions(E, zone);
  expect(revs.at(-1)).toMatchObject({ seq: late, late: true, editor: officialOf(zone) });
  expect(revs.at(-1)!.values['T03']!.value).toBe(4321);
  expect(await feedback()).toMatch(
    new RegExp(
      `Late 逾期 \\| The change read at .* came after the freeze \\(2020-01-01T00:00:00\\.000Z\\): it is kept as revision ${late}`,
    ),
  );
});

test('zone-eval accept-late makes the late values count, recording who accepted them', async () => {
  const evalBefore = (await stack.store.getEvaluationState(E))!.requested;
  const r = await cli(['accept-late', '--zone', zone, '--as', admin]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`zone ${zone}: late revision \\d+ accepted by ${admin}`));
  const cur = await stack.store.getCurrent(E, zone);
  expect(cur!.values['T03']!.value).toBe(4321);
  expect((await stack.store.listRevisions(E, zone)).at(-1)).toMatchObject({
    editor: admin,
    caller: expect.stringMatching(/^accept-late:\d+$/),
  });
  expect((await stack.store.getEvaluationState(E))!.requested).toBe(evalBefore + 1);
  // Nothing is left to accept: a sentence, exit code 2.
  const again = await cli(['accept-late', '--zone', zone, '--as', admin]);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/has no late edit waiting/);
  const typo = await cli(['accept-late', '--zoen', zone]);
  expect(typo.stderr).toBe('zone-eval accept-late: unknown option --zoen (did you mean --zone?)');
});

test('zone-eval sign-off keeps the current run, with who and when; a later run may not be published', async () => {
  const refused = await cli(['sign-off', '--year', '2025']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/not yet scored|no run to sign off/);
  // A run of the 2025 evaluation, as the evaluate stage stores it (its results carry the methodology's year).
  const state = (await stack.store.getEvaluationState(E))!;
  const run = 3;
  await stack.store.putRun(E, {
    seq: run,
    requested: state.requested,
    inputHash: 'h',
    methodologyVersion: 'v',
    engineVersion: 'e',
    createdAt: new Date().toISOString(),
    results: { year: 2025, zones: [] },
  });
  await stack.store.markScored(E, state.requested);
  await stack.store.setCurrentRun(E, run);
  const wrong = await cli(['sign-off', '--year', '2024']);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toBe(
    `zone-eval sign-off: run ${run} of evaluation ${E} is the 2025 evaluation, not 2024: sign off with --year 2025, or name the evaluation of 2024 with --evaluation`,
  );
  expect((await stack.store.getGovernance(E)).signOff).toBeNull();
  const r = await cli(['sign-off', '--year', '2025']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(new RegExp(`run ${run} signed off for 2025 by ${admin} at \\d{4}-`));
  const g = await stack.store.getGovernance(E);
  expect(g.signOff).toMatchObject({ year: 2025, run, by: admin });
  expect(mayPublish(g, run)).toBe(true);
  expect(mayPublish(g, run + 1)).toBe(false);
  // The final run is kept for good: nothing can give it a time to live afterwards.
  const anyTime = { expiresAt: new Date(Date.now() + 86_400_000), createdAfter: new Date(0) };
  expect(await stack.store.expireRun(E, run, anyTime)).toBe(false);
  const other = await cli(['sign-off', '--year', '2025', '--as', 'admin@mofcom.test']);
  expect(other.stderr).toMatch(/--as admin@mofcom\.test is not the Google account these credentials act as/);
});

test('a late form read again adds no revision; brought back to the values that count, nothing is left to accept', async () => {
  const edit = (text: string) =>
    stack.emulator.editAsPerson(prov.sheets.get(zone)!, officialOf(zone), `Form!D${rowOf('T03')}`, [[text]]);
  const count = async () => (await stack.store.listRevisions(E, zone)).length;
  const inForce = (await stack.store.getCurrent(E, zone))!.values['T03']!.text;
  await edit('5555');
  const first = await sync();
  const late = first.status === 'synced' ? first.late : null;
  expect(late).toEqual(expect.any(Number));
  const n = await count();
  // Read again (another signal, the reconcile poll): the same late revision, nothing appended, Feedback unchanged.
  const again = await sync();
  expect(again).toMatchObject({ status: 'synced', late, revision: null, feedbackWritten: false });
  await stack.store.requestSheet(E, prov.sheets.get(zone)!);
  expect(
    await syncSheet({ evaluationId: E, spreadsheetId: prov.sheets.get(zone)!, caller: 'reconcile' }, deps()),
  ).toMatchObject({ late });
  expect(await count()).toBe(n);
  expect(await feedback()).toMatch(new RegExp(`kept as revision ${late}`));
  // The official types the value in force again: the late change is withdrawn, recorded as a revision.
  await edit(inForce);
  const back = await sync();
  expect(back).toMatchObject({ status: 'synced', late: null, revision: null });
  expect(await count()).toBe(n + 1);
  const revs = await stack.store.listRevisions(E, zone);
  expect(revs.at(-1)!.late).toBeUndefined();
  expect(revs.at(-1)!.values['T03']!.text).toBe(inForce);
  expect(await feedback()).not.toMatch(/Late 逾期/);
  const accept = await cli(['accept-late', '--zone', zone, '--as', admin]);
  expect(accept.code).toBe(2);
  expect(accept.stderr).toMatch(/has no late edit waiting/);
  // And the withdrawal is not repeated by later reads.
  await sync();
  expect(await count()).toBe(n + 1);
});
