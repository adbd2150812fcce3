/** The fault suite's comparisons with a clean run: what differs is named, what a run id or time changes is not. */
import { type ResultsDoc, ResultsDocSchema } from '../../../lib/pipeline/results';
import { compareDocs, compareTabs, lostValues } from '../../../lib/reliability/faults/verify';

function zone(zoneId: string, rank: number, score: number, grade: string, t03: number) {
  return {
    zoneId,
    nameEn: zoneId,
    nameZh: zoneId,
    province: 'P',
    batch: 1,
    rank,
    score,
    grade,
    previous: null,
    dimensions: { D01: score / 2 },
    values: { T03: t03 },
    contributions: {},
    strengths: [],
    weaknesses: [],
    nextGrade: null,
    uncertainty: null,
    quality: {
      status: 'submitted',
      screenedOut: false,
      availability: 1,
      missing: [],
      refused: [],
      spreadsheetId: `sheet-${zoneId}`,
      revision: rank,
      lastEditAt: '2026-11-28T05:00:00.000Z',
      lastEditor: null,
      reason: null,
    },
  };
}

function doc(runSeq: number, createdAt: string, zones: ReturnType<typeof zone>[]): ResultsDoc {
  return ResultsDocSchema.parse({
    evaluationId: 'e',
    name: null,
    year: 2025,
    runSeq,
    inputHash: `hash-${runSeq}`,
    methodologyVersion: 'v1',
    engineVersion: 'x',
    createdAt,
    grades: [],
    aggregates: [],
    indicators: [],
    steps: [],
    weights: [],
    uncertainty: null,
    previous: null,
    notes: [],
    zones,
  });
}

const clean = doc(1, '2026-11-28T05:00:00.000Z', [zone('a', 1, 60, 'A', 5), zone('b', 2, 40, 'B', 3)]);

test('run ids, times, revisions and float noise are not differences', () => {
  const got = doc(7, '2026-11-28T06:00:00.000Z', [
    zone('a', 1, 60 + 1e-12, 'A', 5),
    zone('b', 2, 40, 'B', 3),
  ]);
  got.zones[1]!.quality.revision = 9;
  expect(compareDocs(got, clean)).toEqual([]);
  expect(lostValues(got, clean)).toEqual([]);
});

test('a value, rank, grade, score or dimension that differs is named', () => {
  const got = doc(2, '2026-11-28T05:00:00.000Z', [zone('b', 1, 61, 'A', 3), zone('a', 2, 60, 'B', 4)]);
  expect(compareDocs(got, clean)).toEqual([
    'position 1 holds b, a clean run has a',
    'b: rank 1, a clean run gives 2',
    'b: grade A, a clean run gives B',
    'b: score 61, a clean run gives 40',
    'b: D01 30.5, a clean run gives 20',
    'position 2 holds a, a clean run has b',
    'a: rank 2, a clean run gives 1',
    'a: grade B, a clean run gives A',
  ]);
  expect(lostValues(got, clean)).toEqual(['a: T03 = 4, a clean run scored 5']);
});

test('a zone missing from the published run loses its values', () => {
  const got = doc(2, '2026-11-28T05:00:00.000Z', [zone('a', 1, 60, 'A', 5)]);
  expect(compareDocs(got, clean)).toEqual(['1 zones published, a clean run has 2']);
  expect(lostValues(got, clean)).toEqual(['b: T03 = undefined, a clean run scored 3']);
});

test('tabs are compared cell by cell, blanks equal to missing cells, one line per differing row', () => {
  const want = new Map([
    [
      'Ranking',
      [
        ['Rank', 'Zone'],
        [1, 'a', ''],
        [2, 'b'],
      ],
    ],
    ['Dimensions', [['Zone'], ['a']]],
  ]);
  const got = new Map([
    [
      'Ranking',
      [
        ['Rank', 'Zone'],
        [1, 'a'],
        [2, 'c', 'x'],
      ],
    ],
    ['Dimensions', [['Zone'], ['a'], ['b']]],
  ]);
  expect(compareTabs(got, want)).toEqual([
    'results tab Ranking row 3 column 2: c, a clean run has b',
    'results tab Dimensions: 3 rows, a clean run has 2',
  ]);
});
