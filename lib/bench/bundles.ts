/**
 * Lambda bundle benchmarks: the bundles `cdk synth` writes (what ships), their size and the time a fresh Node
 * process takes to load each, against issue 10's budgets (webhook <= 400 KB, the others <= 1.2 MB, load <= 250 ms).
 * Over budget, the note names what takes the space (esbuild's metafile).
 */

import {
  BUNDLE_BUDGET_KB,
  bundleBreakdown,
  bundleKb,
  LOAD_BUDGET_MS,
  loadMs,
  synthBundles,
} from '../infra/bundles';
import { FUNCTION_KEYS } from '../infra/contract';
import { checksum, type Figure, type Suite } from './types';

export const suite: Suite = {
  name: 'bundles',
  async run(log) {
    const t0 = performance.now();
    const { bundles } = synthBundles({ stage: 'bench' });
    log(`synthesised the app with its four bundles in ${(performance.now() - t0).toFixed(0)} ms`);
    const figures: Figure[] = [];
    for (const fn of FUNCTION_KEYS) {
      const { path, environment } = bundles[fn];
      const kb = bundleKb(path);
      // Loaded with the NODE_OPTIONS the function has on AWS, if any.
      const nodeOptions = environment.NODE_OPTIONS;
      const ms = loadMs(path, 5, typeof nodeOptions === 'string' ? { NODE_OPTIONS: nodeOptions } : {});
      const budgetKb = BUNDLE_BUDGET_KB[fn];
      let note: string | undefined;
      if (kb > budgetKb || ms > LOAD_BUDGET_MS) {
        const parts = await bundleBreakdown(fn);
        note = `largest parts: ${parts.map((p) => `${p.what} ${p.kb} KB`).join(', ')}`;
        log(`${fn}: ${note}`);
      }
      figures.push({
        key: `bundle_${fn}_kb`,
        value: Math.round(kb),
        unit: 'KB',
        budget: budgetKb,
        checksum: checksum([Math.round(kb * 1024)]),
        ...(note && { note }),
      });
      figures.push({ key: `load_${fn}_ms`, value: Math.round(ms), unit: 'ms', budget: LOAD_BUDGET_MS });
    }
    return figures;
  },
};
