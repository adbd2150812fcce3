/**
 * `zone-eval export --year Y --format csv|xlsx|json [--out FILE]`: the published results as a leader would file them:
 * one row per zone, best first, with names, province, batch, score, grade (code and labels), last year's rank,
 * the rank interval, every dimension's score and every indicator's value scored, stamped with the run.
 *
 * CSV is UTF-8 with a BOM, so Excel on a Chinese system reads the names right; xlsx (lib/cli/xlsx.ts) has the
 * same columns with numbers as number cells, for a leader who files a workbook.
 */
import { writeFileSync } from 'node:fs';
import { csvField } from '../core/csv';
import { YEAR_RANGE } from '../core/methodology';
import type { RunRecord } from '../pipeline/ports';
import { choiceOption, intOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { chooseRun, type PublishedDoc } from './published';
import { type Cell, xlsx } from './xlsx';

const HELP = `usage: zone-eval export --year Y --format csv|xlsx|json [--out FILE] [--evaluation ID] [--local --data-dir DIR]

The published results of the evaluation of year Y, best first, as CSV (UTF-8 with a BOM), an Excel workbook
(one sheet, numbers as numbers; needs --out) or JSON.

options:
  --year Y             the evaluation's year (checked against the published run)
  --format F           csv, xlsx or json
  --out FILE           write to FILE instead of standard output
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
  year: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/**
 * A text field a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written with a leading
 * apostrophe, as OWASP's CSV-injection advice says: a zone named `=IMPORTXML(...)` stays text in Excel.
 */
const textField = (s: string) => csvField(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const numField = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/** The export's rows, typed: numbers stay numbers (CSV writes them as text, xlsx as number cells). */
export function exportRows(doc: PublishedDoc, run: RunRecord): { head: string[]; rows: Cell[][] } {
  const dims = doc.aggregates.map((a) => a.code).filter((c) => doc.zones.some((z) => c in z.dimensions));
  const inds = doc.indicators.map((i) => i.code);
  const label = new Map(doc.grades.map((g) => [g.code, g]));
  const head = [
    'rank',
    'zone_id',
    'name_en',
    'name_zh',
    'province',
    'batch',
    'score',
    'grade',
    'grade_en',
    'grade_zh',
    'previous_rank',
    'previous_grade',
    'rank_q05',
    'rank_q95',
    ...dims.map((d) => `dim_${d}`),
    ...inds.map((i) => `value_${i}`),
    'run',
    'methodology_version',
    'engine_version',
    'run_at',
  ];
  const rows = doc.zones.map((z): Cell[] => {
    const g = z.grade === null ? undefined : label.get(z.grade);
    return [
      z.rank,
      z.zoneId,
      z.nameEn,
      z.nameZh,
      z.province,
      z.batch,
      z.score,
      z.grade ?? '',
      g?.label ?? '',
      g?.labelZh ?? '',
      z.previous?.rank,
      z.previous?.grade ?? '',
      z.uncertainty?.q05,
      z.uncertainty?.q95,
      ...dims.map((d) => z.dimensions[d]),
      ...inds.map((i) => z.values[i]),
      run.seq,
      run.methodologyVersion,
      run.engineVersion,
      run.createdAt,
    ];
  });
  return { head, rows };
}

/** The CSV of a published run. */
export function exportCsv(doc: PublishedDoc, run: RunRecord): string {
  const { head, rows } = exportRows(doc, run);
  const field = (c: Cell) => (typeof c === 'string' ? textField(c) : numField(c));
  const lines = [head.join(','), ...rows.map((r) => r.map(field).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The .xlsx of a published run: the CSV's columns on one sheet, numbers as numbers, the header in bold. */
export function exportXlsx(doc: PublishedDoc, run: RunRecord): Buffer {
  const { head, rows } = exportRows(doc, run);
  return xlsx([{ name: `Results ${doc.year ?? ''}`.trim(), rows: [head, ...rows] }], new Date(run.createdAt));
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const format = choiceOption(args.values.format, 'format', ['csv', 'xlsx', 'json']);
  if (format === undefined) throw new UsageError('option --format is required: csv, xlsx or json');
  // A workbook's bytes on a terminal are noise, and console.log would add a line break to them.
  if (format === 'xlsx' && !args.values.out)
    throw new UsageError('--format xlsx writes a file: name it with --out, e.g. --out results.xlsx');
  const year = intOption(args.values.year, 'year', YEAR_RANGE);
  if (year === undefined) throw new UsageError('option --year is required, e.g. --year 2025');
  const choice = backendChoice(args.values);
  const text = await withBackend(choice, async (b): Promise<string | Buffer> => {
    const { run: r, doc } = await chooseRun(b.store, b.evaluationId, { fallbackToLatest: false });
    if (doc.year !== null && doc.year !== year)
      throw new UsageError(
        `evaluation '${b.evaluationId}' published results for ${doc.year}, not ${year}: name the evaluation of ${year} with --evaluation`,
      );
    if (format === 'csv') return exportCsv(doc, r);
    if (format === 'xlsx') return exportXlsx(doc, r);
    return `${JSON.stringify({
      evaluationId: b.evaluationId,
      year: doc.year,
      run: r.seq,
      methodologyVersion: r.methodologyVersion,
      engineVersion: r.engineVersion,
      createdAt: r.createdAt,
      grades: doc.grades,
      zones: doc.zones,
    })}\n`;
  });
  if (args.values.out) writeFileSync(args.values.out, text);
  else console.log(String(text).replace(/\n$/, ''));
  return 0;
}
