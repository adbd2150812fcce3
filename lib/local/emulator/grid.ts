/** Operations on the cells of a spreadsheet: lookup, write, clear, recalculation, copying. */
import { type Grid, quoteSheet } from './a1';
import type { Cell, ExtendedValue } from './cells';
import { invalid } from './errors';
import { evaluate, FormulaError } from './formula';
import type { Sheet, Spreadsheet } from './model';

export function grids(ss: Spreadsheet): Grid[] {
  return ordered(ss)
    .filter((s) => !s.properties.hidden)
    .concat(ordered(ss).filter((s) => s.properties.hidden))
    .map((s) => ({
      title: s.properties.title,
      rowCount: s.properties.gridProperties.rowCount,
      columnCount: s.properties.gridProperties.columnCount,
    }));
}

export function ordered(ss: Spreadsheet): Sheet[] {
  return [...ss.sheets].sort((a, b) => a.properties.index - b.properties.index);
}

export function sheetByTitle(ss: Spreadsheet, title: string): Sheet {
  const s = ss.sheets.find((x) => x.properties.title === title);
  if (!s) throw invalid(`Unable to parse range: ${quoteSheet(title)}`);
  return s;
}

export function sheetById(ss: Spreadsheet, sheetId: number | undefined): Sheet {
  const s = ss.sheets.find((x) => x.properties.sheetId === (sheetId ?? 0));
  if (!s) throw invalid(`No grid with id: ${sheetId ?? 0}`);
  return s;
}

export function cellAt(sheet: Sheet, row: number, col: number): Cell | undefined {
  return sheet.rows[row]?.[col];
}

/** The cell to modify, created when absent. */
export function cellFor(sheet: Sheet, row: number, col: number): Cell {
  let r = sheet.rows[row];
  if (!r) {
    r = [];
    sheet.rows[row] = r;
  }
  let c = r[col];
  if (!c) {
    c = {};
    r[col] = c;
  }
  return c;
}

export function isEmptyCell(c: Cell | undefined): boolean {
  return !c || (!c.uv && !c.ev && !c.fmt && !c.dataValidation && c.note === undefined);
}

/** Google's limit on the text of one cell, a formula's included. */
export const MAX_CELL_CHARACTERS = 50_000;

/**
 * Sets (or with undefined, clears) the entered value; effective values of formulas are set by recalc. Text or a
 * formula longer than Google's limit is refused as Sheets refuses it (400, the whole request unapplied).
 */
export function setValue(cell: Cell, value: ExtendedValue | undefined): void {
  if (!value) {
    delete cell.uv;
    delete cell.ev;
    return;
  }
  const text = 'stringValue' in value ? value.stringValue : 'formulaValue' in value ? value.formulaValue : '';
  if (text.length > MAX_CELL_CHARACTERS)
    throw invalid(
      `Your input contains more than the maximum of ${MAX_CELL_CHARACTERS} characters in a single cell.`,
    );
  cell.uv = value;
  if ('formulaValue' in value) cell.ev = { errorValue: { type: 'ERROR', message: 'Not yet calculated.' } };
  else cell.ev = value;
}

/** Drops cells beyond the grid, as Sheets does when a sheet shrinks. */
export function truncate(sheet: Sheet): void {
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  sheet.rows.length = Math.min(sheet.rows.length, rowCount);
  for (const r of sheet.rows) if (r && r.length > columnCount) r.length = columnCount;
}

/** Recomputes every formula's effective value, following references across sheets, with cycle detection. */
export function recalc(ss: Spreadsheet): void {
  const done = new Map<Cell, ExtendedValue>();
  const active = new Set<Cell>();
  const byTitle = new Map(ss.sheets.map((s) => [s.properties.title.toLowerCase(), s]));
  const compute = (sheet: Sheet, cell: Cell): ExtendedValue | undefined => {
    const uv = cell.uv;
    if (!uv || !('formulaValue' in uv)) return cell.ev;
    const known = done.get(cell);
    if (known) return known;
    if (active.has(cell)) {
      return { errorValue: { type: 'REF', message: 'Circular dependency detected.' } };
    }
    active.add(cell);
    const value = evaluate(uv.formulaValue, (title, row, col) => {
      const target = title === undefined ? sheet : byTitle.get(title.toLowerCase());
      if (!target) throw new FormulaError('REF', `Unresolved sheet name '${title}'.`);
      const c = cellAt(target, row, col);
      return c ? compute(target, c) : undefined;
    });
    active.delete(cell);
    done.set(cell, value);
    cell.ev = value;
    return value;
  };
  for (const sheet of ss.sheets) {
    for (const row of sheet.rows) {
      if (!row) continue;
      for (const cell of row) if (cell?.uv && 'formulaValue' in cell.uv) compute(sheet, cell);
    }
  }
}

/**
 * A deep copy of a spreadsheet: every write applies its change to one, so that a refused request leaves the file as
 * it was. The model is plain JSON data (the store saves it as JSON): objects, arrays (with holes for the rows and
 * cells never written), strings, numbers, booleans and null. A walk over it copies a zone's form (about 150 KB of
 * JSON) some ten times faster than structuredClone, whose serialisation was the emulator's largest cost under the
 * load suite, at every person's edit, read's feedback and publish.
 */
export function cloneSpreadsheet(ss: Spreadsheet): Spreadsheet {
  return copyJson(ss);
}

function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copyJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copyJson((value as Record<string, unknown>)[key]);
    // A key named __proto__ (a name someone typed) is data: assigning it would set the copy's prototype instead.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
