/**
 * The published ASEM Sustainable Connectivity build (COINr documentation), reproduced through the CLI:
 * denominate, group-mean impute, screen at 90%, winsorise, min-max, arithmetic aggregation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASEM_SCORE_ARGS } from '../../../lib/bench/cli';
import { parseCsv } from '../../../lib/core/csv';
import { runCli } from '../../helpers/cli';

const fixtures = join(__dirname, '../../fixtures/asem');

type Unit = { id: string; rank: number; score: number; scores: Record<string, number>; grade: string | null };

/** Runs `zone-eval score` on the ASEM fixture as JSON, with extra options, in-process. */
async function scoreAsemJson(...extra: string[]): Promise<string> {
  const r = await runCli([...ASEM_SCORE_ARGS, ...extra]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

type Doc = { units: Unit[]; weights: Record<string, number> };

const published = parseCsv(readFileSync(join(fixtures, 'published-results.csv'), 'utf8'));
const header = published[0]!;
const rows = published.slice(1).filter((r) => r.length > 1);

describe('ASEM reference build through the CLI', () => {
  let result: Doc;
  let byId: Map<string, Unit>;
  beforeAll(async () => {
    result = JSON.parse(await scoreAsemJson());
    byId = new Map(result.units.map((u) => [u.id, u]));
  });

  test('keeps all 51 units after screening imputed data at 90%', () => {
    expect(result.units).toHaveLength(51);
  });

  test.each(rows.map((r) => [r[0]!, r]))(
    '%s: every published score within 0.005 and the published rank',
    (id, r) => {
      const unit = byId.get(id)!;
      expect(unit.rank).toBe(Number(r[1]));
      header.slice(2).forEach((col, k) => {
        const text = r[k + 2]!;
        if (text === '') return;
        const got = col === 'Index' ? unit.score : unit.scores[col]!;
        expect(Math.abs(got - Number(text))).toBeLessThanOrEqual(0.005);
      });
    },
  );

  test('CHN scores 37.77 (rank 49) and RUS 35.66 (rank 51), as the README reproduction says', () => {
    expect(byId.get('CHN')!.score).toBeCloseTo(37.77, 2);
    expect(byId.get('CHN')!.rank).toBe(49);
    expect(byId.get('RUS')!.score).toBeCloseTo(35.66, 2);
    expect(byId.get('RUS')!.rank).toBe(51);
  });

  test('weights sum to 1 within each parent (all ASEM weights are 1)', () => {
    expect(result.weights.LPI).toBeCloseTo(1 / 8, 12);
  });
});

type Explained = {
  units: Array<{
    id: string;
    rank: number;
    score: number;
    explain: {
      contributions: Record<string, number>;
      strengths: string[];
      weaknesses: string[];
      nextGrade: unknown;
      missing: {
        values: Array<{ indicator: string; median: number; points: number }>;
        points: number;
      } | null;
    };
    uncertainty: { median: number; q05: number; q95: number; grades: Record<string, number> };
  }>;
};

describe('--explain and --uncertainty', () => {
  let doc: Explained;
  beforeAll(async () => {
    doc = JSON.parse(await scoreAsemJson('--explain', '--uncertainty', '200', '--seed', '5'));
  });
  test('each unit carries its explanation, with contributions adding up to its score', () => {
    for (const u of doc.units) {
      const sum = Object.values(u.explain.contributions).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(u.score, 6);
      expect(u.explain.strengths).toHaveLength(3);
      expect(u.explain.nextGrade).toBeNull(); // the ASEM build has no grades
    }
  });
  test('a unit that did not report a value shows which, and the points it would gain at the median', () => {
    const sgp = doc.units.find((u) => u.id === 'SGP')!;
    expect(sgp.explain.missing!.values.map((v) => v.indicator)).toEqual(['Poverty', 'Palma']);
    expect(sgp.explain.missing!.points).toBeGreaterThan(0);
    expect(doc.units.find((u) => u.id === 'CHE')!.explain.missing).toBeNull();
  });
  test('each unit carries a rank interval that contains its median', () => {
    for (const u of doc.units) {
      expect(u.uncertainty.q05).toBeLessThanOrEqual(u.uncertainty.median);
      expect(u.uncertainty.median).toBeLessThanOrEqual(u.uncertainty.q95);
    }
    expect(doc.units[0]).toMatchObject({ id: 'CHE', uncertainty: { median: 1, q05: 1, q95: 1 } });
  });
});

describe('the notes of the ASEM build', () => {
  test('15 indicators winsorised and none log-transformed, as the README says', async () => {
    const notes = (JSON.parse(await scoreAsemJson()) as { notes: string[] }).notes;
    const treated = notes.find((n) => n.startsWith('outliers treated: '))!;
    const entries = treated.slice('outliers treated: '.length).split(/, (?=\w+ \()/);
    expect(entries).toHaveLength(15);
    expect(entries.every((e) => /^\w+ \(\d+ points? winsorised\)$/.test(e))).toBe(true);
  });
});
