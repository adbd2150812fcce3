/**
 * The reliability runner with suites of its own making (no runtime, no networking): how it adds the figures up,
 * what `--json` prints, its exit code, and the options it refuses.
 */
import { UsageError } from '../../../lib/cli/errors';
import {
  EMPTY_FIGURES,
  exitCode,
  floorShortfall,
  type RunnerIo,
  runReliability,
  sumFigures,
} from '../../../lib/reliability/run';
import { ReliabilityFigures, type ReliabilitySuite, type SuiteReport } from '../../../lib/reliability/types';
import { runCli } from '../../helpers/cli';

function fake(name: ReliabilitySuite['name'], report: SuiteReport, seen: string[] = []) {
  const suite: ReliabilitySuite = {
    name,
    async run({ progress, scale }) {
      seen.push(`${name}:${scale}`);
      progress(`${name} ran`);
      return report;
    },
  };
  return async () => suite;
}

function capture(): RunnerIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const security = fake('security', { figures: { forgeries_tried: 12, forgeries_refused: 12 }, failures: [] });
const load = fake('load', {
  figures: {
    edits_sent: 1000,
    edits_reflected: 1000,
    runs: 9,
    lost: 0,
    load_edit_to_publish_p95_ms: 7400,
    rss_growth_pct: 3.5,
  },
  failures: [],
});

describe('sumFigures', () => {
  test('adds counts across suites and fills what no suite reported', () => {
    const total = sumFigures([
      { forgeries_tried: 3, runs: 2 },
      { forgeries_tried: 8, runs: 5, lost: 1 },
    ]);
    expect(total).toEqual({ ...EMPTY_FIGURES, forgeries_tried: 11, runs: 7, lost: 1 });
  });

  test('keeps the worst of a measurement two suites report, and null when none did', () => {
    expect(
      sumFigures([{ load_edit_to_publish_p95_ms: 900 }, { load_edit_to_publish_p95_ms: 1200 }, {}]),
    ).toMatchObject({ load_edit_to_publish_p95_ms: 1200, rss_growth_pct: null });
    expect(sumFigures([{ rss_growth_pct: -2 }, { rss_growth_pct: null }]).rss_growth_pct).toBe(-2);
  });

  test('refuses a share that is not a count (a defect of the suite, not a verdict)', () => {
    expect(() => sumFigures([{ runs: 1.5 }])).toThrow();
  });
});

describe('exit code and floors', () => {
  test('is 0 only with nothing lost and no failure', () => {
    expect(exitCode({ lost: 0 }, [])).toBe(0);
    expect(exitCode({ lost: 1 }, [])).toBe(1);
    expect(exitCode({ lost: 0 }, ['security: a forgery was accepted'])).toBe(1);
  });

  test('a full run under its floor is named', () => {
    expect(floorShortfall('security', { forgeries_tried: 9 })).toBe(
      'security: forgeries_tried is 9, under the floor of 10 for a full run',
    );
    expect(floorShortfall('load', { edits_sent: 1000 })).toBeNull();
    expect(floorShortfall('faults', {})).toMatch(/faults_injected is 0, under the floor of 8/);
  });
});

describe('runReliability', () => {
  test('--json prints one line holding exactly the keys of ReliabilityFigures, progress on stderr', async () => {
    const io = capture();
    expect(await runReliability(['--json'], { suites: [security, load], io })).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const printed = JSON.parse(io.stdout[0]!);
    expect(Object.keys(printed).sort()).toEqual(Object.keys(EMPTY_FIGURES).sort());
    expect(ReliabilityFigures.parse(printed)).toEqual({
      ...EMPTY_FIGURES,
      forgeries_tried: 12,
      forgeries_refused: 12,
      edits_sent: 1000,
      edits_reflected: 1000,
      runs: 9,
      load_edit_to_publish_p95_ms: 7400,
      rss_growth_pct: 3.5,
    });
    expect(io.stderr).toEqual(expect.arrayContaining(['# security (full)', '  security ran', '  load ran']));
  });

  test('the table names every figure and says when every case ended as expected', async () => {
    const io = capture();
    expect(await runReliability([], { suites: [security], io })).toBe(0);
    const text = io.stdout.join('\n');
    for (const key of Object.keys(EMPTY_FIGURES)) expect(text).toContain(key);
    expect(text).toMatch(/load_edit_to_publish_p95_ms\s+not measured/);
    expect(text).toContain('every case ended as expected');
  });

  test('a lost edit or a failed case makes the exit code 1, and the failure is printed', async () => {
    const lossy = fake('load', { figures: { edits_sent: 1000, lost: 2 }, failures: [] });
    const failing = fake('security', {
      figures: { forgeries_tried: 10 },
      failures: ['a replay cost a read'],
    });
    const a = capture();
    expect(await runReliability(['--json'], { suites: [lossy], io: a })).toBe(1);
    expect(JSON.parse(a.stdout[0]!).lost).toBe(2);
    const b = capture();
    expect(await runReliability([], { suites: [failing], io: b })).toBe(1);
    expect(b.stdout.join('\n')).toContain('security: a replay cost a read');
  });

  test('a suite that throws is a failure of the run; the other suites still report', async () => {
    const crashing: () => Promise<ReliabilitySuite> = async () => ({
      name: 'faults',
      run: async () => {
        throw new Error('emulator gone');
      },
    });
    const io = capture();
    expect(await runReliability(['--json'], { suites: [crashing, security], io })).toBe(1);
    expect(JSON.parse(io.stdout[0]!).forgeries_tried).toBe(12);
    expect(io.stderr.join('\n')).toContain('faults: the suite crashed: Error: emulator gone');
  });

  test('--suite runs one suite and --quick passes the quick scale without checking floors', async () => {
    const seen: string[] = [];
    const small = fake(
      'security',
      { figures: { forgeries_tried: 2, forgeries_refused: 2 }, failures: [] },
      seen,
    );
    const other = fake('load', { figures: {}, failures: [] }, seen);
    const io = capture();
    expect(await runReliability(['--suite', 'security', '--quick'], { suites: [small, other], io })).toBe(0);
    expect(seen).toEqual(['security:quick']);
    // At full scale the same suite is under its floor.
    expect(await runReliability(['--suite=security'], { suites: [small, other], io: capture() })).toBe(1);
  });

  test('an unknown option or suite is refused with the closest name', async () => {
    const run = (argv: string[]) => runReliability(argv, { suites: [security, load], io: capture() });
    await expect(run(['--jsno'])).rejects.toThrow(
      new UsageError('unknown option --jsno (did you mean --json?)'),
    );
    await expect(run(['--suite', 'secrity'])).rejects.toThrow(
      "option --suite must be 'security' or 'load', got 'secrity' (did you mean 'security'?)",
    );
    await expect(run(['quick'])).rejects.toThrow("unexpected argument 'quick' (did you mean --quick?)");
  });

  test('--help prints the options and the suites, and runs nothing', async () => {
    const seen: string[] = [];
    const io = capture();
    expect(
      await runReliability(['--help'], {
        suites: [fake('security', { figures: {}, failures: [] }, seen)],
        io,
      }),
    ).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/--suite SUITE {2}run one suite \(security\)/);
    expect(seen).toEqual([]);
  });
});

describe('zone-eval reliability', () => {
  test('a mistyped option is refused in one line with exit code 2, before any suite runs', async () => {
    const { code, stderr } = await runCli(['reliability', '--sutie', 'load']);
    expect(code).toBe(2);
    expect(stderr).toBe('zone-eval reliability: unknown option --sutie (did you mean --suite?)');
  });

  test('the command is listed with the others', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}reliability +prove it under faults/m);
  });
});
