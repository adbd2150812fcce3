import { MethodologyError } from '../errors';
import type { AggregateMethod, AggregateSpec, HierarchyNode } from '../methodology';

export type AggregateLog = { node: string; method: AggregateMethod; note?: string }[];

function refuse(node: HierarchyNode, child: HierarchyNode, unit: string, v: number, method: string): never {
  throw new MethodologyError([
    {
      path: `aggregates (${node.code}).method`,
      message: `${method} mean needs values > 0, but ${child.code} is ${v} for ${unit}: normalise to a range above zero (e.g. [1, 100]) or use arithmetic`,
    },
  ]);
}

/**
 * Aggregates one node over its children for every unit. Missing children are dropped and the remaining
 * weights renormalised; with fewer than `minAvailability` of the children present the result is missing.
 */
export function aggregateNode(
  node: HierarchyNode,
  nodes: HierarchyNode[],
  values: Float64Array[],
  weights: Float64Array,
  method: AggregateMethod,
  spec: AggregateSpec,
  units: string[],
): Float64Array {
  const n = units.length;
  const out = new Float64Array(n);
  const kids = node.children;
  const k = kids.length;
  if (method === 'topsis' || method === 'copeland') return acrossUnits(node, values, weights, method, n);
  const p = method === 'genmean' ? spec.p : method === 'geometric' ? 0 : method === 'harmonic' ? -1 : 1;
  for (let i = 0; i < n; i++) {
    let sw = 0;
    let acc = 0;
    let present = 0;
    for (let c = 0; c < k; c++) {
      const child = kids[c]!;
      const v = values[child]![i]!;
      if (v !== v) continue;
      const w = weights[child]!;
      present++;
      sw += w;
      if (p === 1) acc += w * v;
      else if (v <= 0 && p <= 0)
        refuse(node, nodes[child]!, units[i]!, v, method === 'harmonic' ? 'the harmonic' : 'the geometric');
      else if (p === 0) acc += w * Math.log(v);
      else acc += w * v ** p;
    }
    if (present === 0 || present / k < spec.minAvailability - 1e-12 || sw === 0) {
      out[i] = Number.NaN;
      continue;
    }
    out[i] = p === 1 ? acc / sw : p === 0 ? Math.exp(acc / sw) : (acc / sw) ** (1 / p);
  }
  return out;
}

/** Methods that compare units with each other: TOPSIS closeness in [0, 1], and Copeland's wins minus losses. */
function acrossUnits(
  node: HierarchyNode,
  values: Float64Array[],
  weights: Float64Array,
  method: 'topsis' | 'copeland',
  n: number,
): Float64Array {
  const kids = node.children;
  const out = new Float64Array(n);
  if (method === 'topsis') {
    const ideal = kids.map((c) => {
      let mx = Number.NEGATIVE_INFINITY;
      let mn = Number.POSITIVE_INFINITY;
      for (const v of values[c]!) {
        if (v !== v) continue;
        const wv = weights[c]! * v;
        if (wv > mx) mx = wv;
        if (wv < mn) mn = wv;
      }
      return { mx, mn };
    });
    for (let i = 0; i < n; i++) {
      let dPlus = 0;
      let dMinus = 0;
      let present = 0;
      kids.forEach((c, k) => {
        const v = values[c]![i]!;
        if (v !== v) return;
        present++;
        const wv = weights[c]! * v;
        dPlus += (wv - ideal[k]!.mx) ** 2;
        dMinus += (wv - ideal[k]!.mn) ** 2;
      });
      const dp = Math.sqrt(dPlus);
      const dm = Math.sqrt(dMinus);
      out[i] = present === 0 ? Number.NaN : dp + dm > 0 ? dm / (dp + dm) : 1;
    }
    return out;
  }
  // Copeland: a beats b when the weight of the children where a is better exceeds half (ties count half).
  for (let a = 0; a < n; a++) {
    let score = 0;
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      let e = 0;
      let total = 0;
      for (const c of kids) {
        const va = values[c]![a]!;
        const vb = values[c]![b]!;
        if (va !== va || vb !== vb) continue;
        const w = weights[c]!;
        total += w;
        e += va > vb ? w : va === vb ? w / 2 : 0;
      }
      if (total === 0) continue;
      if (e > total / 2 + 1e-12) score++;
      else if (e < total / 2 - 1e-12) score--;
    }
    out[a] = score;
  }
  return out;
}

/**
 * Aggregates up the hierarchy, lowest level first. `values` holds one column per node: indicators are filled
 * (normalised), aggregates are computed here in place. A node's own method wins over the step's default.
 */
export function aggregate(
  nodes: HierarchyNode[],
  values: Float64Array[],
  weights: Float64Array,
  spec: AggregateSpec,
  units: string[],
): { values: Float64Array[]; log: AggregateLog } {
  const log: AggregateLog = [];
  for (const node of nodes) {
    if (node.kind !== 'aggregate') continue;
    const method = node.method ?? spec.method;
    values[node.index] = aggregateNode(node, nodes, values, weights, method, spec, units);
    log.push({ node: node.code, method });
  }
  return { values, log };
}
