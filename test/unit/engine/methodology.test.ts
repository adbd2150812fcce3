import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMethodology, formatIssues } from '../../../lib/core/methodology';

const root = join(__dirname, '../../..');
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, path), 'utf8'));

const base = () => ({
  indicators: [
    { code: 'LPI', parent: 'Physical', direction: 1, weight: 1, denominator: 'Population' },
    { code: 'Ship', parent: 'Physical' },
    { code: 'Tariff', parent: 'Econ', direction: -1 },
  ],
  aggregates: [
    { code: 'Physical', parent: 'Conn', weight: 1 },
    { code: 'Econ', parent: 'Conn' },
    { code: 'Conn' },
  ],
});

function issues(input: unknown): string {
  const c = compileMethodology(input);
  if (c.ok) throw new Error('expected the methodology to be refused');
  return formatIssues(c.issues);
}

describe('the methodology format', () => {
  test('the minimal example of the format compiles with the documented defaults', () => {
    const c = compileMethodology(base());
    if (!c.ok) throw new Error(formatIssues(c.issues));
    const s = c.methodology.spec;
    expect(s.impute.method).toBe('none');
    expect(s.normalise).toMatchObject({ method: 'minmax', range: [0, 100] });
    expect(s.weight.method).toBe('explicit');
    expect(s.aggregate.method).toBe('arithmetic');
  });
  test('levels: 1 for indicators, one more than the highest child for aggregates, root last', () => {
    const c = compileMethodology({
      ...base(),
      indicators: [...base().indicators, { code: 'Deep', parent: 'Sub' }],
      aggregates: [...base().aggregates, { code: 'Sub', parent: 'Econ' }],
    });
    if (!c.ok) throw new Error(formatIssues(c.issues));
    const level = (code: string) => c.methodology.nodes[c.methodology.nodeIndex.get(code)!]!.level;
    expect([level('LPI'), level('Sub'), level('Physical'), level('Econ'), level('Conn')]).toEqual([
      1, 2, 2, 3, 4,
    ]);
    expect(c.methodology.nodes[c.methodology.root]!.code).toBe('Conn');
    expect(c.methodology.root).toBe(c.methodology.nodes.length - 1);
  });
  test('an invalid direction names the row, the code and the field', () => {
    const m = base();
    (m.indicators[1] as Record<string, unknown>).direction = 2;
    expect(issues(m)).toMatch(/^indicators\[1\] \(Ship\)\.direction: must be 1 \(more is better\) or -1/);
  });
  test('a negative weight is refused', () => {
    const m = base();
    m.indicators[0]!.weight = -1;
    expect(issues(m)).toMatch(/indicators\[0\] \(LPI\)\.weight: must not be negative/);
  });
  test('an unknown parent is refused', () => {
    const m = base();
    m.indicators[2]!.parent = 'Econo';
    expect(issues(m)).toBe("indicators[2] (Tariff).parent: names an unknown aggregate 'Econo'");
  });
  test('duplicate codes are refused, pointing at the first', () => {
    const m = base();
    m.indicators[1]!.code = 'LPI';
    expect(issues(m)).toBe('indicators[1] (LPI).code: duplicates indicators[0] (LPI)');
  });
  test('a cycle in the hierarchy is refused', () => {
    const m = base();
    m.aggregates = [
      { code: 'Physical', parent: 'Econ', weight: 1 },
      { code: 'Econ', parent: 'Physical' },
      { code: 'Conn' },
    ];
    expect(issues(m)).toMatch(/cycle: .*Physical -> Econ -> Physical|cycle: .*Econ -> Physical -> Econ/);
  });
  test('two roots are refused', () => {
    const m = base();
    m.aggregates[0] = { code: 'Physical', weight: 1 } as (typeof m.aggregates)[0];
    expect(issues(m)).toMatch(
      /exactly one aggregate may have no parent \(the index\), found 2: Physical, Conn/,
    );
  });
  test('an aggregate with no children is refused', () => {
    const m = base();
    m.aggregates.push({ code: 'Empty', parent: 'Conn' });
    expect(issues(m)).toMatch(/aggregates\[3\] \(Empty\): has no children/);
  });
  test('weights summing to zero within a parent are refused', () => {
    const m = base();
    m.indicators[2]!.weight = 0;
    expect(issues(m)).toMatch(/Econ.*sum to zero/);
  });
  test('quota grading needs a count on every grade', () => {
    expect(
      issues({ ...base(), grade: { method: 'quota', grades: [{ code: 'A', count: 1 }, { code: 'B' }] } }),
    ).toBe("grade.grades[1] (B).count: is required by grade method 'quota'");
  });
  test('shares must sum to 1', () => {
    expect(
      issues({
        ...base(),
        grade: {
          method: 'share',
          grades: [
            { code: 'A', share: 0.5 },
            { code: 'B', share: 0.4 },
          ],
        },
      }),
    ).toMatch(/shares must sum to 1, they sum to 0.9/);
  });
  test('a gate naming an unknown grade is refused', () => {
    expect(
      issues({
        ...base(),
        grade: { grades: [{ code: 'A', count: 1 }], gates: [{ minAvailability: 0.8, maxGrade: 'Z' }] },
      }),
    ).toBe("grade.gates[0].maxGrade: names an unknown grade 'Z'");
  });
  test('group mean imputation needs a group column', () => {
    expect(issues({ ...base(), impute: { method: 'groupMean' } })).toMatch(/^impute.group: is required/);
  });
  test('an unknown method names the allowed ones', () => {
    expect(issues({ ...base(), normalise: { method: 'minimax' } })).toMatch(/^normalise.method: .*minmax/);
  });
  test('an uncertainty alternative normalising by goalposts or target needs them, as the main one does', () => {
    const withGoalposts = base();
    withGoalposts.indicators[1] = { code: 'Ship', parent: 'Physical', goalposts: [0, 10] } as never;
    expect(
      issues({
        ...withGoalposts,
        uncertainty: { normalise: [{ method: 'minmax' }, { method: 'goalposts' }, { method: 'target' }] },
      }),
    ).toBe(
      [
        "uncertainty.normalise[1]: normalise method 'goalposts' needs goalposts on every indicator, and these have none: LPI (indicators[0]), Tariff (indicators[2])",
        "uncertainty.normalise[2]: normalise method 'target' needs a target on every indicator, and these have none: LPI (indicators[0]), Ship (indicators[1]), Tariff (indicators[2])",
      ].join('\n'),
    );
  });
  test('an uncertainty alternative whose settings every indicator has compiles', () => {
    const c = compileMethodology({
      indicators: [
        { code: 'a', goalposts: [0, 1], target: 1 },
        { code: 'b', goalposts: [0, 1], target: 1 },
      ],
      uncertainty: { normalise: [{ method: 'goalposts' }, { method: 'target' }] },
    });
    expect(c.ok).toBe(true);
  });
  test("screen.basis is 'imputed' (the default) or 'raw'", () => {
    expect(issues({ ...base(), screen: { minAvailability: 0.5, basis: 'reported' } })).toMatch(
      /^screen.basis: must be one of imputed, raw, not `reported`$/,
    );
  });
  test('a misspelt method name is refused with the closest known one', () => {
    expect(issues({ ...base(), normalise: { method: 'minmaxx' } })).toMatch(
      /^normalise.method: must be one of minmax, .*, not `minmaxx` \(did you mean `minmax`\?\)$/,
    );
  });
  test('the year and the uncertainty seed take the ranges --year and --seed take', () => {
    expect(issues({ ...base(), year: 1999 })).toBe('year: must be a year from 2000 to 2100');
    expect(issues({ ...base(), uncertainty: { seed: -5 } })).toBe(
      'uncertainty.seed: must be a whole number from 0 to 4294967295',
    );
    expect(issues({ ...base(), uncertainty: { seed: 4_294_967_296 } })).toBe(
      'uncertainty.seed: must be a whole number from 0 to 4294967295',
    );
    expect(compileMethodology({ ...base(), year: 2100, uncertainty: { seed: 4_294_967_295 } }).ok).toBe(true);
  });
  test('no aggregates at all: indicators score under an implicit root', () => {
    const c = compileMethodology({ indicators: [{ code: 'a' }, { code: 'b' }] });
    expect(c.ok && c.methodology.nodes[c.methodology.root]!.children).toEqual([0, 1]);
  });
});

describe('settings the chosen method does not read are refused, naming the method that would', () => {
  const quota = {
    method: 'quota',
    grades: [
      { code: 'A', count: 1 },
      { code: 'B', count: 2 },
    ],
  };
  test.each<[string, Record<string, unknown>, string]>([
    [
      'treat.lambda under winsorise',
      { treat: { method: 'winsorise', lambda: 0.5 } },
      "treat.lambda: is not used by treat method 'winsorise': only 'boxcox' reads it; remove it, or choose that method",
    ],
    [
      'treat.winmax under Box-Cox',
      { treat: { method: 'boxcox', winmax: 3 } },
      "treat.winmax: is not used by treat method 'boxcox': only 'winsorise' reads it; remove it, or choose that method",
    ],
    [
      'the skew threshold with no treatment',
      { treat: { method: 'none', skew: 1.5 } },
      "treat.skew: is not used by treat method 'none': only 'winsorise' or 'boxcox' read it; remove it, or choose one of those methods",
    ],
    [
      'winmax alternatives without winsorising',
      { uncertainty: { winmax: [1, 2] } },
      "uncertainty.winmax: is not used by treat method 'none': the winmax alternatives only change 'winsorise'; remove them, or choose that method",
    ],
    [
      'normalise.range under z-scores',
      { normalise: { method: 'zscore', range: [1, 10] } },
      "normalise.range: is not used by normalise method 'zscore': only 'minmax', 'rank', 'goalposts', 'target' or 'distmax' read it; remove it, or choose one of those methods",
    ],
    [
      'a mean under min-max, in an uncertainty alternative',
      { uncertainty: { normalise: [{ method: 'minmax', mean: 10 }] } },
      "uncertainty.normalise[0].mean: is not used by normalise method 'minmax': only 'zscore' reads it; remove it, or choose that method",
    ],
    [
      'goalposts under min-max',
      { indicators: [{ code: 'a', goalposts: [0, 10] }, { code: 'b' }] },
      "indicators[0] (a).goalposts: is not used by normalise method 'minmax': only normalise method 'goalposts' reads it (here or in uncertainty.normalise); remove it, or normalise by 'goalposts'",
    ],
    [
      'a target under min-max',
      { indicators: [{ code: 'a' }, { code: 'b', target: 5 }] },
      "indicators[1] (b).target: is not used by normalise method 'minmax': only normalise method 'target' reads it (here or in uncertainty.normalise); remove it, or normalise by 'target'",
    ],
    [
      'a share under quota',
      { grade: { method: 'quota', grades: [{ code: 'A', count: 1, share: 0.5 }] } },
      "grade.grades[0] (A).share: is not used by grade method 'quota': only 'share' reads it; under 'quota' a grade takes `count`",
    ],
    [
      'a minimum score under quota',
      { grade: { method: 'quota', grades: [{ code: 'A', count: 1, minScore: 50 }] } },
      "grade.grades[0] (A).minScore: is not used by grade method 'quota': only 'thresholds' reads it; under 'quota' a grade takes `count`",
    ],
    [
      'a count under natural breaks',
      { grade: { method: 'jenks', grades: [{ code: 'A', count: 1 }, { code: 'B' }] } },
      "grade.grades[0] (A).count: is not used by grade method 'jenks': only 'quota' reads it; 'jenks' draws the boundaries from the scores and takes none of count, share or minScore",
    ],
    [
      'a gate with no condition',
      { grade: { ...quota, gates: [{ maxGrade: 'B' }] } },
      'grade.gates[0]: has no condition, so it would hold no zone at B: give `minAvailability` (a share above 0) or `required: true`',
    ],
    [
      'a gate whose conditions cannot hold',
      { grade: { ...quota, gates: [{ minAvailability: 0, required: false, maxGrade: 'B' }] } },
      'grade.gates[0]: has no condition, so it would hold no zone at B: give `minAvailability` (a share above 0) or `required: true`',
    ],
    [
      'a group column without group means',
      { impute: { method: 'mean', group: 'region' } },
      "impute.group: is not used by impute method 'mean': only 'groupMean' reads it; remove it, or choose that method",
    ],
    [
      'a power without the generalised mean',
      { aggregate: { method: 'arithmetic', p: 2 } },
      "aggregate.p: is not used by aggregate method 'arithmetic': only 'genmean' reads it (here or as an aggregate's own method); remove it, or choose that method",
    ],
  ])('%s', (_what, change, expected) => {
    expect(issues({ indicators: [{ code: 'a' }, { code: 'b' }], ...change })).toBe(expected);
  });

  test('the methods that read them accept them, and a default given as it is stays valid', () => {
    const ok = (change: Record<string, unknown>) => {
      const c = compileMethodology({ indicators: [{ code: 'a', goalposts: [0, 1], target: 1 }], ...change });
      if (!c.ok) throw new Error(formatIssues(c.issues));
    };
    ok({
      normalise: { method: 'goalposts', range: [1, 10] },
      treat: { method: 'boxcox', lambda: 0.5, skew: 1 },
      uncertainty: { normalise: [{ method: 'target' }, { method: 'zscore', mean: 10, sd: 2 }] },
    });
    ok({
      indicators: [{ code: 'a', parent: 'D', goalposts: [0, 1], target: 1 }],
      normalise: { method: 'target', range: [0, 100], mean: 0, sd: 1 },
      treat: { method: 'none', winmax: 5, skew: 2, kurtosis: 3.5 },
      impute: { method: 'groupMean', group: 'region' },
      aggregates: [{ code: 'D', parent: 'Index', method: 'genmean' }, { code: 'Index' }],
      aggregate: { p: 2 },
      uncertainty: { normalise: [{ method: 'goalposts' }] },
      grade: {
        method: 'thresholds',
        grades: [{ code: 'A', minScore: 50 }, { code: 'B' }],
        gates: [
          { minAvailability: 0.8, maxGrade: 'B' },
          { required: true, maxGrade: 'B' },
        ],
      },
    });
  });

  test("{ unused: 'ignore' } (a version already stored) accepts unused settings and still refuses every other mistake", () => {
    const stored = {
      indicators: [{ code: 'a', target: 1 }, { code: 'b' }],
      treat: { method: 'winsorise', lambda: 0.5 },
    };
    expect(compileMethodology(stored).ok).toBe(false);
    expect(compileMethodology(stored, { unused: 'refuse' }).ok).toBe(false);
    expect(compileMethodology(stored, { unused: 'ignore' }).ok).toBe(true);
    const bad = compileMethodology({ ...stored, weight: { method: 'nope' } }, { unused: 'ignore' });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['weight.method']);
  });

  test('every issue is its own line: 49 unused targets are 49 lines', () => {
    const c = compileMethodology({
      indicators: Array.from({ length: 49 }, (_, k) => ({ code: `i${k}`, target: k })),
    });
    expect(c.ok ? [] : c.issues.map((i) => i.path)).toEqual(
      Array.from({ length: 49 }, (_, k) => `indicators[${k}] (i${k}).target`),
    );
  });
});

describe('unknown keys', () => {
  const defaults = () =>
    readJson('data/default-methodology.json') as { indicators: Record<string, unknown>[] };

  test.each(['data/default-methodology.json', 'test/fixtures/asem/asem-methodology.json'])(
    '%s compiles under the strict format',
    (path) => {
      const c = compileMethodology(readJson(path));
      expect(c.ok || formatIssues(c.issues)).toBe(true);
    },
  );

  test.each([
    ['direction', 'directon'],
    ['weight', 'wieght'],
    ['required', 'requried'],
  ])(
    'a misspelt indicator key `%s` is refused, naming the indicator and the key it meant',
    (meant, typed) => {
      const m = defaults();
      const ind = m.indicators[3]!;
      ind[typed] = ind[meant] ?? 1;
      delete ind[meant];
      expect(issues(m)).toBe(
        `indicators[3] (${String(ind['code'])}): unknown key \`${typed}\` (did you mean \`${meant}\`?)`,
      );
    },
  );

  test.each([
    [
      'normalize',
      (m: Record<string, unknown>) => (m['normalize'] = { method: 'zscore' }),
      '(top level)',
      'normalise',
    ],
    [
      'winmx',
      (m: Record<string, unknown>) => (m['treat'] = { method: 'winsorise', winmx: 2 }),
      'treat',
      'winmax',
    ],
    [
      'grade.grade',
      (m: Record<string, unknown>) => (m['grade'] = { method: 'quota', grade: [{ code: 'A', count: 1 }] }),
      'grade',
      'grades',
    ],
  ])('the misspelt key %s is refused with the closest known one', (_name, edit, path, meant) => {
    const m = defaults();
    edit(m);
    expect(issues(m)).toMatch(
      new RegExp(
        `^${path.replace(/[()]/g, '\\$&')}: unknown key \`\\w+\` \\(did you mean \`${meant}\`\\?\\)$`,
      ),
    );
  });

  test.each([
    ['(top level)', { ...base(), extra: 1 }],
    [
      'aggregates[1] (Econ)',
      {
        ...base(),
        aggregates: [base().aggregates[0], { code: 'Econ', parent: 'Conn', extra: 1 }, { code: 'Conn' }],
      },
    ],
    ['impute', { ...base(), impute: { method: 'mean', extra: 1 } }],
    ['screen', { ...base(), screen: { extra: 1 } }],
    ['normalise', { ...base(), normalise: { extra: 1 } }],
    ['weight', { ...base(), weight: { extra: 1 } }],
    ['aggregate', { ...base(), aggregate: { extra: 1 } }],
    ['grade.grades[0] (A)', { ...base(), grade: { grades: [{ code: 'A', count: 3, extra: 1 }] } }],
    [
      'grade.gates[0]',
      { ...base(), grade: { grades: [{ code: 'A', count: 3 }], gates: [{ maxGrade: 'A', extra: 1 }] } },
    ],
    ['uncertainty', { ...base(), uncertainty: { extra: 1 } }],
    ['uncertainty.weightNoise', { ...base(), uncertainty: { weightNoise: { extra: 1 } } }],
    ['uncertainty.normalise[0]', { ...base(), uncertainty: { normalise: [{ extra: 1 }] } }],
    ['uncertainty.aggregate[0]', { ...base(), uncertainty: { aggregate: [{ extra: 1 }] } }],
  ])('an unknown key in %s is refused there', (path, m) => {
    expect(issues(m)).toMatch(
      new RegExp(`^${path.replace(/[()[\].]/g, '\\$&')}: unknown key \`extra\`; the keys are `),
    );
  });

  test('a key close to none is refused with the list of known keys', () => {
    expect(issues({ ...base(), weight: { method: 'equal', colour: 'red' } })).toBe(
      'weight: unknown key `colour`; the keys are method',
    );
  });

  test('a misspelt unit and a misspelt key are reported together', () => {
    const m = base();
    Object.assign(m.indicators[0]!, { unit: '100 milion yuan', wieght: 2 });
    expect(issues(m)).toBe(
      [
        'indicators[0] (LPI).unit: `100 milion yuan` is not a known unit: `milion` is not a unit word (did you mean `100 million yuan`?)',
        'indicators[0] (LPI): unknown key `wieght` (did you mean `weight`?)',
      ].join('\n'),
    );
  });

  test('each unknown key of one object is its own line', () => {
    const m = base();
    Object.assign(m.indicators[0]!, { directon: 1, wieght: 2 });
    expect(issues(m)).toBe(
      [
        'indicators[0] (LPI): unknown key `directon` (did you mean `direction`?)',
        'indicators[0] (LPI): unknown key `wieght` (did you mean `weight`?)',
      ].join('\n'),
    );
  });
});
