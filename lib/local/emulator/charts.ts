/**
 * Embedded charts (Sheets API: EmbeddedChart, ChartSpec, BasicChartSpec, EmbeddedObjectPosition). The basic chart
 * is modelled field by field, so a misspelled field is refused; the other chart kinds are kept as given. A chart
 * sits on the sheet its overlay position anchors it to and goes when that sheet is deleted.
 */
import * as z from 'zod';
import type { Json } from './cells';
import { invalid } from './errors';
import { color, colorStyle, textFormat } from './formats';
import type { Sheet, Spreadsheet } from './model';

const json = z.record(z.string(), z.unknown());

export const gridRange = z.strictObject({
  sheetId: z.number().int().optional(),
  startRowIndex: z.number().int().min(0).optional(),
  endRowIndex: z.number().int().min(0).optional(),
  startColumnIndex: z.number().int().min(0).optional(),
  endColumnIndex: z.number().int().min(0).optional(),
});
export type GridRange = z.infer<typeof gridRange>;

const chartData = z.strictObject({
  sourceRange: z.strictObject({ sources: z.array(gridRange).min(1) }).optional(),
  aggregateType: z.enum(['AVERAGE', 'COUNT', 'MAX', 'MEDIAN', 'MIN', 'SUM']).optional(),
  groupRule: json.optional(),
  columnReference: json.optional(),
});

const textPosition = z.strictObject({ horizontalAlignment: z.enum(['LEFT', 'CENTER', 'RIGHT']).optional() });

const basicChart = z.strictObject({
  chartType: z.enum(['BAR', 'LINE', 'AREA', 'COLUMN', 'SCATTER', 'COMBO', 'STEPPED_AREA']),
  legendPosition: z
    .enum(['BOTTOM_LEGEND', 'LEFT_LEGEND', 'RIGHT_LEGEND', 'TOP_LEGEND', 'NO_LEGEND'])
    .optional(),
  axis: z
    .array(
      z.strictObject({
        position: z.enum(['BOTTOM_AXIS', 'LEFT_AXIS', 'RIGHT_AXIS']).optional(),
        title: z.string().optional(),
        format: textFormat.optional(),
        titleTextPosition: textPosition.optional(),
        viewWindowOptions: json.optional(),
      }),
    )
    .optional(),
  domains: z.array(z.strictObject({ domain: chartData, reversed: z.boolean().optional() })).optional(),
  series: z
    .array(
      z.strictObject({
        series: chartData,
        targetAxis: z.enum(['BOTTOM_AXIS', 'LEFT_AXIS', 'RIGHT_AXIS']).optional(),
        type: z.enum(['BAR', 'LINE', 'AREA', 'COLUMN', 'SCATTER', 'COMBO', 'STEPPED_AREA']).optional(),
        lineStyle: json.optional(),
        dataLabel: json.optional(),
        color: color.optional(),
        colorStyle: colorStyle.optional(),
        pointStyle: json.optional(),
        styleOverrides: z
          .array(
            z.strictObject({
              index: z.number().int().min(0),
              color: color.optional(),
              colorStyle: colorStyle.optional(),
              pointStyle: json.optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  headerCount: z.number().int().min(0).optional(),
  threeDimensional: z.boolean().optional(),
  interpolateNulls: z.boolean().optional(),
  stackedType: z.enum(['NOT_STACKED', 'STACKED', 'PERCENT_STACKED']).optional(),
  lineSmoothing: z.boolean().optional(),
  compareMode: z.enum(['DATUM', 'CATEGORY']).optional(),
  totalDataLabel: json.optional(),
});

const KINDS = [
  'basicChart',
  'pieChart',
  'bubbleChart',
  'candlestickChart',
  'orgChart',
  'histogramChart',
  'waterfallChart',
  'treemapChart',
  'scorecardChart',
] as const;

export const chartSpec = z.strictObject({
  title: z.string().optional(),
  altText: z.string().optional(),
  titleTextFormat: textFormat.optional(),
  titleTextPosition: textPosition.optional(),
  subtitle: z.string().optional(),
  subtitleTextFormat: textFormat.optional(),
  subtitleTextPosition: textPosition.optional(),
  fontName: z.string().optional(),
  maximized: z.boolean().optional(),
  backgroundColor: color.optional(),
  backgroundColorStyle: colorStyle.optional(),
  hiddenDimensionStrategy: z
    .enum(['SKIP_HIDDEN_ROWS_AND_COLUMNS', 'SKIP_HIDDEN_ROWS', 'SKIP_HIDDEN_COLUMNS', 'SHOW_ALL'])
    .optional(),
  basicChart: basicChart.optional(),
  pieChart: json.optional(),
  bubbleChart: json.optional(),
  candlestickChart: json.optional(),
  orgChart: json.optional(),
  histogramChart: json.optional(),
  waterfallChart: json.optional(),
  treemapChart: json.optional(),
  scorecardChart: json.optional(),
});
export type ChartSpec = z.infer<typeof chartSpec>;

const gridCoordinate = z.strictObject({
  sheetId: z.number().int().optional(),
  rowIndex: z.number().int().min(0).optional(),
  columnIndex: z.number().int().min(0).optional(),
});

export const position = z.strictObject({
  sheetId: z.number().int().min(0).optional(),
  overlayPosition: z
    .strictObject({
      anchorCell: gridCoordinate,
      offsetXPixels: z.number().int().min(0).optional(),
      offsetYPixels: z.number().int().min(0).optional(),
      widthPixels: z.number().int().min(0).optional(),
      heightPixels: z.number().int().min(0).optional(),
    })
    .optional(),
  newSheet: z.boolean().optional(),
});
export type Position = z.infer<typeof position>;

export const embeddedChart = z.strictObject({
  chartId: z.number().int().min(0).optional(),
  spec: chartSpec,
  position: position,
  border: z.strictObject({ color: color.optional(), colorStyle: colorStyle.optional() }).optional(),
});

type Lookup = (sheetId: number | undefined) => Sheet;

/** Checks what a spec refers to: exactly one chart kind, and source ranges on existing sheets, inside the grid. */
export function checkSpec(
  spec: ChartSpec,
  sheetById: Lookup,
  within: (s: Sheet, r: GridRange) => void,
): void {
  const kinds = KINDS.filter((k) => spec[k] !== undefined);
  if (kinds.length !== 1)
    throw invalid(`A chart spec must set exactly one chart type, found ${kinds.length}.`);
  const data = [
    ...(spec.basicChart?.domains ?? []).map((d) => d.domain),
    ...(spec.basicChart?.series ?? []).map((s) => s.series),
  ];
  for (const d of data) {
    const sources = d.sourceRange?.sources ?? [];
    for (const r of sources) within(sheetById(r.sheetId), r);
    // ChartSourceRange: "Exactly one dimension must have a length of 1, and all sources in the list must have the
    // same dimension with length 1."
    const flat = sources.map((r) => {
      const g = sheetById(r.sheetId).properties.gridProperties;
      const rows = (r.endRowIndex ?? g.rowCount) - (r.startRowIndex ?? 0);
      const cols = (r.endColumnIndex ?? g.columnCount) - (r.startColumnIndex ?? 0);
      return rows === 1 && cols !== 1
        ? 'ROWS'
        : cols === 1 && rows !== 1
          ? 'COLUMNS'
          : rows === 1
            ? 'ONE'
            : 'NONE';
    });
    if (flat.includes('NONE') || (flat.includes('ROWS') && flat.includes('COLUMNS')))
      throw invalid('The chart source range must be one row or one column, the same in every source.');
  }
}

/** Where a chart goes: the sheet its overlay anchor names. A chart on a sheet of its own is not emulated. */
export function hostOf(pos: Position, sheetById: Lookup): { host: Sheet; stored: Json } {
  if (pos.newSheet || pos.sheetId !== undefined || !pos.overlayPosition)
    throw invalid(
      'The zone-eval emulator places charts only with overlayPosition (a chart on a sheet of its own is not emulated).',
    );
  const o = pos.overlayPosition;
  const host = sheetById(o.anchorCell.sheetId);
  const g = host.properties.gridProperties;
  if ((o.anchorCell.rowIndex ?? 0) >= g.rowCount || (o.anchorCell.columnIndex ?? 0) >= g.columnCount)
    throw invalid(`The chart's anchor cell is outside the grid of sheet ${host.properties.sheetId}.`);
  // OverlayPosition: widthPixels "Defaults to 600", heightPixels "Defaults to 371"; both read back.
  const stored: Json = {
    overlayPosition: {
      ...structuredClone(o),
      anchorCell: { ...o.anchorCell, sheetId: host.properties.sheetId },
      widthPixels: o.widthPixels ?? 600,
      heightPixels: o.heightPixels ?? 371,
    },
  };
  return { host, stored };
}

/** Every embedded object id in use (charts are the only embedded objects the emulator keeps). */
export function objectIds(ss: Spreadsheet): Set<number> {
  const ids = new Set<number>();
  for (const s of ss.sheets) for (const c of s.charts) ids.add(c['chartId'] as number);
  return ids;
}

export function findChart(ss: Spreadsheet, chartId: number): { sheet: Sheet; index: number } | undefined {
  for (const sheet of ss.sheets) {
    const index = sheet.charts.findIndex((c) => c['chartId'] === chartId);
    if (index >= 0) return { sheet, index };
  }
  return undefined;
}
