/**
 * The requests a results publish sends in one spreadsheets.batchUpdate, through @googleapis/sheets, each test naming
 * the documented behaviour it checks (Sheets API reference: Request, AddSheetRequest, DeleteSheetRequest,
 * UpdateSheetPropertiesRequest, UpdateCellsRequest, RepeatCellRequest, CellFormat, NumberFormat,
 * DeleteDimensionRequest, UpdateDimensionPropertiesRequest, AddChartRequest, EmbeddedChart, OverlayPosition,
 * UpdateChartSpecRequest, DeleteEmbeddedObjectRequest, MergeCellsRequest, UnmergeCellsRequest,
 * UpdateBordersRequest; Drive API: File.version).
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { ALICE, clientsFor, failure } from './helpers';

let emu: Emulator;
let api: ReturnType<typeof clientsFor>['sheets'];
let drive: ReturnType<typeof clientsFor>['drive'];

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  ({ sheets: api, drive } = clientsFor(emu, ALICE));
});
afterAll(() => emu.close());

const RANKING = 101;
const CHART = 9001;
let id: string;
beforeEach(() => {
  id = emu.createSpreadsheetAs(ALICE, { title: 'Results', sheets: [{ title: 'Cover' }] }).spreadsheetId;
});

const batch = (requests: sheets_v4.Schema$Request[]) =>
  api.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests } });
const get = async (fields: string, ranges?: string[]) =>
  (
    await api.spreadsheets.get({
      spreadsheetId: id,
      fields,
      ...(ranges ? { ranges, includeGridData: true } : {}),
    })
  ).data;
const version = async () => Number((await drive.files.get({ fileId: id, fields: 'version' })).data.version);
const sheetByTitle = async (title: string) =>
  (await get('sheets(properties,charts,merges)')).sheets?.find((s) => s.properties?.title === title);

const addRanking = (extra: sheets_v4.Schema$GridProperties = {}): sheets_v4.Schema$Request => ({
  addSheet: {
    properties: {
      sheetId: RANKING,
      title: 'Ranking',
      gridProperties: { rowCount: 20, columnCount: 6, ...extra },
    },
  },
});
const scoreChart = (chartId = CHART, title = 'Scores'): sheets_v4.Schema$Request => ({
  addChart: {
    chart: {
      chartId,
      spec: {
        title,
        basicChart: {
          chartType: 'BAR',
          legendPosition: 'NO_LEGEND',
          domains: [
            {
              domain: {
                sourceRange: {
                  sources: [
                    {
                      sheetId: RANKING,
                      startRowIndex: 0,
                      endRowIndex: 6,
                      startColumnIndex: 1,
                      endColumnIndex: 2,
                    },
                  ],
                },
              },
            },
          ],
          series: [
            {
              series: {
                sourceRange: {
                  sources: [
                    {
                      sheetId: RANKING,
                      startRowIndex: 0,
                      endRowIndex: 6,
                      startColumnIndex: 4,
                      endColumnIndex: 5,
                    },
                  ],
                },
              },
              styleOverrides: [{ index: 0, colorStyle: { rgbColor: { red: 0.2, green: 0.6, blue: 0 } } }],
            },
          ],
          headerCount: 1,
        },
      },
      position: { overlayPosition: { anchorCell: { sheetId: RANKING, rowIndex: 1, columnIndex: 5 } } },
    },
  },
});

describe('addSheet', () => {
  it('keeps the sheetId given ("The sheetId field is optional; if one is not set, an id will be randomly generated")', async () => {
    const r = await batch([addRanking({ frozenRowCount: 1 })]);
    expect(r.data.replies?.[0]?.addSheet?.properties).toEqual({
      sheetId: RANKING,
      title: 'Ranking',
      index: 1,
      sheetType: 'GRID',
      gridProperties: { rowCount: 20, columnCount: 6, frozenRowCount: 1 },
    });
  });

  it('refuses an id already used ("It is an error to specify the ID of a sheet that already exists")', async () => {
    await batch([addRanking()]);
    const f = await failure(batch([{ addSheet: { properties: { sheetId: RANKING, title: 'Other' } } }]));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toMatch(/^Invalid requests\[0\]\.addSheet: .*101 already exists/);
  });

  it('refuses a title already used, whatever its case', async () => {
    const f = await failure(batch([{ addSheet: { properties: { sheetId: 5, title: 'COVER' } } }]));
    expect(f.data.error.message).toBe(
      'Invalid requests[0].addSheet: A sheet with the name "COVER" already exists. Please enter another name.',
    );
  });
});

describe('deleteSheet', () => {
  it('refuses an unknown id with "No sheet with id" (blinkk/rootjs#554)', async () => {
    const f = await failure(batch([{ deleteSheet: { sheetId: 4242 } }]));
    expect(f.data.error.message).toBe('Invalid requests[0].deleteSheet: No sheet with id: 4242');
  });

  it('takes the charts embedded in the sheet with it, so the ids can be used again', async () => {
    await batch([addRanking(), scoreChart()]);
    await batch([{ deleteSheet: { sheetId: RANKING } }, addRanking(), scoreChart()]);
    const ranking = await sheetByTitle('Ranking');
    expect(ranking?.charts?.map((c) => c.chartId)).toEqual([CHART]);
  });
});

describe('updateSheetProperties', () => {
  it('renames and freezes rows and columns, touching only the fields named', async () => {
    await batch([addRanking()]);
    await batch([
      {
        updateSheetProperties: {
          properties: {
            sheetId: RANKING,
            title: 'Classement',
            hidden: true,
            gridProperties: { frozenRowCount: 1, frozenColumnCount: 2, rowCount: 1 },
          },
          fields: 'title,gridProperties(frozenRowCount,frozenColumnCount)',
        },
      },
    ]);
    const s = await sheetByTitle('Classement');
    expect(s?.properties).toEqual({
      sheetId: RANKING,
      title: 'Classement',
      index: 1,
      sheetType: 'GRID',
      gridProperties: { rowCount: 20, columnCount: 6, frozenRowCount: 1, frozenColumnCount: 2 },
    });
  });

  it('resizes the grid with gridProperties.rowCount/columnCount, dropping the cells left outside', async () => {
    await batch([addRanking()]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Ranking!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['a', 'b', 'c'], ['d'], ['e']] },
    });
    await batch([
      {
        updateSheetProperties: {
          properties: { sheetId: RANKING, gridProperties: { rowCount: 2, columnCount: 2 } },
          fields: 'gridProperties.rowCount,gridProperties.columnCount',
        },
      },
    ]);
    expect((await sheetByTitle('Ranking'))?.properties?.gridProperties).toEqual({
      rowCount: 2,
      columnCount: 2,
    });
    const v = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking' });
    expect(v.data.values).toEqual([['a', 'b'], ['d']]);
  });

  it('refuses to freeze every row: "You can\'t freeze all visible rows on the sheet."', async () => {
    await batch([addRanking()]);
    const f = await failure(
      batch([
        {
          updateSheetProperties: {
            properties: { sheetId: RANKING, gridProperties: { frozenRowCount: 20 } },
            fields: 'gridProperties.frozenRowCount',
          },
        },
      ]),
    );
    expect(f.data.error.message).toBe(
      "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet.",
    );
  });

  it('refuses a fields mask naming a field SheetProperties does not have', async () => {
    await batch([addRanking()]);
    const f = await failure(
      batch([{ updateSheetProperties: { properties: { sheetId: RANKING, title: 'X' }, fields: 'titel' } }]),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toContain("'titel'");
  });
});

describe('updateCells and repeatCell', () => {
  const header = { userEnteredFormat: { textFormat: { bold: true }, horizontalAlignment: 'CENTER' } };
  beforeEach(async () => {
    await batch([
      addRanking(),
      {
        updateCells: {
          start: { sheetId: RANKING, rowIndex: 0, columnIndex: 0 },
          rows: [
            {
              values: [
                { userEnteredValue: { stringValue: 'rank' }, ...header },
                { userEnteredValue: { stringValue: 'zone' }, ...header },
                { userEnteredValue: { stringValue: 'score' }, ...header },
                { userEnteredValue: { stringValue: 'grade' }, ...header },
              ],
            },
            {
              values: [
                { userEnteredValue: { numberValue: 1 } },
                { userEnteredValue: { stringValue: '=IMPORTXML("http://x","//a")' } },
                {
                  userEnteredValue: { numberValue: 87.456 },
                  userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern: '0.0' } },
                },
                {
                  userEnteredValue: { stringValue: 'A' },
                  userEnteredFormat: { backgroundColor: { red: 0.2, green: 0.6, blue: 0 } },
                },
                { userEnteredValue: { boolValue: true } },
                { userEnteredValue: { formulaValue: '=C2*2' } },
              ],
            },
          ],
          fields: 'userEnteredValue,userEnteredFormat',
        },
      },
    ]);
  });

  it('writes string, number, bool and formula values ("ExtendedValue": exactly one kind)', async () => {
    const v = await api.spreadsheets.values.get({
      spreadsheetId: id,
      range: 'Ranking!A2:F2',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(v.data.values).toEqual([[1, '=IMPORTXML("http://x","//a")', 87.456, 'A', true, 174.912]]);
  });

  it('a stringValue beginning with = is text, not a formula: FORMULA and FORMATTED_VALUE read it the same, grid data says stringValue', async () => {
    const read = async (valueRenderOption: string) =>
      (await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking!B2:F2', valueRenderOption }))
        .data.values?.[0];
    const formula = await read('FORMULA');
    const shown = await read('FORMATTED_VALUE');
    // The text cell reads the same both ways; the formula cell reads as its formula, then as its value.
    expect([formula?.[0], shown?.[0]]).toEqual([
      '=IMPORTXML("http://x","//a")',
      '=IMPORTXML("http://x","//a")',
    ]);
    expect([formula?.[4], shown?.[4]]).toEqual(['=C2*2', '174.912']);
    const g = await get('sheets.data.rowData.values.userEnteredValue', ['Ranking!B2:F2']);
    const cells = g.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values;
    expect(cells?.[0]?.userEnteredValue).toEqual({ stringValue: '=IMPORTXML("http://x","//a")' });
    expect(cells?.[4]?.userEnteredValue).toEqual({ formulaValue: '=C2*2' });
  });

  it('reads formats back: userEnteredFormat as written, effectiveFormat over the defaults, formattedValue by the pattern', async () => {
    const g = await get('sheets.data.rowData.values(userEnteredFormat,effectiveFormat,formattedValue)', [
      'Ranking!A1:D2',
    ]);
    const rows = g.sheets?.[0]?.data?.[0]?.rowData ?? [];
    const head = rows[0]?.values?.[0];
    expect(head?.userEnteredFormat).toEqual({ textFormat: { bold: true }, horizontalAlignment: 'CENTER' });
    expect(head?.effectiveFormat?.textFormat).toMatchObject({ bold: true, italic: false, fontSize: 10 });
    const score = rows[1]?.values?.[2];
    expect(score?.formattedValue).toBe('87.5');
    expect(score?.effectiveFormat?.numberFormat).toEqual({ type: 'NUMBER', pattern: '0.0' });
    expect(score?.effectiveFormat?.horizontalAlignment).toBe('RIGHT');
    // backgroundColorStyle "takes precedence" over the deprecated backgroundColor: both read back, and a Color
    // leaves its zero components out.
    const grade = rows[1]?.values?.[3];
    expect(grade?.userEnteredFormat).toEqual({
      backgroundColor: { red: 0.2, green: 0.6 },
      backgroundColorStyle: { rgbColor: { red: 0.2, green: 0.6 } },
    });
    expect(grade?.effectiveFormat?.backgroundColorStyle).toEqual({ rgbColor: { red: 0.2, green: 0.6 } });
  });

  it('a numberFormat given by type alone shows with the locale default pattern ("If not set, a default pattern based on the user\'s locale will be used")', async () => {
    await batch([
      {
        repeatCell: {
          range: {
            sheetId: RANKING,
            startRowIndex: 1,
            endRowIndex: 2,
            startColumnIndex: 2,
            endColumnIndex: 3,
          },
          cell: { userEnteredFormat: { numberFormat: { type: 'PERCENT' } } },
          fields: 'userEnteredFormat.numberFormat',
        },
      },
    ]);
    const g = await get('sheets.data.rowData.values(formattedValue,effectiveFormat.numberFormat)', [
      'Ranking!C2',
    ]);
    expect(g.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0]).toEqual({
      formattedValue: '8745.60%',
      effectiveFormat: { numberFormat: { type: 'PERCENT', pattern: '0.00%' } },
    });
  });

  it('a nested mask (userEnteredFormat.textFormat.bold) changes that field alone and keeps the rest of the format', async () => {
    await batch([
      {
        repeatCell: {
          range: {
            sheetId: RANKING,
            startRowIndex: 0,
            endRowIndex: 1,
            startColumnIndex: 0,
            endColumnIndex: 1,
          },
          cell: { userEnteredFormat: { textFormat: { bold: false, italic: true } } },
          fields: 'userEnteredFormat.textFormat.bold',
        },
      },
    ]);
    const g = await get('sheets.data.rowData.values.userEnteredFormat', ['Ranking!A1']);
    expect(g.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0]?.userEnteredFormat).toEqual({
      textFormat: { bold: false },
      horizontalAlignment: 'CENTER',
    });
  });

  it('repeatCell with fields "userEnteredFormat" replaces the whole format of every cell of the range', async () => {
    await batch([
      {
        repeatCell: {
          range: {
            sheetId: RANKING,
            startRowIndex: 0,
            endRowIndex: 2,
            startColumnIndex: 3,
            endColumnIndex: 4,
          },
          cell: { userEnteredFormat: { backgroundColorStyle: { rgbColor: { red: 1 } } } },
          fields: 'userEnteredFormat',
        },
      },
    ]);
    const g = await get('sheets.data.rowData.values(userEnteredValue,userEnteredFormat)', ['Ranking!D1:D2']);
    const cells = (g.sheets?.[0]?.data?.[0]?.rowData ?? []).map((r) => r.values?.[0]);
    expect(cells).toEqual([
      {
        userEnteredValue: { stringValue: 'grade' },
        userEnteredFormat: { backgroundColor: { red: 1 }, backgroundColorStyle: { rgbColor: { red: 1 } } },
      },
      {
        userEnteredValue: { stringValue: 'A' },
        userEnteredFormat: { backgroundColor: { red: 1 }, backgroundColorStyle: { rgbColor: { red: 1 } } },
      },
    ]);
  });

  it('updateCells with a range clears the masked fields the rows do not reach ("the fields matching those set in fields will be cleared")', async () => {
    await batch([
      {
        updateCells: {
          range: {
            sheetId: RANKING,
            startRowIndex: 0,
            endRowIndex: 2,
            startColumnIndex: 0,
            endColumnIndex: 6,
          },
          rows: [{ values: [{ userEnteredValue: { stringValue: 'only' } }] }],
          fields: 'userEnteredValue,userEnteredFormat',
        },
      },
    ]);
    const v = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking' });
    expect(v.data.values).toEqual([['only']]);
  });

  it('refuses a misspelled CellFormat field as Google refuses unknown JSON names', async () => {
    const f = await failure(
      batch([
        {
          repeatCell: {
            range: { sheetId: RANKING, startRowIndex: 0, endRowIndex: 1 },
            cell: { userEnteredFormat: { textFormat: { bolt: true } } as never },
            fields: 'userEnteredFormat.textFormat',
          },
        },
      ]),
    );
    expect(f.data.error.message).toBe(
      'Invalid JSON payload received. Unknown name "bolt" at \'requests[0].repeat_cell.cell.user_entered_format.text_format\': Cannot find field.',
    );
  });

  it('refuses an unknown alignment and a numberFormat without its type ("When writing, this field must be set")', async () => {
    const cell = (userEnteredFormat: object) =>
      batch([
        {
          repeatCell: {
            range: { sheetId: RANKING, startRowIndex: 0, endRowIndex: 1 },
            cell: { userEnteredFormat },
            fields: 'userEnteredFormat',
          },
        },
      ]);
    expect((await failure(cell({ horizontalAlignment: 'MIDDLE' }))).status).toBe(400);
    expect((await failure(cell({ numberFormat: { pattern: '0.0' } }))).status).toBe(400);
  });

  it('refuses a fields mask naming a field CellData does not have, rather than updating nothing', async () => {
    const f = await failure(
      batch([
        {
          repeatCell: {
            range: { sheetId: RANKING, startRowIndex: 0, endRowIndex: 1 },
            cell: { userEnteredFormat: { textFormat: { bold: true } } },
            fields: 'userEnteredFormat.textFormat.bolt',
          },
        },
      ]),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toContain('userEnteredFormat.textFormat.bolt');
  });
});

describe('dimensions', () => {
  beforeEach(async () => {
    await batch([addRanking({ frozenRowCount: 1 })]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Ranking!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['h'], ['1'], ['2'], ['3']] },
    });
  });

  it('appendDimension adds rows and columns at the end ("Appends rows or columns to the end of a sheet")', async () => {
    await batch([
      { appendDimension: { sheetId: RANKING, dimension: 'ROWS', length: 5 } },
      { appendDimension: { sheetId: RANKING, dimension: 'COLUMNS', length: 1 } },
    ]);
    expect((await sheetByTitle('Ranking'))?.properties?.gridProperties).toMatchObject({
      rowCount: 25,
      columnCount: 7,
    });
  });

  it('deleteDimension removes rows, moving the rows below up ("Deletes the dimensions from the sheet")', async () => {
    await batch([
      { deleteDimension: { range: { sheetId: RANKING, dimension: 'ROWS', startIndex: 1, endIndex: 3 } } },
    ]);
    const v = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking!A:A' });
    expect(v.data.values).toEqual([['h'], ['3']]);
    expect((await sheetByTitle('Ranking'))?.properties?.gridProperties).toEqual({
      rowCount: 18,
      columnCount: 6,
      frozenRowCount: 1,
    });
  });

  it('deleteDimension refuses to delete every row: "You can\'t delete all the rows on the sheet."', async () => {
    const f = await failure(batch([{ deleteDimension: { range: { sheetId: RANKING, dimension: 'ROWS' } } }]));
    expect(f.data.error.message).toBe(
      "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.",
    );
  });

  it('updateDimensionProperties sets pixelSize, read back in rowMetadata and columnMetadata', async () => {
    await batch([
      {
        updateDimensionProperties: {
          range: { sheetId: RANKING, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 },
          properties: { pixelSize: 240 },
          fields: 'pixelSize',
        },
      },
      {
        updateDimensionProperties: {
          range: { sheetId: RANKING, dimension: 'ROWS', startIndex: 0, endIndex: 1 },
          properties: { pixelSize: 40 },
          fields: 'pixelSize',
        },
      },
    ]);
    const g = await get('sheets.data(rowMetadata.pixelSize,columnMetadata.pixelSize)', ['Ranking!A1:C2']);
    const d = g.sheets?.[0]?.data?.[0];
    expect(d?.columnMetadata?.map((m) => m.pixelSize)).toEqual([100, 240, 100]);
    expect(d?.rowMetadata?.map((m) => m.pixelSize)).toEqual([40, 21]);
  });
});

describe('charts', () => {
  beforeEach(async () => {
    await batch([addRanking()]);
  });

  it('addChart keeps the chartId given and spreadsheets.get answers it in sheets[].charts, sized 600 x 371 by default', async () => {
    const r = await batch([scoreChart()]);
    expect(r.data.replies?.[0]?.addChart?.chart?.chartId).toBe(CHART);
    const chart = (await sheetByTitle('Ranking'))?.charts?.[0];
    expect(chart?.chartId).toBe(CHART);
    expect(chart?.spec?.title).toBe('Scores');
    expect(chart?.spec?.basicChart?.series?.[0]?.series?.sourceRange?.sources?.[0]).toEqual({
      sheetId: RANKING,
      startRowIndex: 0,
      endRowIndex: 6,
      startColumnIndex: 4,
      endColumnIndex: 5,
    });
    // The colour given as a style reads back under both names.
    expect(chart?.spec?.basicChart?.series?.[0]?.styleOverrides?.[0]).toEqual({
      index: 0,
      color: { red: 0.2, green: 0.6 },
      colorStyle: { rgbColor: { red: 0.2, green: 0.6 } },
    });
    expect(chart?.position?.overlayPosition).toEqual({
      anchorCell: { sheetId: RANKING, rowIndex: 1, columnIndex: 5 },
      widthPixels: 600,
      heightPixels: 371,
    });
  });

  it('addChart refuses an id in use ("It is an error to specify the ID of an embedded object that already exists")', async () => {
    await batch([scoreChart()]);
    const f = await failure(batch([scoreChart()]));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toMatch(/^Invalid requests\[0\]\.addChart: .*9001 already exists/);
  });

  it('addChart refuses a source range on a sheet that does not exist, and a chart of no type', async () => {
    const bad = scoreChart();
    bad.addChart!.chart!.spec!.basicChart!.series![0]!.series!.sourceRange!.sources![0]!.sheetId = 777;
    const f = await failure(batch([bad]));
    expect(f.data.error.message).toBe('Invalid requests[0].addChart: No grid with id: 777');
    const none = await failure(
      batch([
        {
          addChart: {
            chart: {
              spec: { title: 'x' },
              position: { overlayPosition: { anchorCell: { sheetId: RANKING } } },
            },
          },
        },
      ]),
    );
    expect(none.status).toBe(400);
  });

  it('updateChartSpec replaces the spec and leaves the position ("This does not move or resize a chart")', async () => {
    await batch([scoreChart()]);
    const spec = (scoreChart().addChart?.chart?.spec ?? {}) as sheets_v4.Schema$ChartSpec;
    await batch([{ updateChartSpec: { chartId: CHART, spec: { ...spec, title: 'Scores 2026' } } }]);
    const chart = (await sheetByTitle('Ranking'))?.charts?.[0];
    expect(chart?.spec?.title).toBe('Scores 2026');
    expect(chart?.position?.overlayPosition?.anchorCell).toEqual({
      sheetId: RANKING,
      rowIndex: 1,
      columnIndex: 5,
    });
  });

  it('updateChartSpec refuses a chart that does not exist', async () => {
    const f = await failure(
      batch([{ updateChartSpec: { chartId: 5, spec: { basicChart: { chartType: 'BAR' } } } }]),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe('Invalid requests[0].updateChartSpec: No chart with id: 5');
  });

  it('deleteEmbeddedObject removes the chart, and a second delete of it is 400', async () => {
    await batch([scoreChart()]);
    await batch([{ deleteEmbeddedObject: { objectId: CHART } }]);
    expect((await sheetByTitle('Ranking'))?.charts).toBeUndefined();
    const f = await failure(batch([{ deleteEmbeddedObject: { objectId: CHART } }]));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe(
      'Invalid requests[0].deleteEmbeddedObject: No embedded object with id: 9001',
    );
  });

  it('updateEmbeddedObjectPosition moves the chart to another sheet and answers the new position', async () => {
    await batch([scoreChart()]);
    const r = await batch([
      {
        updateEmbeddedObjectPosition: {
          objectId: CHART,
          newPosition: { overlayPosition: { anchorCell: { sheetId: 0, rowIndex: 2 }, widthPixels: 300 } },
          fields: 'overlayPosition',
        },
      },
    ]);
    expect(r.data.replies?.[0]?.updateEmbeddedObjectPosition?.position?.overlayPosition?.widthPixels).toBe(
      300,
    );
    expect((await sheetByTitle('Cover'))?.charts?.map((c) => c.chartId)).toEqual([CHART]);
    expect((await sheetByTitle('Ranking'))?.charts).toBeUndefined();
  });

  it('updateEmbeddedObjectPosition changes only the fields named (overlayPosition.widthPixels)', async () => {
    await batch([scoreChart()]);
    await batch([
      {
        updateEmbeddedObjectPosition: {
          objectId: CHART,
          newPosition: {
            overlayPosition: { anchorCell: { sheetId: 0 }, widthPixels: 800, heightPixels: 10 },
          },
          fields: 'overlayPosition.widthPixels',
        },
      },
    ]);
    expect((await sheetByTitle('Ranking'))?.charts?.[0]?.position?.overlayPosition).toEqual({
      anchorCell: { sheetId: RANKING, rowIndex: 1, columnIndex: 5 },
      widthPixels: 800,
      heightPixels: 371,
    });
  });
});

describe('merges and borders', () => {
  beforeEach(async () => {
    await batch([addRanking()]);
  });
  const range = {
    sheetId: RANKING,
    startRowIndex: 0,
    endRowIndex: 1,
    startColumnIndex: 0,
    endColumnIndex: 3,
  };

  it('mergeCells is answered in sheets[].merges and unmergeCells removes it', async () => {
    await batch([{ mergeCells: { range, mergeType: 'MERGE_ALL' } }]);
    expect((await sheetByTitle('Ranking'))?.merges).toEqual([range]);
    await batch([{ unmergeCells: { range: { sheetId: RANKING } } }]);
    expect((await sheetByTitle('Ranking'))?.merges).toBeUndefined();
  });

  it('unmergeCells refuses a range that cuts through a merge ("The range must not partially span any merge")', async () => {
    await batch([{ mergeCells: { range, mergeType: 'MERGE_ALL' } }]);
    const f = await failure(batch([{ unmergeCells: { range: { ...range, endColumnIndex: 2 } } }]));
    expect(f.status).toBe(400);
  });

  it('updateBorders puts the outer borders on the edge cells and the inner ones between them', async () => {
    const solid = { style: 'SOLID', colorStyle: { rgbColor: {} } };
    await batch([{ updateBorders: { range, top: solid, innerVertical: { style: 'DASHED' } } }]);
    const g = await get('sheets.data.rowData.values.userEnteredFormat.borders', ['Ranking!A1:C1']);
    const cells = g.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.map((v) => v.userEnteredFormat?.borders);
    const top = { style: 'SOLID', color: {}, colorStyle: { rgbColor: {} } };
    expect(cells).toEqual([
      { top, right: { style: 'DASHED' } },
      { top, left: { style: 'DASHED' }, right: { style: 'DASHED' } },
      { top, left: { style: 'DASHED' } },
    ]);
  });
});

describe('a whole publish in one batchUpdate', () => {
  const publish = (title: string) => [
    addRanking({ frozenRowCount: 1 }),
    {
      updateCells: {
        start: { sheetId: RANKING, rowIndex: 0, columnIndex: 0 },
        rows: [
          {
            values: [
              { userEnteredValue: { stringValue: 'zone' } },
              { userEnteredValue: { stringValue: 'score' } },
            ],
          },
          {
            values: [{ userEnteredValue: { stringValue: title } }, { userEnteredValue: { numberValue: 90 } }],
          },
        ],
        fields: 'userEnteredValue',
      },
    },
    scoreChart(),
  ];

  it('is atomic: a failing last request leaves sheets, values, charts and the Drive version as they were', async () => {
    await batch(publish('first'));
    const before = await get('sheets(properties,charts)');
    const v0 = await version();
    const f = await failure(
      batch([
        { deleteSheet: { sheetId: RANKING } },
        ...publish('second'),
        { deleteEmbeddedObject: { objectId: 123 } },
      ]),
    );
    expect(f.data.error.message).toMatch(/^Invalid requests\[4\]\.deleteEmbeddedObject/);
    expect(await get('sheets(properties,charts)')).toEqual(before);
    const v = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking!A2' });
    expect(v.data.values).toEqual([['first']]);
    expect(await version()).toBe(v0);
  });

  it('replaces rather than adds when it deletes its fixed sheet first, and moves the Drive version once per call', async () => {
    const v0 = await version();
    await batch(publish('first'));
    expect(await version()).toBe(v0 + 1);
    await batch([{ deleteSheet: { sheetId: RANKING } }, ...publish('second')]);
    expect(await version()).toBe(v0 + 2);
    const s = await get('sheets(properties(sheetId,title),charts.chartId)');
    expect(s.sheets).toEqual([
      { properties: { sheetId: 0, title: 'Cover' } },
      { properties: { sheetId: RANKING, title: 'Ranking' }, charts: [{ chartId: CHART }] },
    ]);
    const v = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Ranking!A2' });
    expect(v.data.values).toEqual([['second']]);
  });
});
