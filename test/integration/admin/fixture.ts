/**
 * A local stack left in a directory as a demo leaves it: three zones provisioned, the control sheet installed, the
 * zones' forms read, an official's refused value and a later accepted one, and a run of the evaluate stage
 * published to the results spreadsheet; then one more refused value, after the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDataPaths } from '../../../lib/cli/backend';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { evaluateRun } from '../../../lib/pipeline/evaluate';
import { silentLogger } from '../../../lib/pipeline/log';
import { syncSheet } from '../../../lib/pipeline/sync';
import { GoogleResultsPublisher } from '../../../lib/sheets/results-publisher';

export const E = 'admin2025';
export const ev = loadDefaultEvaluation(7);
// The third zone's name is a formula, which every output must keep as text.
export const zones = ev.zones.slice(0, 3).map((z, k) => (k === 2 ? { ...z, nameEn: '=IMPORTXML("x")' } : z));
/** The default methodology graded by shares (quotas of 105 zones cannot grade three) and fewer replications. */
const methodology = {
  ...ev.methodology.spec,
  grade: {
    ...ev.methodology.spec.grade,
    method: 'share' as const,
    grades: ev.methodology.spec.grade.grades.map(({ count: _count, ...g }, k) => ({
      ...g,
      share: [0.34, 0.33, 0.33, 0][k]!,
    })),
  },
  ...(ev.methodology.spec.uncertainty && { uncertainty: { ...ev.methodology.spec.uncertainty, runs: 20 } }),
};
export const [Z1, Z2, Z3] = zones.map((z) => z.zoneId) as [string, string, string];

export type Fixture = { dir: string; prov: Provisioned; runSeq: number; cleanup(): void };

export async function openStack(dir: string): Promise<LocalStack> {
  const paths = localDataPaths(dir);
  return startLocalStack({
    emulator: { dataDir: paths.emulator, quota: 'off' },
    dynamoPath: paths.dynamo,
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
}

/** The row of an indicator on a form (1-based), as the layout writes it: zone row, header row, then indicators. */
export const rowOf = (code: string) =>
  3 +
  ev.methodology.indicators.filter((i) => (i.source ?? 'zone') === 'zone').findIndex((i) => i.code === code);

/** Opens the stack left in `dir`, hands it to `look`, and closes it. */
export async function withStack<T>(dir: string, look: (s: LocalStack) => Promise<T>): Promise<T> {
  const s = await openStack(dir);
  try {
    return await look(s);
  } finally {
    await s.close();
  }
}

/** Writes text into one cell of a spreadsheet as `person` types it (USER_ENTERED), through Google's client. */
export const cellWriter =
  (stack: LocalStack, person: string, spreadsheetId: string) => (range: string, text: string) =>
    stack.clientsAs(person).sheets.spreadsheets.values.update({
      spreadsheetId,
      range,
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [[text]] },
    });

export async function typeAs(
  stack: LocalStack,
  zoneId: string,
  spreadsheetId: string,
  code: string,
  text: string,
) {
  await cellWriter(stack, officialOf(zoneId), spreadsheetId)(`Form!D${rowOf(code)}`, text);
}

/** What Zhengzhou's official types in T03's Note with the accepted 45: a formula's text and a line break. */
export const T03_REMARK = '=HYPERLINK("http://example.com","see")\nfrom the 2025 yearbook';

export async function buildFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'zone-eval-admin-'));
  const stack = await openStack(dir);
  try {
    const prov = await provisionEvaluation(
      stack,
      methodology,
      zones,
      (z) => (z === Z1 ? { T01: '12.5', T03: '40' } : { T01: '8', T03: '10' }),
      undefined,
      { results: true },
    );
    await stack.store.setResultsSpreadsheet(E, prov.resultsId!);
    const deps = {
      store: stack.store,
      reader: stack.reader,
      feedback: stack.feedback,
      files: stack.files,
      log: silentLogger,
    };
    await stack.store.requestSheet(E, prov.controlId);
    const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps);
    if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
    const sync = async (zoneId: string, editor: string | null) => {
      const s = prov.sheets.get(zoneId)!;
      await stack.store.requestSheet(E, s);
      return syncSheet({ evaluationId: E, spreadsheetId: s, caller: 'trigger', editor }, deps);
    };
    for (const z of zones) await sync(z.zoneId, null);
    // Zhengzhou's official: a refused value, then an accepted one, then another refused one after the run.
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T03', '12abc');
    await sync(Z1, officialOf(Z1));
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T03', '45');
    // The apostrophe keeps the formula as text, as Sheets does for a person.
    await stack.clientsAs(officialOf(Z1)).sheets.spreadsheets.values.update({
      spreadsheetId: prov.sheets.get(Z1)!,
      range: `Form!E${rowOf('T03')}`,
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [[`'${T03_REMARK}`]] },
    });
    await sync(Z1, officialOf(Z1));
    const out = await evaluateRun(
      { evaluationId: E, caller: 'manual' },
      { store: stack.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
    );
    if (out.status !== 'scored' || out.publish !== 'published')
      throw new Error(`evaluate: ${JSON.stringify(out)}`);
    const seq = out.run;
    // After the run: one more refused attempt, which the run cannot have used.
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T01', 'lots');
    await sync(Z1, officialOf(Z1));
    return { dir, prov, runSeq: seq, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    await stack.close();
  }
}

/** The options every admin command gets in these tests. */
export const local = (dir: string) => ['--evaluation', E, '--local', '--data-dir', dir];
