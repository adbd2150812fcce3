/**
 * The published ASEM Sustainable Connectivity build (COINr documentation), reproduced through the CLI:
 * denominate, group-mean impute, screen at 90%, winsorise, min-max, arithmetic aggregation.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../../lib/core/csv';

const root = join(__dirname, '../../..');
const fixtures = join(root, 'test/fixtures/asem');

type Unit = { id: string; rank: number; score: number; scores: Record<string, number>; grade: string | null };

/** Runs `zone-eval score` on the ASEM fixture as JSON, with extra options. */
function scoreAsemJson(...extra: string[]): string {
  return execFileSync(
    process.execPath,
    [
      join(root, 'bin/zone-eval.cjs'),
      'score',
      '--data',
      join(fixtures, 'ASEM_iData.csv'),
      '--method',
      join(fixtures, 'asem-methodology.json'),
      '--id-column',
      'uCode',
      '--format',
      'json',
      ...extra,
    ],
    { encoding: 'utf8' },
  );
}

function scoreAsem(): { units: Unit[]; weights: Record<string, number> } {
  return JSON.parse(scoreAsemJson());
}

const published = parseCsv(readFileSync(join(fixtures, 'published-results.csv'), 'utf8'));
const header = published[0]!;
const rows = published.slice(1).filter((r) => r.length > 1);

describe('ASEM reference build through the CLI', () => {
  const result = scoreAsem();
  const byId = new Map(result.units.map((u) => [u.id, u]));

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

describe('--explain and --uncertainty', () => {
  const out = scoreAsemJson('--explain', '--uncertainty', '200', '--seed', '5');
  const doc = JSON.parse(out) as {
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

describe('CLI mistakes', () => {
  const run = (args: string[]) => {
    try {
      execFileSync(process.execPath, [join(root, 'bin/zone-eval.cjs'), ...args], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { code: 0, stderr: '' };
    } catch (err) {
      const e = err as { status: number; stderr: string };
      return { code: e.status, stderr: e.stderr };
    }
  };
  test('a bad field prints one line naming the file, row and column, exit 2, no stack trace', () => {
    const tmp = join(require('node:os').tmpdir(), `bad-${process.pid}.csv`);
    require('node:fs').writeFileSync(tmp, 'id,a\nx,1\ny,12abc\n');
    const method = join(require('node:os').tmpdir(), `m-${process.pid}.json`);
    require('node:fs').writeFileSync(method, JSON.stringify({ indicators: [{ code: 'a' }] }));
    const r = run(['score', '--data', tmp, '--method', method]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`${tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: row 3, column a: .*12abc`),
    );
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
  test('a broken methodology names the field', () => {
    const method = join(require('node:os').tmpdir(), `m2-${process.pid}.json`);
    require('node:fs').writeFileSync(method, JSON.stringify({ indicators: [{ code: 'a', direction: 0 }] }));
    const r = run(['score', '--data', join(fixtures, 'ASEM_iData.csv'), '--method', method]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/indicators\[0\] \(a\)\.direction: must be 1/);
  });
});
