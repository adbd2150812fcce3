/**
 * A1 notation as the Sheets API reads it (Sheets API guide "A1 notation"): `Sheet1!A1:B2`, `Sheet1!A:A`,
 * `Sheet1!1:2`, `Sheet1!A5:A` (open end), `A1:B2` (first visible sheet), `Sheet1` (the whole sheet),
 * `'My Custom Sheet'!A:A` (quoted, with `''` for a quote inside). Indexes are zero-based, ends exclusive,
 * `undefined` for an open end.
 */
import { columnLetters } from '../../sheets/a1';
import { invalid, unableToParseRange } from './errors';

export type CellRect = {
  startRow: number;
  endRow: number | undefined;
  startCol: number;
  endCol: number | undefined;
  /**
   * Written as one cell without a colon (`A5`): a write grows from it. `A5:A5` is a range of one cell and bounds the
   * write ("Requested writing within range [Form!A5:A5], but tried writing to column [B]").
   */
  anchor?: true;
};

export type ParsedA1 = { sheet: string | undefined; rect: CellRect | undefined };

export type Grid = { title: string; rowCount: number; columnCount: number };

/** A range bound to a sheet, open ends kept (for append and clear) and clamped (for reads). */
export type BoundRange = { sheet: string; rect: CellRect; closed: { endRow: number; endCol: number } };

const CELL = /^\$?([A-Za-z]{0,3})\$?(\d*)$/;

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

// One column-letters function for the project: the adapter's, which names cells in feedback the same way.
export { columnLetters };

type Ref = { col: number | undefined; row: number | undefined };

function parseRef(text: string): Ref | undefined {
  const m = CELL.exec(text);
  if (!m) return undefined;
  const [, letters = '', digits = ''] = m;
  if (!letters && !digits) return undefined;
  const row = digits ? Number(digits) - 1 : undefined;
  if (row !== undefined && row < 0) return undefined;
  return { col: letters ? columnIndex(letters) : undefined, row };
}

/** The cell part alone (`A1`, `A1:B2`, `A:A`, `1:2`, `A5:A`), or undefined when it is not A1 notation. */
export function parseCells(text: string): CellRect | undefined {
  const parts = text.split(':');
  if (parts.length > 2) return undefined;
  const a = parseRef(parts[0]!);
  if (!a) return undefined;
  if (parts.length === 1) {
    if (a.col === undefined || a.row === undefined) return undefined;
    return { startRow: a.row, endRow: a.row + 1, startCol: a.col, endCol: a.col + 1, anchor: true };
  }
  const b = parseRef(parts[1]!);
  if (!b) return undefined;
  // `1:2` names whole rows and `A:B` whole columns; `A5:A` keeps the row of its start and leaves the end open.
  const rows = [a.row, b.row];
  const cols = [a.col, b.col];
  if (cols[0] === undefined && cols[1] !== undefined) return undefined;
  if (rows[0] === undefined && rows[1] !== undefined && cols[0] === undefined) return undefined;
  const [r0, r1] = order(a.row, b.row);
  const [c0, c1] = order(a.col, b.col);
  return {
    startRow: r0 ?? 0,
    endRow: r1 === undefined ? undefined : r1 + 1,
    startCol: c0 ?? 0,
    endCol: c1 === undefined ? undefined : c1 + 1,
  };
}

function order(x: number | undefined, y: number | undefined): [number | undefined, number | undefined] {
  if (x === undefined) return [undefined, y];
  if (y === undefined) return [x, undefined];
  return x <= y ? [x, y] : [y, x];
}

/** Splits `'Name'!cells` or `Name!cells` or `cells` or `Name`. */
export function parseA1(range: string): ParsedA1 {
  const text = range.trim();
  if (!text) throw unableToParseRange(range);
  if (text.startsWith("'")) {
    let i = 1;
    let name = '';
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "'") {
        if (text[i + 1] === "'") {
          name += "'";
          i++;
          continue;
        }
        break;
      }
      name += ch;
    }
    if (i >= text.length) throw unableToParseRange(range);
    const rest = text.slice(i + 1);
    if (rest === '') return { sheet: name, rect: undefined };
    if (!rest.startsWith('!')) throw unableToParseRange(range);
    const rect = parseCells(rest.slice(1));
    if (!rect) throw unableToParseRange(range);
    return { sheet: name, rect };
  }
  const bang = text.lastIndexOf('!');
  if (bang >= 0) {
    const rect = parseCells(text.slice(bang + 1));
    if (!rect || bang === 0) throw unableToParseRange(range);
    return { sheet: text.slice(0, bang), rect };
  }
  const rect = parseCells(text);
  // A bare word that is not A1 notation names a sheet (the guide's `Sheet1`).
  return rect ? { sheet: undefined, rect } : { sheet: text, rect: undefined };
}

/** Quotes a sheet title the way Google echoes it: bare when it is a plain word, else in single quotes. */
export function quoteSheet(title: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !parseCells(title)) return title;
  return `'${title.replaceAll("'", "''")}'`;
}

/** `Sheet1!A1:B2`, or `Sheet1!A1` for one cell. */
export function formatRange(title: string, r0: number, c0: number, r1: number, c1: number): string {
  const a = `${columnLetters(c0)}${r0 + 1}`;
  const b = `${columnLetters(c1 - 1)}${r1}`;
  return `${quoteSheet(title)}!${r1 - r0 === 1 && c1 - c0 === 1 ? a : `${a}:${b}`}`;
}

/**
 * Binds a parsed range to a sheet of the spreadsheet and checks it against the grid. `sheets` is in tab order;
 * a range without a sheet name refers to the first visible sheet.
 */
export function bindRange(range: string, sheets: Grid[], check: 'read' | 'write' = 'read'): BoundRange {
  const parsed = parseA1(range);
  let grid: Grid | undefined;
  if (parsed.sheet === undefined) grid = sheets[0];
  else {
    grid = sheets.find((s) => s.title === parsed.sheet);
    grid ??= sheets.find((s) => s.title.toLowerCase() === parsed.sheet!.toLowerCase());
  }
  if (!grid) throw unableToParseRange(range);
  const rect = parsed.rect ?? { startRow: 0, endRow: undefined, startCol: 0, endCol: undefined };
  const endRow = rect.endRow ?? grid.rowCount;
  const endCol = rect.endCol ?? grid.columnCount;
  const beyond =
    check === 'read'
      ? rect.startRow >= grid.rowCount ||
        rect.startCol >= grid.columnCount ||
        endRow > grid.rowCount ||
        endCol > grid.columnCount
      : false;
  if (beyond) throw exceedsGrid(grid, rect);
  return { sheet: grid.title, rect, closed: { endRow, endCol } };
}

/** Google's wording when a range reaches past the sheet's rows or columns. */
export function exceedsGrid(grid: Grid, rect: CellRect) {
  const r1 = rect.endRow ?? Math.max(grid.rowCount, rect.startRow + 1);
  const c1 = rect.endCol ?? Math.max(grid.columnCount, rect.startCol + 1);
  const shown = formatRange(grid.title, rect.startRow, rect.startCol, r1, c1);
  return invalid(
    `Range (${shown}) exceeds grid limits. Max rows: ${grid.rowCount}, max columns: ${grid.columnCount}`,
  );
}
