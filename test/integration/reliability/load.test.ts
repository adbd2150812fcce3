/**
 * The load suite at quick scale (60 signed edits from 12 zones over 10 s, the production evaluate delay), as
 * `npm run reliability -- --suite load --quick` runs it: nothing lost, the results equal a clean run's.
 */
import { loadSuite } from '../../../lib/reliability/load';

test('a steady load of signed edits loses none and ends in the results of a clean run', async () => {
  const lines: string[] = [];
  const report = await loadSuite.run({ progress: (l) => lines.push(l), scale: 'quick' });
  expect(report.failures).toEqual([]);
  expect(report.figures.lost).toBe(0);
  expect(report.figures.edits_sent).toBe(60);
  expect(report.figures.edits_reflected).toBe(60);
  // Coalesced: far fewer runs than edits, and at least the trailing one.
  expect(report.figures.runs).toBeGreaterThanOrEqual(1);
  expect(report.figures.runs).toBeLessThan(30);
  expect(report.figures.load_edit_to_publish_p95_ms).toEqual(expect.any(Number));
}, 600_000);
