/**
 * Files, access and versions, in memory and optionally persisted to a directory (one JSON document written
 * atomically after each change, so a local stack survives a restart).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callerDenied, sheetsNotFound } from './errors';
import {
  DEFAULT_COLUMNS,
  DEFAULT_ROWS,
  type DriveFile,
  type Permission,
  type Role,
  type Sheet,
  type SheetProperties,
  SPREADSHEET_MIME,
  type Spreadsheet,
} from './model';
import { STATE_FILE } from './state-file';

const FORMAT = 1;

const RANK: Record<Role, number> = { reader: 1, commenter: 1, writer: 2, owner: 3 };

export function newSheet(
  props: Partial<SheetProperties> & { sheetId: number; title: string; index: number },
): Sheet {
  const grid = props.gridProperties ?? { rowCount: DEFAULT_ROWS, columnCount: DEFAULT_COLUMNS };
  const { sheetId, title, index, ...rest } = props;
  return {
    properties: {
      // Google's key order, which is what a person comparing responses sees first.
      sheetId,
      title,
      index,
      ...rest,
      sheetType: 'GRID',
      gridProperties: {
        ...grid,
        rowCount: grid.rowCount ?? DEFAULT_ROWS,
        columnCount: grid.columnCount ?? DEFAULT_COLUMNS,
      },
    },
    rows: [],
    conditionalFormats: [],
    protectedRanges: [],
    charts: [],
    columnWidths: [],
    rowHeights: [],
    merges: [],
  };
}

/** A sheet id as Google makes them: 0 for the first sheet, random positive 31-bit integers after. */
export function newSheetId(ss: Spreadsheet): number {
  for (;;) {
    const id = randomInt(1, 2 ** 31 - 1);
    if (!ss.sheets.some((s) => s.properties.sheetId === id)) return id;
  }
}

export function permissionId(email: string): string {
  // Google's permission ids are stable per user across files; a digest of the address gives the same property.
  const h = createHash('sha256').update(email.toLowerCase()).digest();
  return String(h.readBigUInt64BE(0) % 10n ** 20n).padStart(20, '0');
}

export class Store {
  readonly files = new Map<string, DriveFile>();
  private saveTimer: NodeJS.Timeout | undefined;
  private lastTime = 0;

  constructor(private readonly dataDir?: string) {
    if (dataDir) this.load();
  }

  /** Strictly increasing timestamps, so two changes in the same millisecond still move modifiedTime. */
  now(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  newId(): string {
    return randomBytes(33).toString('base64url');
  }

  /**
   * A new file. In a shared drive (a parent is in one) the file has no owner permission: its access comes from the
   * drive's members. `owner` is still kept as its creator, for the emulator's own checks (protected ranges, trigger).
   */
  create(
    owner: string,
    init: {
      name: string;
      mimeType: string;
      parents?: string[];
      spreadsheet?: Spreadsheet;
      appProperties?: Record<string, string>;
      sharedDrive?: boolean;
    },
  ) {
    const t = this.now();
    const id = this.newSharedDriveOrFileId(init.sharedDrive === true);
    const parents = init.parents ?? [];
    const driveId = init.sharedDrive
      ? id
      : parents.map((p) => this.files.get(p)?.driveId).find((d) => d !== undefined);
    const file: DriveFile = {
      id,
      name: init.name,
      mimeType: init.mimeType,
      owner,
      parents,
      createdTime: t,
      modifiedTime: t,
      version: 1,
      lastModifyingUser: owner,
      permissions:
        driveId !== undefined && !init.sharedDrive
          ? []
          : [
              {
                id: permissionId(owner),
                type: 'user',
                role: 'owner',
                emailAddress: owner,
                ...(init.sharedDrive ? { driveRole: 'organizer' as const } : {}),
              },
            ],
      trashed: false,
      trigger: false,
    };
    if (driveId !== undefined) file.driveId = driveId;
    if (init.sharedDrive) file.sharedDrive = true;
    if (init.appProperties && Object.keys(init.appProperties).length > 0)
      file.appProperties = { ...init.appProperties };
    if (init.spreadsheet) file.spreadsheet = init.spreadsheet;
    this.files.set(file.id, file);
    this.changed();
    return file;
  }

  /** Shared drive ids look like Google's (`0A` and 17 more characters); file ids are longer. */
  private newSharedDriveOrFileId(sharedDrive: boolean): string {
    return sharedDrive ? `0A${randomBytes(13).toString('base64url').slice(0, 17)}` : this.newId();
  }

  /** The caller's best role on a file: its own permissions, and in a shared drive the drive's members too. */
  roleOf(file: DriveFile, caller: string): Role | undefined {
    let best = this.directRole(file, caller);
    if (file.driveId !== undefined && file.driveId !== file.id) {
      const root = this.files.get(file.driveId);
      const inherited = root ? this.directRole(root, caller) : undefined;
      if (inherited && (!best || RANK[inherited] > RANK[best])) best = inherited;
    }
    return best;
  }

  /**
   * The caller's best role from the file's own permissions only (Drive's "shared directly with the user"). In a
   * shared drive a file's own permission counts only within the drive's restrictions: the admin guide says a change
   * of restrictions "does not automatically remove existing users", and that such a user "might regain access if
   * restrictions are relaxed", so the permission stays listed but gives no access while it is outside them.
   */
  directRole(file: DriveFile, caller: string): Role | undefined {
    const root =
      file.driveId !== undefined && file.driveId !== file.id ? this.files.get(file.driveId) : undefined;
    let best: Role | undefined;
    for (const p of file.permissions) {
      const match = p.type === 'anyone' || p.emailAddress?.toLowerCase() === caller.toLowerCase();
      if (!match || (root && !this.withinRestrictions(root, p.type === 'anyone' ? undefined : caller)))
        continue;
      if (!best || RANK[p.role] > RANK[best]) best = p.role;
    }
    return best;
  }

  /** Whether `email` is a member of the shared drive `root` (a permission on the drive itself). */
  isMember(root: DriveFile, email: string): boolean {
    return root.permissions.some(
      (p) => p.type === 'user' && p.emailAddress?.toLowerCase() === email.toLowerCase(),
    );
  }

  /** Whether `email` is a user of the shared drive's Workspace domains (its organizer's, unless it names others). */
  inDomain(root: DriveFile, email: string): boolean {
    const domain = email.split('@')[1]?.toLowerCase();
    const domains = root.domains ?? [root.owner.split('@')[1]?.toLowerCase() ?? ''];
    return domain !== undefined && domains.includes(domain);
  }

  /**
   * Whether a file-level grant to `email` (undefined: `anyone`) is within the shared drive's restrictions:
   * `driveMembersOnly` admits members only, `domainUsersOnly` users of its domains only.
   */
  withinRestrictions(root: DriveFile, email: string | undefined): boolean {
    const r = root.restrictions;
    if (!r) return true;
    if (r.driveMembersOnly && (email === undefined || !this.isMember(root, email))) return false;
    if (r.domainUsersOnly && (email === undefined || !this.inDomain(root, email))) return false;
    return true;
  }

  canRead(file: DriveFile, caller: string): boolean {
    return this.roleOf(file, caller) !== undefined;
  }

  canWrite(file: DriveFile, caller: string): boolean {
    const r = this.roleOf(file, caller);
    return r === 'writer' || r === 'owner';
  }

  /** A spreadsheet the caller may read (or write): 404 when absent, 403 when present but not shared. */
  spreadsheetFor(
    id: string,
    caller: string,
    need: 'read' | 'write',
  ): DriveFile & { spreadsheet: Spreadsheet } {
    const file = this.files.get(id);
    if (!file || file.trashed || !file.spreadsheet) throw sheetsNotFound();
    if (!(need === 'read' ? this.canRead(file, caller) : this.canWrite(file, caller))) throw callerDenied();
    return file as DriveFile & { spreadsheet: Spreadsheet };
  }

  /** Every change moves the version and modifiedTime and names who made it. */
  touch(file: DriveFile, by: string): void {
    file.version += 1;
    file.modifiedTime = this.now();
    file.lastModifyingUser = by;
    this.changed();
  }

  grant(file: DriveFile, p: Omit<Permission, 'id'>): Permission {
    const id = p.type === 'anyone' ? 'anyoneWithLink' : permissionId(p.emailAddress ?? '');
    const existing = file.permissions.find((x) => x.id === id);
    if (existing) {
      if (existing.role !== 'owner' || existing.driveRole !== undefined) {
        existing.role = p.role;
        if (p.driveRole) existing.driveRole = p.driveRole;
        else delete existing.driveRole;
      }
      return existing;
    }
    const perm: Permission = { ...p, id };
    file.permissions.push(perm);
    return perm;
  }

  /** Persists soon after a change; writes coalesce so a burst of edits costs one write. */
  changed(): void {
    if (!this.dataDir || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush();
    }, 50);
    this.saveTimer.unref();
  }

  flush(): void {
    if (!this.dataDir) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    mkdirSync(this.dataDir, { recursive: true });
    const path = join(this.dataDir, STATE_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    // Sparse row arrays become null in JSON, which load() turns back into holes.
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, files: [...this.files.values()] }));
    renameSync(tmp, path);
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(join(this.dataDir!, STATE_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const state = JSON.parse(text) as { format: number; files: DriveFile[] };
    if (state.format !== FORMAT)
      throw new Error(`emulator state in ${this.dataDir} has format ${state.format}`);
    for (const f of state.files) {
      if (f.spreadsheet) {
        for (const s of f.spreadsheet.sheets) {
          s.rows = s.rows.map((r) => (r ? r.map((c) => c ?? undefined) : undefined));
          s.columnWidths = s.columnWidths.map((w) => w ?? undefined);
          // State written before row heights and merges were kept has neither.
          s.rowHeights = (s.rowHeights ?? []).map((h) => h ?? undefined);
          s.merges ??= [];
        }
      }
      this.files.set(f.id, f);
      this.lastTime = Math.max(this.lastTime, f.modifiedTime);
    }
  }
}

export { SPREADSHEET_MIME };
