/**
 * `zone-eval score` and the command line around it, run in-process (so that coverage counts the CLI): options,
 * help, refusals of bad files, the notes of a run, and the CSV output's columns.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultNotes } from '../../../lib/cli/notes';
import { parseCsv } from '../../../lib/core/csv';
import { datasetFromRows } from '../../../lib/core/dataset';
import { compileMethodology } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { runCli } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'zone-eval-score-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

// 12 units: an outlier that winsorising pulls in, a constant indicator, a tie across the A/B boundary, and
// quotas covering 8 of the 12 units.
const methodology = {
  indicators: [{ code: 'a' }, { code: 'b' }],
  treat: { method: 'winsorise', winmax: 1 },
  grade: {
    method: 'quota',
    grades: [
      { code: 'A', count: 3 },
      { code: 'B', count: 2 },
      { code: 'C', count: 2 },
      { code: 'D', count: 1 },
    ],
  },
  uncertainty: { winmax: [1, 2] },
};
const values = [100, 10, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1];
const csv = `id,a,b\n${values.map((v, i) => `u${String(i + 1).padStart(2, '0')},${v},5`).join('\n')}\n`;
const data = file('data.csv', csv);
const method = file('method.json', JSON.stringify(methodology));
const base = ['score', '--data', data, '--method', method];

/** A refusal: exit 2, one line on stderr, no stack trace. */
async function refused(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect(r.code).toBe(2);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}

describe('options', () => {
  test('an unknown option is refused with the closest one, not ignored', async () => {
    expect(await refused([...base, '--fromat', 'json'])).toBe(
      'zone-eval score: unknown option --fromat (did you mean --format?)',
    );
    expect(await refused([...base, '--uncertanty', '200'])).toBe(
      'zone-eval score: unknown option --uncertanty (did you mean --uncertainty?)',
    );
  });

  test('numbers out of range get one line stating the range, not a stack trace', async () => {
    expect(await refused([...base, '--uncertainty', '1000000'])).toBe(
      "zone-eval score: option --uncertainty must be a whole number from 1 to 100000, got '1000000'",
    );
    expect(await refused([...base, '--uncertainty', '10', '--seed', '1e20'])).toBe(
      "zone-eval score: option --seed must be a whole number from 0 to 4294967295, got '1e20'",
    );
    expect(await refused([...base, '--seed', '3'])).toMatch(/--seed is only used with --uncertainty/);
  });

  test('stray words, a bad format or separator, and missing files are refused', async () => {
    expect(await refused([...base, 'json'])).toBe("zone-eval score: unexpected argument 'json'");
    expect(await refused([...base, '--format', 'xml'])).toMatch(/--format must be 'table', 'json' or 'csv'/);
    expect(await refused([...base, '--separator', ':'])).toMatch(/--separator must be/);
    expect(await refused(['score', '--data', data])).toBe(
      'zone-eval score: --method is required (zone-eval score --help shows the options)',
    );
    expect(await refused(['score', '--data', join(dir, 'nope.csv'), '--method', method])).toMatch(
      /nope\.csv: cannot read the data file: no such file$/,
    );
    expect(await refused(['score', '--data', dir, '--method', method])).toMatch(/it is a directory$/);
  });

  test.each([['score'], ['demo'], ['bench'], ['emulator']])(
    '%s: --help and -h print the help and run nothing',
    async (cmd) => {
      for (const flag of ['--help', '-h']) {
        const r = await runCli([cmd, flag]);
        expect(r).toMatchObject({ code: 0, stderr: '' });
        expect(r.stdout).toMatch(new RegExp(`^usage: zone-eval ${cmd} `));
        expect(r.stdout).toMatch(/-h, --help/);
      }
    },
  );

  test('zone-eval help score shows score’s help; an unknown command names the closest', async () => {
    const help = await runCli(['help', 'score']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: zone-eval score --data FILE.csv/);
    expect(await refused(['scroe'])).toBe(
      "zone-eval: unknown command 'scroe' (did you mean score?); zone-eval --help lists the commands",
    );
    expect((await runCli(['--help'])).stdout).toMatch(/^usage: zone-eval <command>/);
    expect((await runCli([])).code).toBe(2);
  });
});

describe('notes of the run', () => {
  test('the table lists every note for a person under the ranking', async () => {
    const r = await runCli(base);
    expect(r.code).toBe(0);
    const [table, notes] = r.stdout.split('\nnotes:\n');
    expect(table).toMatch(/u12\s+25\.00\s+D/);
    expect(notes!.split('\n')).toEqual([
      '- outliers treated: a (1 point winsorised)',
      '- b: all values are equal: every unit gets the middle of the range',
      '- the quotas cover 8 of 12 units: the rest take the last grade, D',
      '- tie at the A/B boundary: u04 shares grade A with u03 (score 69.44)',
    ]);
  });

  test('JSON carries the same notes', async () => {
    const r = await runCli([...base, '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { notes: string[]; units: unknown[] };
    expect(doc.units).toHaveLength(12);
    expect(doc.notes).toContain('the quotas cover 8 of 12 units: the rest take the last grade, D');
    expect(doc.notes).toHaveLength(4);
  });

  test('columns the methodology does not use, units screened out and gated units are noted', async () => {
    const d = file('extra.csv', 'id,a,b,name\nx,1,2,X\ny,2,,Y\nz,3,4,Z\n');
    const m = file(
      'gated.json',
      JSON.stringify({
        indicators: [{ code: 'a' }, { code: 'b' }],
        grade: {
          method: 'thresholds',
          grades: [{ code: 'A', minScore: 60 }, { code: 'B', minScore: 40 }, { code: 'C' }],
          gates: [{ minAvailability: 1, maxGrade: 'C' }],
        },
      }),
    );
    const r = await runCli(['score', '--data', d, '--method', m, '--format', 'json']);
    const notes = (JSON.parse(r.stdout) as { notes: string[] }).notes;
    expect(notes).toContain('columns the methodology does not use, left out: name');
    expect(
      notes.some((n) =>
        /^y held at C \(its score earned [AB]\): data availability 50% is below 100%/.test(n),
      ),
    ).toBe(true);
    const screened = file(
      'screen.json',
      JSON.stringify({ indicators: [{ code: 'a' }, { code: 'b' }], screen: { minAvailability: 1 } }),
    );
    const s = await runCli(['score', '--data', d, '--method', screened]);
    expect(s.stdout).toMatch(/- excluded y: data availability 50% is below the screen's 100%/);
  });
});

describe('Box-Cox, end to end', () => {
  // Not all positive (the indicator declares min -10), so the values are shifted by -min + 1% of the range
  // (2 + 1.5) before the transform.
  const xs = [-2, 0, 0, 1, 1, 1, 2, 2, 3, 148];
  const boxcoxData = file('boxcox.csv', `id,a\n${xs.map((x, i) => `z${i},${x}`).join('\n')}\n`);
  const run = (treat: Record<string, unknown>, format: string) =>
    runCli([
      'score',
      '--data',
      boxcoxData,
      '--method',
      file(
        'boxcox.json',
        JSON.stringify({ indicators: [{ code: 'a', min: -10 }], treat: { method: 'boxcox', ...treat } }),
      ),
      '--format',
      format,
    ]);
  /** The transform by hand, then min-max to [0, 100]: the scores the command must print. */
  const expected = (lambda: number) => {
    const t = xs.map((x) => (lambda === 0 ? Math.log(x + 3.5) : ((x + 3.5) ** lambda - 1) / lambda));
    const lo = Math.min(...t);
    const hi = Math.max(...t);
    return t.map((v) => (100 * (v - lo)) / (hi - lo));
  };
  const scoresOf = (stdout: string) => {
    const doc = JSON.parse(stdout) as { units: { id: string; score: number }[]; notes: string[] };
    return { byId: new Map(doc.units.map((u) => [u.id, u.score])), notes: doc.notes };
  };

  test('a given lambda: the scores are the shifted transform, min-max, and the note names the lambda', async () => {
    const r = await run({ lambda: 0.5 }, 'json');
    expect(r.code).toBe(0);
    const { byId, notes } = scoresOf(r.stdout);
    expected(0.5).forEach((v, i) => expect(byId.get(`z${i}`)).toBeCloseTo(v, 9));
    expect(notes).toContain('outliers treated: a (Box-Cox, lambda 0.5)');
    const table = await run({ lambda: 0.5 }, 'table');
    expect(table.stdout.split('\nnotes:\n')[1]).toBe('- outliers treated: a (Box-Cox, lambda 0.5)');
  });

  test('no lambda: the one chosen is named, and the scores are that transform', async () => {
    const { byId, notes } = scoresOf((await run({}, 'json')).stdout);
    const named = /^outliers treated: a \(Box-Cox, lambda (-?[\d.]+)\)$/.exec(notes[0] ?? '');
    expect(named).not.toBeNull();
    const lambda = Number(named![1]);
    expect(lambda).not.toBe(1); // 1 would leave the skew as it is
    expected(lambda).forEach((v, i) => expect(byId.get(`z${i}`)).toBeCloseTo(v, 9));
  });
});

describe('--format csv', () => {
  test('carries the explanation and the uncertainty columns; the notes go to stderr', async () => {
    const r = await runCli([...base, '--format', 'csv', '--explain', '--uncertainty', '20', '--seed', '4']);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual([
      'id',
      'rank',
      'score',
      'grade',
      'Index',
      'rank_median',
      'rank_q05',
      'rank_q95',
      'p_A',
      'p_B',
      'p_C',
      'p_D',
      'next_grade',
      'next_grade_points',
      'next_grade_indicator',
      'next_grade_value',
      'strengths',
      'weaknesses',
      'missing',
      'missing_points',
      'missing_grade',
      'contribution_a',
      'contribution_b',
      'missing_median_a',
      'missing_median_b',
      'missing_points_a',
      'missing_points_b',
    ]);
    expect(rows).toHaveLength(13);
    const u05 = rows.find((row) => row[0] === 'u05')!;
    expect(u05[3]).toBe('B');
    expect(u05[12]).toBe('A'); // the grade above, and what reaches it
    expect(Number(u05[13])).toBeGreaterThan(0);
    expect(u05[14]).toBe('a');
    expect(u05.slice(18, 21)).toEqual(['', '', '']); // u05 reported every value
    const sum = Number(u05[21]) + Number(u05[22]);
    expect(sum).toBeCloseTo(Number(u05[2]), 9);
    expect(Number(u05[8]) + Number(u05[9]) + Number(u05[10]) + Number(u05[11])).toBeCloseTo(1, 9);
    expect(r.stderr).toMatch(/^note: outliers treated: a/m);
  });

  test("each missing value's median and points, as JSON has them; blank where the unit reported", async () => {
    const gaps = file('gaps.csv', 'id,a,b\nx,1,10\ny,,20\nz,3,\nw,4,40\nv,5,50\n');
    const m = file('gaps.json', JSON.stringify({ indicators: [{ code: 'a' }, { code: 'b' }] }));
    const argv = ['score', '--data', gaps, '--method', m, '--explain'];
    const rows = parseCsv((await runCli([...argv, '--format', 'csv'])).stdout);
    const doc = JSON.parse((await runCli([...argv, '--format', 'json'])).stdout) as {
      units: {
        id: string;
        explain: { missing: { values: { indicator: string; median: number; points: number }[] } };
      }[];
    };
    const col = (name: string) => rows[0]!.indexOf(name);
    const row = (id: string) => rows.find((r) => r[0] === id)!;
    const json = (id: string) => doc.units.find((u) => u.id === id)!.explain.missing.values[0]!;
    expect(json('y')).toMatchObject({ indicator: 'a', median: 3.5 });
    expect(json('z')).toMatchObject({ indicator: 'b', median: 30 });
    expect(Number(row('y')[col('missing_median_a')])).toBe(3.5);
    expect(Number(row('y')[col('missing_points_a')])).toBeCloseTo(json('y').points, 9);
    expect(Number(row('z')[col('missing_median_b')])).toBe(30);
    expect(Number(row('z')[col('missing_points_b')])).toBeCloseTo(json('z').points, 9);
    expect([
      row('y')[col('missing_median_b')],
      row('z')[col('missing_points_a')],
      row('x')[col('missing_median_a')],
    ]).toEqual(['', '', '']);
  });

  test('without --explain or --uncertainty: the scores only', async () => {
    const rows = parseCsv((await runCli([...base, '--format', 'csv'])).stdout);
    expect(rows[0]).toEqual(['id', 'rank', 'score', 'grade', 'Index']);
  });
});

describe('files a person saved', () => {
  test('a methodology beginning with a BOM is read', async () => {
    const bom = file('bom.json', `\uFEFF${JSON.stringify(methodology)}`);
    expect((await runCli(['score', '--data', data, '--method', bom])).code).toBe(0);
  });

  test('a row cut short is refused naming its file line and both counts', async () => {
    const d = file('short.csv', 'id,a,b\n\n\nx,1,2\ny,1\n');
    expect(await refused(['score', '--data', d, '--method', method])).toBe(
      `zone-eval score: ${d}: line 5: 2 fields, but the header has 3: the row is cut short or a separator is missing`,
    );
  });

  test('a bad value names its line and column', async () => {
    const d = file('bad.csv', 'id,a,b\nx,1,2\ny,12abc,3\n');
    expect(await refused(['score', '--data', d, '--method', method])).toMatch(
      new RegExp(`${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 3, column a: .*12abc`),
    );
  });

  test('semicolons get a hint, and --separator reads them', async () => {
    const d = file('semi.csv', csv.replace(/,/g, ';'));
    expect(await refused(['score', '--data', d, '--method', method])).toMatch(
      /line 1: the header is a single column; the file looks semicolon-separated: use commas, or pass --separator ';'/,
    );
    expect((await runCli(['score', '--data', d, '--method', method, '--separator', ';'])).code).toBe(0);
    const t = file('tab.csv', csv.replace(/,/g, '\t'));
    expect((await runCli(['score', '--data', t, '--method', method, '--separator', 'tab'])).code).toBe(0);
  });

  test('UTF-16 and GBK files are named, with "save as CSV UTF-8"', async () => {
    const u16 = file('u16.csv', Buffer.from(`\uFEFF${csv}`, 'utf16le'));
    expect(await refused(['score', '--data', u16, '--method', method])).toMatch(/UTF-16.*CSV UTF-8/);
    const gbk = file(
      'gbk.csv',
      Buffer.concat([Buffer.from('id,a,b\n'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from(',1,2\n')]),
    );
    expect(await refused(['score', '--data', gbk, '--method', method])).toMatch(/GBK\/GB18030.*CSV UTF-8/);
  });

  test('a header-only file says "no data rows"', async () => {
    const d = file('header.csv', 'id,a,b\n');
    expect(await refused(['score', '--data', d, '--method', method])).toMatch(/line 1: no data rows/);
  });

  test('a methodology that is not JSON, or is wrong, names the file and the field', async () => {
    expect(await refused(['score', '--data', data, '--method', file('bad.json', '{')])).toMatch(
      /bad\.json: not valid JSON/,
    );
    const wrong = file('wrong.json', JSON.stringify({ indicators: [{ code: 'a', direction: 0 }] }));
    expect(await refused(['score', '--data', data, '--method', wrong])).toMatch(
      /indicators\[0\] \(a\)\.direction: must be 1/,
    );
  });

  test('a methodology with several problems lists every one of them, one line each, exit 2', async () => {
    const many = file(
      'many.json',
      JSON.stringify({
        indicators: [
          { code: 'a', directon: 1 },
          { code: 'b', wieght: 2 },
        ],
      }),
    );
    const r = await runCli(['score', '--data', data, '--method', many]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`zone-eval score: ${many}: 2 problems:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}indicators\[0\].*directon.*did you mean `direction`/),
      expect.stringMatching(/^ {2}indicators\[1\].*wieght.*did you mean `weight`/),
    ]);
  });

  test('past 20 problems the rest are counted', async () => {
    const indicators = Array.from({ length: 25 }, (_, i) => ({ code: `x${i}`, direction: 0 }));
    const many = file('many25.json', JSON.stringify({ indicators }));
    const r = await runCli(['score', '--data', data, '--method', many]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/: 25 problems:$/);
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[20]).toMatch(/x19/);
    expect(lines[21]).toBe('  …and 5 more problems not listed');
  });

  test('a data file with several bad values lists each with its line and column', async () => {
    const d = file('bad2.csv', 'id,a,b\nx,1,2\ny,12abc,3\nz,4,zz\n');
    const r = await runCli(['score', '--data', d, '--method', method]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      `zone-eval score: ${d}: 2 problems:`,
      expect.stringMatching(/^ {2}line 3, column a: .*12abc/),
      expect.stringMatching(/^ {2}line 4, column b: .*zz/),
    ]);
  });

  test('quotas larger than the data are refused when scoring, naming the methodology', async () => {
    const big = file(
      'big.json',
      JSON.stringify({ ...methodology, grade: { method: 'quota', grades: [{ code: 'A', count: 50 }] } }),
    );
    expect(await refused(['score', '--data', data, '--method', big])).toMatch(
      /big\.json: .*quotas add up to 50/,
    );
  });
});

describe('resultNotes', () => {
  test('names the values not reported and how they were scored', async () => {
    const d = file('blank.csv', 'id,a,b\nx,1,2\ny,,3\nz,3,4\n');
    const m = file(
      'bound.json',
      JSON.stringify({
        indicators: [
          { code: 'a', min: 0 },
          { code: 'b', min: 0 },
        ],
        impute: { method: 'none', missing: 'bound' },
      }),
    );
    const r = await runCli(['score', '--data', d, '--method', m]);
    expect(r.stdout).toMatch(
      /- a: not reported by y: scored as the indicator's declared bound on its worse side, 0$/m,
    );
  });

  test('passes on every note a step writes for a person, from any step, including steps added later', () => {
    const c = compileMethodology({ indicators: [{ code: 'a' }, { code: 'b' }] });
    if (!c.ok) throw new Error('methodology');
    const r = score(
      c.methodology,
      datasetFromRows([
        { id: 'x', values: { a: 1, b: 2 } },
        { id: 'y', values: { a: 2, b: 3 } },
      ]),
    );
    const log = {
      ...r.log,
      later: [{ unit: 'x', note: 'b is missing: it scores the bottom of the range' }],
    };
    expect(resultNotes(c.methodology, { ...r, log })).toContain(
      'x: b is missing: it scores the bottom of the range',
    );
    const later = { ...r.log, policy: { notes: ['2 zones held at C by the missing-data policy'] } };
    expect(resultNotes(c.methodology, { ...r, log: later })).toContain(
      '2 zones held at C by the missing-data policy',
    );
  });
});
