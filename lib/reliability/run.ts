/**
 * `npm run reliability [-- --json] [--suite NAME] [--quick]`: runs the reliability suites (faults, bad inputs,
 * security, load) on the local runtime, adds up their figures, and prints them as a table (or, with `--json`, as
 * one JSON object on one line with every key of `ReliabilityFigures`). Progress goes to stderr either way.
 *
 * Unlike the benchmarks, these figures are verdicts: the exit code is 1 when an edit was lost, when any case did
 * not end as expected, or when a suite run at full scale tried fewer cases than its floor (ISSUE 12, section 5).
 */
import { choiceOption, parseOptions } from '../cli/args';
import { suites as registered } from './suites';
import { ReliabilityFigures, type ReliabilitySuite, type SuiteReport } from './types';

const HELP = `usage: zone-eval reliability [--json] [--suite SUITE] [--quick]

Runs the reliability suites on the local runtime (the emulator, dynalite, the real handlers) and prints
their figures. Exit code 1 when an edit was lost or any case did not end as expected.

  --json         print one JSON line of figures on stdout (progress and failures go to stderr)
  --suite SUITE  run one suite (SUITES)
  --quick        the small scale the tests use (the floors of cases tried are not checked)
  -h, --help     this help`;

/** Every figure at its value when no suite reported it: counts 0, measurements null (not measured). */
export const EMPTY_FIGURES: ReliabilityFigures = {
  faults_injected: 0,
  faults_survived: 0,
  bad_inputs_tried: 0,
  bad_inputs_handled: 0,
  forgeries_tried: 0,
  forgeries_refused: 0,
  edits_sent: 0,
  edits_reflected: 0,
  runs: 0,
  lost: 0,
  load_edit_to_publish_p95_ms: null,
  rss_growth_pct: null,
};

/** The measurements (not counts): several suites reporting one keep the worst, since adding latencies means nothing. */
const MEASURED = ['load_edit_to_publish_p95_ms', 'rss_growth_pct'] as const;

/** Adds up the suites' shares: counts are summed, a measurement reported twice keeps its highest value. */
export function sumFigures(shares: readonly Partial<ReliabilityFigures>[]): ReliabilityFigures {
  const total: ReliabilityFigures = { ...EMPTY_FIGURES };
  for (const share of shares) {
    for (const key of Object.keys(share) as (keyof ReliabilityFigures)[]) {
      const value = share[key];
      if (value === undefined || value === null) continue;
      if ((MEASURED as readonly string[]).includes(key)) {
        const k = key as (typeof MEASURED)[number];
        const was = total[k];
        total[k] = was === null ? value : Math.max(was, value);
      } else {
        const k = key as Exclude<keyof ReliabilityFigures, (typeof MEASURED)[number]>;
        total[k] += value;
      }
    }
  }
  // A suite that reported a negative count or a fractional one is a defect of the suite, not a verdict.
  return ReliabilityFigures.parse(total);
}

/** The least a full-scale run of each suite must try (ISSUE 12, section 5), by the figure that counts it. */
export const FLOORS: Record<ReliabilitySuite['name'], { key: keyof ReliabilityFigures; min: number }> = {
  faults: { key: 'faults_injected', min: 8 },
  'bad-inputs': { key: 'bad_inputs_tried', min: 150 },
  security: { key: 'forgeries_tried', min: 10 },
  load: { key: 'edits_sent', min: 1000 },
};

/** A floor a full-scale suite did not reach, as a sentence; null when it did. */
export function floorShortfall(
  suite: ReliabilitySuite['name'],
  figures: Partial<ReliabilityFigures>,
): string | null {
  const floor = FLOORS[suite];
  const got = figures[floor.key] ?? 0;
  return typeof got === 'number' && got >= floor.min
    ? null
    : `${suite}: ${floor.key} is ${got}, under the floor of ${floor.min} for a full run`;
}

/** Where the runner writes: stdout for the result, stderr for progress and failures. */
export type RunnerIo = { out: (line: string) => void; err: (line: string) => void };

const defaultIo: RunnerIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One figure per line, with what it counts; failures under it. */
export function formatTable(figures: ReliabilityFigures, failures: readonly string[]): string[] {
  const show = (v: number | null) => (v === null ? 'not measured' : String(Number(v.toPrecision(6))));
  const lines = [`${'figure'.padEnd(30)} ${'value'.padStart(14)}`];
  for (const key of Object.keys(EMPTY_FIGURES) as (keyof ReliabilityFigures)[])
    lines.push(`${key.padEnd(30)} ${show(figures[key]).padStart(14)}`);
  lines.push('');
  if (failures.length === 0 && figures.lost === 0) lines.push('every case ended as expected; nothing lost');
  else {
    if (figures.lost > 0) lines.push(`LOST: ${figures.lost} edit(s)`);
    lines.push(`${failures.length} failure(s):`, ...failures.map((f) => `  ${f}`));
  }
  return lines;
}

/**
 * Runs the suites the arguments select and prints the figures. Returns the exit code: 0 when nothing was lost
 * and every case ended as expected, 1 otherwise. A mistake in the arguments is a UsageError (exit code 2).
 */
export async function runReliability(
  argv: string[],
  options: { suites?: Array<() => Promise<ReliabilitySuite>>; io?: RunnerIo } = {},
): Promise<number> {
  const io = options.io ?? defaultIo;
  const loaders = options.suites ?? registered;
  const names = await Promise.all(loaders.map(async (load) => (await load()).name));
  const args = parseOptions(argv, {
    json: { type: 'boolean' },
    suite: { type: 'string' },
    quick: { type: 'boolean' },
  });
  if (args.help) {
    io.out(HELP.replace('SUITES', names.join(', ')));
    return 0;
  }
  const only = choiceOption(args.values.suite, 'suite', names);
  const scale = args.values.quick === true ? 'quick' : 'full';
  const shares: Partial<ReliabilityFigures>[] = [];
  const failures: string[] = [];
  for (const load of loaders) {
    const suite = await load();
    if (only !== undefined && suite.name !== only) continue;
    io.err(`# ${suite.name} (${scale})`);
    const t0 = Date.now();
    let report: SuiteReport;
    try {
      report = await suite.run({ progress: (line) => io.err(`  ${line}`), scale });
    } catch (error) {
      // A suite that crashes is a failure of the run, reported with the others rather than hiding their figures.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report = {
        figures: {},
        failures: [`the suite crashed: ${message.split('\n').slice(0, 4).join(' | ')}`],
      };
    }
    io.err(
      `  ${suite.name}: ${report.failures.length} failure(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    shares.push(report.figures);
    failures.push(...report.failures.map((f) => `${suite.name}: ${f}`));
    if (scale === 'full') {
      const short = floorShortfall(suite.name, report.figures);
      if (short !== null) failures.push(short);
    }
  }
  const figures = sumFigures(shares);
  if (args.values.json === true) {
    io.out(JSON.stringify(figures));
    for (const f of failures) io.err(`failure: ${f}`);
  } else for (const line of formatTable(figures, failures)) io.out(line);
  return exitCode(figures, failures);
}

/** 1 when an edit was lost or any case failed, else 0. */
export function exitCode(figures: Pick<ReliabilityFigures, 'lost'>, failures: readonly string[]): number {
  return figures.lost > 0 || failures.length > 0 ? 1 : 0;
}

/** The CLI's entry (`zone-eval reliability`). */
export function run(argv: string[]): Promise<number> {
  return runReliability(argv);
}
