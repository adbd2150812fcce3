/**
 * Sheets API requests built from plain cells: the Feedback write (one batchUpdate that adds the tab when missing,
 * grows it when too small, and replaces its cells) and a layout's cells for provisioning. Strings always go out as
 * `stringValue`, so a zone named `=IMPORTXML(...)` is stored as text and never evaluated.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { FeedbackCell, FeedbackTab } from '../pipeline/ports';
import { FEEDBACK_TAB, type LayoutCell, type TabLayout } from './layout';

/** One value as Sheets stores it without interpretation. */
export function extendedValue(v: FeedbackCell): sheets_v4.Schema$ExtendedValue | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? { numberValue: v } : { stringValue: String(v) };
  if (typeof v === 'boolean') return { boolValue: v };
  return { stringValue: v };
}

const MIN_FEEDBACK_ROWS = 100;
const MIN_FEEDBACK_COLUMNS = 8;

/** The grid a Feedback tab needs for `rows`, with room so the next writes rarely have to grow it. */
export function feedbackGrid(rows: readonly (readonly FeedbackCell[])[], tab: FeedbackTab | null) {
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const rowCount = Math.max(tab?.rowCount ?? 0, rows.length, tab === null ? MIN_FEEDBACK_ROWS : 0);
  const columnCount = Math.max(tab?.columnCount ?? 0, width, tab === null ? MIN_FEEDBACK_COLUMNS : 0);
  return { rowCount, columnCount };
}

/**
 * The requests of one Feedback write. With `tab` null the tab is added first (with `newTabId`); an existing tab
 * too small is grown; then `updateCells` over the whole grid replaces every value, clearing what the rows do not
 * reach (Sheets clears the masked fields of the range's cells that `rows` leaves out).
 */
export function feedbackRequests(
  rows: readonly (readonly FeedbackCell[])[],
  tab: FeedbackTab | null,
  newTabId: number,
  title: string = FEEDBACK_TAB,
): { requests: sheets_v4.Schema$Request[]; tab: FeedbackTab } {
  const grid = feedbackGrid(rows, tab);
  const tabId = tab?.tabId ?? newTabId;
  const requests: sheets_v4.Schema$Request[] = [];
  if (tab === null) {
    requests.push({
      addSheet: {
        properties: {
          sheetId: tabId,
          title,
          gridProperties: { rowCount: grid.rowCount, columnCount: grid.columnCount },
        },
      },
    });
  } else {
    if (grid.rowCount > tab.rowCount)
      requests.push({
        appendDimension: { sheetId: tabId, dimension: 'ROWS', length: grid.rowCount - tab.rowCount },
      });
    if (grid.columnCount > tab.columnCount)
      requests.push({
        appendDimension: { sheetId: tabId, dimension: 'COLUMNS', length: grid.columnCount - tab.columnCount },
      });
  }
  requests.push({
    updateCells: {
      range: {
        sheetId: tabId,
        startRowIndex: 0,
        endRowIndex: grid.rowCount,
        startColumnIndex: 0,
        endColumnIndex: grid.columnCount,
      },
      rows: rows.map((r) => ({
        values: r.map((v) => {
          const ev = extendedValue(v);
          return ev === undefined ? {} : { userEnteredValue: ev };
        }),
      })),
      fields: 'userEnteredValue',
    },
  });
  return { requests, tab: { tabId, rowCount: grid.rowCount, columnCount: grid.columnCount } };
}

function layoutCell(c: LayoutCell): sheets_v4.Schema$CellData {
  const out: sheets_v4.Schema$CellData = {};
  const ev = extendedValue(c.value);
  if (ev !== undefined) out.userEnteredValue = ev;
  if (c.note !== undefined) out.note = c.note;
  if (c.bold) out.userEnteredFormat = { textFormat: { bold: true } };
  return out;
}

/** The requests that write a layout's cells, notes and frozen rows into an existing tab. */
export function layoutRequests(layout: TabLayout, sheetId: number): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [
    {
      updateCells: {
        start: { sheetId, rowIndex: 0, columnIndex: 0 },
        rows: layout.rows.map((r) => ({ values: r.map(layoutCell) })),
        fields: 'userEnteredValue,note,userEnteredFormat.textFormat',
      },
    },
  ];
  if (layout.frozenRows > 0)
    requests.push({
      updateSheetProperties: {
        properties: { sheetId, gridProperties: { frozenRowCount: layout.frozenRows } },
        fields: 'gridProperties.frozenRowCount',
      },
    });
  return requests;
}
