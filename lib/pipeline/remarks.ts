/**
 * The officials' remarks: what they type in the form's Note column, kept with the value they explain (the
 * `remark` of a SubmittedValue), so that the evaluation team sees it beside the value in `zone-eval history` and
 * `zone-eval trace`. A remark is a person's text: stored verbatim as a string and never evaluated (a Note that
 * reads `=HYPERLINK(...)` or `<script>` is kept as those characters).
 *
 * Bounds. Sheets lets a cell hold 50,000 characters, and a form has one Note per indicator, but a revision and the
 * current values are each one DynamoDB item of at most 400 KB: 45 notes of 50,000 characters would be 2.25 MB
 * (three times more in Chinese, in UTF-8). Refusing the form for a long note would hold back values that are
 * fine, so a long note is cut instead, and the Feedback tab says so (kind `long-note`) with the length typed and
 * the length kept; the stored value keeps the full length (`remarkLength`), so history says it was cut.
 */
import type { FormRead, SheetProblem } from './ports';

/** Characters kept of one remark: a remark explains a value; a longer text belongs in a document sent aside. */
export const MAX_REMARK_CHARS = 2_000;

/**
 * UTF-8 bytes kept of all a form's remarks together: a quarter of an item, so that the values, their typed text
 * and the revision's own fields keep the rest (a test holds a full form of the longest remarks to the limit).
 */
export const MAX_REMARKS_BYTES = 100_000;

export type Remark = { remark: string; remarkLength?: number };

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const thousands = (n: number) => n.toLocaleString('en-US');

/** The longest start of `chars` (code points, never half a surrogate pair) that fits in `budget` bytes. */
function fitBytes(chars: string[], budget: number): string[] {
  let used = 0;
  let n = 0;
  for (const ch of chars) {
    const b = bytes(ch);
    if (used + b > budget) break;
    used += b;
    n++;
  }
  return chars.slice(0, n);
}

/**
 * The remark of every indicator read from the form, in form order, bounded (`MAX_REMARK_CHARS` each,
 * `MAX_REMARKS_BYTES` together), and a `long-note` warning for each remark cut. Rows not read as the zone's value
 * (an unknown code, a repeated indicator, an indicator of another source) have their own problem on the Feedback.
 */
export function remarksOf(read: FormRead): { byCode: Map<string, Remark>; problems: SheetProblem[] } {
  const byCode = new Map<string, Remark>();
  const problems: SheetProblem[] = [];
  let left = MAX_REMARKS_BYTES;
  for (const row of read.rows) {
    if (row.status !== 'read' || row.note === undefined) continue;
    // Code points, as a person counts characters: a cut never leaves half of a character.
    const chars = Array.from(row.note);
    const kept = fitBytes(chars.slice(0, MAX_REMARK_CHARS), left);
    const remark = kept.join('');
    left -= bytes(remark);
    if (kept.length === chars.length) {
      byCode.set(row.code, { remark });
      continue;
    }
    byCode.set(row.code, { remark, remarkLength: chars.length });
    const why =
      kept.length === Math.min(chars.length, MAX_REMARK_CHARS)
        ? `a note keeps at most ${thousands(MAX_REMARK_CHARS)} characters`
        : `the form's notes together keep at most ${thousands(MAX_REMARKS_BYTES / 1000)} KB (about ${thousands(MAX_REMARKS_BYTES / 3)} Chinese characters), and the notes above it used the rest`;
    problems.push({
      kind: 'long-note',
      severity: 'warning',
      at: row.noteA1 ?? row.a1,
      code: row.code,
      message: `The note of ${row.code} is ${thousands(chars.length)} characters long and only its first ${thousands(kept.length)} are kept: ${why}. The value itself is read as usual; shorten the note, or send the full text to the evaluation team.`,
    });
  }
  return { byCode, problems };
}
