/**
 * pasteData (PasteDataRequest, Sheets API v4): text split into rows on newlines and cells on the delimiter, each
 * cell entered as typed; PASTE_VALUES keeps the cells' formats. The results publish pastes its numeric columns.
 */
import { type LocalStack, SERVICE_ACCOUNT, startLocalStack } from '../../../lib/local/stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ emulator: { quota: 'off' }, calls: { pace: false } });
});
afterAll(() => stack.close());

test('pasted text is entered as typed, from the coordinate, keeping formats under PASTE_VALUES', async () => {
  const { spreadsheetId, sheetIds } = stack.emulator.createSpreadsheetAs(SERVICE_ACCOUNT, {
    sheets: [{ title: 'Data', rowCount: 5, columnCount: 4 }],
  });
  const sheetId = sheetIds['Data']!;
  const { sheets } = stack.google;
  await sheets.spreadsheets.batchUpdate({
    spreadsheetId,
    requestBody: {
      requests: [
        {
          repeatCell: {
            range: { sheetId, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 1, endColumnIndex: 2 },
            cell: { userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern: '0.00' } } },
            fields: 'userEnteredFormat.numberFormat',
          },
        },
        {
          pasteData: {
            coordinate: { sheetId, rowIndex: 1, columnIndex: 1 },
            data: '12.5\t-3\n\t1e-7',
            type: 'PASTE_VALUES',
            delimiter: '\t',
          },
        },
      ],
    },
  });
  const res = await sheets.spreadsheets.get({
    spreadsheetId,
    ranges: ['Data!B2:C3'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue,formattedValue)',
  });
  const rows = res.data.sheets![0]!.data![0]!.rowData!.map((r) => r.values ?? []);
  expect(rows[0]![0]).toEqual({ userEnteredValue: { numberValue: 12.5 }, formattedValue: '12.50' });
  expect(rows[0]![1]!.userEnteredValue).toEqual({ numberValue: -3 });
  expect(rows[1]![0]?.userEnteredValue).toBeUndefined();
  expect(rows[1]![1]!.userEnteredValue).toEqual({ numberValue: 1e-7 });
});

test('a paste past the grid is refused and changes nothing', async () => {
  const { spreadsheetId, sheetIds } = stack.emulator.createSpreadsheetAs(SERVICE_ACCOUNT, {
    sheets: [{ title: 'Data', rowCount: 2, columnCount: 2 }],
  });
  await expect(
    stack.google.sheets.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          {
            pasteData: {
              coordinate: { sheetId: sheetIds['Data']!, rowIndex: 1, columnIndex: 0 },
              data: '1\n2',
              type: 'PASTE_VALUES',
              delimiter: '\t',
            },
          },
        ],
      },
    }),
  ).rejects.toThrow(/exceeds grid limits/);
});
