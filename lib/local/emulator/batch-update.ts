/**
 * spreadsheets.batchUpdate: "each request is validated before being applied. If any request is not valid then the
 * entire request will fail and nothing will be applied" and "the replies will mirror the requests" (Sheets API:
 * spreadsheets.batchUpdate). The requests run on a copy that replaces the original only when all succeed.
 */
import * as z from 'zod';
import { type CellRect, formatRange } from './a1';
import { type Cell, type ExtendedValue, formatted, type Json, parseUserEntered } from './cells';
import {
  type ChartSpec,
  chartSpec,
  checkSpec,
  embeddedChart,
  findChart,
  type GridRange,
  gridRange,
  hostOf,
  objectIds,
  position,
} from './charts';
import { ApiError, invalid } from './errors';
import { checkMask, type Mask, parseMask } from './fields';
import { applyFormat, border, cellFormat, color, colorStyle, normaliseFormat, overlay } from './formats';
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
import { applyInput } from './values';

const json = z.record(z.string(), z.unknown());

const extendedValue = z.union([
  z.strictObject({ numberValue: z.number() }),
  z.strictObject({ stringValue: z.string() }),
  z.strictObject({ boolValue: z.boolean() }),
  z.strictObject({ formulaValue: z.string() }),
  z.strictObject({ errorValue: z.strictObject({ type: z.string(), message: z.string().optional() }) }),
]);

// The CellData fields a write may set; the read-only ones (effectiveValue, formattedValue, effectiveFormat) and the
// unemulated ones (textFormatRuns, pivotTable, ...) are refused rather than dropped.
const cellData = z.strictObject({
  userEnteredValue: extendedValue.optional(),
  userEnteredFormat: cellFormat.optional(),
  note: z.string().optional(),
  dataValidation: json.optional(),
});
type CellData = z.infer<typeof cellData>;

const sheetProps = z.strictObject({
  sheetId: z.number().int().min(0).optional(),
  title: z.string().min(1).optional(),
  index: z.number().int().min(0).optional(),
  sheetType: z.literal('GRID').optional(),
  gridProperties: z
    .strictObject({
      rowCount: z.number().int().min(1).optional(),
      columnCount: z.number().int().min(1).optional(),
      frozenRowCount: z.number().int().min(0).optional(),
      frozenColumnCount: z.number().int().min(0).optional(),
      hideGridlines: z.boolean().optional(),
      rowGroupControlAfter: z.boolean().optional(),
      columnGroupControlAfter: z.boolean().optional(),
    })
    .optional(),
  hidden: z.boolean().optional(),
  tabColor: color.optional(),
  tabColorStyle: colorStyle.optional(),
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
  updateProtectedRange: z.strictObject({
    protectedRange: z.looseObject({
      protectedRangeId: z.number().int(),
      range: gridRange.optional(),
      description: z.string().optional(),
      warningOnly: z.boolean().optional(),
      editors: z.looseObject({ users: z.array(z.string()).optional() }).optional(),
    }),
    fields: z.string().optional(),
  }),
  deleteProtectedRange: z.strictObject({ protectedRangeId: z.number().int() }),
  addChart: z.strictObject({ chart: embeddedChart }),
  updateChartSpec: z.strictObject({ chartId: z.number().int(), spec: chartSpec }),
  deleteEmbeddedObject: z.strictObject({ objectId: z.number().int() }),
  updateEmbeddedObjectPosition: z.strictObject({
    objectId: z.number().int(),
    newPosition: position,
    fields: z.string().optional(),
  }),
  autoResizeDimensions: z.strictObject({ dimensions: dimensionRange }),
  updateDimensionProperties: z.strictObject({
    range: dimensionRange,
    properties: z.strictObject({
      pixelSize: z.number().int().min(0).optional(),
    }),
    fields: z.string(),
  }),
  appendDimension: z.strictObject({
    sheetId: z.number().int(),
    dimension: z.enum(['ROWS', 'COLUMNS']),
    length: z.number().int().min(1),
  }),
  deleteDimension: z.strictObject({ range: dimensionRange }),
  // Only the plain-text form (a delimiter, not html) and the types that paste values, which the results publish uses.
  pasteData: z.strictObject({
    coordinate: z.strictObject({
      sheetId: z.number().int().optional(),
      rowIndex: z.number().int().min(0).optional(),
      columnIndex: z.number().int().min(0).optional(),
    }),
    data: z.string(),
    type: z.enum(['PASTE_NORMAL', 'PASTE_VALUES']).optional(),
    delimiter: z.string().min(1),
  }),
  mergeCells: z.strictObject({
    range: gridRange,
    mergeType: z.enum(['MERGE_ALL', 'MERGE_COLUMNS', 'MERGE_ROWS']).optional(),
  }),
  unmergeCells: z.strictObject({ range: gridRange }),
  updateBorders: z.strictObject({
    range: gridRange,
    top: border.optional(),
    bottom: border.optional(),
    left: border.optional(),
    right: border.optional(),
    innerHorizontal: border.optional(),
    innerVertical: border.optional(),
  }),
} as const;

type Kind = keyof typeof handlers;

/** Request kinds of the real API this emulator does not implement: refused loudly rather than ignored. */
const KNOWN_UNIMPLEMENTED = new Set([
  'insertDimension',
  'moveDimension',
  'sortRange',
  'findReplace',
  'copyPaste',
  'cutPaste',
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

function requireFields(fields: string | undefined, type?: string): Mask {
  if (!fields?.trim()) throw invalid('At least one field must be specified in fields.');
  let mask: Mask;
  try {
    mask = parseMask(fields);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  // A mask naming a field the resource does not have would update nothing: refused, as a misspelling.
  const bad = type === undefined ? undefined : checkMask(mask, type);
  if (bad !== undefined) throw invalid(`fields names '${bad}', which ${type} does not have.`);
  return mask;
}

/** A protected range by id, when the caller is one of its editors (or the spreadsheet's owner). */
function protectedRangeFor(
  ss: Spreadsheet,
  id: number,
  ctx: BatchContext,
): { sheet: Sheet; pr: Record<string, unknown> } {
  for (const sheet of ss.sheets) {
    const pr = sheet.protectedRanges.find((x) => x['protectedRangeId'] === id);
    if (!pr) continue;
    const users = ((pr['editors'] as { users?: string[] } | undefined)?.users ?? []).map((u) =>
      u.toLowerCase(),
    );
    const mayEdit =
      ctx.caller.toLowerCase() === ctx.owner.toLowerCase() || users.includes(ctx.caller.toLowerCase());
    if (!mayEdit)
      throw new ApiError(
        403,
        'PERMISSION_DENIED',
        'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.',
      );
    return { sheet, pr };
  }
  throw invalid(`No protected range with id: ${id}`);
}

/** A sheet named by a sheet-level request (Google: "No sheet with id: 0", blinkk/rootjs#554). */
function sheetOf(ss: Spreadsheet, sheetId: number): Sheet {
  const s = ss.sheets.find((x) => x.properties.sheetId === sheetId);
  if (!s) throw invalid(`No sheet with id: ${sheetId}`);
  return s;
}

/** "You can't freeze all visible rows on the sheet." (and columns), checked after every change of either count. */
function checkFrozen(sheet: Sheet): void {
  const g = sheet.properties.gridProperties;
  if ((g.frozenRowCount ?? 0) > 0 && (g.frozenRowCount ?? 0) >= g.rowCount)
    throw invalid("You can't freeze all visible rows on the sheet.");
  if ((g.frozenColumnCount ?? 0) > 0 && (g.frozenColumnCount ?? 0) >= g.columnCount)
    throw invalid("You can't freeze all visible columns on the sheet.");
}

function applyCell(target: Cell, data: CellData | undefined, mask: Mask): void {
  const all = mask.get('*') === true;
  const uv = all || mask.get('userEnteredValue') !== undefined;
  if (uv) setValue(target, data?.userEnteredValue as ExtendedValue | undefined);
  const uf = all ? true : mask.get('userEnteredFormat');
  if (uf !== undefined) {
    const fmt = applyFormat(target.fmt, data?.userEnteredFormat, uf);
    if (fmt) target.fmt = fmt;
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
    // AddSheetRequest: "It is an error to specify the ID of a sheet that already exists."
    if (p.sheetId !== undefined && ss.sheets.some((s) => s.properties.sheetId === p.sheetId)) {
      throw invalid(`Invalid sheetId: a sheet with id ${p.sheetId} already exists.`);
    }
    const { gridProperties, ...rest } = p;
    const sheet = newSheet({
      ...rest,
      ...(rest.tabColor || rest.tabColorStyle
        ? normaliseFormat({ tabColor: rest.tabColor, tabColorStyle: rest.tabColorStyle })
        : {}),
      sheetId: p.sheetId ?? newSheetId(ss),
      title,
      index: ss.sheets.length,
      gridProperties: {
        ...gridProperties,
        rowCount: gridProperties?.rowCount ?? 1000,
        columnCount: gridProperties?.columnCount ?? 26,
      },
    });
    checkFrozen(sheet);
    ss.sheets.push(sheet);
    if (p.index !== undefined) moveTo(ss, sheet, p.index);
    return { addSheet: { properties: structuredClone(sheet.properties) } };
  },

  deleteSheet(ss, req) {
    const sheet = sheetOf(ss, req.sheetId);
    if (ss.sheets.length === 1) throw invalid("You can't remove all the sheets in a document.");
    // The sheet's charts go with it: they are embedded in it.
    ss.sheets = ss.sheets.filter((s) => s !== sheet);
    reindex(ss);
    return {};
  },

  updateSheetProperties(ss, req) {
    const mask = requireFields(req.fields, 'SheetProperties');
    const sheet = sheetOf(ss, req.properties.sheetId ?? 0);
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
        const { rowCount, columnCount } = sheet.properties.gridProperties;
        sheet.rowHeights.length = Math.min(sheet.rowHeights.length, rowCount);
        sheet.columnWidths.length = Math.min(sheet.columnWidths.length, columnCount);
      } else if (key === 'tabColor' || key === 'tabColorStyle') {
        // One colour under two names: writing either sets both.
        const tab = normaliseFormat({ [key]: given[key] });
        delete props['tabColor'];
        delete props['tabColorStyle'];
        Object.assign(props, tab);
      } else {
        const v = given[key];
        if (v === undefined) delete props[key];
        else props[key] = structuredClone(v);
      }
    }
    checkFrozen(sheet);
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
    const mask = requireFields(req.fields, 'CellData');
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
    const mask = requireFields(req.fields, 'CellData');
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

  // Changing or removing a protection takes being one of its editors (the spreadsheet's owner always is): an
  // editor of the file who is not listed gets the same refusal as for typing into the protected cells.
  updateProtectedRange(ss, req, ctx) {
    const { sheet, pr } = protectedRangeFor(ss, req.protectedRange.protectedRangeId, ctx);
    const mask = requireFields(req.fields);
    const all = mask.get('*') === true;
    const given = req.protectedRange as Record<string, unknown>;
    for (const k of ['description', 'warningOnly', 'range'] as const) {
      if (!all && !mask.has(k)) continue;
      if (given[k] === undefined) delete pr[k];
      else pr[k] = structuredClone(given[k]);
    }
    if (all || mask.has('editors')) {
      const users = new Set([ctx.owner, ...(req.protectedRange.editors?.users ?? [])]);
      pr['editors'] = { users: [...users] };
    }
    if (pr['range'] !== undefined) rectOf(sheet, pr['range'] as GridRange);
    return {};
  },

  deleteProtectedRange(ss, req, ctx) {
    const { sheet, pr } = protectedRangeFor(ss, req.protectedRangeId, ctx);
    sheet.protectedRanges = sheet.protectedRanges.filter((x) => x !== pr);
    return {};
  },

  addChart(ss, req) {
    const used = objectIds(ss);
    // AddChartRequest: "It is an error to specify the ID of an embedded object that already exists."
    if (req.chart.chartId !== undefined && used.has(req.chart.chartId))
      throw invalid(`An embedded object with id ${req.chart.chartId} already exists.`);
    let chartId = req.chart.chartId;
    while (chartId === undefined || used.has(chartId)) chartId = ss.nextObjectId++;
    checkChart(ss, req.chart.spec);
    const { host, stored } = hostOf(req.chart.position, (id) => sheetById(ss, id));
    const chart: Json = {
      chartId,
      spec: tidySpec(req.chart.spec),
      position: stored,
      // EmbeddedObjectBorder: charts read back with a white border unless one is given.
      border: normaliseFormat(req.chart.border ?? { color: { red: 1, green: 1, blue: 1 } }),
    };
    host.charts.push(chart);
    return { addChart: { chart: structuredClone(chart) } };
  },

  updateChartSpec(ss, req) {
    const found = findChart(ss, req.chartId);
    if (!found) throw invalid(`No chart with id: ${req.chartId}`);
    checkChart(ss, req.spec);
    // "Updates a chart's specifications. (This does not move or resize a chart.)" The spec is replaced whole.
    found.sheet.charts[found.index]!['spec'] = tidySpec(req.spec);
    return {};
  },

  deleteEmbeddedObject(ss, req) {
    const found = findChart(ss, req.objectId);
    if (!found) throw invalid(`No embedded object with id: ${req.objectId}`);
    found.sheet.charts.splice(found.index, 1);
    return {};
  },

  updateEmbeddedObjectPosition(ss, req) {
    const found = findChart(ss, req.objectId);
    if (!found) throw invalid(`No embedded object with id: ${req.objectId}`);
    const mask = requireFields(req.fields, 'EmbeddedObjectPosition');
    const chart = found.sheet.charts[found.index]!;
    // "The fields of OverlayPosition that should be updated when setting a new position": the others are kept.
    const merged = position.safeParse(overlay(chart['position'], req.newPosition, mask) ?? {});
    if (!merged.success) throw invalid('The new position is not a valid EmbeddedObjectPosition.');
    const { host, stored } = hostOf(merged.data, (id) => sheetById(ss, id));
    found.sheet.charts.splice(found.index, 1);
    chart['position'] = stored;
    host.charts.push(chart);
    return { updateEmbeddedObjectPosition: { position: structuredClone(stored) } };
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
    const mask = requireFields(req.fields, 'DimensionProperties');
    for (const key of mask.keys())
      if (key !== 'pixelSize' && key !== '*')
        throw new ApiError(501, 'UNIMPLEMENTED', `${key} is not implemented by the zone-eval emulator`);
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    const { start, end } = dimensionSpan(sheet, req.range);
    const sizes = req.range.dimension === 'COLUMNS' ? sheet.columnWidths : sheet.rowHeights;
    for (let i = start; i < end; i++) sizes[i] = req.properties.pixelSize;
    return {};
  },

  appendDimension(ss, req) {
    const g = sheetOf(ss, req.sheetId).properties.gridProperties;
    if (req.dimension === 'ROWS') g.rowCount += req.length;
    else g.columnCount += req.length;
    return {};
  },

  /**
   * PasteDataRequest: the text is split into rows on newlines and into cells on the delimiter, and each cell is
   * entered as a person types it (USER_ENTERED: `1,234.5` a number, `=A1` a formula). PASTE_NORMAL also resets the
   * cells' formats; PASTE_VALUES keeps them. A paste past the grid is refused here (Sheets documents no growth for
   * it; callers size the grid first).
   */
  pasteData(ss, req) {
    const sheet = sheetById(ss, req.coordinate.sheetId ?? 0);
    const r0 = req.coordinate.rowIndex ?? 0;
    const c0 = req.coordinate.columnIndex ?? 0;
    const lines = req.data.replace(/\r?\n$/, '').split(/\r?\n/);
    const rows = lines.map((line) => line.split(req.delimiter));
    const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
    rectOf(sheet, {
      startRowIndex: r0,
      endRowIndex: r0 + rows.length,
      startColumnIndex: c0,
      endColumnIndex: c0 + width,
    });
    rows.forEach((row, i) =>
      row.forEach((text, j) => {
        const cell = cellFor(sheet, r0 + i, c0 + j);
        if (req.type !== 'PASTE_VALUES') delete cell.fmt;
        applyInput(cell, parseUserEntered(text));
      }),
    );
    compact(sheet);
    return {};
  },

  deleteDimension(ss, req) {
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    const { start, end } = dimensionSpan(sheet, req.range);
    const n = end - start;
    const g = sheet.properties.gridProperties;
    const rows = req.range.dimension === 'ROWS';
    if (n >= (rows ? g.rowCount : g.columnCount))
      throw invalid(`You can't delete all the ${rows ? 'rows' : 'columns'} on the sheet.`);
    // Frozen rows (columns) among those deleted stop being frozen; the ones left stay frozen.
    const frozen = (rows ? g.frozenRowCount : g.frozenColumnCount) ?? 0;
    const keptFrozen = frozen - Math.max(0, Math.min(end, frozen) - start);
    if (rows) {
      sheet.rows.splice(start, n);
      sheet.rowHeights.splice(start, n);
      g.rowCount -= n;
      if (frozen) g.frozenRowCount = keptFrozen;
    } else {
      for (const row of sheet.rows) row?.splice(start, n);
      sheet.columnWidths.splice(start, n);
      g.columnCount -= n;
      if (frozen) g.frozenColumnCount = keptFrozen;
    }
    if (g.frozenRowCount === 0) delete g.frozenRowCount;
    if (g.frozenColumnCount === 0) delete g.frozenColumnCount;
    const [lo, hi] = rows
      ? (['startRowIndex', 'endRowIndex'] as const)
      : (['startColumnIndex', 'endColumnIndex'] as const);
    // Merges inside the deleted span go, merges across it shrink, merges after it move up (left).
    sheet.merges = sheet.merges.flatMap((m) => {
      const a = m[lo] as number;
      const b = m[hi] as number;
      const cut = Math.max(0, Math.min(b, end) - Math.max(a, start));
      const na = a >= end ? a - n : Math.min(a, start);
      const nb = b - cut - (a >= end ? n : 0);
      return nb - na >= 1 ? [{ ...m, [lo]: na, [hi]: nb }] : [];
    });
    return {};
  },

  mergeCells(ss, req) {
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    const rect = rectOf(sheet, req.range);
    for (const m of sheet.merges)
      if (overlaps(rect, m))
        throw invalid('You must select all cells in a merged range to merge or unmerge them.');
    const type = req.mergeType ?? 'MERGE_ALL';
    const parts: GridRange[] = [];
    if (type === 'MERGE_ALL') parts.push(rangeOf(sheet, rect));
    else if (type === 'MERGE_COLUMNS')
      for (let c = rect.startCol; c < rect.endCol; c++)
        parts.push(rangeOf(sheet, { ...rect, startCol: c, endCol: c + 1 }));
    else
      for (let r = rect.startRow; r < rect.endRow; r++)
        parts.push(rangeOf(sheet, { ...rect, startRow: r, endRow: r + 1 }));
    for (const p of parts) {
      const cells =
        ((p.endRowIndex ?? 0) - (p.startRowIndex ?? 0)) *
        ((p.endColumnIndex ?? 0) - (p.startColumnIndex ?? 0));
      if (cells > 1) sheet.merges.push(p);
    }
    return {};
  },

  unmergeCells(ss, req) {
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    const rect = rectOf(sheet, req.range);
    // "If the range spans multiple merges, all will be unmerged. The range must not partially span any merge."
    for (const m of sheet.merges)
      if (overlaps(rect, m) && !inside(m, rect))
        throw invalid('You must select all cells in a merged range to merge or unmerge them.');
    sheet.merges = sheet.merges.filter((m) => !inside(m, rect));
    return {};
  },

  updateBorders(ss, req) {
    const sheet = sheetById(ss, req.range.sheetId ?? 0);
    const rect = rectOf(sheet, req.range);
    const set = (r: number, c: number, side: 'top' | 'bottom' | 'left' | 'right', b: Json | undefined) => {
      if (!b) return;
      const cell = cellFor(sheet, r, c);
      const fmt: Json = { ...(cell.fmt ?? {}) };
      const borders: Json = { ...((fmt['borders'] as Json | undefined) ?? {}) };
      // A border of style NONE removes the border (Sheets API: UpdateBordersRequest).
      if (b['style'] === 'NONE') delete borders[side];
      else borders[side] = normaliseFormat(b);
      if (Object.keys(borders).length) fmt['borders'] = borders;
      else delete fmt['borders'];
      if (Object.keys(fmt).length) cell.fmt = fmt;
      else delete cell.fmt;
    };
    for (let r = rect.startRow; r < rect.endRow; r++) {
      for (let c = rect.startCol; c < rect.endCol; c++) {
        set(r, c, 'top', r === rect.startRow ? req.top : req.innerHorizontal);
        set(r, c, 'bottom', r === rect.endRow - 1 ? req.bottom : req.innerHorizontal);
        set(r, c, 'left', c === rect.startCol ? req.left : req.innerVertical);
        set(r, c, 'right', c === rect.endCol - 1 ? req.right : req.innerVertical);
      }
    }
    compact(sheet);
    return {};
  },
};

type Rect = { startRow: number; endRow: number; startCol: number; endCol: number };

function rangeOf(sheet: Sheet, r: Rect): GridRange {
  return {
    sheetId: sheet.properties.sheetId,
    startRowIndex: r.startRow,
    endRowIndex: r.endRow,
    startColumnIndex: r.startCol,
    endColumnIndex: r.endCol,
  };
}

function overlaps(r: Rect, m: Json): boolean {
  return (
    r.startRow < (m['endRowIndex'] as number) &&
    (m['startRowIndex'] as number) < r.endRow &&
    r.startCol < (m['endColumnIndex'] as number) &&
    (m['startColumnIndex'] as number) < r.endCol
  );
}

function inside(m: Json, r: Rect): boolean {
  return (
    (m['startRowIndex'] as number) >= r.startRow &&
    (m['endRowIndex'] as number) <= r.endRow &&
    (m['startColumnIndex'] as number) >= r.startCol &&
    (m['endColumnIndex'] as number) <= r.endCol
  );
}

function dimensionSpan(
  sheet: Sheet,
  d: { dimension: 'ROWS' | 'COLUMNS'; startIndex?: number | undefined; endIndex?: number | undefined },
): { start: number; end: number } {
  const g = sheet.properties.gridProperties;
  const count = d.dimension === 'ROWS' ? g.rowCount : g.columnCount;
  const start = d.startIndex ?? 0;
  const end = d.endIndex ?? count;
  if (end > count || start >= end)
    throw invalid(
      `Invalid dimension range [${start}, ${end}) on sheet ${sheet.properties.sheetId}: it must be non-empty and end at most at ${count}.`,
    );
  return { start, end };
}

function checkChart(ss: Spreadsheet, spec: ChartSpec): void {
  checkSpec(
    spec,
    (id) => sheetById(ss, id),
    (sheet, r) => rectOf(sheet, r),
  );
}

/** A spec as stored and read back: colours given under either name are answered under both. */
function tidySpec(spec: ChartSpec): Json {
  return normaliseFormat(structuredClone(spec) as Json);
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A request that does not parse, worded as Google words a JSON payload error: the path in snake_case with list
 * indexes in brackets (`requests[0].update_cells.rows[0].values[1].user_entered_format`).
 */
function payloadError(i: number, kind: string, issue: z.core.$ZodIssue | undefined): ApiError {
  const path = [`requests[${i}]`, snake(kind)];
  for (const p of issue?.path ?? []) {
    if (typeof p === 'number') path[path.length - 1] += `[${p}]`;
    else path.push(snake(String(p)));
  }
  const at = path.join('.');
  if (issue?.code === 'unrecognized_keys')
    return invalid(
      `Invalid JSON payload received. Unknown name "${issue.keys[0]}" at '${at}': Cannot find field.`,
    );
  if (issue?.code === 'invalid_value') return invalid(`Invalid value at '${at}': ${issue.message}`);
  return invalid(`Invalid requests[${i}].${kind}: ${at}: ${issue?.message}`);
}

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
    if (!parsed.success) throw payloadError(i, kind, parsed.error.issues[0]);
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
