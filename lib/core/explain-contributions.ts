/** Contributions of each indicator to a unit's score: effective weight times normalised value. */
import type { CompiledMethodology } from './methodology';
import type { ScoreResult } from './score';

/**
 * Effective weights of unit `i`'s nodes: the product of the weights up the path, renormalised over the children
 * the unit has.
 */
export function effectiveWeights(m: CompiledMethodology, r: ScoreResult, i: number): Float64Array {
  const eff = new Float64Array(m.nodes.length);
  eff[m.root] = 1;
  for (let p = m.nodes.length - 1; p >= 0; p--) {
    const node = m.nodes[p]!;
    if (node.kind !== 'aggregate') continue;
    let total = 0;
    for (const c of node.children) if (r.values[c]![i] === r.values[c]![i]) total += r.weights[c]!;
    for (const c of node.children)
      eff[c] = total > 0 && r.values[c]![i] === r.values[c]![i] ? (eff[p]! * r.weights[c]!) / total : 0;
  }
  return eff;
}

/** Per-unit effective weights of the indicators times their normalised values. */
export function contributions(
  m: CompiledMethodology,
  r: ScoreResult,
  i: number,
): { c: Float64Array; additive: boolean } {
  const eff = effectiveWeights(m, r, i);
  const additive = m.nodes.every(
    (node) => node.kind !== 'aggregate' || (node.method ?? m.spec.aggregate.method) === 'arithmetic',
  );
  const c = new Float64Array(m.indicators.length);
  for (let j = 0; j < c.length; j++) c[j] = eff[j]! ? eff[j]! * r.values[j]![i]! : 0;
  return { c, additive };
}
