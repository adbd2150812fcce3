/** The methodology comparison behind `zone-eval preview` and the control sheet's Preview tab. */
import {
  compareMethodologies,
  describeChange,
  describeReason,
  methodologyChanges,
} from '../../../lib/core/compare';
import { datasetFromRows } from '../../../lib/core/dataset';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { loadDefaultMethodology } from '../../../lib/local/demo-data';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

/** Two dimensions of one indicator each; four units; A strong on X, D strong on Y. */
const small = (wx: number, wy: number, extra: Record<string, unknown> = {}) =>
  compile({
    indicators: [
      { code: 'X', parent: 'DX', weight: 1 },
      { code: 'Y', parent: 'DY', weight: 1 },
    ],
    aggregates: [
      { code: 'DX', parent: 'ALL', weight: wx },
      { code: 'DY', parent: 'ALL', weight: wy },
      { code: 'ALL' },
    ],
    grade: {
      method: 'quota',
      grades: [
        { code: 'G1', count: 1 },
        { code: 'G2', count: 3 },
      ],
    },
    ...extra,
  });
const data = datasetFromRows([
  { id: 'A', values: { X: 10, Y: 0 } },
  { id: 'B', values: { X: 6, Y: 4 } },
  { id: 'C', values: { X: 4, Y: 6 } },
  { id: 'D', values: { X: 0, Y: 10 } },
]);

test('the same methodology changes nothing and moves no zone', () => {
  const m = small(3, 1);
  const c = compareMethodologies(m, m, data);
  expect(c.changes).toEqual([]);
  expect(c.gradeChanges).toEqual([]);
  expect(c.units.every((u) => u.rankChange === 0 && u.dimension === null && u.indicator === null)).toBe(true);
});

test('moving weight from one dimension to another moves the top grade, and names the dimension that moved it', () => {
  const before = small(3, 1);
  const after = small(1, 3);
  const c = compareMethodologies(before, after, data);
  expect(c.changes).toEqual([
    { kind: 'weight', path: 'aggregate DX weight', from: 3, to: 1 },
    { kind: 'weight', path: 'aggregate DY weight', from: 1, to: 3 },
  ]);
  expect(c.units.map((u) => u.id)).toEqual(['D', 'C', 'B', 'A']);
  expect(c.gradeChanges.map((u) => [u.id, u.inForce.grade, u.draft.grade])).toEqual([
    ['D', 'G2', 'G1'],
    ['A', 'G1', 'G2'],
  ]);
  const d = c.units.find((u) => u.id === 'D')!;
  expect(d.inForce.rank).toBe(4);
  expect(d.draft.rank).toBe(1);
  expect(d.rankChange).toBe(3);
  // D's Y dimension was worth 100 x 1/4 points and is worth 100 x 3/4: +50, the largest move.
  expect(d.dimension).toMatchObject({ code: 'DY', from: 25, to: 75 });
  expect(d.dimension!.delta).toBeCloseTo(50, 9);
  expect(d.indicator).toMatchObject({ code: 'Y' });
  // D's grade changes: the line of G1 is the lowest score holding it (A's 75 in force, D's 75 under the draft).
  // Either change alone makes the weights equal: D scores 50, level with A at the top, 50 points nearer the line.
  expect(d.why).toMatchObject({ grade: 'G1', line: { inForce: 75, draft: 75 } });
  expect(describeReason(d)).toBe(
    'score 25.00 → 75.00, G1 line 75.00 → 75.00; raised above it by aggregate DX weight: 3 → 1 (alone: +50.00 against the line), aggregate DY weight: 1 → 3 (alone: +50.00 against the line)',
  );
  // A rank move without a grade change: the places each change alone gains it. C (X 4, Y 6) rises from 3 to 2;
  // either change alone makes the weights equal, where all four zones tie at 50 and share rank 1.
  const c2 = c.units.find((u) => u.id === 'C')!;
  expect(c2.gradeChanged).toBe(false);
  expect(c2.rankWhy!.against).toEqual([]);
  expect(c2.rankWhy!.causes.map((x) => x.change).sort()).toEqual([
    'aggregate DX weight: 3 → 1',
    'aggregate DY weight: 1 → 3',
  ]);
  expect(describeReason(c2)).toBe(
    'rank 3 → 2; up by aggregate DX weight: 3 → 1 (alone: +2 places), aggregate DY weight: 1 → 3 (alone: +2 places)',
  );
  // The standings are those of scoring each methodology alone.
  const r = score(after, data);
  for (const u of c.units) {
    const i = data.units.indexOf(u.id);
    expect(u.draft.score).toBeCloseTo(r.score[i]!, 12);
    expect(u.draft.grade).toBe(r.grade[i]);
  }
});

test('indicators added and removed, and a method changed, are listed as such', () => {
  const before = small(1, 1);
  const after = compile({
    indicators: [
      { code: 'X', parent: 'DX', weight: 1, direction: -1 },
      { code: 'Z', parent: 'DY', weight: 1 },
    ],
    aggregates: [
      { code: 'DX', parent: 'ALL', weight: 1 },
      { code: 'DY', parent: 'ALL', weight: 1 },
      { code: 'ALL' },
    ],
    normalise: { method: 'rank' },
    grade: {
      method: 'quota',
      grades: [
        { code: 'G1', count: 2 },
        { code: 'G2', count: 2 },
      ],
    },
  });
  const changes = methodologyChanges(before, after);
  const text = changes.map(describeChange);
  expect(text).toEqual(
    expect.arrayContaining([
      'indicator Y removed',
      'indicator Z added',
      'indicator X direction: 1 → -1',
      'normalise.method: minmax → rank',
      'grade G1 count: 1 → 2',
      'grade G2 count: 3 → 2',
    ]),
  );
  expect(changes.find((c) => c.path === 'normalise.method')?.kind).toBe('method');
  expect(changes.find((c) => c.path === 'indicator X direction')?.kind).toBe('method');
  const withZ = datasetFromRows(
    data.units.map((id, i) => ({ id, values: { X: data.numeric.get('X')![i]!, Z: i } })),
  );
  const c = compareMethodologies(before, after, data, withZ);
  // The indicator dropped counts as zero points under the draft.
  const a = c.units.find((u) => u.id === 'A')!;
  expect(a.indicator).not.toBeNull();
  expect(c.units).toHaveLength(4);
});

test('a downgrade whose score rose is explained by the line, never by the gain', () => {
  // Thresholds: A scores 75 in force (line 70); the draft weighs X three times (A: 87.5) and raises the line to 90.
  const m = (wx: number, line: number) =>
    compile({
      indicators: [
        { code: 'X', parent: 'DX', weight: 1 },
        { code: 'Y', parent: 'DY', weight: 1 },
      ],
      aggregates: [
        { code: 'DX', parent: 'ALL', weight: wx },
        { code: 'DY', parent: 'ALL', weight: 1 },
        { code: 'ALL' },
      ],
      grade: {
        method: 'thresholds',
        grades: [
          { code: 'G1', minScore: line },
          { code: 'G2', minScore: 0 },
        ],
      },
    });
  const three = datasetFromRows([
    { id: 'A', values: { X: 10, Y: 5 } },
    { id: 'B', values: { X: 0, Y: 10 } },
    { id: 'C', values: { X: 5, Y: 0 } },
  ]);
  const c = compareMethodologies(m(1, 70), m(3, 90), three);
  const a = c.gradeChanges.find((u) => u.id === 'A')!;
  expect([a.inForce.grade, a.draft.grade]).toEqual(['G1', 'G2']);
  expect(a.why!.causes.map((x) => x.change)).toEqual(['grade G1 minScore: 70 → 90']);
  expect(a.why!.causes[0]!.effect).toBeCloseTo(-20, 9);
  expect(a.why!.against.map((x) => x.change)).toEqual(['aggregate DX weight: 1 → 3']);
  expect(a.why!.against[0]!.effect).toBeCloseTo(12.5, 9);
  expect(describeReason(a)).toBe(
    'score 75.00 → 87.50, G1 line 70.00 → 90.00, the line rose further; dropped below it by grade G1 minScore: 70 → 90 (alone: -20.00 against the line); despite aggregate DX weight: 1 → 3 (alone: +12.50 against the line)',
  );
  // Its own dimension's gain is the largest move in points, and it is not the reason given.
  expect(a.dimension).toMatchObject({ code: 'DX' });
  expect(a.dimension!.delta).toBeGreaterThan(0);
});

test('a change that cannot move a score (a name, the uncertainty analysis) is listed but never named as a cause', () => {
  const c = compareMethodologies(
    small(3, 1),
    small(1, 3, { name: 'Draft', uncertainty: { runs: 50 } }),
    data,
  );
  expect(c.changes.map((x) => x.path)).toEqual(
    expect.arrayContaining(['name', 'uncertainty', 'aggregate DX weight', 'aggregate DY weight']),
  );
  const d = c.gradeChanges.find((u) => u.id === 'D')!;
  expect([...d.why!.causes, ...d.why!.against].map((x) => x.change)).toEqual([
    'aggregate DX weight: 3 → 1',
    'aggregate DY weight: 1 → 3',
  ]);
  // A drops from G1, but either weight alone only ties it with everyone at the top, still holding G1: no change
  // does it alone, and none is made up.
  const a = c.gradeChanges.find((u) => u.id === 'A')!;
  expect(a.why!.causes).toEqual([]);
  expect(describeReason(a)).toContain('no change does it alone: only the changes together do');
});

test('a change that cannot stand alone is left out of the causes rather than guessed', () => {
  const before = small(1, 1);
  // Z needs its new dimension DZ: added alone, neither compiles, so neither is named; the weight change is.
  const after = compile({
    indicators: [
      { code: 'X', parent: 'DX', weight: 1 },
      { code: 'Y', parent: 'DY', weight: 1 },
      { code: 'Z', parent: 'DZ', weight: 1 },
    ],
    aggregates: [
      { code: 'DX', parent: 'ALL', weight: 1 },
      { code: 'DY', parent: 'ALL', weight: 3 },
      { code: 'DZ', parent: 'ALL', weight: 1 },
      { code: 'ALL' },
    ],
    grade: small(1, 1).spec.grade,
  });
  const withZ = datasetFromRows(
    data.units.map((id, i) => ({
      id,
      values: { X: data.numeric.get('X')![i]!, Y: data.numeric.get('Y')![i]!, Z: 3 - i },
    })),
  );
  const c = compareMethodologies(before, after, data, withZ);
  expect(c.gradeChanges.length).toBeGreaterThan(0);
  for (const u of c.gradeChanges) {
    const named = [...u.why!.causes, ...u.why!.against].map((x) => x.change);
    expect(named.some((n) => n.startsWith('indicator Z') || n.startsWith('aggregate DZ added'))).toBe(false);
    const up = u.draft.grade === u.why!.grade;
    for (const x of u.why!.causes) expect(Math.sign(x.effect!)).toBe(up ? 1 : -1);
  }
});

test('datasets of different units are a fault of the caller', () => {
  const other = datasetFromRows([{ id: 'Q', values: { X: 1, Y: 1 } }]);
  expect(() => compareMethodologies(small(1, 1), small(1, 1), data, other)).toThrow(/same units/);
});

test('on the default evaluation, doubling one dimension weight changes some grades and each has a reason', () => {
  const ev = loadDefaultEvaluation(2025);
  const d = demoDataset(ev, 2025);
  const json = structuredClone(loadDefaultMethodology()) as {
    aggregates: { code: string; parent?: string; weight?: number }[];
  };
  const dim = json.aggregates.find(
    (a) =>
      a.parent !== undefined && json.aggregates.some((p) => p.code === a.parent && p.parent === undefined),
  )!;
  dim.weight = (dim.weight ?? 1) * 4;
  const draft = compile(json);
  const c = compareMethodologies(ev.methodology, draft, d);
  expect(c.changes).toEqual([
    { kind: 'weight', path: `aggregate ${dim.code} weight`, from: dim.weight / 4, to: dim.weight },
  ]);
  expect(c.units).toHaveLength(d.units.length);
  expect(c.gradeChanges.length).toBeGreaterThan(0);
  // Quotas keep each grade's size, so every zone moved up is matched by one moved down.
  for (const u of c.gradeChanges) expect(u.dimension).not.toBeNull();
  expect(c.gradeChanges.some((u) => u.dimension!.code === dim.code)).toBe(true);
  // The one change is the cause of every grade change, in the direction the grade moved: never a gain for a drop.
  for (const u of c.gradeChanges) {
    const up = u.draft.grade === u.why!.grade;
    expect(u.why!.causes).toHaveLength(1);
    expect(Math.sign(u.why!.causes[0]!.effect!)).toBe(up ? 1 : -1);
    expect(describeReason(u)).toMatch(
      up ? /raised above it by .*\+\d/ : /dropped below it by .*\(alone: -\d/,
    );
  }
});
