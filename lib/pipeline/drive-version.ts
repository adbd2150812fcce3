/**
 * Drive versions as the reconcile poll compares them (DESIGN section 2, step 4). Every stage that writes to a
 * spreadsheet the poll watches records the version its own write produced, so that the write does not look like
 * a person's edit a minute later.
 */
import { isSpreadsheetUnavailable, type SpreadsheetFiles, type SubmissionStore } from './ports';

/**
 * Records the Drive version the reconcile poll compares with: after the system's own Feedback write, the version
 * that write produced (one Drive `files.get`), else the version taken before the read. An edit made through the
 * API in the second between the read and the Feedback write would be hidden behind the recorded version until the
 * file next changes; an edit with a trigger is counted by its signal whatever the version says.
 */
export async function recordDriveVersion(
  deps: { store: Pick<SubmissionStore, 'setDriveVersion'>; files?: Pick<SpreadsheetFiles, 'getFile'> },
  evaluationId: string,
  spreadsheetId: string,
  readVersion: string | null,
  wrote: boolean,
): Promise<string | null> {
  if (!deps.files) return null;
  let version = readVersion;
  if (wrote) {
    try {
      version = (await deps.files.getFile(spreadsheetId)).version;
    } catch (err) {
      // Gone or unshared since: the poll no longer lists it, so there is nothing to record.
      if (isSpreadsheetUnavailable(err)) return null;
      throw err;
    }
  }
  if (version !== null) await deps.store.setDriveVersion(evaluationId, spreadsheetId, version);
  return version;
}

/**
 * For a stage that wrote a spreadsheet it does not read (the results publisher): after the write, one Drive
 * `files.get` and the version stored, so the poll sees no change. Call it after every successful publish.
 */
export async function recordOwnWrite(
  deps: { store: Pick<SubmissionStore, 'setDriveVersion'>; files: Pick<SpreadsheetFiles, 'getFile'> },
  evaluationId: string,
  spreadsheetId: string,
): Promise<string> {
  const { version } = await deps.files.getFile(spreadsheetId);
  await deps.store.setDriveVersion(evaluationId, spreadsheetId, version);
  return version;
}
