/**
 * The bad-input suite (issue 12, section 2): a corpus of bad inputs, each with its expected outcome, run through
 * the real paths: zone forms through the sync stage on the local runtime (Feedback tab, store, published results),
 * the control sheet's tabs (refusal on its Feedback tab, the methodology in force unchanged), the central data
 * spreadsheet, names reaching the results spreadsheet, the CLI's CSV and methodology JSON, and the emulator's
 * cell limit. A case is handled when its outcome matched the expected one exactly; `lost` counts previously
 * accepted values gone after a case.
 */
import type { ReliabilitySuite, SuiteOptions, SuiteReport } from '../types';
import type { CaseResult } from './cases';
import { CENTRAL_CELL_CASES, CENTRAL_SHEET_CASES, runCentralCases } from './central';
import { CLI_CASES, runCliCases } from './cli';
import { CONTROL_CASES, runControlCases } from './control';
import { runBigForm, runFormCells, runFormSheets } from './form';
import { FORM_CELL_CASES } from './form-cells';
import { FORM_SHEET_CASES } from './form-sheets';
import { RESULTS_TEXT_CASES, runResultsText } from './results-text';
import { startWorld } from './world';

/** Zones seeded: the value cases are spread over their forms (42 value cells each); the structural cases run in
 * rounds of this many zones. */
const ZONES = 10;
/** Rows of the long form at quick scale (full: 50,000). */
const BIG_FORM_ROWS_QUICK = 10_000;
/** Zones whose forms take the value cases. */
const VALUE_ZONES = 4;

/** Figures and failures from case results. */
export function report(results: readonly CaseResult[], extra: string[] = []): SuiteReport {
  return {
    figures: {
      bad_inputs_tried: results.length,
      bad_inputs_handled: results.filter((r) => r.handled).length,
      lost: results.reduce((s, r) => s + r.lost, 0),
    },
    failures: [...results.flatMap((r) => (r.failure ? [r.failure] : [])), ...extra],
  };
}

async function runSheets(options: SuiteOptions): Promise<{ results: CaseResult[]; extra: string[] }> {
  const zones = ZONES;
  options.progress(`bad-inputs: seeding ${zones} zones on the local runtime`);
  const world = await startWorld(zones);
  try {
    const results: CaseResult[] = [];
    options.progress(`bad-inputs: ${FORM_CELL_CASES.length} bad values in zone form cells`);
    results.push(...(await runFormCells(world, FORM_CELL_CASES, world.zones.slice(0, VALUE_ZONES))));
    results.push(...(await runFormSheets(world, FORM_SHEET_CASES, ZONES, options.progress)));
    options.progress(
      `bad-inputs: ${CENTRAL_CELL_CASES.length + CENTRAL_SHEET_CASES.length} bad inputs on the central data spreadsheet`,
    );
    results.push(...(await runCentralCases(world, CENTRAL_CELL_CASES, CENTRAL_SHEET_CASES)));
    options.progress(`bad-inputs: ${CONTROL_CASES.length} invalid methodology edits on the control sheet`);
    const control = await runControlCases(world, CONTROL_CASES);
    results.push(...control.results);
    options.progress(
      `bad-inputs: ${RESULTS_TEXT_CASES.length} names that must reach the results spreadsheet as text`,
    );
    results.push(...(await runResultsText(world, RESULTS_TEXT_CASES)));
    const rows = options.scale === 'full' ? 50_000 : BIG_FORM_ROWS_QUICK;
    options.progress(`bad-inputs: a form of ${rows.toLocaleString('en')} rows`);
    const big = await runBigForm(world, ZONES - 1, rows);
    results.push(big.result);
    if (big.figures)
      options.progress(
        `bad-inputs: ${big.figures.rows.toLocaleString('en')} rows read in ${big.figures.ms} ms, peak resident memory +${big.figures.peakRssGrowthMb} MB (heap +${big.figures.peakHeapGrowthMb} MB; the emulator shares the process)`,
      );
    return { results, extra: control.extra };
  } finally {
    await world.close();
  }
}

export const badInputsSuite: ReliabilitySuite = {
  name: 'bad-inputs',
  async run(options) {
    options.progress(
      `bad-inputs: ${CLI_CASES.length} bad CSV files and methodology JSON through zone-eval score`,
    );
    const cli = await runCliCases(CLI_CASES);
    const sheets = await runSheets(options);
    return report([...sheets.results, ...cli], sheets.extra);
  },
};
