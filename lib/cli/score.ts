/**
 * `zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--separator S] [--format table|json|csv]
 * [--explain] [--uncertainty N [--seed S]]`: scores a CSV with a methodology and prints the graded ranking and
 * the notes of the run.
 */
import { readFileSync } from 'node:fs';
import { csvField, decodeText } from '../core/csv';
import { datasetFromCsv } from '../core/csv-dataset';
import type { Dataset } from '../core/dataset';
import { MethodologyError } from '../core/errors';
import { type Explanation, explain } from '../core/explain';
import {
  type CompiledMethodology,
  compileMethodology,
  SEED_RANGE,
  uncertaintySchema,
} from '../core/methodology';
import { type ScoreResult, score } from '../core/score';
import { type UncertaintyResult, uncertainty } from '../core/uncertainty';
import { choiceOption, intOption, parseOptions } from './args';
import { errnoCode, UsageError } from './errors';
import { notesBlock, resultNotes } from './notes';
import { renderTable } from './text';

/** The limits of `uncertainty.runs` in the methodology schema, and of a seed (used modulo 2^32). */
const MAX_RUNS = 100_000;
const MAX_SEED = SEED_RANGE.max;

const HELP = `usage: zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--separator S]
                       [--format table|json|csv] [--explain] [--uncertainty N [--seed S]]

Scores a CSV of indicator values with a methodology and prints the graded ranking, then the notes of the run.

  --data FILE.csv      one row per unit: an id column, then indicator, denominator and group columns (UTF-8)
  --method FILE.json   the methodology (see README: "The methodology format")
  --id-column NAME     the column holding unit ids (default: id)
  --separator S        the field separator: ',' (default), ';', tab or '|'
  --format F           table (default), json or csv
  --explain            add each unit's contributions, strengths, weaknesses, what reaches the next grade, and
                       the values it did not report with the points they cost
  --uncertainty N      run N (1 to ${MAX_RUNS}) Monte Carlo replications over the methodology's "uncertainty" alternatives
  --seed S             the seed of the replications, 0 to ${MAX_SEED} (default: the methodology's, else 1)
  -h, --help           this help`;

const OPTIONS = {
  data: { type: 'string' },
  method: { type: 'string' },
  'id-column': { type: 'string' },
  separator: { type: 'string' },
  format: { type: 'string' },
  explain: { type: 'boolean' },
  uncertainty: { type: 'string' },
  seed: { type: 'string' },
} as const;

/** Separators as a person types them; `tab` because a literal tab is awkward on a command line. */
const SEPARATOR_NAMES: Record<string, string> = {
  ',': ',',
  ';': ';',
  '|': '|',
  tab: '\t',
  '\\t': '\t',
  '\t': '\t',
};

/** The field separator `--separator` names: ',' when absent; anything but the names above is refused. */
export function separatorOption(value: string | undefined): string {
  const separator = value === undefined ? ',' : SEPARATOR_NAMES[value];
  if (separator === undefined)
    throw new UsageError(`option --separator must be ',', ';', tab or '|', got '${value}'`);
  return separator;
}

/** Reads a file a person gave, as UTF-8 text; a missing file or another encoding is a one-line refusal. */
export function readText(path: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = errnoCode(err);
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code;
    throw new UsageError(`${path}: cannot read the ${what} file: ${why}`);
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new UsageError(`${path}: ${decoded.message}`);
  return decoded.text;
}

/** How many problems of one file are listed; the rest are counted, so a pasted mess stays readable. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * A file's problems as a refusal: one problem on one line (`file: where: what`); several as a count, then one
 * line each, so that fixing the first does not merely reveal the next. Past `MAX_LISTED_PROBLEMS` the rest are
 * counted.
 */
export function problemList(file: string, problems: readonly string[], cap = MAX_LISTED_PROBLEMS): string {
  if (problems.length === 1) return `${file}: ${problems[0]}`;
  const lines = [`${file}: ${problems.length} problems:`, ...problems.slice(0, cap).map((p) => `  ${p}`)];
  const rest = problems.length - cap;
  if (rest > 0) lines.push(`  …and ${rest} more problem${rest > 1 ? 's' : ''} not listed`);
  return lines.join('\n');
}

/** Reads and compiles a methodology file, turning its problems into a UsageError listing each of them. */
export function loadMethodology(path: string): CompiledMethodology {
  const text = readText(path, 'methodology');
  let json: unknown;
  try {
    json = JSON.parse(text); // readText has dropped a BOM, which JSON.parse would refuse
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const compiled = compileMethodology(json);
  if (!compiled.ok)
    throw new UsageError(
      problemList(
        path,
        compiled.issues.map((i) => `${i.path}: ${i.message}`),
      ),
    );
  return compiled.methodology;
}

/** The JSON document of a result: units best first, aggregate scores, the weights used within each parent. */
export function resultJson(
  m: CompiledMethodology,
  r: ScoreResult,
  extra: { explain?: Explanation[]; uncertainty?: UncertaintyResult; notes?: string[] } = {},
) {
  const aggregates = m.nodes.filter((n) => n.kind === 'aggregate');
  const round = (v: number) => (v === v ? Number(v.toPrecision(12)) : null);
  return {
    units: r.order.map((i) => {
      const x = extra.explain?.[i];
      const u = extra.uncertainty?.perUnit[i];
      return {
        id: r.units[i]!,
        rank: r.rank[i]! === r.rank[i]! ? r.rank[i]! : null,
        score: round(r.score[i]!),
        scores: Object.fromEntries(aggregates.map((a) => [a.code, round(r.values[a.index]![i]!)])),
        grade: r.grade[i] ?? null,
        ...(x && {
          explain: {
            contributions: Object.fromEntries(Object.entries(x.contributions).map(([k, v]) => [k, round(v)])),
            strengths: x.strengths,
            weaknesses: x.weaknesses,
            nextGrade: x.nextGrade && {
              grade: x.nextGrade.grade,
              points: round(x.nextGrade.points),
              indicator: x.nextGrade.indicator,
              value: x.nextGrade.value,
            },
            missing: x.missing && {
              values: x.missing.values.map((v) => ({
                ...v,
                points: v.points === null ? null : round(v.points),
              })),
              points: x.missing.points === null ? null : round(x.missing.points),
              grade: x.missing.grade,
            },
          },
        }),
        ...(u && { uncertainty: { median: u.median, q05: u.q05, q95: u.q95, grades: u.grades } }),
      };
    }),
    weights: Object.fromEntries(m.indicators.map((ind, j) => [ind.code, round(r.weights[j]!)])),
    excluded: r.log.screen.map((s) => ({ id: s.unit, availability: s.availability })),
    notes: extra.notes ?? resultNotes(m, r),
  };
}

/**
 * The result as CSV, one row per unit best first: rank, score, grade, every aggregate; with `--explain` the next
 * grade (grade, points, indicator, value), strengths, weaknesses, what the missing values cost, each indicator's
 * contribution, and per indicator the median tried for a missing value and the points it alone would add; with
 * `--uncertainty` the median and 5-95% rank and each grade's probability. Lists inside a field are separated by
 * spaces, so the file stays one row per unit.
 */
export function resultCsv(
  m: CompiledMethodology,
  r: ScoreResult,
  extra: { explain?: Explanation[]; uncertainty?: UncertaintyResult } = {},
): string {
  const aggs = m.nodes.filter((n) => n.kind === 'aggregate');
  const x = extra.explain;
  const u = extra.uncertainty;
  const grades = m.spec.grade.grades.map((g) => g.code);
  const head = [
    'id',
    'rank',
    'score',
    'grade',
    ...aggs.map((a) => a.code),
    ...(u ? ['rank_median', 'rank_q05', 'rank_q95', ...grades.map((g) => `p_${g}`)] : []),
    ...(x
      ? [
          'next_grade',
          'next_grade_points',
          'next_grade_indicator',
          'next_grade_value',
          'strengths',
          'weaknesses',
          'missing',
          'missing_points',
          'missing_grade',
          ...m.indicators.map((ind) => `contribution_${ind.code}`),
          ...m.indicators.map((ind) => `missing_median_${ind.code}`),
          ...m.indicators.map((ind) => `missing_points_${ind.code}`),
        ]
      : []),
  ];
  const lines = [head.map(csvField).join(',')];
  const cell = (v: string | number | null | undefined) => csvField(typeof v === 'number' && v !== v ? '' : v);
  for (const i of r.order) {
    const pu = u?.perUnit[i];
    const ex = x?.[i];
    const row: Array<string | number | null | undefined> = [
      r.units[i],
      r.rank[i],
      r.score[i],
      r.grade[i],
      ...aggs.map((a) => r.values[a.index]![i]),
    ];
    if (u) row.push(pu?.median, pu?.q05, pu?.q95, ...grades.map((g) => pu?.grades[g] ?? 0));
    if (x)
      row.push(
        ex?.nextGrade?.grade,
        ex?.nextGrade?.points,
        ex?.nextGrade?.indicator,
        ex?.nextGrade?.value,
        ex?.strengths.join(' '),
        ex?.weaknesses.join(' '),
        ex?.missing?.values.map((v) => v.indicator).join(' '),
        ex?.missing?.points,
        ex?.missing?.grade,
        ...m.indicators.map((ind) => ex?.contributions[ind.code]),
      );
    if (x) {
      // Each missing value's median and what it alone would add, as JSON's `explain.missing.values` has them: blank
      // for an indicator the unit reported.
      const missing = new Map(ex?.missing?.values.map((v) => [v.indicator, v]));
      row.push(
        ...m.indicators.map((ind) => missing.get(ind.code)?.median),
        ...m.indicators.map((ind) => missing.get(ind.code)?.points),
      );
    }
    lines.push(row.map(cell).join(','));
  }
  return lines.join('\n');
}

function table(m: CompiledMethodology, r: ScoreResult, u?: UncertaintyResult, x?: Explanation[]): string {
  const top = m.nodes.filter((n) => n.parent === m.root && n.kind === 'aggregate');
  const head = [
    'rank',
    'id',
    'score',
    'grade',
    ...(u ? ['5-95% rank'] : []),
    ...top.map((t) => t.code),
    ...(x ? ['to next grade', 'missing (points at the median)'] : []),
  ];
  const rows = r.order.map((i) => {
    const pu = u?.perUnit[i];
    const ng = x?.[i]?.nextGrade;
    return [
      r.rank[i]! === r.rank[i]! ? String(r.rank[i]) : '-',
      r.units[i]!,
      r.score[i]!.toFixed(2),
      r.grade[i] ?? '',
      ...(pu ? [pu.q05 === pu.q05 ? `${pu.q05.toFixed(0)}-${pu.q95.toFixed(0)}` : '-'] : []),
      ...top.map((t) => r.values[t.index]![i]!.toFixed(2)),
      ...(x
        ? [
            ng
              ? `${ng.grade}: +${ng.points.toFixed(2)} pts, ${ng.indicator} = ${Number(ng.value.toPrecision(6))}`
              : '',
            missingText(x[i]?.missing ?? null),
          ]
        : []),
    ];
  });
  return renderTable(head, rows, (k) => !(k === 1 || k === 3 || (x !== undefined && k >= head.length - 2)));
}

/** A unit's missing values for the table: each indicator with its points, then the total (the grade if filled). */
function missingText(missing: Explanation['missing']): string {
  if (!missing) return '';
  const pts = (v: number | null) => (v === null ? '?' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);
  const each = missing.values.map((v) => `${v.indicator} ${pts(v.points)}`).join(', ');
  return `${each}; all: ${pts(missing.points)}${missing.grade ? ` (${missing.grade})` : ''}`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  if (!o.data || !o.method)
    throw new UsageError(
      `${!o.data && !o.method ? '--data and --method are' : `--${o.data ? 'method' : 'data'} is`} required (zone-eval score --help shows the options)`,
    );
  const format = choiceOption(o.format, 'format', ['table', 'json', 'csv']) ?? 'table';
  const separator = separatorOption(o.separator);
  const runs = intOption(o.uncertainty, 'uncertainty', { min: 1, max: MAX_RUNS });
  const seed = intOption(o.seed, 'seed', SEED_RANGE);
  if (seed !== undefined && runs === undefined)
    throw new UsageError('option --seed is only used with --uncertainty N');
  const m = loadMethodology(o.method);
  const loaded = datasetFromCsv(readText(o.data, 'data'), m.spec, o['id-column'] ?? 'id', separator);
  if (!loaded.ok)
    throw new UsageError(
      problemList(
        o.data,
        loaded.issues.map(
          (i) => `line ${i.line}${i.column !== undefined ? `, column ${i.column}` : ''}: ${i.message}`,
        ),
      ),
    );
  let result: ScoreResult;
  let explained: Explanation[] | undefined;
  let unc: UncertaintyResult | undefined;
  try {
    result = score(m, loaded.data);
    if (o.explain) explained = explain(m, loaded.data, result);
    if (runs !== undefined) unc = runUncertainty(m, loaded.data, runs, seed);
  } catch (err) {
    if (err instanceof MethodologyError) throw new UsageError(`${o.method}: ${err.message}`);
    throw err;
  }
  const notes = resultNotes(m, result, loaded.ignored);
  if (format === 'json')
    console.log(JSON.stringify(resultJson(m, result, { explain: explained, uncertainty: unc, notes })));
  else if (format === 'csv') {
    console.log(resultCsv(m, result, { explain: explained, uncertainty: unc }));
    // The CSV is for a program; the notes are for the person who ran it.
    for (const n of notes) console.error(`note: ${n}`);
  } else {
    console.log(table(m, result, unc, explained));
    const block = notesBlock(notes);
    if (block) console.log(block);
  }
  return 0;
}

/** The uncertainty analysis as the CLI runs it: the methodology's alternatives, N runs, progress on a terminal. */
function runUncertainty(
  m: CompiledMethodology,
  data: Dataset,
  runs: number,
  seed?: number,
): UncertaintyResult {
  const spec = uncertaintySchema.parse({ ...m.spec.uncertainty, runs, ...(seed !== undefined && { seed }) });
  const alternatives =
    (spec.winmax?.length ?? 0) + (spec.normalise?.length ?? 0) + (spec.aggregate?.length ?? 0);
  if (!alternatives && !(spec.weightNoise && spec.weightNoise.factor > 0))
    console.error(
      'note: the methodology\'s "uncertainty" section lists no alternatives and no weight noise: every interval is the nominal rank',
    );
  const tty = process.stderr.isTTY;
  const out = uncertainty(m, data, spec, (done, total) => {
    if (tty && (done % 100 === 0 || done === total))
      process.stderr.write(`\runcertainty: ${done}/${total} replications`);
  });
  if (tty) process.stderr.write('\n');
  if (out.failed.length)
    console.error(
      `note: ${out.failed.length} of ${runs} replications could not be scored, e.g. ${out.failed[0]!.reason}`,
    );
  return out;
}
