/**
 * Header-driven tables: a tab's columns are found by their header text, not their position, so a person may
 * reorder columns or write `Zone ID` for `zone_id`. Headers match case-, width- and space-insensitively (`_`, `-`,
 * `.` and brackets count as spaces), in English or Chinese, and a header holding both (`Value 数值`) matches either
 * part. A header naming no column is never passed over in silence: each tab's reader reports it, naming the
 * closest known column (`suggestColumn`), and refuses it where a misspelling would drop data (the control sheet's
 * tabs, a form's `Vlaue`); a form's column of a person's own notes is kept on the sheet, reported once as not
 * scored. A header given twice is an error: neither copy is taken over the other.
 */
import { closest } from '../core/suggest';

/** One column of a tab's contract: its key, the header written on provisioning, and what else is accepted. */
export type ColumnSpec = {
  key: string;
  /** The header written when the tab is created. */
  header: string;
  /** The Chinese name, written in the header cell's note and accepted as a header. */
  zh: string;
  required?: boolean;
  /** Other spellings accepted (normalised before comparing). */
  aliases?: readonly string[];
  /** One line for the header's note: what goes in the column. */
  help?: string;
};

const IGNORED = /[\s_\-.()（）[\]【】:：/\\'"“”‘’*#]+/g;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** A header or code as compared: NFKC (full-width to ASCII), lower case, no spaces or punctuation. */
export function normaliseHeader(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(IGNORED, '');
}

/** The header cell's candidate keys: the whole text, its Latin part and its Chinese part. */
function candidates(text: string): string[] {
  const whole = normaliseHeader(text);
  const latin = whole.replace(CJK, '');
  const zh = (whole.match(CJK) ?? []).join('');
  return [...new Set([whole, latin, zh].filter((s) => s !== ''))];
}

/** A lookup from normalised header spellings to column keys. */
export function headerIndex(columns: readonly ColumnSpec[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const c of columns) {
    for (const name of [c.key, c.header, c.zh, ...(c.aliases ?? [])]) {
      const n = normaliseHeader(name);
      if (n !== '' && !index.has(n)) index.set(n, c.key);
    }
  }
  return index;
}

export type HeaderMatch = {
  /** Column key to its 0-based column index (the first such column when a header is repeated). */
  columns: Map<string, number>;
  /** Header cells that name no column of the contract. */
  unknown: { col: number; text: string }[];
  /** Repeats of a known header after its first column. */
  repeated: { col: number; key: string; first: number; text: string }[];
  /** Required columns absent from the row. */
  missing: ColumnSpec[];
};

/** Matches one row of header cells (null for an empty cell) to the columns of a contract. */
export function matchHeaders(
  cells: readonly (string | null)[],
  columns: readonly ColumnSpec[],
  index: Map<string, string> = headerIndex(columns),
): HeaderMatch {
  const found = new Map<string, number>();
  const unknown: HeaderMatch['unknown'] = [];
  const repeated: HeaderMatch['repeated'] = [];
  cells.forEach((text, col) => {
    if (text === null || text.trim() === '') return;
    let key: string | undefined;
    for (const c of candidates(text)) {
      key = index.get(c);
      if (key !== undefined) break;
    }
    if (key === undefined) unknown.push({ col, text: text.trim() });
    else {
      const first = found.get(key);
      if (first === undefined) found.set(key, col);
      else repeated.push({ col, key, first, text: text.trim() });
    }
  });
  const missing = columns.filter((c) => c.required && !found.has(c.key));
  return { columns: found, unknown, repeated, missing };
}

/**
 * Finds the header row among the first `scan` rows: the row matching the most columns, preferring one with a
 * required column (rows above it may hold a title or the zone). A row naming two or more columns but no required
 * one still counts, so that a deleted `Code` header is reported as a missing column. Returns -1 when no row
 * qualifies.
 */
export function findHeaderRow(
  rows: readonly (readonly (string | null)[])[],
  columns: readonly ColumnSpec[],
  scan = 20,
): number {
  const index = headerIndex(columns);
  const required = new Set(columns.filter((c) => c.required).map((c) => c.key));
  let best = -1;
  let bestScore = 0;
  for (let r = 0; r < Math.min(scan, rows.length); r++) {
    const m = matchHeaders(rows[r] ?? [], columns, index);
    let hasRequired = false;
    for (const k of m.columns.keys()) if (required.has(k)) hasRequired = true;
    if (!hasRequired && m.columns.size < 2) continue;
    const score = m.columns.size + (hasRequired ? columns.length : 0);
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The column a header that matched nothing was probably meant to be (`Vlaue` finds `Value`), or null when no
 * spelling of any column is close. Compared as headers are (`normaliseHeader`), against every accepted spelling.
 *
 * @example suggestColumn('Vlaue', FORM_COLUMNS)?.header // 'Value'
 */
export function suggestColumn(text: string, columns: readonly ColumnSpec[]): ColumnSpec | null {
  const spellings = new Map<string, ColumnSpec>();
  for (const c of columns)
    for (const name of [c.key, c.header, c.zh, ...(c.aliases ?? [])]) {
      const n = normaliseHeader(name);
      if (n !== '' && !spellings.has(n)) spellings.set(n, c);
    }
  const near = closest(normaliseHeader(text), [...spellings.keys()]);
  return near === null ? null : (spellings.get(near) ?? null);
}
