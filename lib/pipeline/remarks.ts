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

/** Length in code points, as a person counts characters (an emoji is one, not two UTF-16 units). */
const codePoints = (s: string) => s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);

/** The longest start of `s` of at most `max` code points (never half a pair) that fits in `budget` bytes. */
function start(s: string, max: number, budget: number): { text: string; chars: number; bytes: number } {
  let used = 0;
  let n = 0;
  let end = 0;
  for (const ch of s) {
    const b = bytes(ch);
    if (n === max || used + b > budget) break;
    used += b;
    n++;
    end += ch.length;
  }
  return { text: s.slice(0, end), chars: n, bytes: used };
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
    const length = codePoints(row.note);
    const kept = start(row.note, MAX_REMARK_CHARS, left);
    left -= kept.bytes;
    if (kept.chars === length) {
      byCode.set(row.code, { remark: kept.text });
      continue;
    }
    byCode.set(row.code, { remark: kept.text, remarkLength: length });
    const why =
      kept.chars === MAX_REMARK_CHARS
        ? `a note keeps at most ${thousands(MAX_REMARK_CHARS)} characters`
        : `the form's notes together keep at most ${thousands(MAX_REMARKS_BYTES / 1000)} KB (about ${thousands(MAX_REMARKS_BYTES / 3)} Chinese characters), and the notes above it used the rest`;
    problems.push({
      kind: 'long-note',
      severity: 'warning',
      at: row.noteA1 ?? row.a1,
      code: row.code,
      message: `The note of ${row.code} is ${thousands(length)} characters long and only its first ${thousands(kept.chars)} are kept: ${why}. The value itself is read as usual; shorten the note, or send the full text to the evaluation team.`,
    });
  }
  return { byCode, problems };
}
