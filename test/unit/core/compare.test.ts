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
  expect(describeReason(d)).toMatch(
    /^dimension DY \+50\.00 points \(25\.00 → 75\.00\); indicator Y \+50\.00/,
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
});
