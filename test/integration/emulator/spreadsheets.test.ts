/**
 * spreadsheets.create / get / batchUpdate through @googleapis/sheets. References: Sheets API spreadsheets.get
 * (includeGridData, ranges, field masks), spreadsheets.batchUpdate ("if any request is not valid then the entire
 * request will fail and nothing will be applied"; "the replies will mirror the requests"), Request kinds.
 */
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { ALICE, clientsFor, failure } from './helpers';

let emu: Emulator;
let api: ReturnType<typeof clientsFor>['sheets'];

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  api = clientsFor(emu, ALICE).sheets;
});
afterAll(() => emu.close());

describe('spreadsheets.create', () => {
  it('makes one sheet "Sheet1", id 0, of 1000 rows x 26 columns by default', async () => {
    const r = await api.spreadsheets.create({ requestBody: { properties: { title: 'Zone 1' } } });
    expect(r.data.spreadsheetId).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(r.data.properties).toMatchObject({ title: 'Zone 1', locale: 'en_US' });
    expect(r.data.sheets).toEqual([
      {
        properties: {
          sheetId: 0,
          title: 'Sheet1',
          index: 0,
          sheetType: 'GRID',
          gridProperties: { rowCount: 1000, columnCount: 26 },
        },
      },
    ]);
    expect(r.data.spreadsheetUrl).toBe(`https://docs.google.com/spreadsheets/d/${r.data.spreadsheetId}/edit`);
  });

  it('creates the named sheets with their grid sizes', async () => {
    const r = await api.spreadsheets.create({
      requestBody: {
        properties: { title: 'Control' },
        sheets: [
          { properties: { title: 'Zones' } },
          { properties: { title: 'Settings', gridProperties: { rowCount: 50, columnCount: 2 } } },
        ],
      },
    });
    expect(r.data.sheets?.map((s) => [s.properties?.title, s.properties?.gridProperties?.rowCount])).toEqual([
      ['Zones', 1000],
      ['Settings', 50],
    ]);
  });

  it('refuses an unknown field in the body, as Google does', async () => {
    const f = await failure(api.spreadsheets.create({ requestBody: { bogus: 1 } as never }));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toContain('Unknown name "bogus"');
  });
});

describe('spreadsheets.get', () => {
  let id: string;
  beforeAll(() => {
    const rows: unknown[][] = [['code', 'indicator', 'unit', 'value', 'note']];
    for (let i = 1; i <= 45; i++)
      rows.push([
        `X${i}`,
        `Indicator ${i}`,
        '%',
        i === 3 ? '17.35%' : i === 4 ? '1,092.47' : i === 5 ? '=1/0' : i === 6 ? '' : String(i),
        '',
      ]);
    id = emu.createSpreadsheetAs(ALICE, {
      title: 'Zone form',
      sheets: [{ title: 'Form', values: rows }, { title: 'Feedback' }],
    }).spreadsheetId;
  });

  it('without includeGridData answers the properties of every sheet and no data', async () => {
    const r = await api.spreadsheets.get({ spreadsheetId: id });
    expect(r.data.sheets?.map((s) => s.properties?.title)).toEqual(['Form', 'Feedback']);
    expect(r.data.sheets?.[0]).not.toHaveProperty('data');
  });

  it('a fields mask keeps only the named fields: sheets.properties(sheetId,title)', async () => {
    const r = await api.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties(sheetId,title)' });
    expect(r.data).toEqual({
      sheets: [
        { properties: { sheetId: 0, title: 'Form' } },
        { properties: { sheetId: expect.any(Number), title: 'Feedback' } },
      ],
    });
  });

  it('includeGridData with ranges gives each cell its effectiveValue, formattedValue and number format', async () => {
    const r = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!D2:D7'],
      includeGridData: true,
      fields:
        'sheets(properties.title,data(startRow,startColumn,rowData.values(userEnteredValue,effectiveValue,formattedValue,effectiveFormat.numberFormat)))',
    });
    const sheet = r.data.sheets?.[0];
    expect(r.data.sheets).toHaveLength(1);
    expect(sheet?.properties?.title).toBe('Form');
    const data = sheet?.data?.[0];
    expect(data).toMatchObject({ startRow: 1, startColumn: 3 });
    const cells = data?.rowData?.map((row) => row.values?.[0]);
    expect(cells?.[0]).toMatchObject({ effectiveValue: { numberValue: 1 }, formattedValue: '1' });
    expect(cells?.[2]).toEqual({
      userEnteredValue: { numberValue: 0.1735 },
      effectiveValue: { numberValue: 0.1735 },
      formattedValue: '17.35%',
      effectiveFormat: { numberFormat: { type: 'PERCENT', pattern: '0.00%' } },
    });
    expect(cells?.[3]).toMatchObject({
      effectiveValue: { numberValue: 1092.47 },
      formattedValue: '1,092.47',
    });
    expect(cells?.[4]).toMatchObject({
      userEnteredValue: { formulaValue: '=1/0' },
      effectiveValue: { errorValue: { type: 'DIVIDE_BY_ZERO' } },
      formattedValue: '#DIV/0!',
    });
    // Row 7 (index 5) is blank: an empty cell carries no data, so the row is {} or has no values.
    expect(cells?.[5]).toBeUndefined();
  });

  it('answers one GridData per range, and only the sheets the ranges name', async () => {
    const r = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!A1:A2', 'Form!B1:B2'],
      includeGridData: true,
      fields: 'sheets(properties.title,data.rowData.values.formattedValue)',
    });
    expect(r.data.sheets).toEqual([
      {
        properties: { title: 'Form' },
        data: [
          { rowData: [{ values: [{ formattedValue: 'code' }] }, { values: [{ formattedValue: 'X1' }] }] },
          {
            rowData: [
              { values: [{ formattedValue: 'indicator' }] },
              { values: [{ formattedValue: 'Indicator 1' }] },
            ],
          },
        ],
      },
    ]);
  });

  it('leaves out trailing empty rows of the grid data', async () => {
    const r = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!A40:B100'],
      includeGridData: true,
      fields: 'sheets.data.rowData',
    });
    expect(r.data.sheets?.[0]?.data?.[0]?.rowData).toHaveLength(7);
  });

  it('an unknown range is 400 "Unable to parse range"', async () => {
    const f = await failure(
      api.spreadsheets.get({ spreadsheetId: id, ranges: ['Nowhere!A1'], includeGridData: true }),
    );
    expect(f.data.error).toEqual({
      code: 400,
      message: 'Unable to parse range: Nowhere!A1',
      status: 'INVALID_ARGUMENT',
    });
  });
});

describe('spreadsheets.batchUpdate', () => {
  let id: string;
  let formId: number;
  beforeEach(() => {
    const s = emu.createSpreadsheetAs(ALICE, {
      sheets: [
        {
          title: 'Form',
          values: [
            ['a', 'b'],
            ['1', '2'],
          ],
        },
      ],
    });
    id = s.spreadsheetId;
    formId = s.sheetIds['Form']!;
  });
  const batch = (requests: object[]) =>
    api.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests } });
  const grid = async (range: string, fields: string) =>
    (await api.spreadsheets.get({ spreadsheetId: id, ranges: [range], includeGridData: true, fields })).data
      .sheets?.[0];

  it('answers one reply per request, empty where the request has none', async () => {
    const r = await batch([
      { updateSheetProperties: { properties: { sheetId: formId, title: 'Form2' }, fields: 'title' } },
      { addSheet: { properties: { title: 'Feedback' } } },
      {
        autoResizeDimensions: {
          dimensions: { sheetId: formId, dimension: 'COLUMNS', startIndex: 0, endIndex: 2 },
        },
      },
    ]);
    expect(r.data.replies).toHaveLength(3);
    expect(r.data.replies?.[0]).toEqual({});
    expect(r.data.replies?.[1]?.addSheet?.properties).toMatchObject({
      title: 'Feedback',
      index: 1,
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
    expect(r.data.replies?.[2]).toEqual({});
  });

  it('is atomic: one bad request applies nothing, and the error names it', async () => {
    const f = await failure(
      batch([{ addSheet: { properties: { title: 'New' } } }, { deleteSheet: { sheetId: 987654 } }]),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe('Invalid requests[1].deleteSheet: No sheet with id: 987654');
    const r = await api.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties.title' });
    expect(r.data.sheets?.map((s) => s.properties?.title)).toEqual(['Form']);
  });

  it('addSheet refuses a title already used', async () => {
    const f = await failure(batch([{ addSheet: { properties: { title: 'form' } } }]));
    expect(f.data.error.message).toBe(
      'Invalid requests[0].addSheet: A sheet with the name "form" already exists. Please enter another name.',
    );
  });

  it('deleteSheet removes a sheet but never the last one', async () => {
    const add = await batch([{ addSheet: { properties: { title: 'Tmp' } } }]);
    const tmp = add.data.replies?.[0]?.addSheet?.properties?.sheetId;
    await batch([{ deleteSheet: { sheetId: tmp } }]);
    const f = await failure(batch([{ deleteSheet: { sheetId: formId } }]));
    expect(f.data.error.message).toContain("You can't remove all the sheets in a document.");
  });

  it('updateSheetProperties changes only the fields named (gridProperties.frozenRowCount)', async () => {
    await batch([
      {
        updateSheetProperties: {
          properties: { sheetId: formId, title: 'ignored', gridProperties: { frozenRowCount: 1 } },
          fields: 'gridProperties.frozenRowCount',
        },
      },
    ]);
    const r = await api.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties' });
    expect(r.data.sheets?.[0]?.properties).toMatchObject({
      title: 'Form',
      gridProperties: { rowCount: 1000, columnCount: 26, frozenRowCount: 1 },
    });
  });

  it('updateSheetProperties without fields is refused', async () => {
    const f = await failure(
      batch([{ updateSheetProperties: { properties: { sheetId: formId, title: 'X' } } }]),
    );
    expect(f.status).toBe(400);
  });

  it('updateCells writes userEnteredValue and userEnteredFormat from a start cell', async () => {
    await batch([
      {
        updateCells: {
          start: { sheetId: formId, rowIndex: 2, columnIndex: 0 },
          rows: [
            {
              values: [
                { userEnteredValue: { stringValue: '=IMPORTXML(x)' } },
                {
                  userEnteredValue: { numberValue: 0.25 },
                  userEnteredFormat: { numberFormat: { type: 'PERCENT', pattern: '0%' } },
                },
              ],
            },
          ],
          fields: 'userEnteredValue,userEnteredFormat.numberFormat',
        },
      },
    ]);
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!A3:B3' });
    // A string value that starts with = stays text: the results sheet writes people's text this way.
    expect(r.data.values).toEqual([['=IMPORTXML(x)', '25%']]);
  });

  it('updateCells with a range clears the masked fields of cells the rows do not reach', async () => {
    await batch([
      {
        updateCells: {
          range: {
            sheetId: formId,
            startRowIndex: 0,
            endRowIndex: 2,
            startColumnIndex: 0,
            endColumnIndex: 2,
          },
          rows: [{ values: [{ userEnteredValue: { stringValue: 'only' } }] }],
          fields: 'userEnteredValue',
        },
      },
    ]);
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!A1:B2' });
    expect(r.data.values).toEqual([['only']]);
  });

  it('repeatCell applies one cell to every cell of the range, per the field mask', async () => {
    await batch([
      {
        repeatCell: {
          range: { sheetId: formId, startRowIndex: 0, endRowIndex: 1 },
          cell: { userEnteredFormat: { textFormat: { bold: true } } },
          fields: 'userEnteredFormat.textFormat',
        },
      },
    ]);
    const s = await grid(
      'Form!A1:B1',
      'sheets.data.rowData.values(userEnteredFormat,effectiveFormat.textFormat.bold,formattedValue)',
    );
    expect(s?.data?.[0]?.rowData?.[0]?.values).toEqual([
      {
        formattedValue: 'a',
        userEnteredFormat: { textFormat: { bold: true } },
        effectiveFormat: { textFormat: { bold: true } },
      },
      {
        formattedValue: 'b',
        userEnteredFormat: { textFormat: { bold: true } },
        effectiveFormat: { textFormat: { bold: true } },
      },
    ]);
  });

  it('addConditionalFormatRule stores the rule on its sheet', async () => {
    const rule = {
      ranges: [{ sheetId: formId, startRowIndex: 1, endRowIndex: 2 }],
      booleanRule: {
        condition: { type: 'NUMBER_GREATER', values: [{ userEnteredValue: '1' }] },
        format: { backgroundColor: { red: 1 } },
      },
    };
    await batch([{ addConditionalFormatRule: { rule, index: 0 } }]);
    const r = await api.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.conditionalFormats' });
    expect(r.data.sheets?.[0]?.conditionalFormats).toEqual([rule]);
  });

  it('setDataValidation puts the rule on each cell of the range', async () => {
    const rule = {
      condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: 'yes' }, { userEnteredValue: 'no' }] },
      strict: true,
      showCustomUi: true,
    };
    await batch([
      {
        setDataValidation: {
          range: {
            sheetId: formId,
            startRowIndex: 1,
            endRowIndex: 3,
            startColumnIndex: 1,
            endColumnIndex: 2,
          },
          rule,
        },
      },
    ]);
    const s = await grid('Form!B2:B3', 'sheets.data.rowData.values.dataValidation');
    expect(s?.data?.[0]?.rowData?.map((r) => r.values?.[0]?.dataValidation)).toEqual([rule, rule]);
  });

  it('addProtectedRange answers the range with its new id, and an editor outside it is refused', async () => {
    emu.share(id, 'bob@example.com', 'writer');
    const r = await batch([
      {
        addProtectedRange: {
          protectedRange: {
            range: { sheetId: formId, startRowIndex: 0, endRowIndex: 1 },
            description: 'header',
          },
        },
      },
    ]);
    expect(r.data.replies?.[0]?.addProtectedRange?.protectedRange).toMatchObject({
      protectedRangeId: expect.any(Number),
      description: 'header',
    });
    const bob = clientsFor(emu, 'bob@example.com').sheets;
    const f = await failure(
      bob.spreadsheets.values.update({
        spreadsheetId: id,
        range: 'Form!A1',
        valueInputOption: 'RAW',
        requestBody: { values: [['x']] },
      }),
    );
    expect(f.status).toBe(403);
    expect(f.data.error.message).toContain('protected cell');
    await bob.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Form!A2',
      valueInputOption: 'RAW',
      requestBody: { values: [['ok']] },
    });
  });

  it('addChart answers the chart with its id and keeps it on the sheet', async () => {
    const spec = { title: 'Scores by grade', basicChart: { chartType: 'COLUMN' } };
    const r = await batch([
      {
        addChart: {
          chart: {
            spec,
            position: { overlayPosition: { anchorCell: { sheetId: formId, rowIndex: 0, columnIndex: 3 } } },
          },
        },
      },
    ]);
    const chartId = r.data.replies?.[0]?.addChart?.chart?.chartId;
    expect(chartId).toEqual(expect.any(Number));
    const g = await api.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.charts(chartId,spec.title)' });
    expect(g.data.sheets?.[0]?.charts).toEqual([{ chartId, spec: { title: 'Scores by grade' } }]);
  });

  it('autoResizeDimensions widens a column to its longest text', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Form!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['a fairly long heading for column A']] },
    });
    await batch([
      {
        autoResizeDimensions: {
          dimensions: { sheetId: formId, dimension: 'COLUMNS', startIndex: 0, endIndex: 1 },
        },
      },
    ]);
    const r = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!A1:B1'],
      includeGridData: true,
      fields: 'sheets.data.columnMetadata.pixelSize',
    });
    const [a, b] = r.data.sheets?.[0]?.data?.[0]?.columnMetadata ?? [];
    expect(a?.pixelSize).toBeGreaterThan(b?.pixelSize ?? 0);
  });

  it('an unknown request kind is refused as invalid JSON, a real but unemulated one with 501', async () => {
    const unknown = await failure(batch([{ fooBar: {} }]));
    expect(unknown.data.error.message).toContain('Unknown name "fooBar"');
    const unemulated = await failure(
      batch([{ sortRange: { range: { sheetId: formId }, sortSpecs: [{ dimensionIndex: 0 }] } }]),
    );
    expect(unemulated.status).toBe(501);
  });
});
