/**
 * The security suite at quick scale, as `npm run reliability -- --suite security --quick` runs it: every forged
 * signal refused with no trace, a replay costing no read, no path from one zone's official to another zone's data.
 */
import { securitySuite } from '../../../lib/reliability/security';

test('every forgery is refused, a replay costs nothing, and no zone reaches another zone’s data', async () => {
  const lines: string[] = [];
  const report = await securitySuite.run({ progress: (l) => lines.push(l), scale: 'quick' });
  expect(report.failures).toEqual([]);
  expect(report.figures.lost ?? 0).toBe(0);
  expect(report.figures.forgeries_tried).toBeGreaterThanOrEqual(10);
  expect(report.figures.forgeries_refused).toBe(report.figures.forgeries_tried);
  expect(lines.length).toBeGreaterThan(0);
}, 300_000);
