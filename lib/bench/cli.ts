/**
 * The CLI as a person runs it: a whole process of `node bin/zone-eval.cjs score` on the ASEM fixture, start to
 * exit, warm (one run first, which also builds the launcher's bundle when a source changed), median of 5.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { checksum, type Figure, median, type Suite } from './types';

const root = join(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/asem');

/** `zone-eval score` of the ASEM fixture as JSON, absolute paths: what this figure times and the ASEM test checks. */
export const ASEM_SCORE_ARGS: readonly string[] = [
  'score',
  '--data',
  join(fixtures, 'ASEM_iData.csv'),
  '--method',
  join(fixtures, 'asem-methodology.json'),
  '--id-column',
  'uCode',
  '--format',
  'json',
];

export const suite: Suite = {
  name: 'cli',
  async run(log) {
    const argv = [join(root, 'bin/zone-eval.cjs'), ...ASEM_SCORE_ARGS];
    const once = () => execFileSync(process.execPath, argv, { encoding: 'utf8' });
    once();
    const times: number[] = [];
    const digests: string[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const out = once();
      times.push(performance.now() - t0);
      const doc = JSON.parse(out) as { units: Array<{ id: string; score: number }> };
      digests.push(checksum(doc.units.flatMap((u) => [u.id, u.score])));
    }
    const ms = median(times);
    // An empty node process on the same machine at the same moment: what the figure cannot go below.
    const bare: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      bare.push(performance.now() - t0);
    }
    const nodeMs = median(bare);
    log(
      `score on ASEM (51 units) as a whole process: ${ms.toFixed(0)} ms (median of 5, warm); node alone ${nodeMs.toFixed(0)} ms`,
    );
    const figure: Figure = {
      key: 'cli_asem_process_ms',
      value: ms,
      unit: 'ms',
      checksum: checksum(digests),
      budget: 300,
      note: `node bin/zone-eval.cjs score, start to exit; an empty node process took ${nodeMs.toFixed(0)} ms`,
    };
    return [figure];
  },
};
