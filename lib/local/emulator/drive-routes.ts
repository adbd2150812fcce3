/**
 * The Drive v3 surface the project uses: files.get/list/create/copy/update/delete, permissions.create/list, about.get
 * (the caller's own user, for the identity an admin's command records), and
 * shared drives (drives.create/get) as far as a service account needs them: a drive whose members' access reaches
 * every file in it, `supportsAllDrives` to address those files, and `corpora`/`driveId`/`includeItemsFromAllDrives`
 * to list them (Drive API: "Implement shared drive support").
 */
import * as z from 'zod';
import { ApiError, storageQuotaExceeded } from './errors';
import { boolParam, type Ctx, path, type Route } from './http';
import {
  type DriveFile,
  type DriveRestrictions,
  type DriveRole,
  FOLDER_MIME,
  NO_RESTRICTIONS,
  type Role,
  SPREADSHEET_MIME,
} from './model';
import { buildSpreadsheet, parseBody } from './sheets-routes';
import { permissionId, type Store } from './store';

const iso = (t: number) => new Date(t).toISOString();

const notFound = (id: string) =>
  new ApiError(404, 'NOT_FOUND', `File not found: ${id}.`, undefined, 'notFound');
const insufficient = () =>
  new ApiError(
    403,
    'PERMISSION_DENIED',
    'The user does not have sufficient permissions for this file.',
    undefined,
    'insufficientFilePermissions',
  );
const badValue = (what: string) =>
  new ApiError(400, 'INVALID_ARGUMENT', `Invalid Value: ${what}`, undefined, 'invalid');

function user(email: string, caller: string) {
  return {
    kind: 'drive#user',
    displayName: email.split('@')[0],
    emailAddress: email,
    me: email.toLowerCase() === caller.toLowerCase(),
    permissionId: permissionId(email),
  };
}

/**
 * The full File resource; the server keeps only what `fields` asks for (default: kind, id, name, mimeType). A file
 * in a shared drive has `driveId` and no owners: "All files in a shared drive are owned collectively" (kopia#2656).
 */
function fileResource(f: DriveFile, caller: string, role: Role | undefined, store?: Store) {
  const inDrive = f.driveId !== undefined;
  const root = inDrive && store ? store.files.get(f.driveId!) : undefined;
  const copyRestricted = root?.restrictions?.copyRequiresWriterPermission === true;
  return {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    ...(f.appProperties ? { appProperties: { ...f.appProperties } } : {}),
    trashed: f.trashed,
    createdTime: iso(f.createdTime),
    modifiedTime: iso(f.modifiedTime),
    version: String(f.version),
    ...(inDrive ? { driveId: f.driveId } : { owners: [user(f.owner, caller)] }),
    ownedByMe: !inDrive && f.owner.toLowerCase() === caller.toLowerCase(),
    lastModifyingUser: user(f.lastModifyingUser, caller),
    webViewLink:
      f.mimeType === SPREADSHEET_MIME
        ? `https://docs.google.com/spreadsheets/d/${f.id}/edit?usp=drivesdk`
        : `https://drive.google.com/drive/folders/${f.id}`,
    // "When this restriction is set to true, it will override the similarly named field to true for any file
    // inside this shared drive" (Drive v3, drives.restrictions.copyRequiresWriterPermission).
    ...(inDrive && { copyRequiresWriterPermission: copyRestricted }),
    capabilities: {
      canEdit: role === 'writer' || role === 'owner',
      canShare: store ? shareRefusal(store, f, caller) === undefined : role === 'writer' || role === 'owner',
      canCopy: role !== undefined && !(copyRestricted && (role === 'reader' || role === 'commenter')),
    },
  };
}

/** The caller's shared drive role on the drive holding `f` (organizer, fileOrganizer), if any. */
function driveRoleOf(store: Store, f: DriveFile, caller: string): DriveRole | undefined {
  const root = f.driveId !== undefined ? store.files.get(f.driveId) : undefined;
  return root?.permissions.find((p) => p.emailAddress?.toLowerCase() === caller.toLowerCase())?.driveRole;
}

/**
 * Why the caller may not share `f`, or undefined when it may. In My Drive a writer or the owner shares. In a shared
 * drive "the user must have role=writer, role=fileOrganizer, or role=organizer" and writersCanShare "doesn't apply
 * to items in shared drives" (Drive API: Share files, folders, and drives): a per-file writer who is not a member
 * may share a file. Folders are shared by organizers only, or by file organizers too when the drive's
 * `sharingFoldersRequiresOrganizerPermission` is false ("Requires at least Contributor access to share files;
 * Manager access to share folders", Google Workspace: Share files from a shared drive). A drive's members are
 * added by its organizers only.
 */
function shareRefusal(store: Store, f: DriveFile, caller: string): ApiError | undefined {
  if (!store.canWrite(f, caller)) return insufficient();
  if (f.sharedDrive) return driveRoleOf(store, f, caller) === 'organizer' ? undefined : insufficient();
  if (f.driveId !== undefined && f.mimeType === FOLDER_MIME) {
    const root = store.files.get(f.driveId);
    const role = driveRoleOf(store, f, caller);
    const organizersOnly = root?.restrictions?.sharingFoldersRequiresOrganizerPermission === true;
    if (role !== 'organizer' && (organizersOnly || role !== 'fileOrganizer')) return insufficient();
  }
  return undefined;
}

/**
 * Whether a new grant to `email` (undefined: `anyone`) on an item of a shared drive is within its restrictions:
 * "Users can't share files with anyone outside the shared drive's restrictions" (Google Workspace Admin Help,
 * Manage shared drives as an admin). The reasons are Drive's own (as clients such as GAM catch them).
 */
function restrictionRefusal(
  store: Store,
  root: DriveFile,
  item: DriveFile,
  email: string | undefined,
): ApiError | undefined {
  const r = root.restrictions;
  if (!r) return undefined;
  // Adding a member to the drive itself is what driveMembersOnly leaves open.
  if (r.driveMembersOnly && item.id !== root.id && (email === undefined || !store.isMember(root, email)))
    return new ApiError(
      403,
      'PERMISSION_DENIED',
      `The shared drive ${root.name} allows access to its members only: ${email ?? 'anyone with the link'} is not a member.`,
      undefined,
      'teamDriveTeamMembersOnlyRestriction',
    );
  if (r.domainUsersOnly && (email === undefined || !store.inDomain(root, email)))
    return new ApiError(
      403,
      'PERMISSION_DENIED',
      `The shared drive ${root.name} allows access to users of its domain only: ${email ?? 'anyone with the link'} is outside it.`,
      undefined,
      'teamDriveDomainUsersOnlyRestriction',
    );
  return undefined;
}

/** Whether the request says it handles shared drives (`supportsTeamDrives` is the deprecated name). */
const supportsAllDrives = (ctx: Ctx) =>
  boolParam(ctx.query, 'supportsAllDrives') || boolParam(ctx.query, 'supportsTeamDrives');

function readable(ctx: Ctx, id: string): DriveFile {
  const f = ctx.store.files.get(id);
  // Drive answers 404, not 403, for a file the caller cannot see: it does not reveal that the file exists. A file
  // in a shared drive is not found either by a request that does not say `supportsAllDrives=true`.
  if (!f || !ctx.store.canRead(f, ctx.caller)) throw notFound(id);
  if (f.driveId !== undefined && !supportsAllDrives(ctx)) throw notFound(id);
  return f;
}

function writable(ctx: Ctx, id: string): DriveFile {
  const f = readable(ctx, id);
  if (!ctx.store.canWrite(f, ctx.caller)) throw insufficient();
  return f;
}

type Clause = (f: DriveFile) => boolean;

/**
 * The subset of Drive's query language the reconcile poll, provisioning and the admin CLI use, joined by `and`
 * (an `and` inside `{ }` belongs to a `has` clause).
 */
export function parseQuery(q: string): Clause {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < q.length; i++) {
    const ch = q[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (q[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '{') depth++;
    if (!quoted && ch === '}') depth--;
    if (!quoted && depth === 0 && /^\s+and\s+/i.test(q.slice(i)) && /\s/.test(ch)) {
      const m = /^\s+and\s+/i.exec(q.slice(i))!;
      parts.push(cur);
      cur = '';
      i += m[0].length - 1;
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  const clauses = parts.map((p) => parseClause(p.trim()));
  return (f) => clauses.every((c) => c(f));
}

const STR = "'((?:[^'\\\\]|\\\\.)*)'";
const unquoteQ = (s: string) => s.replace(/\\(.)/g, '$1');

function compare(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/**
 * A time in a query: RFC 3339, "The default time zone is UTC" (Drive API: Search query terms, modifiedTime). A
 * time without an offset is read as UTC, never in the host's zone (wirecatlabs/drive-cli v0.20.0 release notes:
 * "Google reads modifiedTime > '2026-09-01T09:00:00' as UTC").
 */
export function parseQueryTime(text: string): number {
  const s = text.trim();
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(s);
  return Date.parse(zoned || !s.includes('T') ? s : `${s}Z`);
}

function parseClause(c: string): Clause {
  let m = new RegExp(`^${STR}\\s+in\\s+(parents|owners|writers|readers)$`, 'i').exec(c);
  if (m) {
    const v = unquoteQ(m[1]!);
    const field = m[2]!.toLowerCase();
    if (field === 'parents') return (f) => f.parents.includes(v);
    if (field === 'owners') return (f) => f.owner.toLowerCase() === v.toLowerCase();
    const roles: Role[] =
      field === 'writers' ? ['writer', 'owner'] : ['reader', 'commenter', 'writer', 'owner'];
    return (f) =>
      f.permissions.some((p) => p.emailAddress?.toLowerCase() === v.toLowerCase() && roles.includes(p.role));
  }
  m = new RegExp(
    `^(appProperties|properties)\\s+has\\s*\\{\\s*key\\s*=\\s*${STR}\\s+and\\s+value\\s*=\\s*${STR}\\s*\\}$`,
  ).exec(c);
  if (m) {
    // Drive: "appProperties has { key='additionalID' and value='8e8aceg2af2ge72e78' }" (Search query terms).
    // The emulator keeps app properties only; `properties` (visible to all apps) is never set, so it matches none.
    const key = unquoteQ(m[2]!);
    const value = unquoteQ(m[3]!);
    if (m[1] === 'properties') return () => false;
    return (f) => f.appProperties?.[key] === value;
  }
  m = new RegExp(`^(modifiedTime|createdTime)\\s*(<=|>=|!=|=|<|>)\\s*${STR}$`).exec(c);
  if (m) {
    const t = parseQueryTime(unquoteQ(m[3]!));
    if (Number.isNaN(t)) throw badValue(`q: '${m[3]}' is not an RFC 3339 date-time`);
    const key = m[1] === 'modifiedTime' ? 'modifiedTime' : 'createdTime';
    const op = m[2]!;
    return (f) => compare(f[key], op, t);
  }
  m = new RegExp(`^(mimeType|name)\\s*(!=|=|contains)\\s*${STR}$`).exec(c);
  if (m) {
    const key = m[1] === 'name' ? 'name' : 'mimeType';
    const v = unquoteQ(m[3]!);
    const op = m[2]!;
    if (op === 'contains') return (f) => f[key].includes(v);
    return (f) => compare(f[key], op, v);
  }
  m = /^trashed\s*(!=|=)\s*(true|false)$/.exec(c);
  if (m) {
    const v = m[2] === 'true';
    return m[1] === '=' ? (f) => f.trashed === v : (f) => f.trashed !== v;
  }
  throw badValue(`q: the emulator does not understand '${c}'`);
}

const ORDER_KEYS = new Set(['createdTime', 'modifiedTime', 'name', 'folder']);

/** A file's value for one `orderBy` key; `folder` is 1 for a folder, 0 for a file. */
const orderValue = (f: DriveFile, k: string): string | number =>
  k === 'name'
    ? f.name
    : k === 'folder'
      ? Number(f.mimeType === FOLDER_MIME)
      : k === 'modifiedTime'
        ? f.modifiedTime
        : f.createdTime;

function orderBy(spec: string | null): (a: DriveFile, b: DriveFile) => number {
  const keys = (spec ?? 'createdTime')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [k = '', dir] = s.split(/\s+/);
      if (!ORDER_KEYS.has(k)) throw badValue(`orderBy: ${k}`);
      return { k, desc: dir?.toLowerCase() === 'desc' };
    });
  return (a, b) => {
    for (const { k, desc } of keys) {
      const av = orderValue(a, k);
      const bv = orderValue(b, k);
      if (av !== bv) return (av < bv ? -1 : 1) * (desc ? -1 : 1);
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

const appProperties = z.record(z.string(), z.string());

const createBody = z.looseObject({
  name: z.string().optional(),
  mimeType: z.string().optional(),
  parents: z.array(z.string()).optional(),
  appProperties: appProperties.optional(),
});

const permissionBody = z.looseObject({
  type: z.enum(['user', 'anyone', 'group', 'domain']),
  role: z.enum(['owner', 'organizer', 'fileOrganizer', 'writer', 'commenter', 'reader']),
  emailAddress: z.string().optional(),
});

/**
 * The parents of a new file, each writable by the caller, and the refusal Google gives a service account that would
 * own the file in its own My Drive: only a file placed in a shared drive needs no storage of the caller's.
 */
function placeNew(ctx: Ctx, parents: readonly string[]): void {
  if (parents.length > 1)
    throw badValue('parents: a file can have only one parent folder (Drive: "Single-parenting")');
  const targets = parents.map((p) => writable(ctx, p));
  const inSharedDrive = targets.some((t) => t.driveId !== undefined);
  if (!inSharedDrive && !ctx.hasDriveStorage(ctx.caller)) throw storageQuotaExceeded();
}

type Corpora = 'user' | 'domain' | 'drive' | 'allDrives';

/**
 * Which files a files.list may answer: `corpora=user` (the default) is the files the caller owns or that are
 * shared with them directly; `drive` is one shared drive (`driveId`); `allDrives` both. Shared-drive items appear
 * only with `includeItemsFromAllDrives=true` ("If not present or set to false, then shared drive items are not
 * returned", Drive API: Implement shared drive support), and under `user` only when shared with the caller
 * directly, not through drive membership.
 */
function corpusOf(ctx: Ctx): (f: DriveFile) => boolean {
  const corpora = (ctx.query.get('corpora') ?? 'user') as Corpora;
  if (!['user', 'domain', 'drive', 'allDrives'].includes(corpora)) throw badValue(`corpora: ${corpora}`);
  const driveId = ctx.query.get('driveId') ?? undefined;
  const allDrives = boolParam(ctx.query, 'includeItemsFromAllDrives');
  if ((corpora === 'drive') !== (driveId !== undefined)) {
    throw badValue('The driveId parameter must be specified if and only if corpora is set to drive.');
  }
  if ((corpora === 'drive' || corpora === 'allDrives') && !allDrives) {
    throw badValue(
      `includeItemsFromAllDrives: must be true when corpora is ${corpora} (shared drive items are not returned otherwise)`,
    );
  }
  if (driveId !== undefined) {
    sharedDriveOf(ctx, driveId);
  }
  return (f) => {
    if (f.sharedDrive || !ctx.store.canRead(f, ctx.caller)) return false;
    if (f.driveId === undefined) return corpora !== 'drive';
    if (!allDrives) return false;
    if (corpora === 'drive') return f.driveId === driveId;
    if (corpora === 'allDrives') return true;
    return ctx.store.directRole(f, ctx.caller) !== undefined;
  };
}

const DRIVE_ROLES: readonly string[] = ['organizer', 'fileOrganizer'];

export const driveRoutes: Route[] = [
  {
    name: 'drive.files.list',
    api: 'drive',
    method: 'GET',
    pattern: path('/drive/v3/files'),
    handle(ctx) {
      const q = ctx.query.get('q');
      const match = q ? parseQuery(q) : () => true;
      const size = Number(ctx.query.get('pageSize') ?? 100);
      if (!Number.isInteger(size) || size < 1) throw badValue('pageSize');
      const pageSize = Math.min(size, 1000);
      const token = ctx.query.get('pageToken');
      const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw badValue('pageToken');
      const inCorpus = corpusOf(ctx);
      const all = [...ctx.store.files.values()]
        .filter((f) => inCorpus(f) && match(f))
        .sort(orderBy(ctx.query.get('orderBy')));
      const page = all.slice(offset, offset + pageSize);
      const out: Record<string, unknown> = { kind: 'drive#fileList', incompleteSearch: false };
      if (offset + pageSize < all.length)
        out['nextPageToken'] = Buffer.from(`o:${offset + pageSize}`).toString('base64url');
      out['files'] = page.map((f) => fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store));
      return out;
    },
  },
  {
    name: 'drive.files.create',
    api: 'drive',
    method: 'POST',
    pattern: path('/drive/v3/files'),
    async handle(ctx) {
      const body = await parseBody(ctx, createBody);
      const mimeType = body.mimeType ?? 'application/octet-stream';
      const parents = body.parents ?? [];
      placeNew(ctx, parents);
      const name = body.name ?? (mimeType === SPREADSHEET_MIME ? 'Untitled spreadsheet' : 'Untitled');
      const props = body.appProperties ? { appProperties: body.appProperties } : {};
      if (mimeType === SPREADSHEET_MIME) {
        // An empty spreadsheet, as the Sheets UI makes one: a single 1000 x 26 tab named Sheet1, id 0.
        const spreadsheet = buildSpreadsheet({ properties: { title: name } });
        const f = ctx.store.create(ctx.caller, { name, mimeType, parents, spreadsheet, ...props });
        return fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store);
      }
      if (mimeType === FOLDER_MIME) {
        const f = ctx.store.create(ctx.caller, { name, mimeType, parents, ...props });
        return fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store);
      }
      throw badValue(`mimeType: the emulator stores Google Sheets and folders only, not ${mimeType}`);
    },
  },
  {
    name: 'drive.files.get',
    api: 'drive',
    method: 'GET',
    pattern: path('/drive/v3/files/{+fileId}'),
    fileParam: 0,
    handle(ctx) {
      const f = readable(ctx, ctx.params[0]!);
      return fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store);
    },
  },
  {
    name: 'drive.files.update',
    api: 'drive',
    method: 'PATCH',
    pattern: path('/drive/v3/files/{+fileId}'),
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(
        ctx,
        z.looseObject({
          name: z.string().optional(),
          trashed: z.boolean().optional(),
          appProperties: z.record(z.string(), z.string().nullable()).optional(),
        }),
      );
      const f = writable(ctx, ctx.params[0]!);
      if (body.appProperties !== undefined) {
        // Keys given are set; a key given null is removed (Drive: "Custom file properties").
        const next = { ...(f.appProperties ?? {}) };
        for (const [k, v] of Object.entries(body.appProperties)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        if (Object.keys(next).length > 0) f.appProperties = next;
        else delete f.appProperties;
      }
      if (body.name !== undefined) {
        f.name = body.name;
        if (f.spreadsheet) f.spreadsheet.properties.title = body.name;
      }
      if (body.trashed !== undefined) f.trashed = body.trashed;
      const add = ctx.query.get('addParents')?.split(',').filter(Boolean) ?? [];
      const remove = new Set(ctx.query.get('removeParents')?.split(',').filter(Boolean) ?? []);
      f.parents = [...f.parents.filter((p) => !remove.has(p)), ...add.filter((p) => !f.parents.includes(p))];
      ctx.store.touch(f, ctx.caller);
      return fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store);
    },
  },
  {
    name: 'drive.files.delete',
    api: 'drive',
    method: 'DELETE',
    pattern: path('/drive/v3/files/{+fileId}'),
    fileParam: 0,
    handle(ctx) {
      const f = readable(ctx, ctx.params[0]!);
      if (ctx.store.roleOf(f, ctx.caller) !== 'owner' || f.sharedDrive) throw insufficient();
      ctx.store.files.delete(f.id);
      ctx.store.changed();
      return undefined;
    },
  },
  {
    name: 'drive.files.copy',
    api: 'drive',
    method: 'POST',
    pattern: path('/drive/v3/files/{+fileId}/copy'),
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, createBody);
      const src = readable(ctx, ctx.params[0]!);
      if (src.mimeType === FOLDER_MIME) throw badValue('fileId: folders cannot be copied');
      const srcRoot = src.driveId !== undefined ? ctx.store.files.get(src.driveId) : undefined;
      const srcRole = ctx.store.roleOf(src, ctx.caller);
      if (
        srcRoot?.restrictions?.copyRequiresWriterPermission &&
        (srcRole === 'reader' || srcRole === 'commenter')
      )
        throw new ApiError(
          403,
          'PERMISSION_DENIED',
          'This file cannot be copied by the user.',
          undefined,
          'cannotCopyFile',
        );
      const name = body.name ?? `Copy of ${src.name}`;
      const parents = body.parents ?? src.parents;
      placeNew(ctx, parents);
      const spreadsheet = src.spreadsheet ? structuredClone(src.spreadsheet) : undefined;
      if (spreadsheet) spreadsheet.properties.title = name;
      // The copy belongs to the caller, is shared with no one, and has no trigger: Apps Script triggers are not
      // copied with a spreadsheet.
      const f = ctx.store.create(ctx.caller, {
        name,
        mimeType: src.mimeType,
        parents,
        ...(spreadsheet ? { spreadsheet } : {}),
        ...(body.appProperties ? { appProperties: body.appProperties } : {}),
      });
      return fileResource(f, ctx.caller, ctx.store.roleOf(f, ctx.caller), ctx.store);
    },
  },
  {
    name: 'drive.permissions.create',
    api: 'drive',
    method: 'POST',
    pattern: path('/drive/v3/files/{+fileId}/permissions'),
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, permissionBody);
      const f = writable(ctx, ctx.params[0]!);
      const driveRole = DRIVE_ROLES.includes(body.role) ? (body.role as DriveRole) : undefined;
      const refusal = shareRefusal(ctx.store, f, ctx.caller);
      if (refusal) throw refusal;
      if (!f.sharedDrive && driveRole !== undefined)
        throw badValue(`role: ${body.role} is a shared drive role`);
      if (body.role === 'owner') {
        throw new ApiError(
          403,
          'PERMISSION_DENIED',
          "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
          undefined,
          'forbidden',
        );
      }
      if (body.type !== 'user' && body.type !== 'anyone')
        throw badValue(`type: the emulator grants to users and anyone, not ${body.type}`);
      if (body.type === 'user' && !body.emailAddress) {
        throw new ApiError(
          400,
          'INVALID_ARGUMENT',
          'The permission emailAddress field is required.',
          undefined,
          'required',
        );
      }
      const root = f.driveId !== undefined ? ctx.store.files.get(f.driveId) : undefined;
      const outside =
        root && restrictionRefusal(ctx.store, root, f, body.type === 'user' ? body.emailAddress : undefined);
      if (outside) throw outside;
      const role: Role =
        driveRole !== undefined
          ? 'owner'
          : body.role === 'writer'
            ? 'writer'
            : body.role === 'commenter'
              ? 'commenter'
              : 'reader';
      const p = ctx.store.grant(f, {
        type: body.type,
        role,
        ...(body.type === 'user' && body.emailAddress ? { emailAddress: body.emailAddress } : {}),
        ...(driveRole ? { driveRole } : {}),
      });
      ctx.store.touch(f, ctx.caller);
      return {
        kind: 'drive#permission',
        id: p.id,
        type: p.type,
        role: p.driveRole ?? p.role,
        ...(p.emailAddress ? { emailAddress: p.emailAddress } : {}),
      };
    },
  },
  {
    name: 'drive.permissions.list',
    api: 'drive',
    method: 'GET',
    pattern: path('/drive/v3/files/{+fileId}/permissions'),
    fileParam: 0,
    handle(ctx) {
      const f = writable(ctx, ctx.params[0]!);
      return {
        kind: 'drive#permissionList',
        permissions: f.permissions.map(({ driveRole, ...p }) => ({
          kind: 'drive#permission',
          ...p,
          role: driveRole ?? p.role,
        })),
      };
    },
  },
  {
    // permissions.delete: "Deletes a permission." 204 with no body; an unknown permission id is 404
    // "Permission not found: <id>." (Drive API v3 reference, errors guide).
    name: 'drive.permissions.delete',
    api: 'drive',
    method: 'DELETE',
    pattern: path('/drive/v3/files/{+fileId}/permissions/{permissionId}'),
    fileParam: 0,
    handle(ctx) {
      const f = writable(ctx, ctx.params[0]!);
      const id = ctx.params[1]!;
      const at = f.permissions.findIndex((p) => p.id === id);
      if (at < 0) throw new ApiError(404, 'NOT_FOUND', `Permission not found: ${id}.`, undefined, 'notFound');
      if (f.permissions[at]!.role === 'owner' && !f.sharedDrive && f.driveId === undefined)
        throw new ApiError(
          403,
          'PERMISSION_DENIED',
          'The owner of a file cannot be removed.',
          undefined,
          'cannotRemoveOwner',
        );
      f.permissions.splice(at, 1);
      ctx.store.touch(f, ctx.caller);
      return undefined;
    },
  },
  {
    // about.get: "Gets information about the user, the user's Drive, and system capabilities. Required: The fields
    // parameter must be set." Without it Drive answers 400 "The 'fields' parameter is required for this method."
    // (reason `required`, location `fields`; googleapis/google-api-python-client#1742). Only `user` is served:
    // the About resource's User (kind, displayName, me, permissionId, emailAddress), the caller's own.
    name: 'drive.about.get',
    api: 'drive',
    method: 'GET',
    pattern: path('/drive/v3/about'),
    handle(ctx) {
      if (!ctx.query.get('fields'))
        throw new ApiError(
          400,
          'INVALID_ARGUMENT',
          "The 'fields' parameter is required for this method.",
          undefined,
          'required',
        );
      return { kind: 'drive#about', user: user(ctx.caller, ctx.caller) };
    },
  },
  {
    name: 'drive.drives.create',
    api: 'drive',
    method: 'POST',
    pattern: path('/drive/v3/drives'),
    async handle(ctx) {
      const body = await parseBody(ctx, z.looseObject({ name: z.string().min(1) }));
      const requestId = ctx.query.get('requestId');
      if (!requestId)
        throw new ApiError(400, 'INVALID_ARGUMENT', 'Required parameter: requestId', undefined, 'required');
      // requestId makes the create idempotent: "If the shared drive already exists a 409 error will be returned."
      const seen = [...ctx.store.files.values()].find((f) => f.sharedDrive && f.requestId === requestId);
      if (seen)
        throw new ApiError(
          409,
          'ALREADY_EXISTS',
          'A shared drive with this requestId already exists.',
          undefined,
          'duplicate',
        );
      const f = ctx.store.create(ctx.caller, { name: body.name, mimeType: FOLDER_MIME, sharedDrive: true });
      f.requestId = requestId;
      return driveResource(f, ctx);
    },
  },
  {
    name: 'drive.drives.get',
    api: 'drive',
    method: 'GET',
    pattern: path('/drive/v3/drives/{+driveId}'),
    fileParam: 0,
    handle(ctx) {
      const f = sharedDriveOf(ctx, ctx.params[0]!);
      return driveResource(f, ctx);
    },
  },
  {
    // drives.update: "Updates the metadata for a shared drive", here its name and restrictions. Only an organizer
    // ("Manager") changes them, and with `adminManagedRestrictions` only a domain administrator
    // (`useDomainAdminAccess`), which the emulator has none of.
    name: 'drive.drives.update',
    api: 'drive',
    method: 'PATCH',
    pattern: path('/drive/v3/drives/{+driveId}'),
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(
        ctx,
        z.looseObject({
          name: z.string().min(1).optional(),
          restrictions: z
            .strictObject({
              adminManagedRestrictions: z.boolean().optional(),
              copyRequiresWriterPermission: z.boolean().optional(),
              domainUsersOnly: z.boolean().optional(),
              driveMembersOnly: z.boolean().optional(),
              sharingFoldersRequiresOrganizerPermission: z.boolean().optional(),
              downloadRestriction: z.unknown().optional(),
            })
            .optional(),
        }),
      );
      if (body.restrictions?.downloadRestriction !== undefined)
        throw new ApiError(
          501,
          'UNIMPLEMENTED',
          'restrictions.downloadRestriction is not modelled by the emulator',
        );
      const f = sharedDriveOf(ctx, ctx.params[0]!);
      const caps = driveCapabilities(f, ctx);
      if (body.name !== undefined && !caps.canRenameDrive) throw insufficient();
      const current = f.restrictions ?? NO_RESTRICTIONS;
      const { downloadRestriction: _unmodelled, ...given } = body.restrictions ?? {};
      const next: DriveRestrictions = { ...current, ...given };
      const may: Record<keyof DriveRestrictions, boolean> = {
        adminManagedRestrictions: caps.canResetDriveRestrictions,
        copyRequiresWriterPermission: caps.canChangeCopyRequiresWriterPermissionRestriction,
        domainUsersOnly: caps.canChangeDomainUsersOnlyRestriction,
        driveMembersOnly: caps.canChangeDriveMembersOnlyRestriction,
        sharingFoldersRequiresOrganizerPermission:
          caps.canChangeSharingFoldersRequiresOrganizerPermissionRestriction,
      };
      for (const k of Object.keys(next) as Array<keyof DriveRestrictions>) {
        if (next[k] !== current[k] && !may[k]) throw insufficient();
      }
      if (body.name !== undefined) f.name = body.name;
      f.restrictions = next;
      ctx.store.touch(f, ctx.caller);
      return driveResource(f, ctx);
    },
  },
];

/**
 * What the caller may do to a shared drive: its organizers change the restrictions, unless
 * `adminManagedRestrictions` leaves them to a domain administrator.
 */
function driveCapabilities(f: DriveFile, ctx: Ctx) {
  const role = f.permissions.find(
    (p) => p.emailAddress?.toLowerCase() === ctx.caller.toLowerCase(),
  )?.driveRole;
  const organizer = role === 'organizer';
  const change = organizer && f.restrictions?.adminManagedRestrictions !== true;
  return {
    canAddChildren: ctx.store.canWrite(f, ctx.caller),
    canManageMembers: organizer,
    canRenameDrive: organizer,
    canResetDriveRestrictions: change,
    canChangeCopyRequiresWriterPermissionRestriction: change,
    canChangeDomainUsersOnlyRestriction: change,
    canChangeDriveMembersOnlyRestriction: change,
    canChangeSharingFoldersRequiresOrganizerPermissionRestriction: change,
    canShare: organizer,
  };
}

/** A shared drive the caller can see; Drive answers 404 alike for one that does not exist and one it may not see. */
function sharedDriveOf(ctx: Ctx, driveId: string): DriveFile {
  const f = ctx.store.files.get(driveId);
  if (!f?.sharedDrive || !ctx.store.canRead(f, ctx.caller))
    throw new ApiError(404, 'NOT_FOUND', `Shared drive not found: ${driveId}`, undefined, 'notFound');
  return f;
}

/** The Drive resource of a shared drive. */
function driveResource(f: DriveFile, ctx?: Ctx) {
  return {
    kind: 'drive#drive',
    id: f.id,
    name: f.name,
    createdTime: iso(f.createdTime),
    hidden: false,
    restrictions: { ...(f.restrictions ?? NO_RESTRICTIONS) },
    ...(ctx && { capabilities: driveCapabilities(f, ctx) }),
  };
}

/** Drive answers only these fields when the request names none. */
export const DRIVE_DEFAULT_FIELDS: Record<string, string> = {
  'drive.files.list': 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)',
  'drive.files.get': 'kind,id,name,mimeType',
  'drive.files.create': 'kind,id,name,mimeType',
  'drive.files.copy': 'kind,id,name,mimeType',
  'drive.files.update': 'kind,id,name,mimeType',
  'drive.permissions.create': 'kind,id,type,role',
  'drive.permissions.list': 'kind,permissions(kind,id,type,role)',
  'drive.drives.create': 'kind,id,name',
  'drive.drives.get': 'kind,id,name',
  'drive.drives.update': 'kind,id,name',
};
