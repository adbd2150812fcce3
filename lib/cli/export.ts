/**
 * `zone-eval export --year Y --format csv|json [--out FILE]`: the published results as a leader would file them:
 * one row per zone, best first, with names, province, batch, score, grade (code and labels), last year's rank,
 * the rank interval, every dimension's score and every indicator's value scored, stamped with the run.
 *
 * xlsx is refused: no spreadsheet-writing package is installed (the project adds none without review), and
 * Sheets itself opens the CSV (UTF-8 with a BOM, so Excel on a Chinese system reads the names right).
 */
import { writeFileSync } from 'node:fs';
import { csvField } from '../core/csv';
import { YEAR_RANGE } from '../core/methodology';
import type { RunRecord } from '../pipeline/ports';
import { choiceOption, intOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { chooseRun, type PublishedDoc } from './published';

const HELP = `usage: zone-eval export --year Y --format csv|json [--out FILE] [--evaluation ID] [--local --data-dir DIR]

The published results of the evaluation of year Y, best first, as CSV (UTF-8 with a BOM) or JSON.

options:
  --year Y             the evaluation's year (checked against the published run)
  --format F           csv or json (xlsx: not available, see README)
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

/** The CSV of a published run. */
export function exportCsv(doc: PublishedDoc, run: RunRecord): string {
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
  const lines = [head.join(',')];
  for (const z of doc.zones) {
    const g = z.grade === null ? undefined : label.get(z.grade);
    lines.push(
      [
        numField(z.rank),
        textField(z.zoneId),
        textField(z.nameEn),
        textField(z.nameZh),
        textField(z.province),
        numField(z.batch),
        numField(z.score),
        textField(z.grade ?? ''),
        textField(g?.label ?? ''),
        textField(g?.labelZh ?? ''),
        numField(z.previous?.rank),
        textField(z.previous?.grade ?? ''),
        numField(z.uncertainty?.q05),
        numField(z.uncertainty?.q95),
        ...dims.map((d) => numField(z.dimensions[d])),
        ...inds.map((i) => numField(z.values[i])),
        String(run.seq),
        textField(run.methodologyVersion),
        textField(run.engineVersion),
        run.createdAt,
      ].join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.values.format === 'xlsx')
    throw new UsageError(
      '--format xlsx is not available: no spreadsheet-writing package is installed; use --format csv (Excel and Sheets open it) or json',
    );
  const format = choiceOption(args.values.format, 'format', ['csv', 'json']);
  if (format === undefined) throw new UsageError('option --format is required: csv or json');
  const year = intOption(args.values.year, 'year', YEAR_RANGE);
  if (year === undefined) throw new UsageError('option --year is required, e.g. --year 2025');
  const choice = backendChoice(args.values);
  const text = await withBackend(choice, async (b) => {
    const { run: r, doc } = await chooseRun(b.store, b.evaluationId, { fallbackToLatest: false });
    if (doc.year !== null && doc.year !== year)
      throw new UsageError(
        `evaluation '${b.evaluationId}' published results for ${doc.year}, not ${year}: name the evaluation of ${year} with --evaluation`,
      );
    if (format === 'csv') return exportCsv(doc, r);
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
  else console.log(text.replace(/\n$/, ''));
  return 0;
}
