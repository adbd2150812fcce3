/**
 * Creating spreadsheets from layouts, for the provisioning CLI, the local stack and tests.
 *
 * A service account has no Drive storage: "Service accounts don't have storage quota and can't own any files.
 * Instead, they must upload files and folders into shared drives" (Drive API, shared drives guide; quoted in
 * n8n-io/n8n#26050). `spreadsheets.create` puts the new file in the caller's My Drive and cannot name a folder, so
 * for a service account it answers 403 "The user's Drive storage quota has been exceeded." (burnash/gspread#1592,
 * xing5/mcp-google-sheets#40). The spreadsheet is therefore made with Drive's `files.create` (mimeType
 * `application/vnd.google-apps.spreadsheet`, `parents: [folder]`, `supportsAllDrives`) in a folder of a shared drive
 * where the service account is a content manager (DESIGN section 9), which makes an empty spreadsheet with one
 * 1000 x 26 tab (sheet id 0); one `batchUpdate` then names the tabs, sizes their grids and writes their cells.
 *
 * A create is not idempotent: one whose answer is lost (a timeout, a dropped connection, a 5xx) may have made the
 * file, and sending it again makes another (cockroachdb/cockroach#170130 notes the same of `Spreadsheets.Create`).
 * Each file therefore carries a key chosen by the caller in its `appProperties`, and is looked up by it before it is
 * created and after any create that failed that way (`appProperties has { key='zoneEvalKey' and value='...' }`,
 * Drive: Search query terms). Drive's search is eventually consistent, so the lookup comes after the retry's
 * backoff; a file made by a create whose answer was lost can still, rarely, be missed and doubled.
 */
import type { drive_v3 } from '@googleapis/drive';
import type { sheets_v4 } from '@googleapis/sheets';
import { batchUpdate, type GoogleClients } from './client';
import { SheetsError, SheetsRequestError } from './errors';
import type { TabLayout } from './layout';
import { layoutRequests } from './requests';

const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;

export const SPREADSHEET_MIME = 'application/vnd.google-apps.spreadsheet';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** The app property that holds a file's provisioning key. */
export const KEY_PROPERTY = 'zoneEvalKey';

/** Where a file goes and the key it is found by. */
export type Placement = {
  /** The folder, in a shared drive, the file is created in (a shared drive's id is also its root folder's). */
  folderId: string;
  /** The shared drive that holds the folder: lookups then search it alone (`corpora=drive`), else all drives. */
  driveId?: string;
  /** A stable key chosen by the caller (an evaluation and a zone, say): a file already made with it is reused. */
  key: string;
};

type Clients = Pick<GoogleClients, 'sheets' | 'drive' | 'calls'>;

/** A Drive query string literal: "Escape single quotes in queries with \'" (Drive: Search query terms). */
const quoteQ = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** The oldest live file carrying `key`, or undefined. */
export async function findByKey(
  clients: Pick<GoogleClients, 'drive' | 'calls'>,
  place: Pick<Placement, 'driveId' | 'key'>,
): Promise<string | undefined> {
  const res = await clients.calls.call({ name: 'drive.files.list', kind: 'drive' }, () =>
    clients.drive.files.list({
      q: `appProperties has { key=${quoteQ(KEY_PROPERTY)} and value=${quoteQ(place.key)} } and trashed = false`,
      fields: 'files(id)',
      orderBy: 'createdTime',
      pageSize: 10,
      supportsAllDrives: true,
      includeItemsFromAllDrives: true,
      ...(place.driveId === undefined
        ? { corpora: 'allDrives' }
        : { corpora: 'drive', driveId: place.driveId }),
    }),
  );
  return res.data.files?.[0]?.id ?? undefined;
}

/**
 * The file with `place.key`, created (with `files.create`, never sent twice blindly) when there is none. `created`
 * says whether this call made it.
 */
export async function createFileOnce(
  clients: Pick<GoogleClients, 'drive' | 'calls'>,
  file: { name: string; mimeType: string },
  place: Placement,
): Promise<{ id: string; created: boolean }> {
  const existing = await findByKey(clients, place);
  if (existing !== undefined) return { id: existing, created: false };
  const requestBody: drive_v3.Schema$File = {
    name: file.name,
    mimeType: file.mimeType,
    parents: [place.folderId],
    appProperties: { [KEY_PROPERTY]: place.key },
  };
  let created = true;
  const res = await clients.calls.call(
    { name: 'drive.files.create', kind: 'drive', idempotent: false },
    async () => {
      const r = await clients.drive.files.create({ supportsAllDrives: true, fields: 'id', requestBody });
      return { id: r.data.id, status: r.status };
    },
    async () => {
      const found = await findByKey(clients, place);
      if (found === undefined) return undefined;
      created = false;
      return { id: found, status: 200 };
    },
  );
  if (!res.id) throw new Error('drive.files.create answered without an id');
  return { id: res.id, created };
}

/** A folder (in a shared drive) made once per key, for the spreadsheets of one evaluation. */
export async function ensureFolder(
  clients: Pick<GoogleClients, 'drive' | 'calls'>,
  name: string,
  place: Placement,
): Promise<string> {
  return (await createFileOnce(clients, { name, mimeType: FOLDER_MIME }, place)).id;
}

type Tab = { sheetId: number; title: string };

async function readTabs(clients: Clients, spreadsheetId: string): Promise<Tab[]> {
  const res = await clients.calls.call(
    { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
    () => clients.sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title)' }),
  );
  return (res.data.sheets ?? []).map((s) => ({
    sheetId: s.properties?.sheetId ?? 0,
    title: s.properties?.title ?? '',
  }));
}

/** Each layout's tab id by title, when every layout has its tab (titles compare case-insensitively, as in Sheets). */
function tabIdsIfSetUp(
  tabs: readonly Tab[],
  layouts: readonly TabLayout[],
): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const l of layouts) {
    const t = tabs.find((x) => x.title.toLowerCase() === l.title.toLowerCase());
    if (t === undefined) return undefined;
    out[l.title] = t.sheetId;
  }
  return out;
}

function grid(l: TabLayout) {
  return {
    rowCount: Math.max(DEFAULT_ROWS, l.rows.length + 50),
    columnCount: Math.max(DEFAULT_COLUMNS, ...l.rows.map((r) => r.length)),
  };
}

/**
 * The one batchUpdate that turns the empty spreadsheet into the layouts: the first tab (id 0, "Sheet1") renamed and
 * sized for the first layout, a tab added per other layout (id = its position), then every tab's cells.
 */
function setUpRequests(layouts: readonly TabLayout[]): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [];
  layouts.forEach((l, i) => {
    if (i === 0) {
      requests.push({
        updateSheetProperties: {
          properties: { sheetId: 0, title: l.title, gridProperties: grid(l) },
          fields: 'title,gridProperties.rowCount,gridProperties.columnCount',
        },
      });
    } else {
      requests.push({
        addSheet: { properties: { sheetId: i, title: l.title, index: i, gridProperties: grid(l) } },
      });
    }
  });
  layouts.forEach((l, i) => {
    requests.push(...layoutRequests(l, i));
  });
  return requests;
}

/**
 * The spreadsheet with `place.key`, with one tab per layout (in order), created in `place.folderId` if there is none
 * yet; returns its id and each tab's id by title. Running it again with the same key finds the spreadsheet and
 * finishes what a failed run left undone, without a second file. A spreadsheet changed by hand (a tab deleted or
 * renamed) is an error unless `options.repair`, when it is returned as found for the caller to repair.
 */
export async function createSpreadsheet(
  clients: Clients,
  title: string,
  layouts: readonly TabLayout[],
  place: Placement,
  options: { repair?: boolean } = {},
): Promise<{ spreadsheetId: string; tabIds: Record<string, number>; created: boolean }> {
  if (layouts.length === 0) throw new Error('createSpreadsheet needs at least one tab layout');
  const { id: spreadsheetId, created } = await createFileOnce(
    clients,
    { name: title, mimeType: SPREADSHEET_MIME },
    place,
  );
  if (!created) {
    // Found, not made: it may be set up already, or still the empty spreadsheet a failed run left.
    const tabs = await readTabs(clients, spreadsheetId);
    const done = tabIdsIfSetUp(tabs, layouts);
    if (done !== undefined) return { spreadsheetId, tabIds: done, created };
    if (tabs.length !== 1 || tabs[0]!.sheetId !== 0) {
      // A caller that repairs (`zone-eval provision`) adds the missing tabs itself.
      if (options.repair) return { spreadsheetId, tabIds: {}, created };
      throw new Error(
        `spreadsheet ${spreadsheetId} (key ${place.key}) has tabs ${tabs.map((t) => t.title).join(', ')}, neither ` +
          'the empty spreadsheet nor the layouts: it was changed by hand',
      );
    }
  }
  try {
    await batchUpdate(clients, spreadsheetId, setUpRequests(layouts));
  } catch (e) {
    // A batchUpdate is atomic; one retried after its first attempt went through fails on the tabs it added.
    if (!(e instanceof SheetsRequestError)) throw e;
    const done = tabIdsIfSetUp(await readTabs(clients, spreadsheetId), layouts);
    if (done === undefined) throw e;
    return { spreadsheetId, tabIds: done, created };
  }
  const tabIds: Record<string, number> = {};
  layouts.forEach((l, i) => {
    tabIds[l.title] = i;
  });
  return { spreadsheetId, tabIds, created };
}

// ---------------------------------------------------------------------------------------------------------------
// Repairing what provisioning made (the admin's `zone-eval provision`, run again): missing tabs, lost protections
// and validation, and the people a file is shared with. Each check is one read; each repair joins one batchUpdate.

/** Who a file is shared with, by provisioning: each person's email and the role they get. */
export type Access = { email: string; role: 'writer' | 'reader' };

/** What `ensureAccess` changed, and whom the shared drive's restrictions kept it from sharing with (and why). */
export type AccessChange = {
  added: string[];
  removed: string[];
  refused: Array<{ email: string; why: string }>;
};

/** Drive's refusals of a grant outside a shared drive's restrictions: a person to name, not a fault. */
const RESTRICTION_REASONS: Record<string, string> = {
  teamDriveDomainUsersOnlyRestriction:
    "outside the shared drive's Workspace domain (its restriction domainUsersOnly): give them an account in the domain, or have a Manager turn the restriction off",
  teamDriveTeamMembersOnlyRestriction:
    'not a member of the shared drive, which admits members only (driveMembersOnly): provisioning turns that off when the service account is a Manager',
};

/**
 * Shares `fileId` with exactly `wanted` among the people shared with it file by file: grants what is missing (or a
 * changed role) and removes a person no longer listed (unless `keepOthers`: people added by hand stay). Shared drive members (inherited access) and the drive's own
 * roles are never touched: they are the Workspace admin's.
 */
export async function ensureAccess(
  clients: Pick<GoogleClients, 'drive' | 'calls'>,
  fileId: string,
  wanted: readonly Access[],
  options: { keepOthers?: boolean } = {},
): Promise<AccessChange> {
  const res = await clients.calls.call({ name: 'drive.permissions.list', kind: 'drive' }, () =>
    clients.drive.permissions.list({
      fileId,
      supportsAllDrives: true,
      fields: 'permissions(id,type,role,emailAddress,permissionDetails(inherited))',
    }),
  );
  const perms = (res.data.permissions ?? []).filter(
    (p) =>
      p.type === 'user' &&
      (p.role === 'writer' || p.role === 'reader' || p.role === 'commenter') &&
      !(p.permissionDetails ?? []).some((d) => d.inherited === true),
  );
  const want = new Map(wanted.map((a) => [a.email.toLowerCase(), a]));
  const change: AccessChange = { added: [], removed: [], refused: [] };
  for (const p of perms) {
    const email = (p.emailAddress ?? '').toLowerCase();
    const a = want.get(email);
    if (a !== undefined && a.role === p.role) {
      want.delete(email);
      continue;
    }
    if (!p.id || (a === undefined && options.keepOthers)) continue;
    await clients.calls.call({ name: 'drive.permissions.delete', kind: 'drive' }, () =>
      clients.drive.permissions.delete({ fileId, permissionId: p.id!, supportsAllDrives: true }),
    );
    if (a === undefined) change.removed.push(email);
  }
  for (const a of want.values()) {
    try {
      await clients.calls.call({ name: 'drive.permissions.create', kind: 'drive', idempotent: true }, () =>
        clients.drive.permissions.create({
          fileId,
          supportsAllDrives: true,
          fields: 'id',
          requestBody: { type: 'user', role: a.role, emailAddress: a.email },
        }),
      );
    } catch (e) {
      const why = e instanceof SheetsError ? RESTRICTION_REASONS[e.detail.reason ?? ''] : undefined;
      if (why === undefined) throw e;
      change.refused.push({ email: a.email, why });
      continue;
    }
    change.added.push(a.email);
  }
  return change;
}

// ---------------------------------------------------------------------------------------------------------------
// The shared drive's restrictions (Drive v3 `drives.restrictions`). In a shared drive a file's `writersCanShare` does
// not apply: a per-file writer (an official) may share the file, within the drive's restrictions only.

/** A restriction provisioning sets, the value it needs and why (the README's "Officials and sharing"). */
type Wanted = {
  key: 'driveMembersOnly' | 'sharingFoldersRequiresOrganizerPermission' | 'copyRequiresWriterPermission';
  value: boolean;
  capability:
    | 'canChangeDriveMembersOnlyRestriction'
    | 'canChangeSharingFoldersRequiresOrganizerPermissionRestriction'
    | 'canChangeCopyRequiresWriterPermissionRestriction';
  why: string;
};

export const WANTED_RESTRICTIONS: readonly Wanted[] = [
  {
    key: 'driveMembersOnly',
    value: false,
    capability: 'canChangeDriveMembersOnlyRestriction',
    why: 'officials and leaders are given single files, not drive membership; with it on they reach nothing',
  },
  {
    key: 'sharingFoldersRequiresOrganizerPermission',
    value: true,
    capability: 'canChangeSharingFoldersRequiresOrganizerPermissionRestriction',
    why: "only a Manager may share the evaluation's folder (and so every zone's sheet at once)",
  },
  {
    key: 'copyRequiresWriterPermission',
    value: false,
    capability: 'canChangeCopyRequiresWriterPermissionRestriction',
    why: 'leaders read the results as readers and must be able to download and print them',
  },
];

/** What `ensureDriveRestrictions` found and did. */
export type RestrictionsOutcome = {
  /** The restrictions it changed, as `name: old → new`. */
  changed: string[];
  /** The restrictions that differ and that the service account may not change: a sentence each, with the remedy. */
  notChanged: string[];
  /** The drive's domainUsersOnly, which provisioning reads and leaves to the Workspace's admins. */
  domainUsersOnly: boolean;
};

/**
 * Brings the shared drive's restrictions to `WANTED_RESTRICTIONS` (one drives.get; one drives.update only when one
 * differs), leaving `domainUsersOnly` as the drive's Managers set it: whether officials' accounts are in the
 * Workspace's domain is theirs to know. Changing restrictions takes a Manager (organizer); a Content manager's
 * `capabilities.canChange...` are false, and what it cannot change is returned as sentences, not thrown.
 */
export async function ensureDriveRestrictions(
  clients: Pick<GoogleClients, 'drive' | 'calls'>,
  driveId: string,
): Promise<RestrictionsOutcome> {
  const res = await clients.calls.call({ name: 'drive.drives.get', kind: 'drive' }, () =>
    clients.drive.drives.get({
      driveId,
      fields: `restrictions,capabilities(${WANTED_RESTRICTIONS.map((w) => w.capability).join(',')})`,
    }),
  );
  const now = res.data.restrictions ?? {};
  const caps = res.data.capabilities ?? {};
  const out: RestrictionsOutcome = {
    changed: [],
    notChanged: [],
    domainUsersOnly: now.domainUsersOnly === true,
  };
  const patch: Record<string, boolean> = {};
  for (const w of WANTED_RESTRICTIONS) {
    const current = now[w.key] === true;
    if (current === w.value) continue;
    if (caps[w.capability] === true) {
      patch[w.key] = w.value;
      out.changed.push(`${w.key}: ${current} → ${w.value}`);
    } else {
      out.notChanged.push(
        `the shared drive's ${w.key} is ${current} and should be ${w.value} (${w.why}); the service account may not change it: make it a Manager of the drive, or have a Manager change it in the drive's settings`,
      );
    }
  }
  if (Object.keys(patch).length > 0) {
    await clients.calls.call({ name: 'drive.drives.update', kind: 'drive', idempotent: true }, () =>
      clients.drive.drives.update({ driveId, fields: 'id', requestBody: { restrictions: patch } }),
    );
  }
  return out;
}

/** A tab as read for repair: its id, title and the descriptions of its protected ranges. */
export type TabState = { sheetId: number; title: string; protections: string[] };

/** The tabs of a spreadsheet with their protected ranges' descriptions, in one read. */
export async function readTabStates(
  clients: Pick<GoogleClients, 'sheets' | 'calls'>,
  spreadsheetId: string,
): Promise<TabState[]> {
  const res = await clients.calls.call(
    { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
    () =>
      clients.sheets.spreadsheets.get({
        spreadsheetId,
        fields: 'sheets(properties(sheetId,title),protectedRanges(description))',
      }),
  );
  return (res.data.sheets ?? []).map((s) => ({
    sheetId: s.properties?.sheetId ?? 0,
    title: s.properties?.title ?? '',
    protections: (s.protectedRanges ?? []).map((p) => p.description ?? ''),
  }));
}

/**
 * The requests that add each layout missing from `tabs` (titles compare case-insensitively, as in Sheets), with
 * fresh sheet ids, and each layout's tab id afterwards.
 */
export function missingTabRequests(
  tabs: readonly TabState[],
  layouts: readonly TabLayout[],
): { requests: sheets_v4.Schema$Request[]; tabIds: Record<string, number>; added: string[] } {
  const requests: sheets_v4.Schema$Request[] = [];
  const tabIds: Record<string, number> = {};
  const added: string[] = [];
  let next = Math.max(0, ...tabs.map((t) => t.sheetId)) + 1;
  for (const l of layouts) {
    const t = tabs.find((x) => x.title.toLowerCase() === l.title.toLowerCase());
    if (t) {
      tabIds[l.title] = t.sheetId;
      continue;
    }
    const sheetId = next++;
    requests.push({ addSheet: { properties: { sheetId, title: l.title, gridProperties: grid(l) } } });
    requests.push(...layoutRequests(l, sheetId));
    tabIds[l.title] = sheetId;
    added.push(l.title);
  }
  return { requests, tabIds, added };
}
