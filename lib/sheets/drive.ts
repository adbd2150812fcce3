/**
 * `SpreadsheetFiles` over Drive v3: the reconcile poll's listing (`fields=nextPageToken,files(id,version,
 * modifiedTime)`, every page) and one file's metadata. Spreadsheets live in a shared drive (service accounts have
 * no Drive storage, DESIGN section 9), hence `supportsAllDrives` and `includeItemsFromAllDrives`.
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

export class GoogleSpreadsheetFiles implements SpreadsheetFiles {
  constructor(
    private readonly clients: Pick<GoogleClients, 'drive' | 'calls'>,
    private readonly pageSize = 1000,
  ) {}

  /** Every file of a folder or query, across all pages. */
  async listFiles(folderOrQuery: string): Promise<FileVersion[]> {
    const q = driveQuery(folderOrQuery);
    const out: FileVersion[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.clients.calls.call({ name: 'drive.files.list', kind: 'drive' }, () =>
        this.clients.drive.files.list({
          q,
          pageSize: this.pageSize,
          fields: 'nextPageToken,files(id,version,modifiedTime)',
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
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
