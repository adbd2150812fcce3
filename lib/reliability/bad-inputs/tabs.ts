/** Snapshots of a spreadsheet's tabs, to put them back after a case broke them. */
import type { sheets_v4 } from '@googleapis/sheets';
import type { World } from './world';

export type Snapshot = { tab: string; rows: sheets_v4.Schema$RowData[] }[];

/** The tabs' cells as entered (values and formats). */
export async function snapshotTabs(
  world: World,
  spreadsheetId: string,
  titles: readonly string[],
): Promise<Snapshot> {
  const res = await world.admin.spreadsheets.get({
    spreadsheetId,
    ranges: titles.map((t) => `'${t.replaceAll("'", "''")}'`),
    includeGridData: true,
    fields: 'sheets(properties.title,data.rowData.values(userEnteredValue,userEnteredFormat))',
  });
  return (res.data.sheets ?? []).map((s) => ({
    tab: s.properties?.title ?? '',
    rows: s.data?.[0]?.rowData ?? [],
  }));
}

export async function tabList(world: World, spreadsheetId: string) {
  const meta = await world.admin.spreadsheets.get({
    spreadsheetId,
    fields: 'sheets.properties(sheetId,title)',
  });
  return (meta.data.sheets ?? []).map((s) => ({
    id: s.properties?.sheetId ?? 0,
    title: s.properties?.title ?? '',
  }));
}

/**
 * Puts snapshotted tabs back: a tab not among `titles` (a renamed copy) removed, a deleted tab re-made, every cell
 * rewritten. Through the API, so no trigger fires.
 */
export async function restoreTabs(
  world: World,
  spreadsheetId: string,
  snap: Snapshot,
  titles: readonly string[],
) {
  const now = await tabList(world, spreadsheetId);
  const requests: sheets_v4.Schema$Request[] = [];
  for (const t of now) if (!titles.includes(t.title)) requests.push({ deleteSheet: { sheetId: t.id } });
  // A new id no tab has used: one deleted in this same batch is still taken when the batch is checked.
  const used = new Set(now.map((t) => t.id));
  let next = 8_000_000;
  for (const { tab, rows } of snap) {
    let id = now.find((t) => t.title === tab)?.id;
    if (id === undefined) {
      while (used.has(next)) next++;
      id = next;
      used.add(id);
      requests.push({ addSheet: { properties: { sheetId: id, title: tab } } });
    }
    requests.push(
      { appendDimension: { sheetId: id, dimension: 'ROWS', length: 5 } },
      { updateCells: { range: { sheetId: id }, fields: 'userEnteredValue,userEnteredFormat' } },
      {
        updateCells: {
          start: { sheetId: id, rowIndex: 0, columnIndex: 0 },
          rows,
          fields: 'userEnteredValue,userEnteredFormat',
        },
      },
    );
  }
  await world.admin.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } });
}
