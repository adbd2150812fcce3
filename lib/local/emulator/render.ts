/** The Spreadsheet resource as spreadsheets.get and spreadsheets.create answer it, with grid data on request. */
import { type Cell, DEFAULT_PATTERNS, formatted, type Json, numberFormatOf } from './cells';
import { type Mask, wants } from './fields';
import { ordered } from './grid';
import type { Sheet, Spreadsheet } from './model';
import { bind } from './values';

const DEFAULT_FORMAT: Json = {
  backgroundColor: { red: 1, green: 1, blue: 1 },
  backgroundColorStyle: { rgbColor: { red: 1, green: 1, blue: 1 } },
  padding: { top: 2, right: 3, bottom: 2, left: 3 },
  verticalAlignment: 'BOTTOM',
  wrapStrategy: 'OVERFLOW_CELL',
  textFormat: {
    foregroundColor: {},
    foregroundColorStyle: { rgbColor: {} },
    fontFamily: 'arial,sans,sans-serif',
    fontSize: 10,
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
  },
  hyperlinkDisplayType: 'PLAIN_TEXT',
};

const ROW_HEIGHT = 21;
const COLUMN_WIDTH = 100;

function effectiveFormat(cell: Cell): Json {
  const out: Json = { ...DEFAULT_FORMAT };
  if (cell.ev && ('numberValue' in cell.ev || 'boolValue' in cell.ev)) out['horizontalAlignment'] = 'RIGHT';
  const fmt = cell.fmt;
  if (!fmt) return out;
  const nf = numberFormatOf(cell);
  for (const [k, v] of Object.entries(fmt)) {
    const base = out[k];
    out[k] =
      base && typeof base === 'object' && v && typeof v === 'object' && !Array.isArray(v)
        ? { ...(base as Json), ...(v as Json) }
        : v;
  }
  // A number format given by type alone shows with the locale's pattern for it ("If not set, a default pattern
  // based on the user's locale will be used if necessary for the given type", Sheets API: NumberFormat).
  if (nf && !nf.pattern && DEFAULT_PATTERNS[nf.type])
    out['numberFormat'] = { ...nf, pattern: DEFAULT_PATTERNS[nf.type] };
  return out;
}

type Want = { uv: boolean; ev: boolean; fv: boolean; uf: boolean; ef: boolean; dv: boolean; note: boolean };

function cellData(cell: Cell | undefined, w: Want): Json | undefined {
  if (!cell) return undefined;
  const out: Json = {};
  if (w.uv && cell.uv) out['userEnteredValue'] = cell.uv;
  if (w.ev && cell.ev) out['effectiveValue'] = cell.ev;
  if (w.fv && cell.ev) out['formattedValue'] = formatted(cell);
  if (w.uf && cell.fmt) out['userEnteredFormat'] = cell.fmt;
  if (w.ef && (cell.ev || cell.fmt)) out['effectiveFormat'] = effectiveFormat(cell);
  if (w.dv && cell.dataValidation) out['dataValidation'] = cell.dataValidation;
  if (w.note && cell.note !== undefined) out['note'] = cell.note;
  for (const _ in out) return out;
  return undefined;
}

/** One GridData: rows and cells past the last non-empty one are left out, inner empties are `{}`. */
export function gridData(
  sheet: Sheet,
  r0: number,
  c0: number,
  r1: number,
  c1: number,
  mask: Mask | undefined,
): Json {
  const base = ['sheets', 'data', 'rowData', 'values'];
  const w: Want = {
    uv: wants(mask, [...base, 'userEnteredValue']),
    ev: wants(mask, [...base, 'effectiveValue']),
    fv: wants(mask, [...base, 'formattedValue']),
    uf: wants(mask, [...base, 'userEnteredFormat']),
    ef: wants(mask, [...base, 'effectiveFormat']),
    dv: wants(mask, [...base, 'dataValidation']),
    note: wants(mask, [...base, 'note']),
  };
  const rowData: Json[] = [];
  let lastRow = -1;
  const rEnd = Math.min(r1, sheet.rows.length);
  for (let r = r0; r < rEnd; r++) {
    const row = sheet.rows[r];
    const values: Json[] = [];
    let lastCell = -1;
    if (row) {
      const cEnd = Math.min(c1, row.length);
      for (let c = c0; c < cEnd; c++) {
        const d = cellData(row[c], w);
        values.push(d ?? {});
        if (d) lastCell = c - c0;
      }
    }
    values.length = lastCell + 1;
    rowData.push(values.length ? { values } : {});
    if (values.length) lastRow = r - r0;
  }
  rowData.length = lastRow + 1;
  const out: Json = {};
  if (r0) out['startRow'] = r0;
  if (c0) out['startColumn'] = c0;
  if (rowData.length) out['rowData'] = rowData;
  if (wants(mask, ['sheets', 'data', 'rowMetadata'])) {
    out['rowMetadata'] = Array.from({ length: r1 - r0 }, (_, i) => ({
      pixelSize: sheet.rowHeights[r0 + i] ?? ROW_HEIGHT,
    }));
  }
  if (wants(mask, ['sheets', 'data', 'columnMetadata'])) {
    out['columnMetadata'] = Array.from({ length: c1 - c0 }, (_, i) => ({
      pixelSize: sheet.columnWidths[c0 + i] ?? COLUMN_WIDTH,
    }));
  }
  return out;
}

export function sheetResource(sheet: Sheet): Json {
  const out: Json = { properties: structuredClone(sheet.properties) };
  if (sheet.conditionalFormats.length) out['conditionalFormats'] = sheet.conditionalFormats;
  if (sheet.protectedRanges.length) out['protectedRanges'] = sheet.protectedRanges;
  if (sheet.merges.length) out['merges'] = sheet.merges;
  if (sheet.charts.length) out['charts'] = sheet.charts;
  return out;
}

export function spreadsheetResource(
  id: string,
  ss: Spreadsheet,
  opts: { ranges?: string[]; includeGridData?: boolean; mask?: Mask | undefined },
): Json {
  const sheets: Json[] = [];
  const wantsData = opts.includeGridData === true && wants(opts.mask, ['sheets', 'data']);
  if (opts.ranges && opts.ranges.length > 0) {
    const bySheet = new Map<Sheet, Json[]>();
    for (const range of opts.ranges) {
      const b = bind(ss, range, 'read');
      const list = bySheet.get(b.s) ?? [];
      if (wantsData)
        list.push(
          gridData(b.s, b.rect.startRow, b.rect.startCol, b.closed.endRow, b.closed.endCol, opts.mask),
        );
      bySheet.set(b.s, list);
    }
    for (const s of ordered(ss)) {
      const data = bySheet.get(s);
      if (!data) continue;
      const res = sheetResource(s);
      if (wantsData) res['data'] = data;
      sheets.push(res);
    }
  } else {
    for (const s of ordered(ss)) {
      const res = sheetResource(s);
      const g = s.properties.gridProperties;
      if (wantsData) res['data'] = [gridData(s, 0, 0, g.rowCount, g.columnCount, opts.mask)];
      sheets.push(res);
    }
  }
  return {
    spreadsheetId: id,
    properties: { ...ss.properties, defaultFormat: DEFAULT_FORMAT },
    sheets,
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit`,
  };
}
