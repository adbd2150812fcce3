/** The emulator's state: Drive files, some of which are spreadsheets made of sheets of cells. */
import type { Cell, Json } from './cells';

export const SPREADSHEET_MIME = 'application/vnd.google-apps.spreadsheet';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export type Role = 'owner' | 'writer' | 'commenter' | 'reader';

export type Permission = {
  id: string;
  type: 'user' | 'anyone';
  role: Role;
  emailAddress?: string;
};

export type GridProperties = {
  rowCount: number;
  columnCount: number;
  frozenRowCount?: number;
  frozenColumnCount?: number;
};

export type SheetProperties = {
  sheetId: number;
  title: string;
  index: number;
  sheetType: 'GRID';
  gridProperties: GridProperties;
  hidden?: boolean;
  tabColor?: Json;
  tabColorStyle?: Json;
  rightToLeft?: boolean;
};

export type Row = Array<Cell | undefined>;

export type Sheet = {
  properties: SheetProperties;
  rows: Array<Row | undefined>;
  conditionalFormats: Json[];
  protectedRanges: Json[];
  charts: Json[];
  /** pixelSize per column, set by autoResizeDimensions and updateDimensionProperties */
  columnWidths: Array<number | undefined>;
};

export type SpreadsheetProperties = { title: string; locale: string; timeZone: string; autoRecalc: string };

export type Spreadsheet = { properties: SpreadsheetProperties; sheets: Sheet[]; nextObjectId: number };

export type DriveFile = {
  id: string;
  name: string;
  mimeType: string;
  owner: string;
  parents: string[];
  createdTime: number;
  modifiedTime: number;
  /** Drive's monotonically increasing version: "reflects every change made to the file on the server". */
  version: number;
  lastModifyingUser: string;
  permissions: Permission[];
  trashed: boolean;
  spreadsheet?: Spreadsheet;
  /** Whether the simulated Apps Script onChange trigger is installed on this spreadsheet. */
  trigger: boolean;
};

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;
