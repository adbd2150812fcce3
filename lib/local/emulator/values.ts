/**
 * The spreadsheets.values semantics, on a spreadsheet in memory (Sheets API: spreadsheets.values, ValueRange).
 * Reads drop trailing empty rows and cells and omit `values` when nothing is left; `range` echoes the request with
 * open ends clamped to the grid. Writes take ROWS or COLUMNS, skip nulls, clear on "".
 */
import { type BoundRange, bindRange, type CellRect, columnLetters, exceedsGrid, formatRange } from './a1';
import {
  type Cell,
  numberFormatOf,
  type Parsed,
  parseRaw,
  parseUserEntered,
  type RenderOption,
  rendered,
} from './cells';
import { invalid } from './errors';
import { cellAt, cellFor, grids, recalc, setValue, sheetByTitle } from './grid';
import type { Sheet, Spreadsheet } from './model';

export type Dimension = 'ROWS' | 'COLUMNS';
export type InputOption = 'RAW' | 'USER_ENTERED';
export type CellOut = string | number | boolean;
export type ValueRange = { range: string; majorDimension: Dimension; values?: CellOut[][] };

export type UpdateValuesResponse = {
  spreadsheetId: string;
  updatedRange: string;
  updatedRows?: number;
  updatedColumns?: number;
  updatedCells?: number;
  updatedData?: ValueRange;
};

/** Called with the cells a write will touch, before any is changed: protected ranges refuse here. */
export type Guard = (
  sheet: Sheet,
  rect: { startRow: number; endRow: number; startCol: number; endCol: number },
) => void;

export function bind(
  ss: Spreadsheet,
  range: string,
  check: 'read' | 'write' = 'read',
): BoundRange & { s: Sheet } {
  const b = bindRange(range, grids(ss), check);
  return { ...b, s: sheetByTitle(ss, b.sheet) };
}

/** Trims trailing undefined entries; returns undefined when nothing is left. */
function trimTrailing<T>(xs: Array<T | undefined>): Array<T | undefined> {
  let n = xs.length;
  while (n > 0 && xs[n - 1] === undefined) n--;
  xs.length = n;
  return xs;
}

export function readValues(
  ss: Spreadsheet,
  range: string,
  opts: { majorDimension?: Dimension; valueRenderOption?: RenderOption },
): ValueRange {
  const b = bind(ss, range, 'read');
  const { startRow, startCol } = b.rect;
  const { endRow, endCol } = b.closed;
  const option = opts.valueRenderOption ?? 'FORMATTED_VALUE';
  const major = opts.majorDimension ?? 'ROWS';
  const out: ValueRange = {
    range: formatRange(b.sheet, startRow, startCol, endRow, endCol),
    majorDimension: major,
  };
  const lines: Array<Array<CellOut | undefined> | undefined> = [];
  const outer = major === 'ROWS' ? [startRow, endRow] : [startCol, endCol];
  const inner = major === 'ROWS' ? [startCol, endCol] : [startRow, endRow];
  const lastRow = Math.min(endRow, b.s.rows.length);
  for (let i = outer[0]!; i < (major === 'ROWS' ? lastRow : outer[1]!); i++) {
    const line: Array<CellOut | undefined> = [];
    const innerEnd =
      major === 'ROWS' ? Math.min(inner[1]!, b.s.rows[i]?.length ?? 0) : Math.min(inner[1]!, lastRow);
    for (let j = inner[0]!; j < innerEnd; j++) {
      const cell = major === 'ROWS' ? cellAt(b.s, i, j) : cellAt(b.s, j, i);
      line.push(rendered(cell, option));
    }
    trimTrailing(line);
    lines.push(line.length ? line : undefined);
  }
  trimTrailing(lines);
  if (lines.length) out.values = lines.map((l) => (l ?? []).map((v) => v ?? ''));
  return out;
}

const toInput = (option: InputOption, v: unknown): Parsed =>
  option === 'RAW' ? parseRaw(v) : parseUserEntered(v);

/** Applies one parsed input to a cell: the value, and an inferred number format when the cell has none. */
export function applyInput(cell: Cell, parsed: Parsed): void {
  setValue(cell, parsed.value);
  if (parsed.format && !numberFormatOf(cell)) cell.fmt = { ...(cell.fmt ?? {}), numberFormat: parsed.format };
}

/**
 * Writes a 2-D array at a range. A single cell (or an open range) is the top-left corner the data grows from; a
 * closed range must hold the data. Writing past the grid is refused with Google's "exceeds grid limits".
 */
export function writeValues(
  ss: Spreadsheet,
  spreadsheetId: string,
  range: string,
  values: unknown[][],
  opts: { valueInputOption: InputOption; majorDimension?: Dimension; guard?: Guard },
): UpdateValuesResponse {
  const b = bind(ss, range, 'write');
  const rows = opts.majorDimension === 'COLUMNS' ? transpose(values) : values;
  const { startRow, startCol } = b.rect;
  const height = rows.length;
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (!b.rect.anchor) {
    if (b.rect.endRow !== undefined && startRow + height > b.rect.endRow) {
      throw invalid(
        `Requested writing within range [${range}], but tried writing to row [${startRow + height}]`,
      );
    }
    checkColumns(range, b.rect, startCol + width);
  }
  const grid = b.s.properties.gridProperties;
  if (startRow + Math.max(height, 1) > grid.rowCount || startCol + Math.max(width, 1) > grid.columnCount) {
    throw exceedsGrid(
      { title: b.sheet, rowCount: grid.rowCount, columnCount: grid.columnCount },
      { startRow, startCol, endRow: startRow + Math.max(height, 1), endCol: startCol + Math.max(width, 1) },
    );
  }
  opts.guard?.(b.s, { startRow, startCol, endRow: startRow + height, endCol: startCol + width });
  let rowsTouched = 0;
  let cells = 0;
  let minC = Number.POSITIVE_INFINITY;
  let maxC = -1;
  let minR = Number.POSITIVE_INFINITY;
  let maxR = -1;
  const colsTouched = new Set<number>();
  rows.forEach((row, i) => {
    let touched = false;
    row.forEach((v, j) => {
      if (v === null || v === undefined) return;
      if (typeof v === 'object') throw invalid(`Invalid values[${i}][${j}]: struct_value`);
      applyInput(cellFor(b.s, startRow + i, startCol + j), toInput(opts.valueInputOption, v));
      touched = true;
      cells++;
      colsTouched.add(j);
      minC = Math.min(minC, j);
      maxC = Math.max(maxC, j);
    });
    if (touched) {
      rowsTouched++;
      minR = Math.min(minR, i);
      maxR = Math.max(maxR, i);
    }
  });
  recalc(ss);
  const res: UpdateValuesResponse = {
    spreadsheetId,
    updatedRange:
      cells > 0
        ? formatRange(b.sheet, startRow + minR, startCol + minC, startRow + maxR + 1, startCol + maxC + 1)
        : formatRange(b.sheet, startRow, startCol, startRow + 1, startCol + 1),
  };
  if (cells > 0) {
    res.updatedRows = rowsTouched;
    res.updatedColumns = colsTouched.size;
    res.updatedCells = cells;
  }
  return res;
}

/** Google's refusal of data wider than the columns the range closes on. */
function checkColumns(range: string, rect: CellRect, end: number): void {
  if (rect.endCol !== undefined && end > rect.endCol) {
    throw invalid(
      `Requested writing within range [${range}], but tried writing to column [${columnLetters(end - 1)}]`,
    );
  }
}

function transpose(values: unknown[][]): unknown[][] {
  const out: unknown[][] = [];
  values.forEach((col, j) => {
    col.forEach((v, i) => {
      out[i] ??= [];
      out[i]![j] = v;
    });
  });
  return out.map((r) => Array.from(r, (v) => v));
}

/** Clears values, keeping formats and validation ("only values are cleared", Sheets API: values.clear). */
export function clearValues(ss: Spreadsheet, range: string, guard?: Guard): string {
  const b = bind(ss, range, 'read');
  const { startRow, startCol } = b.rect;
  const { endRow, endCol } = b.closed;
  guard?.(b.s, { startRow, startCol, endRow, endCol });
  for (let r = startRow; r < Math.min(endRow, b.s.rows.length); r++) {
    const row = b.s.rows[r];
    if (!row) continue;
    for (let c = startCol; c < Math.min(endCol, row.length); c++) {
      const cell = row[c];
      if (cell) setValue(cell, undefined);
    }
  }
  recalc(ss);
  return formatRange(b.sheet, startRow, startCol, endRow, endCol);
}

/**
 * values.append: finds the table in the range (from the range's first row, the last row holding a value in the
 * range's columns) and writes after it, extending the grid if needed (Sheets API: values.append). INSERT_ROWS
 * shifts the rows below down first.
 */
export function appendValues(
  ss: Spreadsheet,
  spreadsheetId: string,
  range: string,
  values: unknown[][],
  opts: {
    valueInputOption: InputOption;
    majorDimension?: Dimension;
    insertDataOption?: 'OVERWRITE' | 'INSERT_ROWS';
    guard?: Guard;
  },
): { tableRange?: string; updates: UpdateValuesResponse } {
  const b = bind(ss, range, 'write');
  const grid = b.s.properties.gridProperties;
  const { startRow, startCol } = b.rect;
  // A single cell names where the table starts; the table extends over every column to its right.
  const endCol = b.rect.anchor
    ? grid.columnCount
    : Math.min(b.rect.endCol ?? grid.columnCount, grid.columnCount);
  let last = -1;
  let lastCol = -1;
  for (let r = startRow; r < b.s.rows.length; r++) {
    const row = b.s.rows[r];
    if (!row) continue;
    for (let c = startCol; c < Math.min(endCol, row.length); c++) {
      if (row[c]?.ev) {
        last = r;
        lastCol = Math.max(lastCol, c);
      }
    }
  }
  const rows = opts.majorDimension === 'COLUMNS' ? transpose(values) : values;
  // Appended rows go below the table, so only the range's columns bound the data.
  if (!b.rect.anchor) checkColumns(range, b.rect, startCol + rows.reduce((m, r) => Math.max(m, r.length), 0));
  const target = last < 0 ? startRow : last + 1;
  if (opts.insertDataOption === 'INSERT_ROWS') {
    b.s.rows.splice(target, 0, ...Array.from({ length: rows.length }, () => undefined));
    grid.rowCount += rows.length;
  }
  const needRows = target + rows.length;
  if (needRows > grid.rowCount) grid.rowCount = needRows;
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (startCol + width > grid.columnCount)
    throw exceedsGrid(
      { title: b.sheet, ...grid },
      { startRow: target, startCol, endRow: target + 1, endCol: startCol + width },
    );
  const updates = writeValues(
    ss,
    spreadsheetId,
    formatRange(b.sheet, target, startCol, target + 1, startCol + 1),
    rows,
    {
      valueInputOption: opts.valueInputOption,
      ...(opts.guard ? { guard: opts.guard } : {}),
    },
  );
  const res: { tableRange?: string; updates: UpdateValuesResponse } = { updates };
  if (last >= 0) res.tableRange = formatRange(b.sheet, startRow, startCol, last + 1, lastCol + 1);
  return res;
}
