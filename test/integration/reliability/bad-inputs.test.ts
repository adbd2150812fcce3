/**
 * The bad-input suite at quick scale, over the local runtime (emulator over HTTP, dynalite, the real handlers) and
 * the CLI in-process: every case ends as expected, and nothing accepted before is lost.
 */
import { badInputsSuite } from '../../../lib/reliability/bad-inputs';

test('every bad input is refused (or read) as expected, at the right place, and nothing accepted is lost', async () => {
  const progress: string[] = [];
  const report = await badInputsSuite.run({ scale: 'quick', progress: (line) => progress.push(line) });
  expect(report.failures).toEqual([]);
  expect(report.figures.bad_inputs_tried).toBeGreaterThanOrEqual(150);
  expect(report.figures.bad_inputs_handled).toBe(report.figures.bad_inputs_tried);
  expect(report.figures.lost).toBe(0);
  expect(progress.length).toBeGreaterThanOrEqual(4);
}, 600_000);
