/**
 * Field masks and error envelopes of the Sheets API, through @googleapis/sheets. References: Sheets API "Use field
 * masks" (comma-separated paths, dot-separated sub-fields, names in camelCase or separated_by_underscores); the 400
 * Sheets answers for a path it does not have, "Error expanding 'fields' parameter. Cannot find matching fields for
 * path ' sheets.properties'." (ringo380/claude-google-sheets-mcp#2: a space after a comma, which Drive tolerates);
 * the legacy `errors: [{message, domain: 'global', reason}]` array that `$.xgafv=1` adds to a Sheets error
 * (brekkylab/backlot#172; bodies in googleworkspace/java-samples#42 and invokable/laravel-google-sheets#13).
 */
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { GRID_FIELDS } from '../../../lib/sheets';
import { ALICE, BOB, clientsFor, failure, noRetry } from './helpers';

let emu: Emulator;
let alice: ReturnType<typeof clientsFor>;
let id: string;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  alice = clientsFor(emu, ALICE);
  id = emu.createSpreadsheetAs(ALICE, {
    sheets: [
      {
        title: 'Form',
        values: [
          ['code', 'value'],
          ['X1', '17.35%'],
        ],
      },
      { title: 'Feedback' },
    ],
  }).spreadsheetId;
});
afterAll(() => emu.close());
afterEach(() => emu.faults.clear());

const expanding = (path: string) =>
  `Error expanding 'fields' parameter. Cannot find matching fields for path '${path}'.`;

describe('Sheets field masks', () => {
  it("refuses a space in a mask as part of a name (ringo380/claude-google-sheets-mcp#2: ' sheets.properties')", async () => {
    const f = await failure(
      alice.sheets.spreadsheets.get({ spreadsheetId: id, fields: 'properties, sheets.properties' }),
    );
    expect(f.status).toBe(400);
    expect(f.data.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expanding(' sheets.properties'),
    });
  });

  it('refuses a misspelled field instead of answering an empty cell for it', async () => {
    const f = await failure(
      alice.sheets.spreadsheets.get({
        spreadsheetId: id,
        ranges: ['Form!A1:B2'],
        includeGridData: true,
        fields: 'sheets.data.rowData.values(effectivValue,formattedValue)',
      }),
    );
    expect(f.status).toBe(400);
    expect(f.data.error.message).toBe(expanding('sheets.data.rowData.values.effectivValue'));
  });

  it('refuses a sub-field of a scalar and an unknown field of a ValueRange', async () => {
    const a = await failure(alice.sheets.spreadsheets.get({ spreadsheetId: id, fields: 'spreadsheetId.x' }));
    expect(a.data.error.message).toBe(expanding('spreadsheetId.x'));
    const b = await failure(
      alice.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!A1', fields: 'rnage,values' }),
    );
    expect(b.status).toBe(400);
    expect(b.data.error.message).toBe(expanding('rnage'));
  });

  it('checks a write response against its own resource (values.update answers UpdateValuesResponse)', async () => {
    const f = await failure(
      alice.sheets.spreadsheets.values.update({
        spreadsheetId: id,
        range: 'Feedback!A1',
        valueInputOption: 'RAW',
        fields: 'updatedRange,range',
        requestBody: { values: [['x']] },
      }),
    );
    expect(f.data.error.message).toBe(expanding('range'));
    const ok = await alice.sheets.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Feedback!A1',
      valueInputOption: 'RAW',
      fields: 'updatedRange,updatedData.values',
      includeValuesInResponse: true,
      requestBody: { values: [['x']] },
    });
    expect(ok.data).toEqual({ updatedRange: 'Feedback!A1', updatedData: { values: [['x']] } });
  });

  it('accepts names separated_by_underscores and * (Sheets API: Use field masks)', async () => {
    const r = await alice.sheets.spreadsheets.get({
      spreadsheetId: id,
      fields: 'sheets.properties(sheet_id,grid_properties.row_count),properties.*',
    });
    expect(r.data.sheets?.[0]).toEqual({ properties: { sheetId: 0, gridProperties: { rowCount: 1000 } } });
    expect(r.data.properties?.title).toBe('Untitled spreadsheet');
  });

  it("accepts every mask the adapter and the benchmarks send (GRID_FIELDS and the writer's, provisioning's)", async () => {
    const masks = [
      GRID_FIELDS,
      'sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))',
      'sheets.properties(sheetId,title)',
      'sheets(properties.title,data.rowData.values(effectiveValue,formattedValue,effectiveFormat.numberFormat.type))',
      'sheets.data.rowData.values(userEnteredValue,formattedValue)',
    ];
    for (const fields of masks) {
      const r = await alice.sheets.spreadsheets.get({
        spreadsheetId: id,
        ranges: ['Form!A1:B2'],
        includeGridData: true,
        fields,
      });
      expect(r.status).toBe(200);
    }
    const grid = await alice.sheets.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Form!A1:B2'],
      includeGridData: true,
      fields: GRID_FIELDS,
    });
    expect(grid.data.sheets?.[0]?.data?.[0]?.rowData?.[1]?.values?.[1]).toMatchObject({
      effectiveValue: { numberValue: 0.1735 },
      formattedValue: '17.35%',
      effectiveFormat: { numberFormat: { type: 'PERCENT' } },
    });
    const b = await alice.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      fields: 'spreadsheetId',
      requestBody: {
        requests: [{ updateSpreadsheetProperties: { properties: { title: 'T' }, fields: 'title' } }],
      },
    });
    expect(b.data).toEqual({ spreadsheetId: id });
  });

  it('Drive still accepts spaces in a mask', async () => {
    const r = await alice.drive.files.get({ fileId: id, fields: 'id, name' });
    expect(Object.keys(r.data).sort()).toEqual(['id', 'name']);
  });
});

describe('Sheets error envelopes', () => {
  it('without $.xgafv (as the Node client sends), an error is code, message and status only', async () => {
    const f = await failure(alice.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'Nope!A1' }));
    expect(f.data).toEqual({
      error: { code: 400, message: 'Unable to parse range: Nope!A1', status: 'INVALID_ARGUMENT' },
    });
  });

  it("$.xgafv=1 adds Google's errors array: badRequest, forbidden and notFound in domain global", async () => {
    const bad = await failure(
      alice.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'Nope!A1', '$.xgafv': '1' }),
    );
    expect(bad.data).toEqual({
      error: {
        code: 400,
        message: 'Unable to parse range: Nope!A1',
        errors: [{ message: 'Unable to parse range: Nope!A1', domain: 'global', reason: 'badRequest' }],
        status: 'INVALID_ARGUMENT',
      },
    });
    const denied = await failure(
      clientsFor(emu, BOB).sheets.spreadsheets.get({ spreadsheetId: id, '$.xgafv': '1' }),
    );
    expect(denied.data.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      errors: [{ message: 'The caller does not have permission', domain: 'global', reason: 'forbidden' }],
    });
    const missing = await failure(alice.sheets.spreadsheets.get({ spreadsheetId: 'nope', '$.xgafv': '1' }));
    expect(missing.data.error).toMatchObject({
      code: 404,
      status: 'NOT_FOUND',
      errors: [{ domain: 'global', reason: 'notFound' }],
    });
  });

  it('$.xgafv=1 marks a 429 rateLimitExceeded and keeps its ErrorInfo details', async () => {
    emu.faults.rateLimit('sheets.values.get', 1);
    const f = await failure(
      alice.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'Form!A1', '$.xgafv': '1' }, noRetry),
    );
    expect(f.status).toBe(429);
    expect(f.data.error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      errors: [{ domain: 'global', reason: 'rateLimitExceeded' }],
    });
    expect(f.data.error.details?.[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMIT_EXCEEDED',
    });
  });
});
