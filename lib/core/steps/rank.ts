/** Tolerance under which two scores are the same score: floating-point noise must not break a tie. */
export const TIE_EPSILON = 1e-9;

/** Units ordered best first (higher score first, missing last; equal scores keep the input order). */
export function orderByScore(score: Float64Array): number[] {
  const idx = Array.from(score.keys());
  idx.sort((a, b) => {
    const x = score[a]!;
    const y = score[b]!;
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return y - x || a - b;
  });
  return idx;
}

/** Competition ranks: ties share the best rank (1, 2, 2, 4); a missing score has rank NaN. */
export function rank(score: Float64Array): { rank: Float64Array; order: number[] } {
  const order = orderByScore(score);
  const out = new Float64Array(score.length).fill(Number.NaN);
  for (let p = 0; p < order.length; p++) {
    const i = order[p]!;
    const s = score[i]!;
    if (s !== s) break;
    const prev = p > 0 ? order[p - 1]! : -1;
    out[i] =
      prev >= 0 && Math.abs(score[prev]! - s) <= TIE_EPSILON * Math.max(1, Math.abs(s)) ? out[prev]! : p + 1;
  }
  return { rank: out, order };
}
