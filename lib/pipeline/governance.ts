/**
 * Who may change what, and when: a methodology edit is a draft until a methodologist (an account the control
 * sheet's Settings `methodologists` names) puts it in force (Settings `live` = the draft's version id), edits after
 * the freeze (Settings `freeze`) wait for the admin, and a signed-off run stays in the results. The state is one store item per evaluation, apart from
 * the counters, so that its writes never contend with the loop's.
 */
import * as z from '../core/zod';

const isoTime = z.iso.datetime({ offset: true });
const counter = z.int().check(z.nonnegative());

/** The Settings keys that govern the evaluation; they are not part of the methodology (nor of its version). */
export const GOVERNANCE_SETTINGS = ['live', 'freeze', 'methodologists'] as const;
export type GovernanceSettingKey = (typeof GOVERNANCE_SETTINGS)[number];

/** The control sheet's governance settings as read: null when the row is absent. */
export type GovernanceSettings = {
  live: string | null;
  freeze: string | null;
  /** The accounts that may put a version in force (and change this list), lower-cased. */
  methodologists: string[] | null;
};

/** An email-like Google account. */
const ACCOUNT = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;

/** Reads the `methodologists` setting: Google accounts separated by commas, semicolons or spaces. */
export function parseMethodologistsSetting(
  raw: unknown,
): { ok: true; value: string[] } | { ok: false; message: string } {
  const names = String(raw ?? '')
    .split(/[,;\s]+/)
    .map((x) => x.trim().toLowerCase())
    .filter((x) => x !== '');
  const bad = names.find((n) => !ACCOUNT.test(n));
  if (names.length === 0 || bad !== undefined)
    return {
      ok: false,
      message: `must list Google accounts separated by commas, such as a.li@mofcom.gov.cn, b.wang@mofcom.gov.cn (found “${bad ?? String(raw ?? '')}”)`,
    };
  return { ok: true, value: [...new Set(names)] };
}

/** Whether an account is one of the methodologists (accounts compare without case). */
export function isMethodologist(methodologists: readonly string[] | null, who: string | null): boolean {
  return who !== null && (methodologists ?? []).includes(who.trim().toLowerCase());
}

/** A methodology version id as `contentHash` makes it: 24 hex digits. */
const VERSION = /^[0-9a-f]{24}$/;

/** China Standard Time: a freeze date without a time ends at midnight in Beijing, as officials read it. */
const CHINA_OFFSET = '+08:00';

/** Reads the `live` setting: a version id (copied from the Preview tab), or a sentence saying what is expected. */
export function parseLiveSetting(raw: unknown): { ok: true; value: string } | { ok: false; message: string } {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (VERSION.test(text)) return { ok: true, value: text };
  return {
    ok: false,
    message: `must be a version id of 24 letters and digits, as the Preview tab shows it (found “${String(raw ?? '')}”)`,
  };
}

/**
 * Reads the `freeze` setting: a date (`2026-03-31`, or a date cell) means edits after the end of that day in
 * Beijing are late; a date and time with an offset (`2026-03-31T18:00:00+08:00`) is taken as given.
 */
export function parseFreezeSetting(
  raw: unknown,
): { ok: true; value: string } | { ok: false; message: string } {
  let iso: string | null = null;
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    // A date cell reads as a Sheets serial day (days since 1899-12-30).
    const day = new Date(Date.UTC(1899, 11, 30) + Math.floor(raw) * 86_400_000).toISOString().slice(0, 10);
    iso = `${day}T23:59:59${CHINA_OFFSET}`;
  } else if (typeof raw === 'string') {
    const t = raw.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = `${t}T23:59:59${CHINA_OFFSET}`;
    else if (isoTime.safeParse(t).success) iso = t;
  }
  if (iso !== null && !Number.isNaN(Date.parse(iso))) return { ok: true, value: new Date(iso).toISOString() };
  return {
    ok: false,
    message: `must be a date such as 2026-03-31 (the end of that day, Beijing time) or a time such as 2026-03-31T18:00:00+08:00 (found “${String(raw ?? '')}”)`,
  };
}

/** A stored draft: the latest valid methodology read from the control sheet that is not in force. */
export const DraftSchema = z.object({
  version: z.string().check(z.minLength(1)),
  /** Who made the edit that produced it (the signal's editor), when known. */
  editor: z.nullable(z.string()),
  at: isoTime,
});
export type Draft = z.infer<typeof DraftSchema>;

/** Who put the version in force, and when (null for the first version, which comes into force on its own). */
export const LiveRecordSchema = z.object({
  version: z.string().check(z.minLength(1)),
  by: z.nullable(z.string()),
  at: isoTime,
  /** The version it replaced; null for the first. */
  replaced: z.nullable(z.string()),
});
export type LiveRecord = z.infer<typeof LiveRecordSchema>;

/**
 * How `by` was established: Google's own answer for the credentials the command ran with (Drive `about.get`), and
 * Drive's stable id of that account. Absent on sign-offs recorded before identities were verified.
 */
export const VerifiedSchema = z.object({
  source: z.literal('drive.about.get'),
  permissionId: z.nullable(z.string()),
});
export type Verified = z.infer<typeof VerifiedSchema>;

/** The admin's sign-off of a year's final run. */
export const SignOffSchema = z.object({
  year: z.int(),
  run: z.int().check(z.positive()),
  by: z.string().check(z.minLength(1)),
  at: isoTime,
  verified: z.optional(VerifiedSchema),
});
export type SignOff = z.infer<typeof SignOffSchema>;

export const GovernanceSchema = z.object({
  draft: z._default(z.nullable(DraftSchema), null),
  live: z._default(z.nullable(LiveRecordSchema), null),
  /** The freeze time (ISO, UTC), or null when none is set. */
  freeze: z._default(z.nullable(isoTime), null),
  /**
   * The methodologists in force, as the control sheet last named them with a change made by one of them (or the
   * first naming); null before any. Only they may put a version in force.
   */
  methodologists: z._default(z.nullable(z.array(z.string())), null),
  signOff: z._default(z.nullable(SignOffSchema), null),
  /** Hash of the control sheet's Preview tab as last written, so an unchanged preview costs no write. */
  previewHash: z._default(z.nullable(z.string()), null),
  /** The control sheet's `requested` snapshot of the read that last wrote `draft`/`freeze`: stale reads lose. */
  readSeq: z._default(counter, 0),
});
export type Governance = z.infer<typeof GovernanceSchema>;

export const EMPTY_GOVERNANCE: Governance = GovernanceSchema.parse({});

/** The store port: one item per evaluation. */
export interface GovernanceStore {
  /** The evaluation's governance, strongly consistent; EMPTY_GOVERNANCE before the first write. */
  getGovernance(evaluationId: string): Promise<Governance>;
  /**
   * Sets the given fields. With `readSeq` (a control read's snapshot) only when no later read wrote first; false
   * then. Without it (the admin's commands), unconditionally.
   */
  setGovernance(
    evaluationId: string,
    patch: Partial<Omit<Governance, 'readSeq'>>,
    readSeq?: number,
  ): Promise<boolean>;
}

/** True when an edit made at `at` comes after the freeze. */
export function isLate(g: Pick<Governance, 'freeze'>, at: Date): boolean {
  return g.freeze !== null && at.getTime() > Date.parse(g.freeze);
}

// ---------------------------------------------------------------------------------------------------------------
// The admin's actions: accepting a late edit, signing off a year's final run.

type AdminStore = GovernanceStore &
  Pick<import('./ports').SubmissionStore, 'listRevisions' | 'getCurrent' | 'putCurrent' | 'appendRevision'> &
  Pick<import('./ports').EvaluationStore, 'getEvaluationState' | 'requestEvaluation' | 'getRun'> & {
    /** Keeps a run for good (no time to live); absent in stores whose runs never expire. */
    keepRun?(evaluationId: string, seq: number, reason: string): Promise<boolean>;
  };

export type AcceptLateOutcome =
  | { status: 'accepted'; revision: number; late: number; evaluationRequested: number }
  /** A user's mistake, as a sentence: nothing late to accept. */
  | { status: 'nothing-late'; message: string };

/**
 * Accepts a zone's latest late revision: its values become the zone's current values (as a new revision that
 * names who accepted it, so the history keeps both), and an evaluation is requested. Earlier late revisions are
 * superseded by the latest, as a later on-time read would have done.
 */
export async function acceptLate(
  store: AdminStore,
  evaluationId: string,
  zoneId: string,
  by: string,
  now: Date = new Date(),
): Promise<AcceptLateOutcome> {
  const revisions = await store.listRevisions(evaluationId, zoneId);
  const last = revisions.at(-1);
  if (!last?.late)
    return {
      status: 'nothing-late',
      message: `zone ${zoneId} has no late edit waiting${last ? ` (its latest revision, ${last.seq}, counts already)` : ' (no revision stored)'}`,
    };
  const at = now.toISOString();
  const rev = await store.appendRevision(evaluationId, zoneId, {
    values: last.values,
    contentHash: last.contentHash,
    spreadsheetId: last.spreadsheetId,
    driveVersion: last.driveVersion,
    readSeq: 0,
    caller: `accept-late:${last.seq}`,
    editor: by,
    at,
  });
  const state = await store.getEvaluationState(evaluationId);
  const current = await store.getCurrent(evaluationId, zoneId);
  const put = await store.putCurrent(evaluationId, {
    zoneId,
    revSeq: rev.seq,
    // The acceptance counts as the latest read under the mapping in force, so that it replaces what is stored.
    mappingSeq: Math.max(state?.methodologySeq ?? 0, current?.mappingSeq ?? 0),
    spreadsheetId: last.spreadsheetId,
    readSeq: Math.max(last.readSeq, current?.readSeq ?? 0),
    contentHash: last.contentHash,
    values: last.values,
    updatedAt: at,
  });
  if (put.status === 'superseded')
    throw new Error(
      `accepting revision ${last.seq} of zone ${zoneId}: a later read is stored (revision ${put.revSeq})`,
    );
  const evaluationRequested = await store.requestEvaluation(evaluationId, now);
  return { status: 'accepted', revision: rev.seq, late: last.seq, evaluationRequested };
}

export type AcceptLateCentralOutcome =
  | { status: 'accepted'; tab: string; lateAt: string; evaluationRequested: number }
  /** A user's mistake, as a sentence: no such tab, or nothing late on it. */
  | { status: 'nothing-late'; message: string };

/**
 * Accepts a central tab's late change (read after the freeze): its values become the tab's values in use, the
 * acceptance (who, when) is recorded on the tab, and an evaluation is requested.
 */
export async function acceptLateCentral(
  store: Pick<import('./ports').CentralStore, 'listCentralTabs' | 'putCentralTab'> &
    Pick<import('./ports').EvaluationStore, 'requestEvaluation'>,
  evaluationId: string,
  tab: string,
  by: string,
  now: Date = new Date(),
): Promise<AcceptLateCentralOutcome> {
  const tabs = await store.listCentralTabs(evaluationId);
  const t = tabs.find((x) => x.tab === tab);
  if (!t)
    return {
      status: 'nothing-late',
      message: `evaluation ${evaluationId} has no central tab '${tab}' stored${tabs.length ? ` (stored: ${tabs.map((x) => x.tab).join(', ')})` : ''}`,
    };
  if (!t.late)
    return {
      status: 'nothing-late',
      message: `central tab ${tab} has no late edit waiting (its values read at ${t.updatedAt} count already)`,
    };
  const at = now.toISOString();
  const written = await store.putCentralTab(evaluationId, {
    ...t,
    zones: t.late.zones,
    contentHash: t.late.contentHash,
    late: null,
    accepted: { by, at, lateAt: t.late.at },
    updatedAt: at,
  });
  if (!written)
    throw new Error(
      `accepting central tab ${tab}: a later read of the central sheet is stored; run it again`,
    );
  const evaluationRequested = await store.requestEvaluation(evaluationId, now);
  return { status: 'accepted', tab, lateAt: t.late.at, evaluationRequested };
}

export type SignOffOutcome =
  | {
      status: 'signed-off';
      signOff: SignOff;
      replaced: SignOff | null;
      /**
       * The evaluation's `requested` counter when the run signed off is not the one in the results spreadsheet (a
       * later run, held back by the previous sign-off): the evaluate stage, on that request, publishes it.
       */
      evaluationRequested: number | null;
    }
  | { status: 'refused'; message: string };

/** The year a run's results document names (the methodology's `year`), or null. */
const RunYearSchema = z.looseObject({ year: z.optional(z.nullable(z.int())) });

/**
 * Signs off the evaluation's current run as the year's final one, with the admin's identity and the time. The
 * year given must be the run's (the methodology's Settings `year`, as the results carry it): a wrong year is
 * refused with a sentence. The results spreadsheet then keeps that run: later runs are stored but not published
 * until a new sign-off; when the run signed off is not the published one, an evaluation is requested so that it is.
 */
export async function signOff(
  store: AdminStore,
  evaluationId: string,
  year: number,
  by: string,
  now: Date = new Date(),
  verified?: Verified,
): Promise<SignOffOutcome> {
  const state = await store.getEvaluationState(evaluationId);
  const run = state?.currentRun ?? null;
  if (run === null)
    return { status: 'refused', message: `evaluation ${evaluationId} has no run to sign off yet` };
  if (state!.requested > state!.scored)
    return {
      status: 'refused',
      message: `evaluation ${evaluationId} has ${state!.requested - state!.scored} request(s) not yet scored: wait for the run to finish (zone-eval status), then sign off`,
    };
  const stored = await store.getRun(evaluationId, run!);
  if (stored === null) throw new Error(`evaluation ${evaluationId}: its current run ${run} is not stored`);
  const parsed = RunYearSchema.safeParse(stored.results);
  const runYear = parsed.success ? (parsed.data.year ?? null) : null;
  if (runYear === null)
    return {
      status: 'refused',
      message: `run ${run} of evaluation ${evaluationId} names no year (the control sheet's Settings have no “year” row): add it, let the run finish, then sign off`,
    };
  if (runYear !== year)
    return {
      status: 'refused',
      message: `run ${run} of evaluation ${evaluationId} is the ${runYear} evaluation, not ${year}: sign off with --year ${runYear}, or name the evaluation of ${year} with --evaluation`,
    };
  const before = await store.getGovernance(evaluationId);
  const record = SignOffSchema.parse({ year, run, by, at: now.toISOString(), ...(verified && { verified }) });
  await store.setGovernance(evaluationId, { signOff: record });
  // A final run is what leaders cite: it never expires, even if it was replaced quickly (run-retention.ts).
  await store.keepRun?.(evaluationId, run!, 'final');
  const evaluationRequested =
    state!.publishedRun === run ? null : await store.requestEvaluation(evaluationId, now);
  return { status: 'signed-off', signOff: record, replaced: before.signOff, evaluationRequested };
}

/**
 * Whether a run may be written to the results spreadsheet: always before a sign-off; after one, only the run
 * signed off. The evaluate stage calls this before publishing.
 */
export function mayPublish(g: Pick<Governance, 'signOff'>, run: number): boolean {
  return g.signOff === null || g.signOff.run === run;
}
