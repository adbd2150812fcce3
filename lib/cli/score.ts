/**
 * `zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--format table|json|csv]`
 * Scores a CSV with a methodology and prints the graded ranking.
 */
import { readFileSync } from 'node:fs';
import { csvField } from '../core/csv';
import { datasetFromCsv } from '../core/csv-dataset';
import type { Dataset } from '../core/dataset';
import { MethodologyError } from '../core/errors';
import { type Explanation, explain } from '../core/explain';
import { type CompiledMethodology, compileMethodology, uncertaintySchema } from '../core/methodology';
import { type ScoreResult, score } from '../core/score';
import { type UncertaintyResult, uncertainty } from '../core/uncertainty';
import { intFlag, parseArgs, stringFlag } from './args';
import { UsageError } from './errors';
import { renderTable } from './text';

const HELP = `usage: zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--format table|json|csv]
                       [--explain] [--uncertainty N [--seed S]]

  --data FILE.csv      one row per unit: an id column, then indicator, denominator and group columns
  --method FILE.json   the methodology (see README: "The methodology format")
  --id-column NAME     the column holding unit ids (default: id)
  --format F           table (default), json or csv
  --explain            add each unit's contributions, strengths, weaknesses, what reaches the next grade, and
                       the values it did not report with the points they cost
  --uncertainty N      run N Monte Carlo replications over the methodology's "uncertainty" alternatives
  --seed S             the seed of the replications (default: the methodology's, else 1)`;

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    throw new UsageError(
      `${path}: cannot read the ${what} file${code === 'ENOENT' ? ': no such file' : ` (${code})`}`,
    );
  }
}

/** Reads and compiles a methodology file, turning every problem into a one-line UsageError. */
export function loadMethodology(path: string): CompiledMethodology {
  const text = readText(path, 'methodology');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const compiled = compileMethodology(json);
  if (!compiled.ok) {
    const [first, ...rest] = compiled.issues;
    throw new UsageError(
      `${path}: ${first!.path}: ${first!.message}${rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : ''}`,
    );
  }
  return compiled.methodology;
}

/** The JSON document of a result: units best first, aggregate scores, the weights used within each parent. */
export function resultJson(
  m: CompiledMethodology,
  r: ScoreResult,
  extra: { explain?: Explanation[]; uncertainty?: UncertaintyResult } = {},
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
  };
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
  const args = parseArgs(argv, new Set(['help', 'explain']));
  if (args.flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const dataPath = stringFlag(args, 'data');
  const methodPath = stringFlag(args, 'method');
  if (!dataPath || !methodPath) throw new UsageError(`--data and --method are required\n\n${HELP}`);
  const format = stringFlag(args, 'format') ?? 'table';
  if (!['table', 'json', 'csv'].includes(format))
    throw new UsageError(`--format must be table, json or csv, got '${format}'`);
  const m = loadMethodology(methodPath);
  const loaded = datasetFromCsv(readText(dataPath, 'data'), m.spec, stringFlag(args, 'id-column') ?? 'id');
  if (!loaded.ok) {
    const [first, ...rest] = loaded.issues;
    throw new UsageError(
      `${dataPath}: row ${first!.row}, column ${first!.column}: ${first!.message}${rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : ''}`,
    );
  }
  const runs = intFlag(args, 'uncertainty');
  if (runs !== undefined && runs < 1) throw new UsageError('--uncertainty must be at least 1');
  let result: ScoreResult;
  let explained: Explanation[] | undefined;
  let unc: UncertaintyResult | undefined;
  try {
    result = score(m, loaded.data);
    if (args.flags.has('explain')) explained = explain(m, loaded.data, result);
    if (runs !== undefined) unc = runUncertainty(m, loaded.data, runs, intFlag(args, 'seed'));
  } catch (err) {
    if (err instanceof MethodologyError) throw new UsageError(`${methodPath}: ${err.message}`);
    throw err;
  }
  if (format === 'json')
    console.log(JSON.stringify(resultJson(m, result, { explain: explained, uncertainty: unc })));
  else if (format === 'csv') {
    const aggs = m.nodes.filter((n) => n.kind === 'aggregate');
    console.log(['id', 'rank', 'score', 'grade', ...aggs.map((a) => a.code)].map(csvField).join(','));
    for (const i of result.order)
      console.log(
        [
          result.units[i],
          result.rank[i],
          result.score[i],
          result.grade[i],
          ...aggs.map((a) => result.values[a.index]![i]),
        ]
          .map((v) => csvField(typeof v === 'number' && v !== v ? '' : v))
          .join(','),
      );
  } else {
    console.log(table(m, result, unc, explained));
    for (const s of result.log.screen)
      console.log(
        `excluded ${s.unit}: data availability ${(s.availability * 100).toFixed(0)}% is below the screen`,
      );
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
