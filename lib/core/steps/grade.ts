import type { Grading } from '../methodology';
import { TIE_EPSILON } from './rank';

export type GradeLog = {
  counts: Record<string, number>;
  /** A unit that took a better grade than its position gave, because it ties with the unit above the boundary. */
  ties: { unit: string; grade: string; tiedWith: string; boundary: string; score: number }[];
  /** A unit held below the grade its score earned by a gate. */
  gated: { unit: string; earned: string | null; grade: string; reason: string }[];
  notes: string[];
};

export type GradeInput = {
  units: string[];
  score: Float64Array;
  /** Units best first, as `rank` returns them. */
  order: number[];
  grading: Grading;
  /** Per unit: data availability (0..1) and whether a required indicator is missing; read by the gates. */
  availability?: Float64Array;
  requiredMissing?: boolean[];
};

type Gate = Grading['gates'][number];

/** Whether a unit with data availability `a` (0..1; undefined: not known) fails a gate's availability test. */
function failsAvailability(gate: Gate, a: number | undefined): boolean {
  return gate.minAvailability !== undefined && a !== undefined && a < gate.minAvailability - 1e-12;
}

/**
 * The gates' hold on one unit: `cap`, the index of the worst grade it may take (0: no gate holds it), and
 * `gate`, the index of the gate that set it (-1: none). A gate holds a unit whose availability is below its
 * `minAvailability`, or (with `required`) that misses a required indicator; of several, the strictest wins
 * (the first of equals). The one rule, used by grading and by the explanations' what-if search.
 */
export function gateCap(
  grading: Grading,
  availability: number | undefined,
  requiredMissing: boolean,
): { cap: number; gate: number } {
  let cap = 0;
  let gate = -1;
  grading.gates.forEach((g, k) => {
    const gi = grading.grades.findIndex((x) => x.code === g.maxGrade);
    if (gi > cap && (failsAvailability(g, availability) || (g.required === true && requiredMissing))) {
      cap = gi;
      gate = k;
    }
  });
  return { cap, gate };
}

/**
 * Counts per grade for quota or share grading: quotas as given (a methodology whose quotas exceed the number of
 * units is refused by `score`, before grading), shares by the largest-remainder method, so they sum to n.
 */
export function gradeCounts(grading: Grading, n: number): number[] {
  const gs = grading.grades;
  if (grading.method === 'quota') return gs.map((g) => g.count ?? 0);
  const exact = gs.map((g) => (g.share ?? 0) * n);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, i) => ({ i, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return counts;
}

/**
 * Fisher-Jenks natural breaks: splits values sorted descending into k contiguous classes minimising the
 * within-class sum of squared deviations. Returns the class (0 = highest) of each position.
 */
export function jenksClasses(sortedDesc: number[], k: number): number[] {
  const n = sortedDesc.length;
  if (n === 0) return [];
  k = Math.min(k, n);
  const pre = new Float64Array(n + 1);
  const pre2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    pre[i + 1] = pre[i]! + sortedDesc[i]!;
    pre2[i + 1] = pre2[i]! + sortedDesc[i]! * sortedDesc[i]!;
  }
  const ssd = (a: number, b: number) => {
    const m = b - a;
    const s = pre[b]! - pre[a]!;
    return pre2[b]! - pre2[a]! - (s * s) / m;
  };
  // cost[c][j]: best cost of the first j values in c + 1 classes.
  const cost: Float64Array[] = [];
  const cut: Int32Array[] = [];
  for (let c = 0; c < k; c++) {
    cost.push(new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY));
    cut.push(new Int32Array(n + 1));
  }
  for (let j = 1; j <= n; j++) cost[0]![j] = ssd(0, j);
  for (let c = 1; c < k; c++)
    for (let j = c + 1; j <= n; j++)
      for (let s = c; s < j; s++) {
        const v = cost[c - 1]![s]! + ssd(s, j);
        if (v < cost[c]![j]! - 1e-12) {
          cost[c]![j] = v;
          cut[c]![j] = s;
        }
      }
  const cls = new Array<number>(n).fill(0);
  let end = n;
  for (let c = k - 1; c >= 1; c--) {
    const s = cut[c]![end]!;
    for (let p = s; p < end; p++) cls[p] = c;
    end = s;
  }
  return cls;
}

/**
 * Grades units best first by quota, share, score thresholds or natural breaks. Ties at a boundary share the
 * better grade; a unit that fails a gate is held at the gate's grade or below, and under quotas its place
 * passes to the next unit. The log says which boundary moved and why a unit was held.
 */
export function grade(input: GradeInput): {
  grade: Array<string | null>;
  gradeIndex: Int32Array;
  log: GradeLog;
} {
  const { units, score, order, grading } = input;
  const gs = grading.grades;
  const n = units.length;
  const out = new Int32Array(n).fill(-1);
  const log: GradeLog = {
    counts: Object.fromEntries(gs.map((g) => [g.code, 0])),
    ties: [],
    gated: [],
    notes: [],
  };
  if (!gs.length) return { grade: new Array(n).fill(null), gradeIndex: out, log };
  const last = gs.length - 1;

  // The worst grade each unit may take (0: no gate holds it) and which gate set it; reasons are worded only
  // for the units a gate actually holds down (this runs inside the what-if search).
  const cap = new Int32Array(n);
  const capGate = new Int32Array(n).fill(-1);
  if (grading.gates.length)
    for (let i = 0; i < n; i++) {
      const held = gateCap(grading, input.availability?.[i], input.requiredMissing?.[i] === true);
      cap[i] = held.cap;
      capGate[i] = held.gate;
    }
  const capReason = (i: number) => {
    const gate = grading.gates[capGate[i]!]!;
    const a = input.availability?.[i];
    const reasons: string[] = [];
    if (failsAvailability(gate, a))
      reasons.push(
        `data availability ${(a! * 100).toFixed(0)}% is below ${(gate.minAvailability! * 100).toFixed(0)}%`,
      );
    if (gate.required && input.requiredMissing?.[i]) reasons.push('a required indicator is missing');
    return `${reasons.join(' and ')}: at most ${gate.maxGrade}`;
  };
  /** The first grade from `from` with a place left, or the last grade. */
  const open = (places: number[], from: number) => {
    for (let k = from; k <= last; k++) if (places[k]! > 0) return k;
    return last;
  };

  const scored = order.filter((i) => score[i] === score[i]);
  const tied = (a: number, b: number) =>
    Math.abs(score[a]! - score[b]!) <= TIE_EPSILON * Math.max(1, Math.abs(score[a]!));

  // The grade each unit earns by the rule alone, ignoring gates (used to report what a gate took away).
  let earned: number[];
  if (grading.method === 'quota' || grading.method === 'share') {
    const counts = gradeCounts(grading, scored.length);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total < scored.length)
      log.notes.push(
        `the quotas cover ${total} of ${scored.length} units: the rest take the last grade, ${gs[last]!.code}`,
      );
    else if (total > scored.length)
      log.notes.push(
        `only ${scored.length} units have a score, fewer than the ${total} places of the quotas: grades are filled best first${scored.length < n ? `, and the ${n - scored.length} units without a score are not graded` : ''}`,
      );
    const remaining = [...counts];
    const plain = [...counts];
    earned = [];
    let prevPlain = -1;
    // The block of units tied with each other, and the grades given in it so far (with the first unit given
    // each): a tied unit shares the best of them its own gate allows, even past a gated unit in between.
    let prev = -1;
    const inBlock = new Int32Array(gs.length).fill(-1);
    for (const i of scored) {
      const tiedPrev = prev >= 0 && tied(prev, i);
      if (!tiedPrev) inBlock.fill(-1);
      let gp = open(plain, 0);
      plain[gp]!--;
      if (tiedPrev && prevPlain < gp) gp = prevPlain;
      earned.push(gp);
      prevPlain = gp;

      let g = open(remaining, cap[i]!);
      remaining[g]!--;
      let shared = cap[i]!;
      while (shared < g && inBlock[shared]! < 0) shared++;
      if (shared < g) {
        log.ties.push({
          unit: units[i]!,
          grade: gs[shared]!.code,
          tiedWith: units[inBlock[shared]!]!,
          boundary: `${gs[shared]!.code}/${gs[g]!.code}`,
          score: score[i]!,
        });
        g = shared;
      }
      out[i] = g;
      if (inBlock[g]! < 0) inBlock[g] = i;
      prev = i;
    }
  } else {
    if (grading.method === 'thresholds') {
      earned = scored.map((i) => {
        const g = gs.findIndex(
          (gr, k) => k === last || score[i]! >= (gr.minScore ?? Number.POSITIVE_INFINITY),
        );
        return g < 0 ? last : g;
      });
    } else {
      earned = jenksClasses(
        scored.map((i) => score[i]!),
        gs.length,
      );
      for (let p = 1; p < scored.length; p++)
        if (earned[p]! > earned[p - 1]! && tied(scored[p - 1]!, scored[p]!)) {
          log.ties.push({
            unit: units[scored[p]!]!,
            grade: gs[earned[p - 1]!]!.code,
            tiedWith: units[scored[p - 1]!]!,
            boundary: `${gs[earned[p - 1]!]!.code}/${gs[earned[p]!]!.code}`,
            score: score[scored[p]!]!,
          });
          earned[p] = earned[p - 1]!;
        }
    }
    scored.forEach((i, p) => (out[i] = Math.max(earned[p]!, cap[i]!)));
  }
  scored.forEach((i, p) => {
    const e = earned[p]!;
    if (cap[i]! > e)
      log.gated.push({
        unit: units[i]!,
        earned: gs[e]!.code,
        grade: gs[out[i]!]!.code,
        reason: capReason(i),
      });
  });
  const tally = new Int32Array(gs.length);
  const codes = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const g = out[i]!;
    if (g >= 0) tally[g]!++;
    codes[i] = g >= 0 ? gs[g]!.code : null;
  }
  gs.forEach((g, k) => (log.counts[g.code] = tally[k]!));
  return { grade: codes, gradeIndex: out, log };
}
