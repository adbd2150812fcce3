/** The emulator's state: Drive files, some of which are spreadsheets made of sheets of cells. */
import type { Cell, Json } from './cells';

export const SPREADSHEET_MIME = 'application/vnd.google-apps.spreadsheet';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export type Role = 'owner' | 'writer' | 'commenter' | 'reader';

/** A shared drive member's role as Drive names it; organizer ("Manager") and fileOrganizer ("Content manager"). */
export type DriveRole = 'organizer' | 'fileOrganizer';

/**
 * A shared drive's restrictions (Drive v3 `drives.restrictions`), all false on a new drive: "restrictions can't be
 * set when creating a shared drive. To add a restriction, first create a shared drive and then use drives.update".
 */
export type DriveRestrictions = {
  /** Whether administrative privileges on this shared drive are required to modify restrictions. */
  adminManagedRestrictions: boolean;
  /** Whether the options to copy, print, or download files inside this shared drive are disabled for readers and commenters. */
  copyRequiresWriterPermission: boolean;
  /** Whether access to this shared drive and items inside it is restricted to users of its domain. */
  domainUsersOnly: boolean;
  /** Whether access to items inside this shared drive is restricted to its members. */
  driveMembersOnly: boolean;
  /** If true, only users with the organizer role can share folders; if false, file organizers can too. */
  sharingFoldersRequiresOrganizerPermission: boolean;
};

export const NO_RESTRICTIONS: DriveRestrictions = {
  adminManagedRestrictions: false,
  copyRequiresWriterPermission: false,
  domainUsersOnly: false,
  driveMembersOnly: false,
  sharingFoldersRequiresOrganizerPermission: false,
};

export type Permission = {
  id: string;
  type: 'user' | 'anyone';
  /** The access it gives: a shared drive's organizer and fileOrganizer act on its files as an owner would. */
  role: Role;
  emailAddress?: string;
  /** Set on a shared drive's members with a role of their own (organizer, fileOrganizer). */
  driveRole?: DriveRole;
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
  /** pixelSize per row, set by updateDimensionProperties */
  rowHeights: Array<number | undefined>;
  /** Merged ranges (GridRange with sheetId), as sheets[].merges answers them. */
  merges: Json[];
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
  /**
   * The shared drive the file is in, if any. A shared drive is kept as a folder whose id is the drive's id (the
   * drive's root folder has the drive's id, so its files have it as parent) and whose permissions are the members;
   * its files have no owner of their own and inherit the members' access.
   */
  driveId?: string;
  /** Set on a shared drive's root. */
  sharedDrive?: boolean;
  /** Set on a shared drive's root: its restrictions (absent means none, as on a new drive). */
  restrictions?: DriveRestrictions;
  /**
   * Set on a shared drive's root: the Workspace domains whose users `domainUsersOnly` admits (the organizer's
   * domain unless `createSharedDrive` names others; a Workspace may hold secondary domains).
   */
  domains?: string[];
  /** The drives.create requestId that made this shared drive, so a repeated create is refused rather than doubled. */
  requestId?: string;
  /** Private key-value pairs of the app that set them (Drive: "Custom file properties"). */
  appProperties?: Record<string, string>;
  spreadsheet?: Spreadsheet;
  /** Whether the simulated Apps Script onChange trigger is installed on this spreadsheet. */
  trigger: boolean;
};

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;
