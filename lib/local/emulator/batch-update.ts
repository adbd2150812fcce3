/**
 * spreadsheets.batchUpdate: "each request is validated before being applied. If any request is not valid then the
 * entire request will fail and nothing will be applied" and "the replies will mirror the requests" (Sheets API:
 * spreadsheets.batchUpdate). The requests run on a copy that replaces the original only when all succeed.
 */
import { z } from 'zod';
import { type CellRect, formatRange } from './a1';
import { type Cell, type ExtendedValue, formatted, type Json } from './cells';
import { ApiError, invalid } from './errors';
import { type Mask, parseMask } from './fields';
import {
  cellFor,
  cloneSpreadsheet,
  isEmptyCell,
  ordered,
  recalc,
  setValue,
  sheetById,
  truncate,
} from './grid';
import type { Sheet, Spreadsheet } from './model';
import { newSheet, newSheetId } from './store';

const json = z.record(z.string(), z.unknown());

const gridRange = z.strictObject({
  sheetId: z.number().int().optional(),
  startRowIndex: z.number().int().min(0).optional(),
  endRowIndex: z.number().int().min(0).optional(),
  startColumnIndex: z.number().int().min(0).optional(),
  endColumnIndex: z.number().int().min(0).optional(),
});
type GridRange = z.infer<typeof gridRange>;

const extendedValue = z.union([
  z.strictObject({ numberValue: z.number() }),
  z.strictObject({ stringValue: z.string() }),
  z.strictObject({ boolValue: z.boolean() }),
  z.strictObject({ formulaValue: z.string() }),
  z.strictObject({ errorValue: z.strictObject({ type: z.string(), message: z.string().optional() }) }),
]);

const cellData = z.looseObject({
  userEnteredValue: extendedValue.optional(),
  userEnteredFormat: json.optional(),
  note: z.string().optional(),
  dataValidation: json.optional(),
});
type CellData = z.infer<typeof cellData>;

const sheetProps = z.looseObject({
  sheetId: z.number().int().min(0).optional(),
  title: z.string().min(1).optional(),
  index: z.number().int().min(0).optional(),
  sheetType: z.literal('GRID').optional(),
  gridProperties: z
    .looseObject({
      rowCount: z.number().int().min(1).optional(),
      columnCount: z.number().int().min(1).optional(),
      frozenRowCount: z.number().int().min(0).optional(),
      frozenColumnCount: z.number().int().min(0).optional(),
    })
    .optional(),
  hidden: z.boolean().optional(),
  tabColor: json.optional(),
  tabColorStyle: json.optional(),
  rightToLeft: z.boolean().optional(),
});

const dimensionRange = z.strictObject({
  sheetId: z.number().int().optional(),
  dimension: z.enum(['ROWS', 'COLUMNS']),
  startIndex: z.number().int().min(0).optional(),
  endIndex: z.number().int().min(0).optional(),
});

const handlers = {
  addSheet: z.strictObject({ properties: sheetProps.optional() }),
  deleteSheet: z.strictObject({ sheetId: z.number().int() }),
  updateSheetProperties: z.strictObject({ properties: sheetProps, fields: z.string().optional() }),
  updateSpreadsheetProperties: z.strictObject({ properties: json, fields: z.string().optional() }),
  updateCells: z.strictObject({
    rows: z.array(z.looseObject({ values: z.array(cellData).optional() })).optional(),
    fields: z.string().optional(),
    start: z
      .strictObject({
        sheetId: z.number().int().optional(),
        rowIndex: z.number().int().min(0).optional(),
        columnIndex: z.number().int().min(0).optional(),
      })
      .optional(),
    range: gridRange.optional(),
  }),
  repeatCell: z.strictObject({ range: gridRange, cell: cellData, fields: z.string().optional() }),
  addConditionalFormatRule: z.strictObject({
    rule: z.looseObject({
      ranges: z.array(gridRange).min(1),
      booleanRule: json.optional(),
      gradientRule: json.optional(),
    }),
    index: z.number().int().min(0).optional(),
  }),
  setDataValidation: z.strictObject({
    range: gridRange,
    rule: json.optional(),
    filteredRowsIncluded: z.boolean().optional(),
  }),
  addProtectedRange: z.strictObject({
    protectedRange: z.looseObject({
      range: gridRange.optional(),
      description: z.string().optional(),
      warningOnly: z.boolean().optional(),
      editors: z.looseObject({ users: z.array(z.string()).optional() }).optional(),
    }),
  }),
  addChart: z.strictObject({
    chart: z.looseObject({ chartId: z.number().int().optional(), spec: json, position: json.optional() }),
  }),
  autoResizeDimensions: z.strictObject({ dimensions: dimensionRange }),
  updateDimensionProperties: z.strictObject({
    range: dimensionRange,
    properties: z.looseObject({
      pixelSize: z.number().int().min(0).optional(),
      hiddenByUser: z.boolean().optional(),
    }),
    fields: z.string(),
  }),
  appendDimension: z.strictObject({
    sheetId: z.number().int(),
    dimension: z.enum(['ROWS', 'COLUMNS']),
    length: z.number().int().min(1),
  }),
} as const;

type Kind = keyof typeof handlers;

/** Request kinds of the real API this emulator does not implement: refused loudly rather than ignored. */
const KNOWN_UNIMPLEMENTED = new Set([
  'updateBorders',
  'mergeCells',
  'unmergeCells',
  'insertDimension',
  'deleteDimension',
  'moveDimension',
  'sortRange',
  'findReplace',
  'copyPaste',
  'cutPaste',
  'pasteData',
  'appendCells',
  'insertRange',
  'deleteRange',
  'autoFill',
  'duplicateSheet',
  'addNamedRange',
  'updateNamedRange',
  'deleteNamedRange',
  'addBanding',
  'updateBanding',
  'deleteBanding',
  'setBasicFilter',
  'clearBasicFilter',
  'addFilterView',
  'updateFilterView',
  'deleteFilterView',
  'duplicateFilterView',
  'updateConditionalFormatRule',
  'deleteConditionalFormatRule',
  'updateProtectedRange',
  'deleteProtectedRange',
  'updateChartSpec',
  'updateEmbeddedObjectPosition',
  'deleteEmbeddedObject',
  'createDeveloperMetadata',
  'updateDeveloperMetadata',
  'deleteDeveloperMetadata',
  'randomizeRange',
  'textToColumns',
  'trimWhitespace',
  'deleteDuplicates',
  'addSlicer',
  'updateSlicerSpec',
  'addDimensionGroup',
  'deleteDimensionGroup',
  'updateDimensionGroup',
  'addDataSource',
  'updateDataSource',
  'deleteDataSource',
  'refreshDataSource',
  'cancelDataSourceRefresh',
  'updateEmbeddedObjectBorder',
  'addTable',
  'updateTable',
  'deleteTable',
]);

export type BatchContext = { caller: string; owner: string; setTitle: (title: string) => void };

type Reply = Json;

function rectOf(sheet: Sheet, r: GridRange): CellRect & { endRow: number; endCol: number } {
  const g = sheet.properties.gridProperties;
  const rect = {
    startRow: r.startRowIndex ?? 0,
    endRow: r.endRowIndex ?? g.rowCount,
    startCol: r.startColumnIndex ?? 0,
    endCol: r.endColumnIndex ?? g.columnCount,
  };
  if (
    rect.endRow > g.rowCount ||
    rect.endCol > g.columnCount ||
    rect.startRow > rect.endRow ||
    rect.startCol > rect.endCol
  ) {
    throw invalid(
      `Range (${formatRange(sheet.properties.title, rect.startRow, rect.startCol, Math.max(rect.endRow, rect.startRow + 1), Math.max(rect.endCol, rect.startCol + 1))}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`,
    );
  }
  return rect;
}

function requireFields(fields: string | undefined): Mask {
  if (!fields?.trim()) throw invalid('At least one field must be specified in fields.');
  try {
    return parseMask(fields);
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

function applyCell(target: Cell, data: CellData | undefined, mask: Mask): void {
  const all = mask.get('*') === true;
  const uv = all || mask.get('userEnteredValue') !== undefined;
  if (uv) setValue(target, data?.userEnteredValue as ExtendedValue | undefined);
  const uf = all ? true : mask.get('userEnteredFormat');
  if (uf === true) {
    if (data?.userEnteredFormat) target.fmt = structuredClone(data.userEnteredFormat);
    else delete target.fmt;
  } else if (uf) {
    const next: Json = { ...(target.fmt ?? {}) };
    for (const key of uf.keys()) {
      const v = data?.userEnteredFormat?.[key];
      if (v === undefined) delete next[key];
      else next[key] = structuredClone(v);
    }
    if (Object.keys(next).length) target.fmt = next;
    else delete target.fmt;
  }
  if (all || mask.has('note')) {
    if (data?.note !== undefined && data.note !== '') target.note = data.note;
    else delete target.note;
  }
  if (all || mask.has('dataValidation')) {
    if (data?.dataValidation) target.dataValidation = structuredClone(data.dataValidation);
    else delete target.dataValidation;
  }
}

function forEachCell(
  sheet: Sheet,
  rect: { startRow: number; endRow: number; startCol: number; endCol: number },
  fn: (c: Cell) => void,
) {
  for (let r = rect.startRow; r < rect.endRow; r++)
    for (let c = rect.startCol; c < rect.endCol; c++) fn(cellFor(sheet, r, c));
}

function compact(sheet: Sheet): void {
  for (const row of sheet.rows) {
    if (!row) continue;
    for (let c = 0; c < row.length; c++) if (row[c] && isEmptyCell(row[c])) row[c] = undefined;
  }
}

function reindex(ss: Spreadsheet): void {
  ordered(ss).forEach((s, i) => {
    s.properties.index = i;
  });
}

function uniqueTitle(ss: Spreadsheet, title: string, except?: Sheet): void {
  if (ss.sheets.some((s) => s !== except && s.properties.title.toLowerCase() === title.toLowerCase())) {
    throw invalid(`A sheet with the name "${title}" already exists. Please enter another name.`);
  }
}

function moveTo(ss: Spreadsheet, sheet: Sheet, index: number): void {
  const rest = ordered(ss).filter((s) => s !== sheet);
  rest.splice(Math.min(index, rest.length), 0, sheet);
  rest.forEach((s, i) => {
    s.properties.index = i;
  });
}

const apply: {
  [K in Kind]: (ss: Spreadsheet, req: z.infer<(typeof handlers)[K]>, ctx: BatchContext) => Reply;
} = {
  addSheet(ss, req) {
    const p = req.properties ?? {};
    let title = p.title;
    if (title === undefined) {
      for (let n = ss.sheets.length + 1; ; n++) {
        if (!ss.sheets.some((s) => s.properties.title.toLowerCase() === `sheet${n}`)) {
          title = `Sheet${n}`;
          break;
        }
      }
    }
    uniqueTitle(ss, title);
    if (p.sheetId !== undefined && ss.sheets.some((s) => s.properties.sheetId === p.sheetId)) {
      throw invalid(`Invalid sheetId: a sheet with id ${p.sheetId} already exists.`);
    }
    const { gridProperties, ...rest } = p;
    const sheet = newSheet({
      ...rest,
      sheetId: p.sheetId ?? newSheetId(ss),
      title,
      index: ss.sheets.length,
      gridProperties: {
        rowCount: gridProperties?.rowCount ?? 1000,
        columnCount: gridProperties?.columnCount ?? 26,
        ...(gridProperties?.frozenRowCount !== undefined
          ? { frozenRowCount: gridProperties.frozenRowCount }
          : {}),
        ...(gridProperties?.frozenColumnCount !== undefined
          ? { frozenColumnCount: gridProperties.frozenColumnCount }
          : {}),
      },
    });
    ss.sheets.push(sheet);
    if (p.index !== undefined) moveTo(ss, sheet, p.index);
    return { addSheet: { properties: structuredClone(sheet.properties) } };
  },

  deleteSheet(ss, req) {
    const sheet = sheetById(ss, req.sheetId);
    if (ss.sheets.length === 1) throw invalid("You can't remove all the sheets in a document.");
    ss.sheets = ss.sheets.filter((s) => s !== sheet);
    reindex(ss);
    return {};
  },

  updateSheetProperties(ss, req) {
    const mask = requireFields(req.fields);
    const sheet = sheetById(ss, req.properties.sheetId ?? 0);
    const given = req.properties as Json;
    const props = sheet.properties as unknown as Json;
    const all = mask.get('*') === true;
    const keys = all ? Object.keys(given).filter((k) => k !== 'sheetId') : [...mask.keys()];
    for (const key of keys) {
      if (key === 'sheetId') throw invalid('sheetId cannot be changed.');
      if (key === 'sheetType') continue;
      const sub = all ? true : mask.get(key)!;
      if (key === 'title') {
        const title = req.properties.title;
        if (!title) throw invalid('A sheet title cannot be empty.');
        uniqueTitle(ss, title, sheet);
        sheet.properties.title = title;
      } else if (key === 'index') {
        moveTo(ss, sheet, req.properties.index ?? 0);
      } else if (key === 'gridProperties') {
        const g = req.properties.gridProperties ?? {};
        const gp = sheet.properties.gridProperties as unknown as Json;
        const names = sub === true ? Object.keys(g) : [...sub.keys()];
        for (const n of names) {
          const v = (g as Json)[n];
          if (v === undefined && (n === 'rowCount' || n === 'columnCount')) continue;
          if (v === undefined) delete gp[n];
          else gp[n] = v;
        }
        truncate(sheet);
      } else {
        const v = given[key];
        if (v === undefined) delete props[key];
        else props[key] = structuredClone(v);
      }
    }
    return {};
  },

  updateSpreadsheetProperties(ss, req, ctx) {
    const mask = requireFields(req.fields);
    const props = ss.properties as unknown as Json;
    const keys = mask.get('*') === true ? Object.keys(req.properties) : [...mask.keys()];
    for (const key of keys) {
      const v = req.properties[key];
      if (key === 'title') {
        if (typeof v !== 'string' || !v) throw invalid('A spreadsheet title cannot be empty.');
        ctx.setTitle(v);
      }
      if (v !== undefined) props[key] = structuredClone(v);
    }
    return {};
  },

  updateCells(ss, req) {
    const mask = requireFields(req.fields);
    if (!req.start === !req.range) throw invalid('Exactly one of start or range must be set.');
    const sheet = sheetById(ss, req.start?.sheetId ?? req.range?.sheetId ?? 0);
    const rows = req.rows ?? [];
    const r0 = req.start?.rowIndex ?? req.range?.startRowIndex ?? 0;
    const c0 = req.start?.columnIndex ?? req.range?.startColumnIndex ?? 0;
    const width = rows.reduce((m, r) => Math.max(m, r.values?.length ?? 0), 0);
    const rect = req.range
      ? rectOf(sheet, req.range)
      : rectOf(sheet, {
          startRowIndex: r0,
          endRowIndex: r0 + rows.length,
          startColumnIndex: c0,
          endColumnIndex: c0 + width,
        });
    if (r0 + rows.length > rect.endRow || c0 + width > rect.endCol) {
      throw invalid('The rows given are larger than the range to update.');
    }
    // With a range, cells the rows do not reach have the masked fields cleared (Sheets API: UpdateCellsRequest).
    for (let r = rect.startRow; r < rect.endRow; r++) {
      for (let c = rect.startCol; c < rect.endCol; c++) {
        const data = rows[r - r0]?.values?.[c - c0];
        if (!req.range && data === undefined) continue;
        applyCell(cellFor(sheet, r, c), data, mask);
      }
    }
    compact(sheet);
    return {};
  },

  repeatCell(ss, req) {
    const mask = requireFields(req.fields);
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    forEachCell(sheet, rectOf(sheet, req.range), (c) => applyCell(c, req.cell, mask));
    compact(sheet);
    return {};
  },

  addConditionalFormatRule(ss, req) {
    const ids = new Set(req.rule.ranges.map((r) => r.sheetId ?? 0));
    if (ids.size > 1) throw invalid('All ranges of a conditional format rule must be on the same sheet.');
    if (!req.rule.booleanRule === !req.rule.gradientRule)
      throw invalid('Exactly one of booleanRule or gradientRule must be set.');
    const sheet = sheetById(ss, [...ids][0]);
    for (const r of req.rule.ranges) rectOf(sheet, r);
    const rule = structuredClone(req.rule) as Json;
    rule['ranges'] = req.rule.ranges.map((r) => ({ ...r, sheetId: r.sheetId ?? 0 }));
    const at = Math.min(req.index ?? 0, sheet.conditionalFormats.length);
    sheet.conditionalFormats.splice(at, 0, rule);
    return {};
  },

  setDataValidation(ss, req) {
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    forEachCell(sheet, rectOf(sheet, req.range), (c) => {
      if (req.rule) c.dataValidation = structuredClone(req.rule);
      else delete c.dataValidation;
    });
    compact(sheet);
    return {};
  },

  addProtectedRange(ss, req, ctx) {
    const range = req.protectedRange.range ?? { sheetId: 0 };
    const sheet = sheetById(ss, range.sheetId ?? 0);
    rectOf(sheet, range);
    const users = new Set([ctx.owner, ctx.caller, ...(req.protectedRange.editors?.users ?? [])]);
    const pr: Json = {
      ...structuredClone(req.protectedRange),
      protectedRangeId: ss.nextObjectId++,
      range: { ...range, sheetId: sheet.properties.sheetId },
      editors: { users: [...users] },
      requestingUserCanEdit: true,
    };
    sheet.protectedRanges.push(pr);
    return { addProtectedRange: { protectedRange: structuredClone(pr) } };
  },

  addChart(ss, req) {
    const chartId = req.chart.chartId ?? ss.nextObjectId++;
    if (ss.sheets.some((s) => s.charts.some((c) => c['chartId'] === chartId)))
      throw invalid(`A chart with id ${chartId} already exists.`);
    const position = req.chart.position ?? { newSheet: true };
    let host: Sheet;
    if (position['newSheet'] === true) {
      host = ordered(ss)[0]!;
    } else {
      const anchor = (position['overlayPosition'] as Json | undefined)?.['anchorCell'] as Json | undefined;
      const sheetId = (anchor?.['sheetId'] ?? position['sheetId'] ?? 0) as number;
      host = sheetById(ss, sheetId);
    }
    const chart: Json = {
      chartId,
      spec: structuredClone(req.chart.spec),
      position: structuredClone(position),
    };
    host.charts.push(chart);
    return { addChart: { chart: structuredClone(chart) } };
  },

  autoResizeDimensions(ss, req) {
    const d = req.dimensions;
    const sheet = sheetById(ss, d.sheetId ?? 0);
    if (d.dimension === 'COLUMNS') {
      const end = d.endIndex ?? sheet.properties.gridProperties.columnCount;
      for (let c = d.startIndex ?? 0; c < end; c++) {
        let longest = 0;
        for (const row of sheet.rows) longest = Math.max(longest, formatted(row?.[c])?.length ?? 0);
        // About 7 px a character at Arial 10, plus padding; Sheets keeps a minimum width.
        sheet.columnWidths[c] = Math.max(21, longest * 7 + 10);
      }
    }
    return {};
  },

  updateDimensionProperties(ss, req) {
    const mask = requireFields(req.fields);
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    if (req.range.dimension === 'COLUMNS' && (mask.has('pixelSize') || mask.get('*'))) {
      const end = req.range.endIndex ?? sheet.properties.gridProperties.columnCount;
      for (let c = req.range.startIndex ?? 0; c < end; c++) sheet.columnWidths[c] = req.properties.pixelSize;
    }
    return {};
  },

  appendDimension(ss, req) {
    const g = sheetById(ss, req.sheetId).properties.gridProperties;
    if (req.dimension === 'ROWS') g.rowCount += req.length;
    else g.columnCount += req.length;
    return {};
  },
};

/**
 * Validates and applies every request to a copy; returns the new spreadsheet and one reply per request, or throws
 * with the request's index in Google's "Invalid requests[i].kind: ..." form, leaving the original untouched.
 */
export function batchUpdate(
  ss: Spreadsheet,
  requests: unknown[],
  ctx: BatchContext,
): { next: Spreadsheet; replies: Reply[] } {
  const next = cloneSpreadsheet(ss);
  const replies: Reply[] = [];
  let title: string | undefined;
  const local: BatchContext = { ...ctx, setTitle: (t) => (title = t) };
  requests.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw invalid(`Invalid requests[${i}]: not an object`);
    const keys = Object.keys(raw);
    if (keys.length !== 1) {
      throw invalid(`Invalid requests[${i}]: exactly one kind of request must be set, found ${keys.length}`);
    }
    const kind = keys[0]!;
    if (!(kind in handlers)) {
      if (KNOWN_UNIMPLEMENTED.has(kind)) {
        throw new ApiError(
          501,
          'UNIMPLEMENTED',
          `requests[${i}].${kind} is not implemented by the zone-eval emulator`,
        );
      }
      throw invalid(
        `Invalid JSON payload received. Unknown name "${kind}" at 'requests[${i}]': Cannot find field.`,
      );
    }
    const k = kind as Kind;
    const parsed = handlers[k].safeParse((raw as Json)[kind]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(
        `Invalid requests[${i}].${kind}: ${issue?.path.join('.') || 'request'}: ${issue?.message}`,
      );
    }
    try {
      const fn = apply[k] as (ss: Spreadsheet, req: unknown, ctx: BatchContext) => Reply;
      replies.push(fn(next, parsed.data, local));
    } catch (e) {
      if (e instanceof ApiError && e.code === 400)
        throw invalid(`Invalid requests[${i}].${kind}: ${e.message}`);
      throw e;
    }
  });
  recalc(next);
  if (title !== undefined) ctx.setTitle(title);
  return { next, replies };
}
