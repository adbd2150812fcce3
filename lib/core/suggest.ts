/**
 * The closest known name to a mistyped one, for "did you mean" hints on methodology keys, sheet columns,
 * Settings keys and CLI options.
 *
 * Hand-written rather than a package: none of the well-kept edit-distance packages (fastest-levenshtein,
 * leven, didyoumean2) is installed and dependencies are fixed for this project; the optimal string alignment
 * distance below is twenty lines and counts an adjacent transposition (`wieght`, `requried`, `fromat`) as one
 * edit, which plain Levenshtein counts as two.
 */

/**
 * Optimal string alignment distance (restricted Damerau-Levenshtein): insertions, deletions, substitutions
 * and transpositions of adjacent characters, each costing one.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `input`, or null when none is close enough to be a plausible typo.
 * Case is ignored (`Direction` finds `direction`). A name is close enough when at most a third of its
 * characters differ (at least one edit allowed), so `normalize` finds `normalise` but `colour` finds
 * nothing among `weight`, `direction`. Ties go to the name listed first.
 *
 * @example closest('wieght', ['id', 'weight', 'direction']) // 'weight'
 */
export function closest(input: string, known: readonly string[]): string | null {
  const needle = input.trim().toLowerCase();
  if (needle === '') return null;
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const d = editDistance(needle, name.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(needle.length, name.length) / 3));
    if (d <= limit && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * A hint to append to a refusal: ' (did you mean `x`?)', or '' when no known name is close.
 *
 * @example `unknown key \`directon\`${didYouMean('directon', keys)}` // "unknown key `directon` (did you mean `direction`?)"
 */
export function didYouMean(input: string, known: readonly string[]): string {
  const name = closest(input, known);
  return name === null ? '' : ` (did you mean \`${name}\`?)`;
}
