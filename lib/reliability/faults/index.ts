/**
 * The fault-injection suite (issue 12, section 1): each case starts a fresh local runtime with the real handlers,
 * seeds an evaluation, injects its fault while officials edit, waits for the loop to settle, and compares the final
 * published results with a clean run over the same final sheet contents and checks the stored history.
 *
 * Figures: `faults_injected` (cases run), `faults_survived` (cases that ended as a clean run would, history
 * complete), `lost` (edits whose value the final results or the history miss).
 */
import type { ReliabilitySuite, SuiteReport } from '../types';
import { FAULT_CASES, type FaultCase } from './cases';
import { CleanRuns, verify } from './verify';
import { startWorld, type World } from './world';

export type { FaultCase } from './cases';
export { FAULT_CASES } from './cases';

/** Zones per case: a small evaluation for `npm test`, the 105 pilot zones at full scale. */
export const FAULT_ZONES = { quick: 12, full: 105 } as const;

/** Runs `cases`, each in its own world of `zones` zones, one clean runtime shared by their verdicts. */
export async function runFaultCases(
  cases: readonly FaultCase[],
  zones: number,
  progress: (line: string) => void,
): Promise<SuiteReport> {
  const clean = new CleanRuns();
  const failures: string[] = [];
  let injected = 0;
  let survived = 0;
  let lost = 0;
  try {
    for (const c of cases) {
      injected++;
      const started = Date.now();
      let world: World | null = null;
      let own: string[];
      try {
        world = await startWorld({ evaluationId: `faults-${c.name}`, zones, ...c.world });
        own = await c.run(world);
        await world.settle();
        const verdict = await verify(world, c.name, clean, c.deadLetters);
        own.push(...verdict.failures);
        lost += verdict.lost;
      } catch (error) {
        own = [`did not finish: ${error instanceof Error ? error.message : String(error)}`];
      } finally {
        await world?.close();
      }
      if (own.length === 0) survived++;
      failures.push(...own.map((f) => `faults: ${c.name}: ${f}`));
      progress(
        `faults: ${c.name} (${c.what}): ${own.length === 0 ? 'survived' : `${own.length} failures`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await clean.close();
  }
  return { figures: { faults_injected: injected, faults_survived: survived, lost }, failures };
}

export const faultsSuite: ReliabilitySuite = {
  name: 'faults',
  run: ({ progress, scale }) => runFaultCases(FAULT_CASES, FAULT_ZONES[scale], progress),
};
