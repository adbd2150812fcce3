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

function refuseGenmean(node: HierarchyNode, child: HierarchyNode, unit: string, v: number, p: number): never {
  const need = p <= 0 ? 'values > 0 when p <= 0' : 'values >= 0 when p is not a whole number';
  throw new MethodologyError([
    {
      path: 'aggregate.p',
      message: `the generalised mean with p = ${p} (aggregating ${node.code}) needs ${need}, but ${child.code} is ${v} for ${unit}: normalise to a range above zero (e.g. [1, 100]), use a whole positive p, or use arithmetic`,
    },
  ]);
}

/** Whether a unit with `present` of `k` children present has a value under `minAvailability`. */
function enough(present: number, k: number, minAvailability: number): boolean {
  return present > 0 && present / k >= minAvailability - 1e-12;
}

/**
 * Aggregates one node over its children for every unit. Missing children are dropped and the remaining
 * weights renormalised; with fewer than `minAvailability` of the children present the result is missing.
 * `into`, when given, receives the result (the what-if search reuses its columns: allocating a typed array
 * costs more than averaging a hundred units).
 */
export function aggregateNode(
  node: HierarchyNode,
  nodes: HierarchyNode[],
  values: Float64Array[],
  weights: Float64Array,
  method: AggregateMethod,
  spec: AggregateSpec,
  units: string[],
  into?: Float64Array,
): Float64Array {
  const n = units.length;
  const kids = node.children;
  const k = kids.length;
  if (method === 'topsis' || method === 'copeland')
    return acrossUnits(node, values, weights, method, n, spec.minAvailability);
  const out = into ?? new Float64Array(n);
  const p = method === 'genmean' ? spec.p : method === 'geometric' ? 0 : method === 'harmonic' ? -1 : 1;
  if (p === 1) return arithmetic(kids, values, weights, out, spec.minAvailability);
  // x^p is defined for negative x only with a whole p; with an odd p the mean keeps its sign, so the root does too.
  const whole = Number.isInteger(p);
  const odd = whole && Math.abs(p % 2) === 1;
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
      else if (v <= 0 && p <= 0) {
        if (method === 'genmean') refuseGenmean(node, nodes[child]!, units[i]!, v, p);
        refuse(node, nodes[child]!, units[i]!, v, method === 'harmonic' ? 'the harmonic' : 'the geometric');
      } else if (v < 0 && !whole) refuseGenmean(node, nodes[child]!, units[i]!, v, p);
      else if (p === 0) acc += w * Math.log(v);
      else acc += w * v ** p;
    }
    if (!enough(present, k, spec.minAvailability) || sw === 0) {
      out[i] = Number.NaN;
      continue;
    }
    const mean = acc / sw;
    out[i] =
      p === 1 ? mean : p === 0 ? Math.exp(mean) : odd && mean < 0 ? -((-mean) ** (1 / p)) : mean ** (1 / p);
  }
  return out;
}

/**
 * The weighted arithmetic mean of every unit into `out`: the same sums in the same order as the general loop (so
 * the same numbers to the last bit), each unit's in local variables (the what-if search runs this a great many
 * times).
 */
function arithmetic(
  kids: number[],
  values: Float64Array[],
  weights: Float64Array,
  out: Float64Array,
  minAvailability: number,
): Float64Array {
  const n = out.length;
  const k = kids.length;
  const cols = kids.map((c) => values[c]!);
  const ws = kids.map((c) => weights[c]!);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    let sw = 0;
    let present = 0;
    for (let c = 0; c < k; c++) {
      const v = cols[c]![i]!;
      if (v !== v) continue;
      const w = ws[c]!;
      present++;
      sw += w;
      acc += w * v;
    }
    out[i] = !enough(present, k, minAvailability) || sw === 0 ? Number.NaN : acc / sw;
  }
  return out;
}

/**
 * Methods that compare units with each other: TOPSIS closeness in [0, 1], and Copeland's wins minus losses.
 * A unit with no child present, or fewer than `minAvailability` of them, has no value and takes no part: it
 * neither sets the TOPSIS ideal nor counts as a Copeland opponent.
 */
function acrossUnits(
  node: HierarchyNode,
  values: Float64Array[],
  weights: Float64Array,
  method: 'topsis' | 'copeland',
  n: number,
  minAvailability: number,
): Float64Array {
  const kids = node.children;
  const out = new Float64Array(n);
  const eligible = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let present = 0;
    for (const c of kids) if (values[c]![i] === values[c]![i]) present++;
    eligible[i] = enough(present, kids.length, minAvailability) ? 1 : 0;
  }
  if (method === 'topsis') {
    const ideal = kids.map((c) => {
      let mx = Number.NEGATIVE_INFINITY;
      let mn = Number.POSITIVE_INFINITY;
      const col = values[c]!;
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        if (v !== v || !eligible[i]) continue;
        const wv = weights[c]! * v;
        if (wv > mx) mx = wv;
        if (wv < mn) mn = wv;
      }
      return { mx, mn };
    });
    for (let i = 0; i < n; i++) {
      if (!eligible[i]) {
        out[i] = Number.NaN;
        continue;
      }
      let dPlus = 0;
      let dMinus = 0;
      kids.forEach((c, k) => {
        const v = values[c]![i]!;
        if (v !== v) return;
        const wv = weights[c]! * v;
        dPlus += (wv - ideal[k]!.mx) ** 2;
        dMinus += (wv - ideal[k]!.mn) ** 2;
      });
      const dp = Math.sqrt(dPlus);
      const dm = Math.sqrt(dMinus);
      out[i] = dp + dm > 0 ? dm / (dp + dm) : 1;
    }
    return out;
  }
  // Copeland: a beats b when the weight of the children where a is better exceeds half (ties count half).
  for (let a = 0; a < n; a++) {
    if (!eligible[a]) {
      out[a] = Number.NaN;
      continue;
    }
    let score = 0;
    for (let b = 0; b < n; b++) {
      if (a === b || !eligible[b]) continue;
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
