/**
 * The sync stage (DESIGN section 2, step 2): snapshot the sheet's counters, stop if nothing is pending, otherwise
 * read the form once, parse every value against the methodology in force, store a revision and move the zone's
 * current values only when the content changed, write the Feedback tab only when it changed, request an
 * evaluation, and finally mark the sheet synced up to the snapshot.
 *
 * Write order: revision, current values, evaluation request, Feedback, `synced`. A crash anywhere before the last
 * step leaves `synced < requested`, so the message is retried (or re-sent by the reconcile poll), and the retry
 * finds equal content and goes straight to the remaining steps.
 */
import { contentHash } from '../protocol/hash';
import type { SheetStageDeps } from './deps';
import { recordDriveVersion } from './drive-version';
import { FEEDBACK_WORDS, feedbackRows } from './feedback';
import { isLate } from './governance';
import { jsonLogger } from './log';
import { methodologyInForce } from './methodology';
import { type FormRead, isSpreadsheetUnavailable, type SubmittedValue } from './ports';
import { type Remark, remarksOf } from './remarks';
import { holdsAtVersion, skipRead } from './unchanged';

export type SyncDeps = SheetStageDeps;

export type SyncRequest = {
  evaluationId: string;
  spreadsheetId: string;
  /** What caused the sync: `trigger`, `reconcile`, `manual`. */
  caller: string;
  /** The person whose edit fired the signal, when known. */
  editor?: string | null;
};

export type SyncOutcome =
  /** Nothing pending: an earlier read already covered every signal (the coalescing). */
  | { status: 'coalesced'; requested: number; synced: number }
  /** The spreadsheet is not a zone sheet of this evaluation (never registered by the control sheet). */
  | { status: 'unknown-sheet' }
  /** The spreadsheet was deleted or is no longer shared with the service: nothing stored is touched. */
  | { status: 'unreadable'; requested: number; reason: string; evaluationRequested: number }
  | {
      status: 'synced' | 'refused';
      requested: number;
      zoneId: string;
      /** The new revision's number, or null when the content had not changed (or the form was refused). */
      revision: number | null;
      /** The revision kept as late (after the freeze), or null. */
      late?: number | null;
      /** A later read of the sheet had already stored other content: this read's revision is history only. */
      superseded: boolean;
      feedbackWritten: boolean;
      /** Problems reported on the Feedback tab. */
      problems: number;
      /** Cells whose value was refused (each a row of the Feedback tab; the last accepted value stays). */
      refusedCells: number;
      /** The evaluation's `requested` value after this sync asked for a run: the evaluate message's dedup id. */
      evaluationRequested: number;
      /** Why the form as a whole was refused. */
      refusal?: string;
    };

/**
 * Values to store from a form read: accepted cells as parsed, refused cells keep the last accepted value. Each
 * carries the official's Note as its `remark` (bounded, `remarksOf`), accepted or refused: it is part of what the
 * person submitted, so it is in the content hash, and a remark changed alone makes a new revision.
 */
export function valuesFromRead(
  read: FormRead,
  previous: Record<string, SubmittedValue> | undefined,
  remarks: ReadonlyMap<string, Remark> = remarksOf(read).byCode,
) {
  const values: Record<string, SubmittedValue> = {};
  // An indicator on two rows is read from neither: its last accepted value stays, as for a refused cell.
  for (const row of read.rows) {
    if (row.status !== 'duplicate' || values[row.code] !== undefined) continue;
    if (read.rows.some((o) => o.code === row.code && o.status === 'other-source')) continue;
    const kept = previous?.[row.code]?.value ?? null;
    values[row.code] = { value: kept, text: '', note: `refused: ${row.code} is on more than one row` };
  }
  for (const row of read.rows) {
    if (row.status !== 'read' || !row.parsed) continue;
    const text = row.cell.text ?? '';
    if (row.parsed.ok) {
      values[row.code] = {
        value: row.parsed.value,
        text,
        ...(row.parsed.note !== undefined && { note: row.parsed.note }),
        ...remarks.get(row.code),
      };
    } else {
      const kept = previous?.[row.code]?.value ?? null;
      values[row.code] = {
        value: kept,
        text,
        note: `refused: ${row.parsed.reason}`,
        ...remarks.get(row.code),
      };
    }
  }
  return values;
}

/** Cells of a read whose value was refused: the rows the Feedback tab lists as refused (`feedbackRows`). */
function refusedCellsOf(read: FormRead): number {
  return read.rows.filter((row) => row.status === 'read' && row.parsed && !row.parsed.ok).length;
}

/** Why a read cannot be stored at all (the form as a whole), or null. */
function refusalOf(read: FormRead): string | null {
  const mismatch = read.problems.find((p) => p.kind === 'zone-mismatch');
  if (mismatch) return mismatch.message;
  const fatal = read.problems.find(
    (p) =>
      p.severity === 'error' &&
      (p.kind === 'missing-tab' ||
        p.kind === 'missing-header' ||
        p.kind === 'missing-column' ||
        p.kind === 'repeated-column'),
  );
  return fatal ? fatal.message : null;
}

/** Runs one sync of one spreadsheet. User mistakes end on the Feedback tab; system faults are thrown for a retry. */
export async function syncSheet(req: SyncRequest, deps: SyncDeps): Promise<SyncOutcome> {
  const { store } = deps;
  const log = deps.log ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const { evaluationId: e, spreadsheetId: s } = req;

  const state = await store.getSheetState(e, s);
  if (!state?.zoneId) {
    log.warn('sync.unknown-sheet', { evaluationId: e, spreadsheetId: s });
    return { status: 'unknown-sheet' };
  }
  const R = state.requested;
  if (state.synced >= R) return { status: 'coalesced', requested: R, synced: state.synced };
  const method = await methodologyInForce(store, e);
  // The methodology in force says which zone a sheet reports for: a sheet the control sheet no longer maps (a
  // zone moved to a new spreadsheet) must not write the zone's values any more.
  const zoneId = method.record.zones.find((z) => z.spreadsheetId === s)?.zoneId;
  if (zoneId === undefined) {
    log.warn('sync.unmapped-sheet', { evaluationId: e, spreadsheetId: s, registeredZone: state.zoneId });
    // Its content is of no use, so its current version is all the reconcile poll needs to stop asking.
    await recordDriveVersion(deps, e, s, null, true);
    await store.markSynced(e, s, R);
    return { status: 'unknown-sheet' };
  }

  let read: FormRead;
  // The version is taken before the read, so the content read is at least that version: a change landing
  // between the two costs the reconcile poll one more read, never a missed edit.
  let readVersion: string | null = null;
  try {
    if (deps.files) readVersion = (await deps.files.getFile(s)).version;
    // A signal, and the file has not changed since a read whose outcome is stored, under the same methodology:
    // reading it again would find nothing new (a replayed or duplicate signal). The Drive request is all it costs.
    if (
      skipRead({
        caller: req.caller,
        recorded: state.unchangedAt,
        now: { version: readVersion, methodologySeq: method.seq },
        unreadable: Boolean(state.unreadable),
      })
    ) {
      await store.markSynced(e, s, R);
      log.info('sync.unchanged', { evaluationId: e, spreadsheetId: s, requested: R, version: readVersion });
      return { status: 'coalesced', requested: R, synced: R };
    }
    read = await deps.reader.readForm(s, method.compiled.spec, { expectedZoneId: zoneId });
  } catch (err) {
    if (isSpreadsheetUnavailable(err)) {
      // Nothing can be written to a sheet we cannot open: say so in the log, keep everything stored, and stop
      // retrying; sharing the sheet again moves its Drive version, and the reconcile poll then syncs it.
      log.error('sync.unreadable', { evaluationId: e, spreadsheetId: s, zoneId, reason: err.message });
      // The results' Data quality tab names the zone's sheet as unreadable until a read succeeds again.
      await store.setSheetUnreadable(e, s, err.message);
      // An earlier attempt may have stored values before it crashed: they still deserve a run.
      const evaluationRequested = await store.requestEvaluation(e);
      await store.markSynced(e, s, R);
      return { status: 'unreadable', requested: R, reason: err.message, evaluationRequested };
    }
    throw err;
  }

  if (state.unreadable) await store.setSheetUnreadable(e, s, null);
  const previous = await store.getCurrent(e, zoneId);
  const refusal = refusalOf(read);
  let revision: number | null = null;
  let superseded = false;
  let accepted = previous?.values ?? null;
  let revisionInfo = previous ? { seq: previous.revSeq, at: previous.updatedAt } : null;
  // After the freeze a change is kept as a late revision and scored only once the admin accepts it.
  const governance = await store.getGovernance(e);
  let late: { seq: number; at: string } | null = null;
  // Where this read stands in the order the store keeps (see CurrentValues): the mapping it worked under, then
  // the sheet's requested snapshot.
  const marker = { mappingSeq: method.seq, spreadsheetId: s, readSeq: R };

  const remarks = remarksOf(read);
  if (!refusal) {
    const values = valuesFromRead(read, previous?.values, remarks.byCode);
    const hash = contentHash(values);
    // Nothing new: record that this later read saw the same content, so a stale read finishing after it loses.
    const sameAsStored =
      hash === previous?.contentHash &&
      (await store.touchCurrent(e, zoneId, { ...marker, contentHash: hash }));
    // The revision this read stores, whether it counts now or waits, late, for the admin to accept it.
    const draft = () => ({
      values,
      contentHash: hash,
      spreadsheetId: s,
      driveVersion: readVersion,
      readSeq: R,
      caller: req.caller,
      editor: req.editor ?? null,
      at: now().toISOString(),
    });
    // After the freeze the latest revision tells whether a late change is waiting. A re-read of the same late
    // content (another signal, the reconcile poll) stores nothing new: the history stays one revision per change.
    // A form brought back to the values that count withdraws the late change: a revision says so, so that
    // accept-late finds nothing waiting rather than accepting what the official took back.
    const frozen = isLate(governance, now());
    const waiting = frozen ? (await store.listRevisions(e, zoneId)).at(-1) : undefined;
    const pending = waiting?.late === true ? waiting : null;
    if (!sameAsStored && frozen && pending?.contentHash === hash) {
      late = { seq: pending.seq, at: pending.at };
    } else if (!sameAsStored && frozen) {
      const rev = await store.appendRevision(e, zoneId, { ...draft(), late: true });
      late = { seq: rev.seq, at: rev.at };
      log.warn('sync.late', { evaluationId: e, zoneId, revision: rev.seq, freeze: governance.freeze });
    } else if (sameAsStored && pending !== null) {
      const rev = await store.appendRevision(e, zoneId, draft());
      log.info('sync.late-withdrawn', { evaluationId: e, zoneId, revision: rev.seq, late: pending.seq });
    } else if (!sameAsStored) {
      const rev = await store.appendRevision(e, zoneId, draft());
      const put = await store.putCurrent(e, {
        zoneId,
        revSeq: rev.seq,
        ...marker,
        contentHash: hash,
        values,
        updatedAt: rev.at,
        editor: rev.editor,
      });
      if (put.status === 'superseded') {
        // A read that started later already stored other content: this read is stale. Its revision stays in the
        // history (it was a real read); the current values and the Feedback belong to the later read.
        superseded = true;
        log.warn('sync.superseded', { evaluationId: e, zoneId, revision: rev.seq, current: put.revSeq });
      } else {
        revision = rev.seq;
        accepted = values;
        revisionInfo = { seq: rev.seq, at: rev.at };
      }
    }
  }

  // Every read asks for an evaluation: a crash after `putCurrent` in an earlier attempt must not lose the run, and
  // the evaluate stage's input hash makes a needless request cost one Query.
  const evaluationRequested = await store.requestEvaluation(e);

  const missingRequired = refusal
    ? []
    : method.compiled.indicators
        .filter(
          (ind) => ind.required && ind.source === 'zone' && (accepted?.[ind.code]?.value ?? null) === null,
        )
        .map((ind) => ind.code);
  const feedback = feedbackRows({
    zoneId,
    // A note cut to fit (`long-note`) is said where the official looks, beside the layout's problems.
    read: { ...read, problems: [...read.problems, ...remarks.problems] },
    accepted,
    revision: revisionInfo,
    missingRequired,
    ...(refusal && { refusal }),
  });
  if (late)
    feedback.rows.splice(1, 0, [
      FEEDBACK_WORDS.late,
      `The change read at ${late.at} came after the freeze (${governance.freeze}): it is kept as revision ${late.seq} and does not count until the evaluation's admin accepts it. 截止后提交的修改已记录，待管理员接受后计入。`,
    ]);
  const feedbackHash = contentHash(feedback.rows);
  let feedbackWritten = false;
  // A stale read (superseded, or overtaken by a read that finished meanwhile) leaves the Feedback to the later one.
  const overtaken = async () => ((await store.getSheetState(e, s))?.synced ?? 0) > R;
  // A Feedback tab a person deleted is written again even when its content is unchanged: the stored hash
  // describes a tab that is gone.
  const feedbackDue = feedbackHash !== state.feedbackHash || read.feedbackTab === null;
  if (!superseded && feedbackDue && !(await overtaken())) {
    await deps.feedback.writeFeedback(s, feedback.rows, read.feedbackTab);
    await store.setFeedbackHash(e, s, feedbackHash);
    feedbackWritten = true;
  }
  const version = await recordDriveVersion(deps, e, s, readVersion, feedbackWritten);
  // What this read stored holds at the version read, or after our own Feedback write when that write is the only
  // change since; a superseded read's content is not what is stored.
  const holdsAt = superseded ? null : holdsAtVersion(readVersion, version, feedbackWritten ? 1 : 0);
  await store.markSynced(
    e,
    s,
    R,
    holdsAt === null ? undefined : { version: holdsAt, methodologySeq: method.seq },
  );
  log.info('sync.done', {
    evaluationId: e,
    spreadsheetId: s,
    zoneId,
    requested: R,
    revision,
    superseded,
    feedbackWritten,
    problems: feedback.problems,
    refused: refusal !== null,
  });
  return {
    status: refusal ? 'refused' : 'synced',
    requested: R,
    zoneId,
    revision,
    late: late?.seq ?? null,
    superseded,
    feedbackWritten,
    problems: feedback.problems,
    refusedCells: refusedCellsOf(read),
    evaluationRequested,
    ...(refusal && { refusal }),
  };
}
