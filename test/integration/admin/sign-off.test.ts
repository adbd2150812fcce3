/**
 * `zone-eval sign-off` against the results spreadsheet a leader reads: the year must be the run's; a run made after
 * the sign-off is stored but the results spreadsheet keeps the signed-off run; a new sign-off of the later run has
 * it published by the next evaluation. Who signed is the credentials' Google account as Drive reports it; a typed
 * `--as` naming someone else is refused. Over the emulator (read back through Google's client) and dynalite.
 */
import { officialOf } from '../../../lib/local/seed';
import { type LocalStack, SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { evaluateRun } from '../../../lib/pipeline/evaluate';
import { silentLogger } from '../../../lib/pipeline/log';
import { syncSheet } from '../../../lib/pipeline/sync';
import { GoogleResultsPublisher } from '../../../lib/sheets/results-publisher';
import { runCli } from '../../helpers/cli';
import { buildFixture, E, type Fixture, local, openStack, typeAs, Z2 } from './fixture';

/** Who the local stack's credentials are, as the emulator's Drive about.get answers: its service account. */
const admin = SERVICE_ACCOUNT;
let fx: Fixture;
let stack: LocalStack;
/** The run published before any sign-off. */
let base: number;
/** The command over the directory, as an admin's terminal runs it: the test's own stack is closed meanwhile. */
async function cli(args: string[]) {
  await stack.close();
  try {
    return await runCli([...args, ...local(fx.dir)]);
  } finally {
    stack = await openStack(fx.dir);
  }
}
const evaluate = () =>
  evaluateRun(
    { evaluationId: E, caller: 'manual' },
    { store: stack.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
  );
/** The run number the results spreadsheet's Run tab shows, as a leader reads it. */
async function runInResultsSheet(): Promise<number> {
  const rows =
    (
      await stack.google.sheets.spreadsheets.values.get({
        spreadsheetId: fx.prov.resultsId!,
        range: 'Run!A1:B10',
      })
    ).data.values ?? [];
  return Number(rows.find((r) => String(r[0]).startsWith('Run '))?.[1]);
}

beforeAll(async () => {
  fx = await buildFixture();
  stack = await openStack(fx.dir);
  // The fixture's last refused attempt asked for a run: let it finish and be published.
  const out = await evaluate();
  expect(out).toMatchObject({ publish: 'published' });
  base = 'run' in out ? out.run : 0;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  fx?.cleanup();
});

test('a year that is not the run’s is refused with a sentence, and nothing is recorded', async () => {
  const r = await cli(['sign-off', '--year', '2024']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `zone-eval sign-off: run ${base} of evaluation ${E} is the 2025 evaluation, not 2024: sign off with --year 2025, or name the evaluation of 2024 with --evaluation`,
  );
  expect((await stack.store.getGovernance(E)).signOff).toBeNull();
});

test('after a sign-off a later run is stored but the results spreadsheet keeps the signed-off run; a new sign-off publishes it', async () => {
  const first = await cli(['sign-off', '--year', '2025']);
  expect(first.stderr).toBe('');
  expect(first.stdout).toMatch(
    new RegExp(`^evaluation ${E}: run ${base} signed off for 2025 by ${admin} at \\d{4}-`),
  );
  // The run signed off is the one published: nothing to ask for.
  expect(first.stdout).not.toContain('asked to publish');
  expect(await runInResultsSheet()).toBe(base);

  // An official changes a value: a new run is scored and stored, and not written to the results spreadsheet.
  const sheet = fx.prov.sheets.get(Z2)!;
  await typeAs(stack, Z2, sheet, 'T03', '77');
  await stack.store.requestSheet(E, sheet);
  await syncSheet(
    { evaluationId: E, spreadsheetId: sheet, caller: 'trigger', editor: officialOf(Z2) },
    {
      store: stack.store,
      reader: stack.reader,
      feedback: stack.feedback,
      files: stack.files,
      log: silentLogger,
    },
  );
  const later = await evaluate();
  expect(later).toMatchObject({ status: 'scored', run: base + 1, publish: 'signed-off' });
  expect(await runInResultsSheet()).toBe(base);
  expect((await stack.store.getEvaluationState(E))!.publishedRun).toBe(base);

  // A new sign-off of the later run: recorded with who, replacing the first, and an evaluation asked for.
  const second = await cli(['sign-off', '--year', '2025']);
  expect(second.stderr).toBe('');
  expect(second.stdout).toContain(`run ${base + 1} signed off for 2025 by ${admin} at `);
  expect(second.stdout).toContain(`(replacing the sign-off of run ${base} by ${admin})`);
  expect(second.stdout).toContain(
    `run ${base + 1} is not the one in the results spreadsheet: evaluation asked to publish it`,
  );
  expect(await evaluate()).toMatchObject({ status: 'unchanged', run: base + 1, publish: 'published' });
  expect(await runInResultsSheet()).toBe(base + 1);
});

test('who signs off is the Google account of the credentials, verified by Drive; an --as naming another is refused', async () => {
  const other = await cli(['sign-off', '--year', '2025', '--as', 'someone.else@mofcom.test']);
  expect(other.code).toBe(2);
  expect(other.stderr).toBe(
    `zone-eval sign-off: --as someone.else@mofcom.test is not the Google account these credentials act as (${admin}, as Drive reports it): leave out --as, or run with the credentials of someone.else@mofcom.test (GOOGLE_APPLICATION_CREDENTIALS)`,
  );
  const before = (await stack.store.getGovernance(E)).signOff;
  const same = await cli(['sign-off', '--year', '2025', '--as', admin.toUpperCase()]);
  expect(same.stderr).toBe('');
  const after = (await stack.store.getGovernance(E)).signOff!;
  expect(after).toMatchObject({
    by: admin,
    verified: { source: 'drive.about.get', permissionId: expect.any(String) },
  });
  expect(after.at > before!.at).toBe(true);
});
