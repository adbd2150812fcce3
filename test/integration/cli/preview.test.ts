/** `zone-eval preview`: a draft methodology beside the one in force on the ASEM data, in-process. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison } from '../../../lib/core/compare';
import { runCli } from '../../helpers/cli';

const fixtures = join(__dirname, '../../fixtures/asem');
const dir = mkdtempSync(join(tmpdir(), 'preview-'));
const base = JSON.parse(readFileSync(join(fixtures, 'asem-methodology.json'), 'utf8'));
base.grade = {
  method: 'thresholds',
  grades: [
    { code: 'High', minScore: 55 },
    { code: 'Low', minScore: 0 },
  ],
};
const inForce = join(dir, 'in-force.json');
writeFileSync(inForce, JSON.stringify(base));
const draftJson = structuredClone(base);
draftJson.aggregates.find((a: { code: string }) => a.code === 'Sust').weight = 3;
draftJson.normalise = { ...(draftJson.normalise ?? {}), method: 'rank' };
const draft = join(dir, 'draft.json');
writeFileSync(draft, JSON.stringify(draftJson));
const data = join(fixtures, 'ASEM_iData.csv');
const args = ['preview', '--method', draft, '--against', inForce, '--data', data, '--id-column', 'uCode'];

test('the table names what differs, the grade changes with their reasons, and every unit', async () => {
  const r = await runCli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /What differs \(2\):\n {2}- aggregate Sust weight: 1 → 3\n {2}- normalise\.method: minmax → rank/,
  );
  expect(r.stdout).toMatch(
    /Grade changes: [1-9]\d* of 51 units\n {2}- \w+: (High → Low|Low → High) because score [\d.]+ → [\d.]+, High line 55\.00 → 55\.00; (raised above|dropped below) it by (aggregate Sust weight: 1 → 3|normalise\.method: minmax → rank) \(alone: [+-]/,
  );
  expect(r.stdout).toMatch(
    /zone +rank \(in force\) +grade \(in force\) +rank \(draft\) +grade \(draft\) +move +grade changes +why/,
  );
});

test('--format json gives the comparison as data, consistent with itself', async () => {
  const r = await runCli([...args, '--format', 'json']);
  expect(r.code).toBe(0);
  const c = JSON.parse(r.stdout) as Comparison;
  expect(c.units).toHaveLength(51);
  expect(c.gradeChanges.length).toBeGreaterThan(0);
  expect(c.gradeChanges.every((u) => u.inForce.grade !== u.draft.grade)).toBe(true);
  expect(c.units.filter((u) => u.gradeChanged)).toEqual(c.gradeChanges);
  const ranks = c.units.map((u) => u.draft.rank).filter((x) => x !== null);
  expect(ranks).toEqual([...ranks].sort((a, b) => a! - b!));
});

test('an unknown option is refused with the closest name; --method is required, --against goes with --data', async () => {
  const typo = await runCli([...args, '--agianst', inForce]);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toBe('zone-eval preview: unknown option --agianst (did you mean --against?)');
  const none = await runCli(['preview', '--against', inForce, '--data', data]);
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/--method is required with --against and --data/);
  const half = await runCli(['preview', '--method', draft, '--data', data]);
  expect(half.stderr).toMatch(/--against and --data go together: --against is missing/);
  // Without both, the command reads a stored evaluation, which it must be told.
  const stored = await runCli(['preview', '--method', draft]);
  expect(stored.stderr).toMatch(/option --evaluation is required/);
  const mixed = await runCli([...args, '--local']);
  expect(mixed.stderr).toMatch(/--local reads a stored evaluation: it does not go with --against and --data/);
  const bad = await runCli([...args, '--format', 'csv']);
  expect(bad.stderr).toMatch(/--format must be 'table' or 'json', got 'csv'/);
});

test('the notes of both runs reach the person, each once and saying whose: table and JSON', async () => {
  // Six units, an indicator whose values are all equal, and a draft whose quotas cover 4 of the 6.
  const csv = join(dir, 'six.csv');
  writeFileSync(csv, `id,a,b\n${[6, 5, 4, 3, 2, 1].map((v, i) => `u${i + 1},${v},7`).join('\n')}\n`);
  const grades = (counts: number[]) => ['A', 'B', 'C'].map((code, k) => ({ code, count: counts[k] }));
  const six = (counts: number[], name: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        indicators: [{ code: 'a' }, { code: 'b' }],
        grade: { method: 'quota', grades: grades(counts) },
      }),
    );
    return path;
  };
  const argv = ['preview', '--method', six([1, 1, 2], 'd.json'), '--against', six([2, 2, 2], 'f.json')];
  const expected = [
    'both: b: all values are equal: every unit gets the middle of the range',
    'draft: the quotas cover 4 of 6 units: the rest take the last grade, C',
  ];
  const table = await runCli([...argv, '--data', csv]);
  expect(table.code).toBe(0);
  expect(table.stdout.split('\nnotes:\n')[1]).toBe(expected.map((n) => `- ${n}`).join('\n'));
  const json = await runCli([...argv, '--data', csv, '--format', 'json']);
  expect((JSON.parse(json.stdout) as { notes: string[] }).notes).toEqual(expected);
});
