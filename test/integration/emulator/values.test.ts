/**
 * spreadsheets.values through @googleapis/sheets: each test names the documented behaviour it checks.
 * References: Sheets API "A1 notation" (guides/concepts), "ValueRange" (spreadsheets.values), "ValueRenderOption",
 * "ValueInputOption", "Usage limits", spreadsheets.values.append/clear/batchGet/batchUpdate/batchClear.
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

async function sheetWith(values: unknown[][], title = 'Sheet1'): Promise<string> {
  return emu.createSpreadsheetAs(ALICE, { sheets: [{ title, values }] }).spreadsheetId;
}

/** The refusal of a values.update of `values` into `range`, which the test expects to fail. */
function updateFailure(id: string, range: string, values: unknown[][], valueInputOption = 'RAW') {
  return failure(
    api.spreadsheets.values.update({ spreadsheetId: id, range, valueInputOption, requestBody: { values } }),
  );
}

describe('A1 notation (Sheets API guide: A1 notation)', () => {
  let id: string;
  beforeAll(async () => {
    const s = emu.createSpreadsheetAs(ALICE, {
      sheets: [
        {
          title: 'Sheet1',
          values: [['a1', 'b1', 'c1'], ['a2', 'b2', 'c2'], ['a3', 'b3', 'c3'], [], ['a5', 'b5']],
        },
        { title: 'My Custom Sheet', values: [['x'], ['y']] },
        { title: "Zone's form", values: [['q']] },
      ],
    });
    id = s.spreadsheetId;
  });
  const get = (range: string) =>
    api.spreadsheets.values.get({ spreadsheetId: id, range }).then((r) => r.data);

  it('Sheet1!A1:B2 is the first two cells of the top two rows', async () => {
    expect(await get('Sheet1!A1:B2')).toEqual({
      range: 'Sheet1!A1:B2',
      majorDimension: 'ROWS',
      values: [
        ['a1', 'b1'],
        ['a2', 'b2'],
      ],
    });
  });

  it('Sheet1!A:A is all of column A, its range echoed with the open end clamped to the grid', async () => {
    const r = await get('Sheet1!A:A');
    expect(r.range).toBe('Sheet1!A1:A1000');
    expect(r.values).toEqual([['a1'], ['a2'], ['a3'], [], ['a5']]);
  });

  it('Sheet1!1:2 is all of rows 1 and 2, clamped to the 26 columns', async () => {
    const r = await get('Sheet1!1:2');
    expect(r.range).toBe('Sheet1!A1:Z2');
    expect(r.values).toEqual([
      ['a1', 'b1', 'c1'],
      ['a2', 'b2', 'c2'],
    ]);
  });

  it('Sheet1!A5:A is column A from row 5 on', async () => {
    expect(await get('Sheet1!A5:A')).toMatchObject({ range: 'Sheet1!A5:A1000', values: [['a5']] });
  });

  it('A1:B2 without a sheet name refers to the first visible sheet', async () => {
    expect((await get('A1:B2')).range).toBe('Sheet1!A1:B2');
  });

  it('Sheet1 alone is every cell of the sheet', async () => {
    expect(await get('Sheet1')).toMatchObject({
      range: 'Sheet1!A1:Z1000',
      values: expect.arrayContaining([['a5', 'b5']]),
    });
  });

  it("'My Custom Sheet'!A:A needs quotes for a name with spaces, and Google echoes them", async () => {
    expect(await get("'My Custom Sheet'!A:A")).toMatchObject({
      range: "'My Custom Sheet'!A1:A1000",
      values: [['x'], ['y']],
    });
  });

  it("a quote inside a sheet name is doubled ('Zone''s form')", async () => {
    expect(await get("'Zone''s form'!A1")).toMatchObject({ range: "'Zone''s form'!A1", values: [['q']] });
  });

  it('lower-case and $-anchored references read like A1', async () => {
    expect((await get('Sheet1!$a$1:b$1')).values).toEqual([['a1', 'b1']]);
  });

  it('an unknown sheet is 400 INVALID_ARGUMENT "Unable to parse range: X"', async () => {
    const f = await failure(api.spreadsheets.values.get({ spreadsheetId: id, range: 'Nope!A1' }));
    expect(f.status).toBe(400);
    expect(f.data).toEqual({
      error: { code: 400, message: 'Unable to parse range: Nope!A1', status: 'INVALID_ARGUMENT' },
    });
  });

  it('a malformed range is 400 "Unable to parse range"', async () => {
    const f = await failure(api.spreadsheets.values.get({ spreadsheetId: id, range: 'Sheet1!A1:B2:C3' }));
    expect(f.data.error.message).toBe('Unable to parse range: Sheet1!A1:B2:C3');
  });

  it('reading past the grid is 400 naming the limits', async () => {
    const f = await failure(api.spreadsheets.values.get({ spreadsheetId: id, range: 'Sheet1!A1:A1001' }));
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe(
      'Range (Sheet1!A1:A1001) exceeds grid limits. Max rows: 1000, max columns: 26',
    );
  });
});

describe('ValueRange on output (Sheets API: ValueRange)', () => {
  it('drops trailing empty rows and trailing empty cells, keeps inner empties as ""', async () => {
    const id = await sheetWith([['a', '', 'c', ''], [], ['', 'x'], [], []]);
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Sheet1!A1:E10' });
    expect(r.data.values).toEqual([['a', '', 'c'], [], ['', 'x']]);
  });

  it('omits values when the range holds nothing, and still echoes the requested range', async () => {
    const id = await sheetWith([['a']]);
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Sheet1!C3:D4' });
    expect(r.data).toEqual({ range: 'Sheet1!C3:D4', majorDimension: 'ROWS' });
  });

  it('majorDimension=COLUMNS returns [[1,3],[2,4]] for A1=1,B1=2,A2=3,B2=4', async () => {
    const id = await sheetWith([
      [1, 2],
      [3, 4],
    ]);
    const r = await api.spreadsheets.values.get({
      spreadsheetId: id,
      range: 'A1:B2',
      majorDimension: 'COLUMNS',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(r.data.values).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('majorDimension=COLUMNS on input sets A1=1,B1=3,A2=2,B2=4 from [[1,2],[3,4]]', async () => {
    const id = await sheetWith([]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1:B2',
      valueInputOption: 'RAW',
      requestBody: {
        majorDimension: 'COLUMNS',
        values: [
          [1, 2],
          [3, 4],
        ],
      },
    });
    const r = await api.spreadsheets.values.get({
      spreadsheetId: id,
      range: 'A1:B2',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(r.data.values).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

describe('valueRenderOption (Sheets API: ValueRenderOption)', () => {
  let id: string;
  beforeAll(async () => {
    id = await sheetWith([['1,234.5', '17.35%', 'TRUE', '=2*3', '=1/0', 'text']]);
  });
  const read = (valueRenderOption: string) =>
    api.spreadsheets.values
      .get({ spreadsheetId: id, range: 'A1:F1', valueRenderOption })
      .then((r) => r.data.values?.[0]);

  it('FORMATTED_VALUE (the default) gives the text the cell shows', async () => {
    expect(await read('FORMATTED_VALUE')).toEqual(['1,234.5', '17.35%', 'TRUE', '6', '#DIV/0!', 'text']);
  });

  it('UNFORMATTED_VALUE gives numbers and booleans as JSON values, a percent as its fraction', async () => {
    expect(await read('UNFORMATTED_VALUE')).toEqual([1234.5, 0.1735, true, 6, '#DIV/0!', 'text']);
  });

  it('FORMULA gives the formula text for formula cells and unformatted values elsewhere', async () => {
    expect(await read('FORMULA')).toEqual([1234.5, 0.1735, true, '=2*3', '=1/0', 'text']);
  });

  it('an unknown option is refused with 400', async () => {
    const f = await failure(
      api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1', valueRenderOption: 'PRETTY' }),
    );
    expect(f.status).toBe(400);
  });
});

describe('valueInputOption (Sheets API: ValueInputOption)', () => {
  async function typed(valueInputOption: string, input: unknown) {
    const id = await sheetWith([]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption,
      requestBody: { values: [[input]] },
    });
    const g = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['A1'],
      includeGridData: true,
      fields:
        'sheets.data.rowData.values(userEnteredValue,effectiveValue,formattedValue,effectiveFormat.numberFormat)',
    });
    return g.data.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0];
  }

  it('is required: a write without it is 400', async () => {
    const id = await sheetWith([]);
    const f = await failure(
      api.spreadsheets.values.update({ spreadsheetId: id, range: 'A1', requestBody: { values: [[1]] } }),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe('Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED');
  });

  it('RAW stores strings as they are: "=1+1" and "123" stay text', async () => {
    expect(await typed('RAW', '=1+1')).toMatchObject({
      userEnteredValue: { stringValue: '=1+1' },
      formattedValue: '=1+1',
    });
    expect(await typed('RAW', '123')).toMatchObject({ effectiveValue: { stringValue: '123' } });
  });

  it('USER_ENTERED parses 1,234.5 as the number 1234.5 with a grouped number format', async () => {
    expect(await typed('USER_ENTERED', '1,234.5')).toMatchObject({
      effectiveValue: { numberValue: 1234.5 },
      formattedValue: '1,234.5',
      effectiveFormat: { numberFormat: { type: 'NUMBER', pattern: '#,##0.0' } },
    });
  });

  it('USER_ENTERED parses 17.35% as 0.1735 with a PERCENT format, shown as 17.35%', async () => {
    expect(await typed('USER_ENTERED', '17.35%')).toMatchObject({
      userEnteredValue: { numberValue: 0.1735 },
      effectiveValue: { numberValue: 0.1735 },
      formattedValue: '17.35%',
      effectiveFormat: { numberFormat: { type: 'PERCENT', pattern: '0.00%' } },
    });
  });

  it('USER_ENTERED parses TRUE as a boolean', async () => {
    expect(await typed('USER_ENTERED', 'true')).toMatchObject({
      effectiveValue: { boolValue: true },
      formattedValue: 'TRUE',
    });
  });

  it("USER_ENTERED keeps text after a leading ': '007 stays the text 007", async () => {
    expect(await typed('USER_ENTERED', "'007")).toMatchObject({
      userEnteredValue: { stringValue: '007' },
      formattedValue: '007',
    });
  });

  it('USER_ENTERED makes a formula of a leading =, stored as formulaValue', async () => {
    expect(await typed('USER_ENTERED', '=1/0')).toMatchObject({
      userEnteredValue: { formulaValue: '=1/0' },
      effectiveValue: { errorValue: { type: 'DIVIDE_BY_ZERO' } },
      formattedValue: '#DIV/0!',
    });
  });

  it('USER_ENTERED leaves what a person means as text as text (N/A, 1,092.47亿, full-width digits)', async () => {
    for (const t of ['N/A', '1,092.47亿', '１２３', '—']) {
      expect(await typed('USER_ENTERED', t)).toMatchObject({ effectiveValue: { stringValue: t } });
    }
  });

  it('a plain number shows in the General format (1092.47), a JSON number stays a number', async () => {
    expect(await typed('USER_ENTERED', '1092.47')).toMatchObject({
      effectiveValue: { numberValue: 1092.47 },
      formattedValue: '1092.47',
    });
    expect(await typed('RAW', 42)).toMatchObject({
      effectiveValue: { numberValue: 42 },
      formattedValue: '42',
    });
  });

  it('formulas follow references: =A1*2 recomputes when A1 changes', async () => {
    const id = await sheetWith([[5, '=A1*2']]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[7]] },
    });
    const r = await api.spreadsheets.values.get({
      spreadsheetId: id,
      range: 'B1',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(r.data.values).toEqual([[14]]);
  });
});

describe('values.update (Sheets API: spreadsheets.values.update)', () => {
  it('answers the bounding range and counts of what it wrote', async () => {
    const id = await sheetWith([]);
    const r = await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Sheet1!B2',
      valueInputOption: 'RAW',
      requestBody: { values: [['a', 'b'], ['c']] },
    });
    expect(r.data).toEqual({
      spreadsheetId: id,
      updatedRange: 'Sheet1!B2:C3',
      updatedRows: 2,
      updatedColumns: 2,
      updatedCells: 3,
    });
  });

  it('skips null cells and clears a cell written as ""', async () => {
    const id = await sheetWith([['keep', 'drop']]);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[null, '']] },
    });
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1:B1' });
    expect(r.data.values).toEqual([['keep']]);
  });

  it('a new sheet is 1000 x 26: writing row 1001 is 400 naming the limits', async () => {
    const id = await sheetWith([]);
    const f = await updateFailure(id, 'Sheet1!A1001', [[1]]);
    expect(f.data.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26',
    });
  });

  it('writing past column Z is 400 naming the limits', async () => {
    const id = await sheetWith([]);
    const f = await updateFailure(id, 'Sheet1!Y1', [[1, 2, 3]]);
    expect(f.data.error.message).toBe(
      'Range (Sheet1!Y1:AA1) exceeds grid limits. Max rows: 1000, max columns: 26',
    );
  });

  it('data larger than a closed range is refused', async () => {
    const id = await sheetWith([]);
    const f = await updateFailure(id, 'A1:B1', [[1, 2, 3]]);
    expect(f.data.error.message).toBe(
      'Requested writing within range [A1:B1], but tried writing to column [C]',
    );
  });

  describe('a range of one cell written A5:A5 bounds the write; A5 alone is where it starts', () => {
    const form = () => sheetWith([], 'Form');
    it('values.update of two values into Form!A5:A5 is 400 naming column B', async () => {
      const id = await form();
      const f = await updateFailure(id, 'Form!A5:A5', [['x', 'y']]);
      expect(f.status).toBe(400);
      expect(f.data.error.message).toBe(
        'Requested writing within range [Form!A5:A5], but tried writing to column [B]',
      );
    });

    it('values.update of two rows into Form!A5:A5 is 400 naming row 6', async () => {
      const id = await form();
      const f = await updateFailure(id, 'Form!A5:A5', [['x'], ['y']]);
      expect(f.data.error.message).toBe(
        'Requested writing within range [Form!A5:A5], but tried writing to row [6]',
      );
    });

    it('values.batchUpdate refuses it the same way and writes none of its ranges', async () => {
      const id = await form();
      const f = await failure(
        api.spreadsheets.values.batchUpdate({
          spreadsheetId: id,
          requestBody: {
            valueInputOption: 'RAW',
            data: [
              { range: 'Form!A1', values: [['kept out']] },
              { range: 'Form!A5:A5', values: [['x', 'y']] },
            ],
          },
        }),
      );
      expect(f.data.error.message).toBe(
        'Requested writing within range [Form!A5:A5], but tried writing to column [B]',
      );
      const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'Form' });
      expect(r.data.values).toBeUndefined();
    });

    it('values.append refuses data wider than the columns of its range', async () => {
      const id = await form();
      const f = await failure(
        api.spreadsheets.values.append({
          spreadsheetId: id,
          range: 'Form!A5:A5',
          valueInputOption: 'RAW',
          requestBody: { values: [['x', 'y']] },
        }),
      );
      expect(f.data.error.message).toBe(
        'Requested writing within range [Form!A5:A5], but tried writing to column [B]',
      );
    });

    it('values.update into Form!A5 grows from the cell', async () => {
      const id = await form();
      const r = await api.spreadsheets.values.update({
        spreadsheetId: id,
        range: 'Form!A5',
        valueInputOption: 'RAW',
        requestBody: { values: [['x', 'y'], ['z']] },
      });
      expect(r.data.updatedRange).toBe('Form!A5:B6');
    });
  });

  it('includeValuesInResponse returns what was written, rendered', async () => {
    const id = await sheetWith([]);
    const r = await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption: 'USER_ENTERED',
      includeValuesInResponse: true,
      requestBody: { values: [['12%']] },
    });
    expect(r.data.updatedData).toEqual({ range: 'Sheet1!A1', majorDimension: 'ROWS', values: [['12%']] });
  });
});

describe('batchGet, batchUpdate, append, clear, batchClear', () => {
  it('values:batchGet answers one ValueRange per repeated ranges parameter, in order', async () => {
    const id = await sheetWith([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    const r = await api.spreadsheets.values.batchGet({
      spreadsheetId: id,
      ranges: ['B1:B2', 'Sheet1!A2', 'D5'],
    });
    expect(r.data).toEqual({
      spreadsheetId: id,
      valueRanges: [
        { range: 'Sheet1!B1:B2', majorDimension: 'ROWS', values: [['b'], ['d']] },
        { range: 'Sheet1!A2', majorDimension: 'ROWS', values: [['c']] },
        { range: 'Sheet1!D5', majorDimension: 'ROWS' },
      ],
    });
  });

  it('values:batchUpdate writes every range and totals the counts', async () => {
    const id = await sheetWith([]);
    const r = await api.spreadsheets.values.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        valueInputOption: 'USER_ENTERED',
        data: [
          { range: 'A1', values: [['x', 'y']] },
          { range: 'C3', values: [['5%']] },
        ],
      },
    });
    expect(r.data).toMatchObject({ totalUpdatedCells: 3, totalUpdatedRows: 2, totalUpdatedSheets: 1 });
    expect(r.data.responses).toHaveLength(2);
  });

  it('values:batchUpdate applies nothing when one range is bad', async () => {
    const id = await sheetWith([['before']]);
    const f = await failure(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: 'A1', values: [['after']] },
            { range: 'Nope!A1', values: [[1]] },
          ],
        },
      }),
    );
    expect(f.status).toBe(400);
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
    expect(r.data.values).toEqual([['before']]);
  });

  it('values.append writes after the last row of the table found in the range and reports the table', async () => {
    const id = await sheetWith([
      ['h1', 'h2'],
      ['a', 'b'],
    ]);
    const r = await api.spreadsheets.values.append({
      spreadsheetId: id,
      range: 'Sheet1!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['c', 'd']] },
    });
    expect(r.data).toMatchObject({
      tableRange: 'Sheet1!A1:B2',
      updates: { updatedRange: 'Sheet1!A3:B3', updatedCells: 2 },
    });
  });

  it('values.append grows the grid instead of failing at row 1000', async () => {
    const id = emu.createSpreadsheetAs(ALICE, {
      sheets: [{ title: 'Log', rowCount: 2, values: [['a'], ['b']] }],
    }).spreadsheetId;
    const r = await api.spreadsheets.values.append({
      spreadsheetId: id,
      range: 'Log!A:A',
      valueInputOption: 'RAW',
      requestBody: { values: [['c']] },
    });
    expect(r.data.updates?.updatedRange).toBe('Log!A3');
  });

  it('values.clear clears values but keeps formats ("only values are cleared")', async () => {
    const id = await sheetWith([['17%', 'x']]);
    const c = await api.spreadsheets.values.clear({ spreadsheetId: id, range: 'A1:B1' });
    expect(c.data).toEqual({ spreadsheetId: id, clearedRange: 'Sheet1!A1:B1' });
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[0.5]] },
    });
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1:B1' });
    expect(r.data.values).toEqual([['50%']]);
  });

  it('values:batchClear clears each range and echoes them', async () => {
    const id = await sheetWith([['a', 'b', 'c']]);
    const r = await api.spreadsheets.values.batchClear({
      spreadsheetId: id,
      requestBody: { ranges: ['A1', 'C:C'] },
    });
    expect(r.data.clearedRanges).toEqual(['Sheet1!A1', 'Sheet1!C1:C1000']);
    const g = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1:C1' });
    expect(g.data.values).toEqual([['', 'b']]);
  });

  it('a spreadsheet that does not exist is 404 NOT_FOUND', async () => {
    const f = await failure(api.spreadsheets.values.get({ spreadsheetId: 'no-such-sheet', range: 'A1' }));
    expect(f.data).toEqual({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
    });
  });
});

describe('the 50,000-character cell limit (Sheets: "Your input contains more than the maximum of 50000 characters in a single cell")', () => {
  const LIMIT_MESSAGE = 'Your input contains more than the maximum of 50000 characters in a single cell.';

  it('takes a cell of exactly 50,000 characters and reads it back whole', async () => {
    const id = await sheetWith([]);
    const text = 'x'.repeat(50_000);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'A1',
      valueInputOption: 'RAW',
      requestBody: { values: [[text]] },
    });
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
    expect(r.data.values?.[0]?.[0]).toBe(text);
  });

  it.each([
    ['RAW text', 'RAW', 'x'.repeat(50_001)],
    ['USER_ENTERED text', 'USER_ENTERED', 'y'.repeat(50_001)],
    ['a formula', 'USER_ENTERED', `="${'z'.repeat(50_000)}"`],
  ])('refuses %s of 50,001 characters with 400 and leaves the sheet unchanged', async (_, option, text) => {
    const id = await sheetWith([['before', 'other']]);
    const f = await updateFailure(id, 'A1:B1', [['changed', text]], option);
    expect(f.status).toBe(400);
    expect(f.data).toEqual({ error: { code: 400, message: LIMIT_MESSAGE, status: 'INVALID_ARGUMENT' } });
    const r = await api.spreadsheets.values.get({ spreadsheetId: id, range: 'A1:B1' });
    expect(r.data.values).toEqual([['before', 'other']]);
  });

  it('refuses updateCells with a stringValue over the limit', async () => {
    const id = await sheetWith([['before']]);
    const f = await failure(
      api.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          requests: [
            {
              updateCells: {
                start: { sheetId: 0, rowIndex: 0, columnIndex: 0 },
                rows: [{ values: [{ userEnteredValue: { stringValue: 'x'.repeat(50_001) } }] }],
                fields: 'userEnteredValue',
              },
            },
          ],
        },
      }),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toContain(LIMIT_MESSAGE);
  });
});

describe('NA() (Sheets: NA returns the "value not available" error)', () => {
  it('=NA() is #N/A, an error of type N_A', async () => {
    const id = await sheetWith([['=NA()']]);
    const g = await api.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['A1'],
      includeGridData: true,
      fields: 'sheets.data.rowData.values(effectiveValue,formattedValue)',
    });
    expect(g.data.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0]).toMatchObject({
      effectiveValue: { errorValue: { type: 'N_A' } },
      formattedValue: '#N/A',
    });
  });
});
