/**
 * Syncing the control spreadsheet: the zones and the methodology. A valid edit becomes a new immutable
 * methodology version, stored as the draft: it is not in force, and the control sheet's Preview tab compares it
 * with the version in force on the values stored. A methodologist puts it in force by typing its version id into
 * Settings `live`; then it registers each zone's spreadsheet and every zone sheet is asked to be read again (their
 * values are parsed against the methodology's units and bounds). The first valid version of an evaluation comes
 * into force on its own: there is nothing to compare it with, and no zone can be read without one. An invalid edit
 * is refused: the version in force and the draft stay, and the Feedback tab says what is wrong, cell by cell.
 */

import { type CompiledMethodology, compileMethodology, type MethodologyIssue } from '../core/methodology';
import { contentHash } from '../protocol/hash';
import { mapLimit } from './concurrency';
import type { SheetStageDeps } from './deps';
import { recordDriveVersion } from './drive-version';
import { type Governance, type GovernanceStore, isMethodologist } from './governance';
import { jsonLogger } from './log';
import { methodologyInForce } from './methodology';
import type {
  ControlRead,
  CurrentValues,
  EvaluationStore,
  FeedbackCell,
  MethodologyRecord,
  SpreadsheetIndex,
  SpreadsheetReader,
  SubmissionStore,
} from './ports';
import { PREVIEW_TAB, previewRows } from './preview';
import { controlBasis, holdsAtVersion, sameFileVersion, skipRead } from './unchanged';

/** Per-zone writes of a methodology change in flight at once: 105 sequential round trips would take seconds. */
const WRITE_CONCURRENCY = 16;

export type ControlDeps = SheetStageDeps & { store: SheetStageDeps['store'] & GovernanceStore };

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
  | ({
      status: 'installed' | 'unchanged';
      version: string;
      /** The valid methodology on the sheet when it is not the one in force: stored, previewed, not scored. */
      draft: string | null;
      previewWritten: boolean;
    } & ControlEffects);

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
  draft: string | null,
  governance: Governance,
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
      : draft
        ? `DRAFT 草案: version ${draft} is stored but not in force; version ${inForce ?? '(none)'} stays in force. See the Preview tab; to put the draft in force type ${draft} into Settings “live”.`
        : `IN FORCE 已生效: version ${inForce}${installed ? ', installed by this edit' : ''}.`,
  ]);
  if (governance.live)
    rows.push([
      'In force since 生效于',
      `${governance.live.at}${governance.live.by ? ` by ${governance.live.by}` : ''}${governance.live.replaced ? ` (replacing ${governance.live.replaced})` : ' (first version)'}`,
    ]);
  if (governance.freeze) rows.push(['Freeze 截止', governance.freeze]);
  rows.push([
    'Methodologists 方法组',
    governance.methodologists?.length
      ? `${governance.methodologists.join(', ')}: who may put a version in force`
      : 'none named: no version can be put in force until a Settings row “methodologists” names them',
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

/**
 * The methodology count and `controlBasis` as the store holds them now. `previewCurrents`: the zones' values the
 * read's Preview was scored on, which are what its outcome depended on (a zone synced since would change it);
 * listed afresh when the read scored no Preview (its outcome did not depend on them).
 */
async function controlBasisNow(
  store: ControlDeps['store'],
  e: string,
  editor: string | null,
  previewCurrents: readonly CurrentValues[] | null = null,
): Promise<{ methodologySeq: number; basis: string }> {
  const [state, governance] = await Promise.all([store.getEvaluationState(e), store.getGovernance(e)]);
  const currents = governance.draft === null ? null : (previewCurrents ?? (await store.listCurrent(e)));
  const byMethodologist = isMethodologist(governance.methodologists, editor);
  return {
    methodologySeq: state?.methodologySeq ?? 0,
    basis: controlBasis(state, governance, currents, byMethodologist),
  };
}

const who = (editor: string | null) => (editor === null ? 'an account the trigger did not name' : editor);
const listed = (names: readonly string[] | null) => (names?.length ? names.join(', ') : 'nobody yet');

/**
 * Who the methodologists are after this read, and whether its `live` mark may put a version in force. The
 * Settings row `methodologists` names them; a change of that row counts only when made by one of them (or when
 * none was named yet), so that an editor of the control sheet cannot name themselves. A `live` mark counts only
 * when the edit read was made by one of them. Either refusal is a warning on the Feedback naming who may: the
 * draft is kept, and the version in force stays.
 */
function checkMethodologists(
  read: ControlRead,
  governance: Governance,
  editor: string | null,
  current: string | null,
): { methodologists: string[] | null; mayGoLive: boolean } {
  const stored = governance.methodologists;
  const asRead = read.governance.methodologists;
  let methodologists = stored;
  if (asRead !== null && !sameNames(asRead, stored)) {
    if (!stored?.length || isMethodologist(stored, editor)) methodologists = asRead;
    else
      read.problems.push({
        kind: 'invalid-field',
        severity: 'warning',
        at: read.origins.settings['methodologists'] ?? 'Settings',
        message: `Settings “methodologists” was changed by ${who(editor)}, who is not a methodologist: the methodologists stay ${listed(stored)}. Only one of them may change the list.`,
      });
  }
  const live = read.governance.live;
  const wantsLive = current !== null && live !== null && live !== current;
  const mayGoLive = !wantsLive || isMethodologist(methodologists, editor);
  if (!mayGoLive)
    read.problems.push({
      kind: 'invalid-field',
      severity: 'warning',
      at: read.origins.settings['live'] ?? 'Settings',
      message: `Settings “live” (${live}) was typed by ${who(editor)}, who is not a methodologist: version ${current} stays in force. Only the methodologists named in Settings “methodologists” may put a version in force: ${listed(methodologists)}${methodologists?.length ? '' : ' (the admin names them: a Settings row “methodologists”, or zone-eval provision --methodologists)'}.`,
    });
  return { methodologists, mayGoLive };
}

const sameNames = (a: readonly string[], b: readonly string[] | null) =>
  b !== null && a.length === b.length && a.every((x) => b.includes(x));

/** A read's methodology, compiled, as the draft or the version to put in force. */
type Candidate = { version: string; compiled: CompiledMethodology };

/**
 * Runs one sync of the control spreadsheet, with the same requested/synced counters as a zone sheet. `editor` is
 * the person whose edit fired the signal, when the trigger knows it: it is recorded with the draft and the go-live.
 */
export async function syncControl(
  req: {
    evaluationId: string;
    spreadsheetId: string;
    editor?: string | null;
    /** What caused the sync (`trigger`, `reconcile`, `manual`); only a signal's may stop at an unchanged sheet. */
    caller?: string;
  },
  deps: ControlDeps,
): Promise<ControlOutcome> {
  const { store } = deps;
  const log = deps.log ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const { evaluationId: e, spreadsheetId: s } = req;
  const editor = req.editor ?? null;
  const state = await store.getSheetState(e, s);
  const R = state?.requested ?? 0;
  if (state && state.synced >= R) return { status: 'coalesced' };
  const readSeq = R > 0 ? R : undefined;

  // The version before the read (see recordDriveVersion in drive-version.ts).
  const readVersion = deps.files ? (await deps.files.getFile(s)).version : null;
  // A signal, and neither the sheet nor anything else its outcome depends on has moved since the last completed
  // read (a replayed or duplicate signal): reading it again would decide and write the same. The version in force
  // and the governance are two store reads, taken only when the file's version matches.
  // Whether the editor is a methodologist is part of that basis: a read that came first without knowing the
  // editor (the reconcile poll) refused the `live` mark this very edit made, and the edit's own signal, which
  // names a methodologist, must read again to accept it; a replay of that signal then costs nothing.
  if (R > 0 && sameFileVersion(req.caller, state?.unchangedAt, readVersion)) {
    const basis = await controlBasisNow(store, e, editor);
    if (
      skipRead({ caller: req.caller, recorded: state?.unchangedAt, now: { version: readVersion, ...basis } })
    ) {
      await store.markSynced(e, s, R);
      log.info('control.unchanged', {
        evaluationId: e,
        spreadsheetId: s,
        requested: R,
        version: readVersion,
      });
      return { status: 'coalesced' };
    }
  }
  const read = await deps.reader.readControl(s);
  const compiled = compileMethodology(read.methodology);
  const issues = compiled.ok ? [] : compiled.issues;
  const current = (await store.getEvaluationState(e))?.methodologyVersion ?? null;
  const governance = await store.getGovernance(e);
  const at = now().toISOString();
  const candidate: Candidate | null = compiled.ok
    ? {
        version: contentHash({ methodology: read.methodology, zones: read.zones }),
        compiled: compiled.methodology,
      }
    : null;

  // `live` must name a version this evaluation has stored (the draft on the sheet, or any earlier one).
  const live = read.governance.live;
  if (
    live !== null &&
    live !== current &&
    live !== candidate?.version &&
    !(await store.getMethodology(e, live))
  )
    read.problems.push({
      kind: 'invalid-field',
      severity: 'error',
      at: read.origins.settings['live'] ?? 'Settings',
      message: `Settings “live” names version ${live}, which this evaluation has never stored: type the draft's version${candidate ? ` (${candidate.version})` : ''} as the Preview tab shows it, or an earlier version to go back to it.`,
    });
  // Grade quotas above the zones listed cannot be scored: every run under this methodology would be refused by the
  // evaluate stage, the results staying on the last run. Said here, at the count, while the sheet is still a draft
  // (and again once in force), so that it never happens in silence.
  if (candidate) {
    const grade = candidate.compiled.spec.grade;
    const total = grade.method === 'quota' ? grade.grades.reduce((sum, g) => sum + (g.count ?? 0), 0) : 0;
    if (total > read.zones.length)
      read.problems.push({
        kind: 'invalid-field',
        severity: 'warning',
        at: read.origins.grades[0]?.fields['count'] ?? 'Grades',
        message: `The grade quotas add up to ${total}, more than the ${read.zones.length} zones on the Zones tab: no run can be scored with them, and the results stay as they are. Lower the counts so that they add up to at most ${read.zones.length}.`,
      });
  }
  const layoutErrors = read.problems.some((p) => p.severity === 'error');
  const { methodologists, mayGoLive } = checkMethodologists(read, governance, editor, current);

  let version: string | null = current;
  let installed = false;
  let stale = false;
  let draft: string | null = null;
  if (candidate && !layoutErrors) {
    // Every valid read is stored, so that the draft and any version a methodologist may go back to can be named.
    await store.putMethodology(e, {
      version: candidate.version,
      methodology: read.methodology,
      zones: read.zones,
      spreadsheetId: s,
      at,
    });
    const target =
      current === null ? candidate.version : live !== null && live !== current && mayGoLive ? live : null;
    if (target !== null) {
      const record =
        target === candidate.version
          ? { methodology: read.methodology, zones: read.zones }
          : await store.getMethodology(e, target);
      if (!record) throw new Error(`methodology ${target} was stored a moment ago and is gone`);
      const done = await installMethodology(
        store,
        e,
        { methodology: record.methodology, zones: record.zones, spreadsheetId: s, at },
        readSeq,
      );
      if (done.moved) {
        version = done.version;
        installed = true;
        await store.setGovernance(e, {
          live: { version: done.version, by: editor, at, replaced: current },
        });
      } else stale = true;
    } else if (readSeq !== undefined) {
      // The same version read again still moves the read marker: a stale read of an older sheet finishing after
      // this one must not install what the methodologist has since reverted.
      stale = !(await store.setMethodologyVersion(e, current!, readSeq));
    }
    if (!stale && candidate.version !== version) draft = candidate.version;
  }

  // The draft and the freeze are recorded by the latest read only (the same marker as the pointer's).
  let previewWritten = false;
  // The zones' values the Preview was scored on, part of what this read's outcome depended on (controlBasis).
  let previewCurrents: CurrentValues[] | null = null;
  let gov = governance;
  if (!stale && !layoutErrors && candidate) {
    const nextDraft =
      draft === null
        ? null
        : governance.draft?.version === draft
          ? governance.draft
          : { version: draft, editor, at };
    const patch = { draft: nextDraft, freeze: read.governance.freeze, methodologists };
    if (!(await store.setGovernance(e, patch, readSeq))) stale = true;
    else gov = { ...governance, ...patch, ...(installed && (await store.getGovernance(e))) };
  }

  // Every zone is read again under a new version (units and bounds may have changed). The marker moves only once
  // all are asked, so a crash after the pointer moved still ends in the re-sync when the message is retried.
  const resync: { spreadsheetId: string; requested: number }[] = [];
  let evaluationRequested: number | null = null;
  const pointer = await store.getEvaluationState(e);
  if (version !== null && pointer?.methodologyVersion === version && pointer.resyncedVersion !== version) {
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

  const { rows, blocking } = feedbackFor(deps.reader, read, issues, version, installed, draft, gov);
  const hash = contentHash(rows);
  let feedbackWritten = false;
  // A stale read, or one overtaken by a read that finished meanwhile, leaves the Feedback to the later read.
  const overtaken = async () => ((await store.getSheetState(e, s))?.synced ?? 0) > R;
  if (!stale && hash !== state?.feedbackHash && !(await overtaken())) {
    await deps.feedback.writeFeedback(s, rows);
    await store.setFeedbackHash(e, s, hash);
    feedbackWritten = true;
  }
  // The Preview tab follows the draft: the comparison while there is one, a line saying there is none otherwise.
  if (!stale && !layoutErrors && candidate && version !== null && !(await overtaken())) {
    const inForce =
      version === candidate.version ? null : await methodologyInForce(store, e).catch(() => null);
    if (draft && inForce) previewCurrents = await store.listCurrent(e);
    const preview =
      draft && inForce && previewCurrents
        ? previewRows({
            inForce: { version: inForce.version, compiled: inForce.compiled, zones: inForce.record.zones },
            draft: {
              version: draft,
              compiled: candidate.compiled,
              editor: gov.draft?.editor ?? null,
              at: gov.draft?.at ?? at,
            },
            currents: previewCurrents,
            central: await store.listCentralTabs(e),
          })
        : previewRows(null);
    const previewHash = contentHash(preview);
    if (previewHash !== gov.previewHash) {
      await deps.feedback.writeFeedback(s, preview, undefined, PREVIEW_TAB);
      await store.setGovernance(e, { previewHash });
      previewWritten = true;
    }
  }
  const after = await recordDriveVersion(deps, e, s, readVersion, feedbackWritten || previewWritten);
  // Where what this read decided and wrote holds, for a replay to stop at (a stale read decided nothing).
  const holdsAt = stale
    ? null
    : holdsAtVersion(readVersion, after, (feedbackWritten ? 1 : 0) + (previewWritten ? 1 : 0));
  if (R > 0)
    await store.markSynced(
      e,
      s,
      R,
      holdsAt === null
        ? undefined
        : { version: holdsAt, ...(await controlBasisNow(store, e, editor, previewCurrents)) },
    );
  log.info('control.done', {
    evaluationId: e,
    spreadsheetId: s,
    installed,
    stale,
    version,
    draft,
    editor,
    problems: blocking,
  });
  const effects = { feedbackWritten, resync, evaluationRequested };
  if (stale) return { status: 'stale', ...effects };
  if (blocking) return { status: 'refused', issues: blocking, inForce: current, ...effects };
  return {
    status: installed || resync.length ? 'installed' : 'unchanged',
    version: version!,
    draft,
    previewWritten,
    ...effects,
  };
}
