/**
 * The reconcile poll (DESIGN section 2, step 4), run every minute: it catches what the triggers miss and what a
 * crash left pending.
 *
 * 1. One paged Drive listing of the evaluation's folder (`files(id,version)`, every page) compared with the Drive
 *    version each sheet's last sync recorded: a sheet whose version moved (an edit made through the API, a trigger
 *    that never fired) is asked to sync, as a signal would (`requestSync`, caller `reconcile`). A listed file with
 *    no counters yet is looked up in the spreadsheet index and asked to sync when it is an input of this evaluation.
 * 2. A sheet whose `requested` has stayed above `synced`, and an evaluation whose `requested` has stayed above
 *    `scored`, with no progress for 2 minutes, gets its message again under a fresh dedup id
 *    (`<id>#<r>#retry-<minute>`): the message was lost (a crash between the counter and the send), or it went to
 *    the dead-letter queue. The counters make a duplicate harmless.
 *
 * It never reads a sheet itself: every read stays in the sync stage, with its counters.
 */
import { mapLimit } from './concurrency';
import { jsonLogger, type Logger } from './log';
import type { MessageQueue } from './messages';
import type {
  EvaluationState,
  EvaluationStore,
  SheetKind,
  SheetState,
  SpreadsheetFiles,
  SpreadsheetIndex,
  SubmissionStore,
} from './ports';
import { sendEvaluate, sendSync } from './send';
import { requestSync } from './signal';

/** How long `requested > done` may last without progress before the message is sent again. */
export const STALL_MS = 2 * 60_000;
/** Store writes and sends in flight at once (the first poll after deployment may ask for every sheet). */
const CONCURRENCY = 16;

export type ReconcileDeps = {
  store: Pick<SubmissionStore, 'listSheets' | 'requestSheet'> &
    Pick<EvaluationStore, 'getEvaluationState'> &
    Pick<SpreadsheetIndex, 'findSpreadsheet'>;
  files: Pick<SpreadsheetFiles, 'listFiles'>;
  queue: MessageQueue;
  now?: () => Date;
  log?: Logger;
};

export type ReconcileInput = {
  evaluationId: string;
  /** The Drive folder holding the evaluation's spreadsheets (or a Drive query), as `SpreadsheetFiles.listFiles` takes. */
  folder: string;
  /** The poll's clock; `deps.now()` otherwise. */
  now?: Date;
};

export type ReconcileOutcome = {
  /** Files the listing returned. */
  listed: number;
  /** Sheets asked to sync because their Drive version moved (or was never recorded). */
  requested: { spreadsheetId: string; requested: number; from: string | null; to: string }[];
  /** Sheets whose sync message was sent again after 2 minutes without progress. */
  resent: { spreadsheetId: string; requested: number; dedupId: string }[];
  /** The evaluation's evaluate message sent again, or null. */
  evaluationResent: { requested: number; dedupId: string } | null;
  /** Sheets with counters that the listing did not return (deleted, unshared, moved out of the folder). */
  unlisted: string[];
  /**
   * Seconds the evaluation's `requested` has stood above `scored` (from the store's `pendingSince`), 0 when caught
   * up: the reconcile handler publishes it each minute, and 15 minutes of it alarm.
   */
  unscoredSeconds: number;
};

/** `20261128T0240`: the UTC minute, so that one poll's re-send is deduplicated and the next minute's is not. */
export function retryMinute(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:]/g, '');
}

/** The later of two optional ISO times, in milliseconds; 0 when neither is set. */
function lastProgress(...times: (string | null)[]): number {
  return Math.max(0, ...times.map((t) => (t === null ? 0 : Date.parse(t))));
}

/**
 * Seconds an evaluation's `requested` has stood above `scored`: from `pendingSince`, or, for a state written before
 * the store kept it, from the later of the last run and the last request (a lower bound). 0 when caught up.
 */
export function unscoredSeconds(
  state: Pick<EvaluationState, 'requested' | 'scored' | 'pendingSince' | 'lastRequestAt' | 'scoredAt'>,
  now: Date,
): number {
  if (state.requested <= state.scored) return 0;
  const since = state.pendingSince
    ? Date.parse(state.pendingSince)
    : lastProgress(state.lastRequestAt, state.scoredAt);
  return since === 0 ? 0 : Math.max(0, Math.round((now.getTime() - since) / 1000));
}

/** Runs one poll of one evaluation. System faults (Drive, the store, the queue) are thrown: the next poll retries. */
export async function reconcile(deps: ReconcileDeps, input: ReconcileInput): Promise<ReconcileOutcome> {
  const log = deps.log ?? jsonLogger;
  const now = input.now ?? (deps.now ?? (() => new Date()))();
  const e = input.evaluationId;
  const minute = retryMinute(now);
  const stalled = (...times: (string | null)[]) => now.getTime() - lastProgress(...times) >= STALL_MS;

  // A sync recording a version while these run can only make a sheet look moved (one more read, which finds
  // nothing new), whatever order the three answers come in.
  const [listing, sheets, evaluation] = await Promise.all([
    deps.files.listFiles(input.folder),
    deps.store.listSheets(e),
    deps.store.getEvaluationState(e),
  ]);
  const versions = new Map(listing.map((f) => [f.id, f.version]));
  const known = new Set(sheets.map((s) => s.spreadsheetId));

  /** A zone sheet is known by its counters; another one by the index (control, central, results). */
  const kindOf = async (sheet: Pick<SheetState, 'spreadsheetId' | 'zoneId'>): Promise<SheetKind | null> => {
    if (sheet.zoneId !== null) return 'zone';
    const entry = await deps.store.findSpreadsheet(sheet.spreadsheetId);
    return entry?.evaluationId === e ? entry.kind : null;
  };

  const outcome: ReconcileOutcome = {
    listed: listing.length,
    requested: [],
    resent: [],
    evaluationResent: null,
    unlisted: [],
    unscoredSeconds: evaluation ? unscoredSeconds(evaluation, now) : 0,
  };
  const syncDeps = { ...deps, now: () => now, log };

  await mapLimit(sheets, CONCURRENCY, async (sheet) => {
    const s = sheet.spreadsheetId;
    const listed = versions.get(s);
    const pending = sheet.requested > sheet.synced;
    if (pending) {
      if (!stalled(sheet.lastSignalAt, sheet.syncedAt)) return; // a sync is on its way and will read the change
      const kind = await kindOf(sheet);
      if (kind === null || kind === 'results') return;
      const dedupId = await sendSync(
        deps.queue,
        {
          evaluationId: e,
          spreadsheetId: s,
          requested: sheet.requested,
          caller: 'reconcile',
          editor: null,
          kind,
          ...(sheet.lastSignalAt !== null && { signalledAt: sheet.lastSignalAt }),
        },
        minute,
      );
      log.warn('reconcile.resent', {
        evaluationId: e,
        spreadsheetId: s,
        requested: sheet.requested,
        synced: sheet.synced,
      });
      outcome.resent.push({ spreadsheetId: s, requested: sheet.requested, dedupId });
      return;
    }
    if (listed === undefined) {
      outcome.unlisted.push(s);
      return;
    }
    if (listed === sheet.driveVersion) return;
    const kind = await kindOf(sheet);
    if (kind === 'results') {
      // The system writes the results; a person's change there is repaired by the next publish, not read.
      log.info('reconcile.results-changed', {
        evaluationId: e,
        spreadsheetId: s,
        from: sheet.driveVersion,
        to: listed,
      });
      return;
    }
    if (kind === null) return;
    const { requested } = await requestSync(syncDeps, {
      evaluationId: e,
      spreadsheetId: s,
      caller: 'reconcile',
      kind,
    });
    outcome.requested.push({ spreadsheetId: s, requested, from: sheet.driveVersion, to: listed });
  });

  // Files with no counters yet: a central sheet never signalled, or a zone sheet whose registration was lost.
  const unknown = listing.filter((f) => !known.has(f.id));
  await mapLimit(unknown, CONCURRENCY, async (file) => {
    const entry = await deps.store.findSpreadsheet(file.id);
    if (entry === null || entry.evaluationId !== e || entry.kind === 'results') return;
    const { requested } = await requestSync(syncDeps, {
      evaluationId: e,
      spreadsheetId: file.id,
      caller: 'reconcile',
      kind: entry.kind,
    });
    outcome.requested.push({ spreadsheetId: file.id, requested, from: null, to: file.version });
  });

  if (
    evaluation &&
    evaluation.requested > evaluation.scored &&
    stalled(evaluation.lastRequestAt, evaluation.scoredAt)
  ) {
    const dedupId = await sendEvaluate(
      deps.queue,
      {
        evaluationId: e,
        requested: evaluation.requested,
        caller: 'reconcile',
        ...(evaluation.pendingSince && { signalledAt: evaluation.pendingSince }),
      },
      minute,
    );
    log.warn('reconcile.evaluation-resent', {
      evaluationId: e,
      requested: evaluation.requested,
      scored: evaluation.scored,
    });
    outcome.evaluationResent = { requested: evaluation.requested, dedupId };
  }

  log.info('reconcile.done', {
    evaluationId: e,
    listed: outcome.listed,
    requested: outcome.requested.length,
    resent: outcome.resent.length,
    evaluationResent: outcome.evaluationResent !== null,
    unlisted: outcome.unlisted.length,
    unscoredSeconds: outcome.unscoredSeconds,
  });
  return outcome;
}
