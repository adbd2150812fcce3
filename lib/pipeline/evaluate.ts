/**
 * The evaluate stage (DESIGN section 2, step 3): snapshot the evaluation's `requested` counter with a consistent
 * read, stop if `scored` already reached it (the coalescing), otherwise score every zone the methodology in force
 * maps from one consistent Query of the zones' current values plus the central data, store the run, move the
 * current-run pointer, publish the results spreadsheet in one request, and finally `SET scored = R IF scored < R`.
 *
 * An input hash (values, methodology version, engine version, last year's published run) makes a run that would
 * change nothing cost no store write and no Sheets call; a run stored but not yet published (the publish failed)
 * is published by the next attempt without scoring again.
 *
 * Run order: the current-run pointer only moves forward (conditional write), only the current run is published,
 * and the published pointer only moves forward; a publish that finds a newer run published meanwhile writes the
 * newer one again, so the sheet always ends on the newest run.
 */

import { MethodologyError } from '../core/errors';
import * as z from '../core/zod';
import { contentHash } from '../protocol/hash';
import { type GovernanceStore, mayPublish } from './governance';
import { jsonLogger, type Logger } from './log';
import { methodologyInForce } from './methodology';
import type {
  CentralStore,
  CentralTab,
  CurrentValues,
  EvaluationState,
  EvaluationStore,
  ResultsPublisher,
  ResultsSettingsStore,
  RunRecord,
  SubmissionStore,
} from './ports';
import { centralEntered, enteredBy, ProvenanceGroupSchema, ungroup } from './provenance';
import {
  buildResults,
  ENGINE_VERSION,
  type PreviousRun,
  previousRunOf,
  type ResultsDoc,
  ResultsDocSchema,
  type ZoneInput,
} from './results';
import { expireReplacedRuns, type RunRetentionStore } from './run-retention';
import { zoneValues } from './zone-values';

export type EvaluateStore = EvaluationStore &
  Pick<SubmissionStore, 'getMethodology' | 'listSheets' | 'setDriveVersion' | 'listRevisions'> &
  CentralStore &
  ResultsSettingsStore & {
    /** A run's metadata without its results; falls back to `getRun` when the store has no cheaper read. */
    getRunInfo?(evaluationId: string, seq: number): Promise<Omit<RunRecord, 'results'> | null>;
    /** The sign-off (governance.ts); absent in stores without one, which then publish every run. */
    getGovernance?: GovernanceStore['getGovernance'];
  } & RunRetentionStore;

export type EvaluateDeps = {
  store: EvaluateStore;
  publisher: ResultsPublisher;
  now?: () => Date;
  log?: Logger;
};

export type EvaluateRequest = { evaluationId: string; caller: string };

/** What happened to the results spreadsheet. */
export type PublishStatus =
  /** Written in this invocation. */
  | 'published'
  /** The current run was already in the sheet: no call made. */
  | 'already-published'
  /** A newer run became current meanwhile; it publishes itself. */
  | 'superseded'
  /** The results spreadsheet is gone or no longer shared: logged as an alarm, the run stays stored. */
  | 'unavailable'
  /** No results spreadsheet was provisioned for the evaluation. */
  | 'no-results-sheet'
  /** The year's final run was signed off (governance.ts): a later run waits for a new sign-off. */
  | 'signed-off';

export type EvaluateOutcome =
  /** Nothing pending: an earlier run covered every request. */
  | { status: 'coalesced'; requested: number; scored: number }
  /** The methodology cannot apply to the data (a user's mistake, logged); nothing stored, nothing published. */
  | { status: 'refused'; requested: number; reason: string }
  | {
      /** `scored`: a new run was stored; `unchanged`: the input hash equals the current run's. */
      status: 'scored' | 'unchanged';
      requested: number;
      run: number;
      inputHash: string;
      publish: PublishStatus;
      /** Sheets requests made by the publish (0 when none). */
      requests: number;
    };

/** Runs already decoded for use as a previous year: immutable, so cached for the container's life. */
const previousCache = new Map<string, PreviousRun>();

/** The input of one run: every mapped zone with its values (zone and central merged) and its sheet's state. */
async function gatherInputs(
  store: EvaluateStore,
  e: string,
  zones: import('./ports').ControlZone[],
  sources: Map<string, string>,
) {
  const [currents, sheets, central] = await Promise.all([
    store.listCurrent(e),
    store.listSheets(e),
    store.listCentralTabs(e),
  ]);
  const byZone = new Map(currents.map((c) => [c.zoneId, c]));
  const bySheet = new Map(sheets.map((s) => [s.spreadsheetId, s]));
  const byTab = new Map<string, CentralTab>(central.map((t) => [t.tab, t]));
  const inputs: ZoneInput[] = zones.map((zone) => {
    const cur = byZone.get(zone.zoneId);
    const values = zoneValues(zone.zoneId, cur, byTab, sources);
    return {
      zone,
      values,
      submitted: cur !== undefined,
      revision: cur?.revSeq ?? null,
      updatedAt: cur?.updatedAt ?? null,
      editor: cur?.editor ?? null,
      unreadable: zone.spreadsheetId ? (bySheet.get(zone.spreadsheetId)?.unreadable ?? null) : null,
    };
  });
  const hashable = {
    zones: inputs.map((x) => {
      const cur = byZone.get(x.zone.zoneId);
      return [x.zone.zoneId, cur?.contentHash ?? null, x.revision, x.editor, x.unreadable];
    }),
    central: central
      .map((t) => [t.tab, t.contentHash] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
  return { inputs, hashable, currents: byZone, central };
}

/**
 * Of the current run's results, only what carrying provenance over needs: parsing the whole document took 120 ms
 * at 2,000 zones x 48 indicators (on a shared machine), for fields this does not read.
 */
const PriorProvenanceSchema = z.object({
  zones: z.array(
    z.object({
      zoneId: z.string(),
      quality: z.object({ revision: z.nullable(z.int()) }),
      provenance: z.optional(z.array(ProvenanceGroupSchema)),
    }),
  ),
});
type PriorZone = z.infer<typeof PriorProvenanceSchema>['zones'][number];

/**
 * Attaches to each input who entered each of its values (lib/pipeline/provenance.ts). A zone at the revision the
 * current run used takes that run's provenance; any other zone's revisions are read (one Query each), so a run
 * after one official's edit reads one zone's history, and the first run every zone's once.
 */
async function attachProvenance(
  store: EvaluateStore,
  e: string,
  inputs: ZoneInput[],
  gathered: { currents: Map<string, CurrentValues>; central: CentralTab[] },
  sources: Map<string, string>,
  currentRun: number | null,
): Promise<void> {
  const before = new Map<string, PriorZone>();
  if (currentRun !== null) {
    const run = await store.getRun(e, currentRun);
    const parsed = run ? PriorProvenanceSchema.safeParse(run.results) : null;
    if (parsed?.success) for (const zone of parsed.data.zones) before.set(zone.zoneId, zone);
  }
  const tabs = new Map(gathered.central.map((t) => [t.tab, t]));
  const zoneInputs = inputs.filter((x) => gathered.currents.has(x.zone.zoneId));
  // Eight zones at a time: the first run of 2,000 zones in seconds, without a burst on the table.
  for (let k = 0; k < zoneInputs.length; k += 8)
    await Promise.all(
      zoneInputs.slice(k, k + 8).map(async (x) => {
        const cur = gathered.currents.get(x.zone.zoneId)!;
        const prev = before.get(x.zone.zoneId);
        const entered =
          prev?.provenance && prev.quality.revision === cur.revSeq
            ? ungroup(prev.provenance)
            : enteredBy(await store.listRevisions(e, x.zone.zoneId), cur.revSeq);
        x.entered = entered;
      }),
    );
  for (const x of inputs) {
    const entered = new Map(x.entered ?? []);
    for (const [code, source] of sources) {
      if (!source.startsWith('central:')) continue;
      const tab = tabs.get(source.slice('central:'.length));
      if (tab?.zones[x.zone.zoneId]?.[code] !== undefined) entered.set(code, centralEntered(tab));
      // A zone's form never supplies a central indicator: what its revisions hold for one is not what was scored.
      else entered.delete(code);
    }
    x.entered = entered;
  }
}

/** The previous year's published run, named by the methodology's `previousEvaluation`, or null. */
async function previousYear(store: EvaluateStore, evaluationId: string | undefined, log: Logger) {
  if (!evaluationId) return null;
  const state = await store.getEvaluationState(evaluationId);
  const seq = state?.publishedRun ?? null;
  if (seq === null) {
    log.warn('evaluate.previous-year-unpublished', { previousEvaluation: evaluationId });
    return null;
  }
  const key = `${evaluationId}#${seq}`;
  const hit = previousCache.get(key);
  if (hit) return hit;
  const run = await store.getRun(evaluationId, seq);
  if (!run) return null;
  const prev = previousRunOf(evaluationId, seq, run.results);
  previousCache.set(key, prev);
  return prev;
}

/** Scores and publishes an evaluation once. User mistakes are logged and returned; system faults are thrown. */
export async function evaluateRun(req: EvaluateRequest, deps: EvaluateDeps): Promise<EvaluateOutcome> {
  const { store } = deps;
  const log = deps.log ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const e = req.evaluationId;

  const state = await store.getEvaluationState(e);
  const R = state?.requested ?? 0;
  if (!state || state.scored >= R) return { status: 'coalesced', requested: R, scored: state?.scored ?? 0 };

  const method = await methodologyInForce(store, e);
  const m = method.compiled;
  const sources = new Map(m.indicators.map((i) => [i.code, i.source]));
  const gathered = await gatherInputs(store, e, method.record.zones, sources);
  const { inputs, hashable } = gathered;
  const previous = await previousYear(store, m.spec.previousEvaluation, log);
  const inputHash = contentHash({
    ...hashable,
    methodologyVersion: method.version,
    engineVersion: ENGINE_VERSION,
    previous: previous ? [previous.evaluationId, previous.runSeq] : null,
  });

  const current = state.currentRun === null ? null : await runInfo(store, e, state.currentRun);
  if (current && current.inputHash === inputHash) {
    // Nothing changed since the current run: publish it only if the sheet does not have it yet.
    const pub = await publishCurrent(e, deps, log, null);
    await store.markScored(e, R);
    log.info('evaluate.unchanged', { evaluationId: e, requested: R, run: current.seq, publish: pub.status });
    return {
      status: 'unchanged',
      requested: R,
      run: current.seq,
      inputHash,
      publish: pub.status,
      requests: pub.requests,
    };
  }

  await attachProvenance(store, e, gathered.inputs, gathered, sources, state.currentRun);
  const createdAt = now().toISOString();
  let doc: ResultsDoc;
  try {
    doc = buildResults({
      evaluationId: e,
      runSeq: 0,
      inputHash,
      methodologyVersion: method.version,
      createdAt,
      m,
      inputs,
      previous,
    });
  } catch (err) {
    if (!(err instanceof MethodologyError)) throw err;
    // The methodologist's rules cannot apply to this data (quotas above the zones, a geometric mean meeting a
    // zero): retrying will not help; the next edit of the control sheet or the data asks again.
    log.error('evaluate.refused', { evaluationId: e, requested: R, reason: err.message });
    await store.markScored(e, R);
    return { status: 'refused', requested: R, reason: err.message };
  }

  const seq = await store.nextRunSeq(e);
  doc.runSeq = seq;
  await store.putRun(e, {
    seq,
    requested: R,
    inputHash,
    methodologyVersion: method.version,
    engineVersion: ENGINE_VERSION,
    createdAt,
    results: doc,
  });
  const moved = await store.setCurrentRun(e, seq);
  let pub: { status: PublishStatus; requests: number } = { status: 'superseded', requests: 0 };
  if (moved) pub = await publishCurrent(e, deps, log, { seq, doc });
  else log.warn('evaluate.superseded', { evaluationId: e, run: seq });
  await store.markScored(e, R);
  log.info('evaluate.done', {
    evaluationId: e,
    requested: R,
    run: seq,
    zones: doc.zones.length,
    publish: pub.status,
    requests: pub.requests,
  });
  return { status: 'scored', requested: R, run: seq, inputHash, publish: pub.status, requests: pub.requests };
}

async function runInfo(store: EvaluateStore, e: string, seq: number) {
  if (store.getRunInfo) return store.getRunInfo(e, seq);
  const run = await store.getRun(e, seq);
  if (!run) return null;
  const { results: _results, ...info } = run;
  return info;
}

/**
 * Publishes the evaluation's current run unless the sheet already has it. `fresh` is the run just stored (saves
 * reading it back). When the published pointer turns out to have moved past our run meanwhile, the newest run is
 * written again, so the sheet never stays on an older run.
 */
export async function publishCurrent(
  e: string,
  deps: EvaluateDeps,
  log: Logger,
  fresh: { seq: number; doc: ResultsDoc } | null,
): Promise<{ status: PublishStatus; requests: number }> {
  const { store, publisher } = deps;
  const resultsId = await store.getResultsSpreadsheet(e);
  if (resultsId === null) {
    log.warn('evaluate.no-results-sheet', { evaluationId: e });
    return { status: 'no-results-sheet', requests: 0 };
  }
  let requests = 0;
  // Two rounds at most: the second only when a newer run was published while the first wrote.
  for (let round = 0; round < 2; round++) {
    const state: EvaluationState | null = await store.getEvaluationState(e);
    const seq = state?.currentRun ?? null;
    if (seq === null) return { status: 'superseded', requests };
    const governance = store.getGovernance ? await store.getGovernance(e) : null;
    if (governance && !mayPublish(governance, seq)) {
      log.info('evaluate.signed-off', { evaluationId: e, run: seq, signedOff: governance.signOff?.run });
      return { status: 'signed-off', requests };
    }
    const published = state?.publishedRun ?? null;
    if (round === 0 && published !== null && published >= seq)
      return { status: 'already-published', requests };
    const doc =
      fresh && fresh.seq === seq ? fresh.doc : ResultsDocSchema.parse((await store.getRun(e, seq))?.results);
    const out = await publisher.publish(resultsId, doc, { layoutKnown: published !== null });
    if (out.status === 'unavailable') {
      // An alarm, not a retry: the admin shares the spreadsheet again (or provisions a new one), and the next
      // request publishes the current run, which stays stored.
      log.error('evaluate.results-unavailable', {
        alarm: true,
        evaluationId: e,
        spreadsheetId: resultsId,
        run: seq,
        reason: out.reason,
      });
      return { status: 'unavailable', requests };
    }
    requests += out.requests;
    // Our own write moved the Drive version: record it, so the reconcile poll does not take it for an edit.
    if (out.driveVersion !== null) await store.setDriveVersion(e, resultsId, out.driveVersion);
    if (out.repaired) log.warn('evaluate.results-repaired', { evaluationId: e, spreadsheetId: resultsId });
    if (await store.markPublished(e, seq)) {
      const signedOff = governance?.signOff?.run ?? null;
      await expireReplacedRuns(
        store,
        e,
        { before: published, published: seq, signedOff },
        (deps.now ?? (() => new Date()))(),
        log,
      );
      return { status: 'published', requests };
    }
    if (round === 1) return { status: 'published', requests };
    // A newer run was published while we wrote: ours may have landed over it, so write the newest again.
    log.warn('evaluate.publish-overtaken', { evaluationId: e, run: seq });
    fresh = null;
  }
  return { status: 'published', requests };
}
