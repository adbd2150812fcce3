/**
 * The sentences of a scoring run that a person must read to trust the ranking: what the engine's log records
 * beside the numbers. The log's convention marks what is written for a person: an entry's `note` text, or a
 * step's `notes` list; those are passed on as they are, from every step, including steps added later. The
 * structured entries (units screened out, missing denominators, imputed values, values not reported and how
 * they were scored, treated outliers, grade ties and gates) are worded here. Printed under the table, or as
 * `"notes"` in JSON, or on stderr beside CSV, by `score` and (for both methodologies) by `preview`.
 */
import type { CompiledMethodology } from '../core/methodology';
import type { ScoreResult } from '../core/score';

const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

/** Lists at most `max` names, then how many more. */
function names(list: string[], max = 8): string {
  return list.length <= max
    ? list.join(', ')
    : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

export function resultNotes(m: CompiledMethodology, r: ScoreResult, ignoredColumns: string[] = []): string[] {
  const notes: string[] = [];
  const log = r.log;
  if (ignoredColumns.length)
    notes.push(`columns the methodology does not use, left out: ${names(ignoredColumns)}`);
  for (const s of log.screen)
    notes.push(
      `excluded ${s.unit}: data availability ${pct(s.availability)} is below the screen's ${pct(m.spec.screen.minAvailability)}`,
    );
  for (const d of log.denominate)
    if (d.missingDenominator.length)
      notes.push(
        `${d.indicator}: the denominator ${d.denominator} is missing or zero for ${names(d.missingDenominator)}, so their ${d.indicator} is missing`,
      );
  if (log.impute.length) {
    const per = new Map<string, number>();
    for (const e of log.impute) per.set(e.indicator, (per.get(e.indicator) ?? 0) + 1);
    notes.push(
      `${log.impute.length} missing value${log.impute.length === 1 ? '' : 's'} imputed (${m.spec.impute.method}): ${names(
        [...per].map(([code, n]) => `${code} ${n}`),
      )}`,
    );
  }
  for (const e of log.missing)
    notes.push(
      `${e.indicator}: not reported by ${names(e.units)}: scored ${
        e.scoredAs === 'bound'
          ? `as the indicator's declared bound on its worse side, ${Number(e.value.toPrecision(6))}`
          : `at the bottom of the normalised range, ${Number(e.value.toPrecision(6))}`
      }`,
    );
  const treated = log.treat
    .filter((t) => t.action !== 'none')
    .map((t) =>
      t.action === 'winsorised'
        ? `${t.indicator} (${t.points.length} point${t.points.length === 1 ? '' : 's'} winsorised)`
        : t.action === 'log'
          ? `${t.indicator} (log transform)`
          : `${t.indicator} (Box-Cox${t.lambda !== undefined ? `, lambda ${Number(t.lambda.toPrecision(3))}` : ''})`,
    );
  if (treated.length) notes.push(`outliers treated: ${treated.join(', ')}`);
  for (const step of Object.values(log)) notes.push(...written(step));
  if (log.grade) {
    for (const t of log.grade.ties)
      notes.push(
        `tie at the ${t.boundary} boundary: ${t.unit} shares grade ${t.grade} with ${t.tiedWith} (score ${t.score.toFixed(2)})`,
      );
    for (const g of log.grade.gated)
      notes.push(
        `${g.unit} held at ${g.grade}${g.earned !== null && g.earned !== g.grade ? ` (its score earned ${g.earned})` : ''}: ${g.reason}`,
      );
  }
  return notes;
}

/** The notes as printed under a table: a blank line, `notes:`, then one `- ` line each; '' when there are none. */
export function notesBlock(notes: readonly string[]): string {
  return notes.length ? `\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}` : '';
}

/**
 * The notes of two runs compared (a draft beside the methodology in force), each said once: a note both runs
 * hold begins "both: ", the others "draft: " or "in force: ", the draft's first.
 */
export function comparisonNotes(draft: readonly string[], inForce: readonly string[]): string[] {
  const inBoth = new Set(draft.filter((n) => inForce.includes(n)));
  return [
    ...draft.map((n) => (inBoth.has(n) ? `both: ${n}` : `draft: ${n}`)),
    ...inForce.filter((n) => !inBoth.has(n)).map((n) => `in force: ${n}`),
  ];
}

/** The texts a step's log holds for a person: each entry's `note` (after what it is about), or its `notes`. */
function written(step: unknown): string[] {
  if (Array.isArray(step))
    return step.flatMap((e: unknown) => {
      if (typeof e !== 'object' || e === null || !('note' in e) || typeof e.note !== 'string') return [];
      const about =
        'indicator' in e && typeof e.indicator === 'string'
          ? e.indicator
          : 'node' in e && typeof e.node === 'string'
            ? e.node
            : 'unit' in e && typeof e.unit === 'string'
              ? e.unit
              : undefined;
      return [about ? `${about}: ${e.note}` : e.note];
    });
  if (typeof step === 'object' && step !== null && 'notes' in step && Array.isArray(step.notes))
    return step.notes.filter((n: unknown): n is string => typeof n === 'string');
  return [];
}
