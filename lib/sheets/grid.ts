/**
 * A tab's cells as the pure readers see them: rows from row 1 of the tab, each a list of cells in the shape of the
 * Sheets API's `CellData` as core's value parser reads it. The Google adapter fills it from `spreadsheets.get`; tests
 * build it by hand.
 */
import { cellFromSheets, type SheetsCellData } from '../core/values';
import type { RawCell } from '../pipeline/ports';

export type GridCell = SheetsCellData;

export type TabGrid = {
  title: string;
  tabId: number;
  rowCount: number;
  columnCount: number;
  /** Row 0 is the tab's first row; rows past the last non-empty one may be left out. */
  rows: ReadonlyArray<ReadonlyArray<GridCell> | undefined>;
};

/** The text a cell shows, trimmed; null when it shows nothing. */
export function cellText(c: GridCell | undefined): string | null {
  if (c === undefined) return null;
  const ev = c.effectiveValue;
  const raw =
    c.formattedValue ??
    ev?.stringValue ??
    (typeof ev?.numberValue === 'number' ? String(ev.numberValue) : undefined) ??
    (typeof ev?.boolValue === 'boolean' ? String(ev.boolValue).toUpperCase() : undefined);
  if (raw === undefined || raw === null) return null;
  const t = raw.trim();
  return t === '' ? null : t;
}

/** The cell's value for a control field: a number, a boolean, trimmed text, or null when blank. */
export function cellScalar(c: GridCell | undefined): number | string | boolean | null {
  const ev = c?.effectiveValue;
  if (ev === undefined || ev === null) return null;
  if (typeof ev.numberValue === 'number') return ev.numberValue;
  if (typeof ev.boolValue === 'boolean') return ev.boolValue;
  if (ev.errorValue) return cellText(c);
  if (typeof ev.stringValue === 'string') {
    const t = ev.stringValue.trim();
    return t === '' ? null : t;
  }
  return null;
}

/** Whether the cell holds nothing (no value, no error, no displayed text). */
export function isBlankCell(c: GridCell | undefined): boolean {
  if (c === undefined) return true;
  const ev = c.effectiveValue;
  if (ev !== undefined && ev !== null) {
    if (typeof ev.numberValue === 'number' || typeof ev.boolValue === 'boolean' || ev.errorValue)
      return false;
    if (typeof ev.stringValue === 'string' && ev.stringValue.trim() !== '') return false;
  }
  return c.formattedValue === undefined || c.formattedValue === null || c.formattedValue.trim() === '';
}

/** Whether every cell of the row is blank. */
export function isBlankRow(row: ReadonlyArray<GridCell> | undefined): boolean {
  if (row === undefined) return true;
  for (const c of row) if (!isBlankCell(c)) return false;
  return true;
}

/** The cell as the port reports it: value, displayed text, format type, error. */
export function rawCell(c: GridCell | undefined): RawCell {
  if (c === undefined) return { value: null, text: null, formatType: null, error: null };
  const s = cellFromSheets(c);
  return {
    value: s.value ?? null,
    text: s.text ?? null,
    formatType: s.formatType ?? null,
    error: s.error ?? null,
  };
}

/** The texts of one row, for header matching. */
export function rowTexts(row: ReadonlyArray<GridCell> | undefined): (string | null)[] {
  return row === undefined ? [] : row.map(cellText);
}
