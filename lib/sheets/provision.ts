/**
 * Creating spreadsheets from layouts, for the provisioning CLI, the local stack and tests: one `create` naming the
 * tabs with grids big enough for their rows, then one `batchUpdate` writing every tab's cells.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { GoogleClients } from './client';
import type { TabLayout } from './layout';
import { layoutRequests } from './requests';

const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;

/** Creates a spreadsheet with one tab per layout (in order) and returns its id and each tab's id by title. */
export async function createSpreadsheet(
  clients: Pick<GoogleClients, 'sheets' | 'calls'>,
  title: string,
  layouts: readonly TabLayout[],
): Promise<{ spreadsheetId: string; tabIds: Record<string, number> }> {
  const sheets: sheets_v4.Schema$Sheet[] = layouts.map((l, i) => ({
    properties: {
      sheetId: i,
      title: l.title,
      gridProperties: {
        rowCount: Math.max(DEFAULT_ROWS, l.rows.length + 50),
        columnCount: Math.max(DEFAULT_COLUMNS, ...l.rows.map((r) => r.length)),
      },
    },
  }));
  const created = await clients.calls.call({ name: 'sheets.spreadsheets.create', kind: 'sheets.write' }, () =>
    clients.sheets.spreadsheets.create({
      fields: 'spreadsheetId,sheets.properties(sheetId,title)',
      requestBody: { properties: { title }, sheets },
    }),
  );
  const spreadsheetId = created.data.spreadsheetId;
  if (!spreadsheetId) throw new Error('spreadsheets.create answered without a spreadsheetId');
  const tabIds: Record<string, number> = {};
  for (const s of created.data.sheets ?? []) {
    const p = s.properties;
    if (p?.title) tabIds[p.title] = p.sheetId ?? 0;
  }
  const requests = layouts.flatMap((l) => layoutRequests(l, tabIds[l.title] ?? 0));
  if (requests.length > 0)
    await clients.calls.call(
      { name: 'sheets.spreadsheets.batchUpdate', kind: 'sheets.write', fileId: spreadsheetId },
      () =>
        clients.sheets.spreadsheets.batchUpdate({
          spreadsheetId,
          fields: 'spreadsheetId',
          requestBody: { requests },
        }),
    );
  return { spreadsheetId, tabIds };
}
