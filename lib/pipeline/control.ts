/**
 * Syncing the control spreadsheet: the zones and the methodology. A valid edit becomes a new immutable
 * methodology version in force, registers each zone's spreadsheet, and asks every zone sheet to be read again
 * (their values are parsed against the methodology's units and bounds). An invalid edit is refused: the last valid
 * methodology stays in force and the control sheet's Feedback tab says what is wrong, cell by cell.
 */

import { compileMethodology, type MethodologyIssue } from '../core/methodology';
import { contentHash } from '../protocol/hash';
import { mapLimit } from './concurrency';
import type { SheetStageDeps } from './deps';
import { recordDriveVersion } from './drive-version';
import { jsonLogger } from './log';
import type {
  ControlRead,
  EvaluationStore,
  FeedbackCell,
  MethodologyRecord,
  SpreadsheetIndex,
  SpreadsheetReader,
  SubmissionStore,
} from './ports';

/** Per-zone writes of a methodology change in flight at once: 105 sequential round trips would take seconds. */
const WRITE_CONCURRENCY = 16;

export type ControlDeps = SheetStageDeps;

/** What every control sync that read the sheet reports, whatever it decided. */
type ControlEffects = {
  feedbackWritten: boolean;
  /** Zone sheets asked to sync again, with their new `requested` values: the caller sends these messages. */
  resync: { spreadsheetId: string; requested: number }[];
  /** The evaluation's `requested` value when this sync asked for a run, else null. */
  evaluationRequested: number | null;
};

export type ControlOutcome =
  | { status: 'coalesced' }
  /** The methodology on the sheet is invalid: the version in force (`inForce`) stays. */
  | ({ status: 'refused'; issues: number; inForce: string | null } & ControlEffects)
  /** A later read of the control sheet already moved the methodology: this read changes nothing. */
  | ({ status: 'stale' } & ControlEffects)
  | ({ status: 'installed' | 'unchanged'; version: string } & ControlEffects);

/**
 * Makes a methodology version the one in force and registers the zones' spreadsheets, indexing them (and the
 * control sheet itself) so that a signal naming only a spreadsheet finds this evaluation. Returns the version.
 */
export async function installMethodology(
  store: Pick<SubmissionStore, 'putMethodology' | 'registerSheet'> &
    Pick<EvaluationStore, 'setMethodologyVersion'> &
    Pick<SpreadsheetIndex, 'indexSpreadsheet'>,
  evaluationId: string,
  input: Omit<MethodologyRecord, 'version'>,
  readSeq?: number,
): Promise<{ version: string; moved: boolean }> {
  const version = contentHash({ methodology: input.methodology, zones: input.zones });
  await store.putMethodology(evaluationId, { ...input, version });
  await mapLimit(input.zones, WRITE_CONCURRENCY, async (z) => {
    if (!z.spreadsheetId) return;
    await store.registerSheet(evaluationId, z.spreadsheetId, z.zoneId);
    await store.indexSpreadsheet({
      spreadsheetId: z.spreadsheetId,
      evaluationId,
      kind: 'zone',
      zoneId: z.zoneId,
    });
  });
  if (input.spreadsheetId)
    await store.indexSpreadsheet({
      spreadsheetId: input.spreadsheetId,
      evaluationId,
      kind: 'control',
      zoneId: null,
    });
  // The pointer moves last: a crash before it leaves the previous version in force and the sync retried.
  const moved = await store.setMethodologyVersion(evaluationId, version, readSeq);
  return { version, moved };
}

function feedbackFor(
  reader: SpreadsheetReader,
  read: ControlRead,
  issues: MethodologyIssue[],
  inForce: string | null,
  installed: boolean,
) {
  const rows: FeedbackCell[][] = [];
  const problems: FeedbackCell[][] = [];
  for (const p of read.problems) problems.push([p.at, p.severity, p.message]);
  for (const issue of issues)
    problems.push([reader.locateIssue(read, issue) ?? '', 'error', `${issue.path}: ${issue.message}`]);
  const blocking = read.problems.filter((p) => p.severity === 'error').length + issues.length;
  rows.push([
    'Status 状态',
    blocking
      ? `NOT IN FORCE 未生效: ${blocking} problem${blocking > 1 ? 's' : ''} below; the methodology in force is unchanged${inForce ? ` (version ${inForce})` : ' (none yet)'}.`
      : `IN FORCE 已生效: version ${inForce}${installed ? ', installed by this edit' : ''}.`,
  ]);
  rows.push([
    'Indicators 指标',
    Array.isArray(read.methodology['indicators']) ? read.methodology['indicators'].length : 0,
  ]);
  rows.push(['Zones 试验区', read.zones.length]);
  rows.push([]);
  if (problems.length) rows.push(['Cell 单元格', 'Severity 级别', 'Problem 问题'], ...problems);
  return { rows, blocking };
}

/** Runs one sync of the control spreadsheet, with the same requested/synced counters as a zone sheet. */
export async function syncControl(
  req: { evaluationId: string; spreadsheetId: string },
  deps: ControlDeps,
): Promise<ControlOutcome> {
  const { store } = deps;
  const log = deps.log ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const { evaluationId: e, spreadsheetId: s } = req;
  const state = await store.getSheetState(e, s);
  const R = state?.requested ?? 0;
  if (state && state.synced >= R) return { status: 'coalesced' };

  // The version before the read (see recordDriveVersion in drive-version.ts).
  const readVersion = deps.files ? (await deps.files.getFile(s)).version : null;
  const read = await deps.reader.readControl(s);
  const compiled = compileMethodology(read.methodology);
  const issues = compiled.ok ? [] : compiled.issues;
  const current = (await store.getEvaluationState(e))?.methodologyVersion ?? null;
  const layoutErrors = read.problems.some((p) => p.severity === 'error');

  let version: string | null = current;
  let installed = false;
  let stale = false;
  if (compiled.ok && !layoutErrors) {
    const candidate = contentHash({ methodology: read.methodology, zones: read.zones });
    if (candidate !== current) {
      const done = await installMethodology(
        store,
        e,
        { methodology: read.methodology, zones: read.zones, spreadsheetId: s, at: now().toISOString() },
        R > 0 ? R : undefined,
      );
      if (done.moved) {
        version = done.version;
        installed = true;
      } else stale = true;
    } else if (R > 0) {
      // The same version read again still moves the read marker: a stale read of an older sheet finishing after
      // this one must not install what the methodologist has since reverted.
      stale = !(await store.setMethodologyVersion(e, candidate, R));
    }
  }

  // Every zone is read again under a new version (units and bounds may have changed). The marker moves only once
  // all are asked, so a crash after the pointer moved still ends in the re-sync when the message is retried.
  const resync: { spreadsheetId: string; requested: number }[] = [];
  let evaluationRequested: number | null = null;
  const after = await store.getEvaluationState(e);
  if (version !== null && after?.methodologyVersion === version && after.resyncedVersion !== version) {
    const record = await store.getMethodology(e, version);
    const sheets = (record?.zones ?? []).flatMap((z) => (z.spreadsheetId ? [z.spreadsheetId] : []));
    resync.push(
      ...(await mapLimit(sheets, WRITE_CONCURRENCY, async (spreadsheetId) => ({
        spreadsheetId,
        requested: await store.requestSheet(e, spreadsheetId),
      }))),
    );
    evaluationRequested = await store.requestEvaluation(e);
    await store.setResyncedVersion(e, version);
  }

  const { rows, blocking } = feedbackFor(deps.reader, read, issues, version, installed);
  const hash = contentHash(rows);
  let feedbackWritten = false;
  // A stale read, or one overtaken by a read that finished meanwhile, leaves the Feedback to the later read.
  const overtaken = async () => ((await store.getSheetState(e, s))?.synced ?? 0) > R;
  if (!stale && hash !== state?.feedbackHash && !(await overtaken())) {
    await deps.feedback.writeFeedback(s, rows);
    await store.setFeedbackHash(e, s, hash);
    feedbackWritten = true;
  }
  await recordDriveVersion(deps, e, s, readVersion, feedbackWritten);

  if (R > 0) await store.markSynced(e, s, R);
  log.info('control.done', {
    evaluationId: e,
    spreadsheetId: s,
    installed,
    stale,
    version,
    problems: blocking,
  });
  const effects = { feedbackWritten, resync, evaluationRequested };
  if (stale) return { status: 'stale', ...effects };
  if (blocking) return { status: 'refused', issues: blocking, inForce: current, ...effects };
  return { status: installed || resync.length ? 'installed' : 'unchanged', version: version!, ...effects };
}
