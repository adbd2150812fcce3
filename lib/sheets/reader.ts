/**
 * `SpreadsheetReader` over the Sheets API. A form is read with one `spreadsheets.get` carrying `includeGridData`,
 * the ranges and a field mask, so each value arrives with its displayed text and number format type (DESIGN
 * section 3); the Feedback tab's id comes in the same answer. A range naming a missing tab fails the whole request
 * (400 "Unable to parse range"), so then, and only then, one metadata read finds which tabs exist and a second
 * read takes those: a renamed or deleted tab becomes a problem on the sheet, never an exception.
 *
 * Field mask to `CellData`, and how core's parser reads it:
 * - `effectiveValue.numberValue` / `stringValue` / `boolValue`: the value after formulas;
 * - `effectiveValue.errorValue.type`: a formula error (`DIVIDE_BY_ZERO`), shown as `formattedValue` `#DIV/0!`;
 * - `formattedValue`: the text the official sees (`17.35%`, `1,092.47`);
 * - `effectiveFormat.numberFormat.type`: PERCENT tells 0.1735 shown as `17.35%` apart from a typed 0.1735.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { MethodologyIssue } from '../core/methodology';
import type { CentralRead, ControlRead, FeedbackTab, FormRead, SpreadsheetReader } from '../pipeline/ports';
import { quoteTab } from './a1';
import { type CentralOptions, readCentralGrid } from './central';
import type { GoogleClients } from './client';
import { locateIssue, readControlGrids } from './control';
import { SheetsRequestError } from './errors';
import { type FormMethodology, readFormGrid } from './form';
import type { GridCell, TabGrid } from './grid';
import { CONTROL_TABS, FEEDBACK_TAB, FORM_TAB } from './layout';

/** Only what the parser needs from each cell, and each tab's id, title and size. */
export const GRID_FIELDS =
  'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),' +
  'data(startRow,startColumn,rowData.values(effectiveValue,formattedValue,effectiveFormat.numberFormat.type)))';
const META_FIELDS = 'sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))';

type Wanted = { title: string; cells?: string };
type Fetched = { grids: Map<string, TabGrid | null>; titles: string[] | null; feedback?: FeedbackTab | null };

/** A sheet of a `spreadsheets.get` answer as a grid; cells shift by `startRow`/`startColumn`. */
export function toTabGrid(sheet: sheets_v4.Schema$Sheet): TabGrid | null {
  const p = sheet.properties;
  if (p?.title === undefined || p.title === null) return null;
  const rows: (GridCell[] | undefined)[] = [];
  for (const data of sheet.data ?? []) {
    const r0 = data.startRow ?? 0;
    const c0 = data.startColumn ?? 0;
    (data.rowData ?? []).forEach((rd, i) => {
      const values = rd.values;
      if (values === undefined || values === null || values.length === 0) return;
      const row = (rows[r0 + i] ??= []);
      values.forEach((v, j) => {
        row[c0 + j] = v;
      });
    });
  }
  // Holes become empty cells, so readers can index without guards.
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row === undefined) continue;
    for (let c = 0; c < row.length; c++) if (row[c] === undefined) row[c] = {};
  }
  return {
    title: p.title,
    tabId: p.sheetId ?? 0,
    rowCount: p.gridProperties?.rowCount ?? rows.length,
    columnCount: p.gridProperties?.columnCount ?? 0,
    rows,
  };
}

function sameTitle(a: string, b: string): boolean {
  return a === b || a.trim().toLowerCase() === b.trim().toLowerCase();
}

export class GoogleSpreadsheetReader implements SpreadsheetReader {
  constructor(private readonly clients: Pick<GoogleClients, 'sheets' | 'calls'>) {}

  /** Reads a zone's form (and the Feedback tab's id) in one request when both tabs exist. */
  async readForm(
    spreadsheetId: string,
    methodology: FormMethodology,
    options: { expectedZoneId?: string } = {},
  ): Promise<FormRead> {
    const got = await this.fetchTabs(spreadsheetId, [
      { title: FORM_TAB },
      { title: FEEDBACK_TAB, cells: 'A1' },
    ]);
    const feedback = got.grids.get(FEEDBACK_TAB) ?? null;
    return readFormGrid({
      spreadsheetId,
      grid: got.grids.get(FORM_TAB) ?? null,
      tabTitles: got.titles ?? [],
      feedbackTab:
        feedback === null
          ? null
          : {
              tabId: feedback.tabId,
              rowCount: feedback.rowCount,
              columnCount: Math.max(1, feedback.columnCount),
            },
      methodology,
      ...(options.expectedZoneId === undefined ? {} : { expectedZoneId: options.expectedZoneId }),
    });
  }

  /** The control-sheet cell a methodology issue points at, by the layout this adapter reads. */
  locateIssue(control: Pick<ControlRead, 'origins' | 'methodology'>, issue: MethodologyIssue): string | null {
    return locateIssue(control, issue);
  }

  /** Reads the five control tabs in one request when they all exist. */
  async readControl(spreadsheetId: string): Promise<ControlRead> {
    const got = await this.fetchTabs(
      spreadsheetId,
      Object.values(CONTROL_TABS).map((title) => ({ title })),
    );
    const g = (t: string) => got.grids.get(t) ?? null;
    return readControlGrids(spreadsheetId, {
      zones: g(CONTROL_TABS.zones),
      indicators: g(CONTROL_TABS.indicators),
      aggregates: g(CONTROL_TABS.aggregates),
      grades: g(CONTROL_TABS.grades),
      settings: g(CONTROL_TABS.settings),
    });
  }

  /** Reads one central-department tab. */
  async readCentral(
    spreadsheetId: string,
    tab: string,
    methodology?: FormMethodology,
    options?: CentralOptions,
  ): Promise<CentralRead> {
    const got = await this.fetchTabs(spreadsheetId, [{ title: tab }]);
    return readCentralGrid(spreadsheetId, tab, got.grids.get(tab) ?? null, methodology, options);
  }

  private async getGrid(spreadsheetId: string, ranges: string[]): Promise<sheets_v4.Schema$Spreadsheet> {
    const res = await this.clients.calls.call(
      { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
      () =>
        this.clients.sheets.spreadsheets.get({
          spreadsheetId,
          ranges,
          includeGridData: true,
          fields: GRID_FIELDS,
        }),
    );
    return res.data;
  }

  /**
   * The wanted tabs' grids, by wanted title (null for a tab that does not exist). One request when every tab
   * exists; otherwise a metadata read and a read of the tabs that do.
   */
  private async fetchTabs(spreadsheetId: string, wanted: Wanted[]): Promise<Fetched> {
    const range = (w: Wanted, title: string) =>
      w.cells === undefined ? quoteTab(title) : `${quoteTab(title)}!${w.cells}`;
    try {
      const data = await this.getGrid(
        spreadsheetId,
        wanted.map((w) => range(w, w.title)),
      );
      return this.collect(data, wanted, null);
    } catch (e) {
      // 400 is what a range naming a missing tab gives; any other failure is not ours to interpret.
      if (!(e instanceof SheetsRequestError) || e.detail.status !== 400) throw e;
    }
    const meta = await this.clients.calls.call(
      { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
      () => this.clients.sheets.spreadsheets.get({ spreadsheetId, fields: META_FIELDS }),
    );
    const titles = (meta.data.sheets ?? []).flatMap((s) => (s.properties?.title ? [s.properties.title] : []));
    const present: { w: Wanted; actual: string }[] = [];
    for (const w of wanted) {
      const actual = titles.find((t) => t === w.title) ?? titles.find((t) => sameTitle(t, w.title));
      if (actual !== undefined) present.push({ w, actual });
    }
    if (present.length === 0) return { grids: new Map(wanted.map((w) => [w.title, null])), titles };
    const data = await this.getGrid(
      spreadsheetId,
      present.map((p) => range(p.w, p.actual)),
    );
    return this.collect(data, wanted, titles);
  }

  private collect(data: sheets_v4.Schema$Spreadsheet, wanted: Wanted[], titles: string[] | null): Fetched {
    const grids = new Map<string, TabGrid | null>(wanted.map((w) => [w.title, null]));
    const seen: string[] = [];
    for (const sheet of data.sheets ?? []) {
      const grid = toTabGrid(sheet);
      if (grid === null) continue;
      seen.push(grid.title);
      const w =
        wanted.find((x) => x.title === grid.title) ?? wanted.find((x) => sameTitle(x.title, grid.title));
      if (w !== undefined) grids.set(w.title, grid);
    }
    return { grids, titles: titles ?? seen };
  }
}
