/**
 * `zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--format table|json|csv]`
 * Scores a CSV with a methodology and prints the graded ranking.
 */
import { readFileSync } from 'node:fs';
import { csvField } from '../core/csv';
import { datasetFromCsv } from '../core/csv-dataset';
import { MethodologyError } from '../core/errors';
import { type CompiledMethodology, compileMethodology } from '../core/methodology';
import { type ScoreResult, score } from '../core/score';
import { parseArgs, stringFlag } from './args';
import { UsageError } from './errors';

const HELP = `usage: zone-eval score --data FILE.csv --method FILE.json [--id-column NAME] [--format table|json|csv]

  --data FILE.csv      one row per unit: an id column, then indicator, denominator and group columns
  --method FILE.json   the methodology (see README: "The methodology format")
  --id-column NAME     the column holding unit ids (default: id)
  --format F           table (default), json or csv`;

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
export function resultJson(m: CompiledMethodology, r: ScoreResult) {
  const aggregates = m.nodes.filter((n) => n.kind === 'aggregate');
  const round = (v: number) => (v === v ? Number(v.toPrecision(12)) : null);
  return {
    units: r.order.map((i) => ({
      id: r.units[i]!,
      rank: r.rank[i]! === r.rank[i]! ? r.rank[i]! : null,
      score: round(r.score[i]!),
      scores: Object.fromEntries(aggregates.map((a) => [a.code, round(r.values[a.index]![i]!)])),
      grade: r.grade[i] ?? null,
    })),
    weights: Object.fromEntries(m.indicators.map((ind, j) => [ind.code, round(r.weights[j]!)])),
    excluded: r.log.screen.map((s) => ({ id: s.unit, availability: s.availability })),
  };
}

function table(m: CompiledMethodology, r: ScoreResult): string {
  const top = m.nodes.filter((n) => n.parent === m.root && n.kind === 'aggregate');
  const head = ['rank', 'id', 'score', 'grade', ...top.map((t) => t.code)];
  const rows = r.order.map((i) => [
    r.rank[i]! === r.rank[i]! ? String(r.rank[i]) : '-',
    r.units[i]!,
    r.score[i]!.toFixed(2),
    r.grade[i] ?? '',
    ...top.map((t) => r.values[t.index]![i]!.toFixed(2)),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const fmt = (row: string[]) =>
    row.map((c, k) => (k === 1 || k === 3 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['help']));
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
  let result: ScoreResult;
  try {
    result = score(m, loaded.data);
  } catch (err) {
    if (err instanceof MethodologyError) throw new UsageError(`${methodPath}: ${err.message}`);
    throw err;
  }
  if (format === 'json') console.log(JSON.stringify(resultJson(m, result)));
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
    console.log(table(m, result));
    for (const s of result.log.screen)
      console.log(
        `excluded ${s.unit}: data availability ${(s.availability * 100).toFixed(0)}% is below the screen`,
      );
  }
  return 0;
}
