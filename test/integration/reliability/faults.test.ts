/**
 * The fault-injection suite at quick scale (12 zones a case) on the local runtime with the real handlers: every
 * case survives and nothing is lost. The verdict itself is checked to fail on a lost edit.
 */
import { FAULT_CASES, faultsSuite, runFaultCases } from '../../../lib/reliability/faults';
import { CleanRuns, verify } from '../../../lib/reliability/faults/verify';
import { startWorld } from '../../../lib/reliability/faults/world';

test('the verdict counts an edit the loop never read as lost, and the results as differing', async () => {
  const clean = new CleanRuns();
  const world = await startWorld({ evaluationId: 'faults-verdict', zones: 6 });
  try {
    // An edit through the API fires no trigger, and no reconcile poll runs: the results keep the old value.
    const z = world.zoneAt(1);
    await world.apiEdit(z, 'T03', '987');
    await world.settle();
    world.accepted(z, 'T03', 987);
    const verdict = await verify(world, 'verdict', clean);
    expect(verdict.lost).toBe(2);
    expect(verdict.failures).toEqual(
      expect.arrayContaining([
        `${z}: the accepted value T03 = 987 has no revision`,
        expect.stringMatching(new RegExp(`^${z}: T03 = \\d+, a clean run scored 987$`)),
      ]),
    );
  } finally {
    await world.close();
    await clean.close();
  }
}, 300_000);

test('every fault case ends as a clean run would, with nothing lost', async () => {
  const lines: string[] = [];
  const report = await faultsSuite.run({ scale: 'quick', progress: (l) => lines.push(l) });
  expect(report.failures).toEqual([]);
  expect(report.figures).toEqual({
    faults_injected: FAULT_CASES.length,
    faults_survived: FAULT_CASES.length,
    lost: 0,
  });
  expect(FAULT_CASES.length).toBeGreaterThanOrEqual(8);
  expect(lines).toHaveLength(FAULT_CASES.length);
}, 1_800_000);

test('a case that throws is reported as a failure, not counted as survived', async () => {
  const report = await runFaultCases(
    [
      {
        name: 'broken',
        what: 'a case that fails on its own',
        run: async () => {
          throw new Error('the case broke');
        },
      },
    ],
    6,
    () => {},
  );
  expect(report.figures).toEqual({ faults_injected: 1, faults_survived: 0, lost: 0 });
  expect(report.failures).toEqual(['faults: broken: did not finish: the case broke']);
}, 120_000);
