/**
 * `SpreadsheetFiles` over Drive v3: the reconcile poll's listing (`fields=nextPageToken,files(id,version,
 * modifiedTime)`, every page) and one file's metadata. Spreadsheets live in a shared drive (service accounts have
 * no Drive storage, DESIGN section 9), hence `supportsAllDrives` and `includeItemsFromAllDrives`.
 *
 * Listing with the default `corpora=user` searches the files the caller owns or that are shared with it directly,
 * which a shared drive's files are not (the service account reaches them through drive membership), so given the
 * shared drive's id the listing searches that drive: `corpora=drive`, `driveId`, `includeItemsFromAllDrives=true`,
 * `supportsAllDrives=true` (Drive API: Implement shared drive support, "Search for content on a shared drive").
 */
import {
  type FileInfo,
  FileInfoSchema,
  type FileVersion,
  FileVersionSchema,
  type SpreadsheetFiles,
} from '../pipeline/ports';
import type { GoogleClients } from './client';
import { SheetsRequestError } from './errors';

const FOLDER_ID = /^[A-Za-z0-9_-]+$/;

/** The Drive query for a folder id or a query given as it is: `'<id>' in parents and trashed = false`. */
export function driveQuery(folderOrQuery: string): string {
  const s = folderOrQuery.trim();
  return FOLDER_ID.test(s) ? `'${s}' in parents and trashed = false` : s;
}

/** Where a listing searches: the shared drive holding the files, when known. */
export type ListOptions = { driveId?: string };

/** The files.list parameters that choose the corpus: one shared drive when `driveId` is given. */
export function corpusParams(driveId: string | undefined) {
  return driveId === undefined
    ? { supportsAllDrives: true, includeItemsFromAllDrives: true }
    : { corpora: 'drive', driveId, supportsAllDrives: true, includeItemsFromAllDrives: true };
}

export class GoogleSpreadsheetFiles implements SpreadsheetFiles {
  /** `options.driveId`: the shared drive the spreadsheets are in, searched by every listing unless told otherwise. */
  constructor(
    private readonly clients: Pick<GoogleClients, 'drive' | 'calls'>,
    private readonly pageSize = 1000,
    private readonly options: ListOptions = {},
  ) {}

  /** Every file of a folder or query, across all pages; `options.driveId` searches that shared drive. */
  async listFiles(folderOrQuery: string, options: ListOptions = {}): Promise<FileVersion[]> {
    const q = driveQuery(folderOrQuery);
    const corpus = corpusParams(options.driveId ?? this.options.driveId);
    const out: FileVersion[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.clients.calls.call({ name: 'drive.files.list', kind: 'drive' }, () =>
        this.clients.drive.files.list({
          q,
          pageSize: this.pageSize,
          fields: 'nextPageToken,files(id,version,modifiedTime)',
          ...corpus,
          ...(token === undefined ? {} : { pageToken: token }),
        }),
      );
      for (const f of res.data.files ?? []) {
        const parsed = FileVersionSchema.safeParse({
          id: f.id,
          version: f.version,
          modifiedTime: f.modifiedTime,
        });
        if (!parsed.success) throw malformed('drive.files.list', f.id ?? undefined, parsed.error.message);
        out.push(parsed.data);
      }
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
    return out;
  }

  /** One file's metadata. */
  async getFile(fileId: string): Promise<FileInfo> {
    const res = await this.clients.calls.call({ name: 'drive.files.get', kind: 'drive', fileId }, () =>
      this.clients.drive.files.get({
        fileId,
        fields: 'id,name,mimeType,version,modifiedTime,trashed,lastModifyingUser(emailAddress)',
        supportsAllDrives: true,
      }),
    );
    const f = res.data;
    const parsed = FileInfoSchema.safeParse({
      id: f.id,
      version: f.version,
      modifiedTime: f.modifiedTime,
      name: f.name,
      mimeType: f.mimeType,
      trashed: f.trashed ?? false,
      lastModifyingUser: f.lastModifyingUser?.emailAddress ?? null,
    });
    if (!parsed.success) throw malformed('drive.files.get', fileId, parsed.error.message);
    return parsed.data;
  }
}

function malformed(operation: string, fileId: string | undefined, why: string): SheetsRequestError {
  const detail = fileId === undefined ? { operation, attempts: 1 } : { operation, fileId, attempts: 1 };
  return new SheetsRequestError(`the answer did not have the expected shape: ${why}`, {
    ...detail,
    status: 200,
  });
}
