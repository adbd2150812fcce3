/**
 * Lambda bundle benchmarks: the bundles `cdk synth` writes (what ships), their size and the time a fresh Node
 * process takes to load each, against issue 10's budgets (webhook <= 400 KB, the others <= 1.2 MB, load <= 250 ms).
 * For every function the log says what takes the space (esbuild's metafile, `bundleBreakdown`), and an
 * over-budget figure carries the largest parts in its note.
 */
import { rmSync } from 'node:fs';
import {
  BUNDLE_BUDGET_KB,
  bundleBreakdown,
  bundleKb,
  describeParts,
  LOAD_BUDGET_MS,
  loadTime,
  synthBundles,
} from '../infra/bundles';
import { FUNCTION_KEYS } from '../infra/contract';
import { checksum, type Figure, type Suite } from './types';

/** How long the bench waits after the synthesis before it measures loads. */
const SETTLE_MS = 3000;

/** How many of a bundle's largest parts the log names. */
const WHY_PARTS = 10;

export const suite: Suite = {
  name: 'bundles',
  async run(log) {
    const t0 = performance.now();
    const { bundles, outdir } = synthBundles({ stage: 'bench' });
    log(`synthesised the app with its four bundles in ${(performance.now() - t0).toFixed(0)} ms`);
    const figures: Figure[] = [];
    try {
      // The synthesis leaves this process's background threads (the garbage collector's, after the CDK app) busy for
      // a second or two; a load measured meanwhile waited for a core (measured: the first bundle 200-220 ms wall at
      // 100 ms CPU, 87 ms once they were done). The bench lets them finish.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      for (const fn of FUNCTION_KEYS) {
        const { path, environment } = bundles[fn];
        const kb = bundleKb(path);
        // Loaded with the NODE_OPTIONS the function has on AWS, if any.
        const nodeOptions = environment.NODE_OPTIONS;
        const load = loadTime(path, 5, typeof nodeOptions === 'string' ? { NODE_OPTIONS: nodeOptions } : {});
        const { parts } = await bundleBreakdown(fn);
        log(`${fn}: ${Math.round(kb)} KB, largest parts: ${describeParts(parts.slice(0, WHY_PARTS))}`);
        const budgetKb = BUNDLE_BUDGET_KB[fn];
        const over = kb > budgetKb || load.wallMs > LOAD_BUDGET_MS;
        const note = over ? `largest parts: ${describeParts(parts.slice(0, 6))}` : undefined;
        figures.push({
          key: `bundle_${fn}_kb`,
          value: Math.round(kb),
          unit: 'KB',
          budget: budgetKb,
          checksum: checksum([Math.round(kb * 1024)]),
          ...(note && { note }),
        });
        figures.push({
          key: `load_${fn}_ms`,
          value: Math.round(load.wallMs),
          unit: 'ms',
          budget: LOAD_BUDGET_MS,
        });
        // The same loads' CPU time: on a shared machine the steadier figure (waiting for a core is not counted).
        figures.push({
          key: `load_${fn}_cpu_ms`,
          value: Math.round(load.cpuMs),
          unit: 'ms',
          budget: LOAD_BUDGET_MS,
        });
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    return figures;
  },
};
