/**
 * Storage ports of the pipeline. Plain data and promises only: no AWS or Google types, so that a domestic
 * cloud or an in-memory fake can stand in (DESIGN section 9). Shapes that cross the boundary are zod schemas,
 * and adapters parse what they read back with them.
 */
import * as z from '../core/zod';

const isoTime = z.iso.datetime({ offset: true });
const seq = z.int().check(z.positive());
const counter = z.int().check(z.nonnegative());

/** One indicator value of a zone: as understood (typed) and as the official typed it. */
export const SubmittedValueSchema = z.object({
  /** Parsed value in the indicator's unit; null when blank or refused (blank is missing, never zero). */
  value: z.nullable(z.number()),
  /** The cell's displayed text, verbatim, so that feedback and audit can quote it. */
  text: z.string(),
  /** What the parser says of the cell (`converted from 亿`, `refused: why`); never the official's words. */
  note: z.optional(z.string()),
  /**
   * What the official typed in the form's Note column for this indicator (lib/pipeline/remarks), as text, never
   * evaluated; absent when the Note cell is blank. Part of the content hash: a remark changed alone is a revision.
   */
  remark: z.optional(z.string()),
  /** The remark's full length in characters when it was too long and only its start is kept (`remark`). */
  remarkLength: z.optional(z.int().check(z.positive())),
});
export type SubmittedValue = z.infer<typeof SubmittedValueSchema>;

/** A zone's values keyed by indicator code. */
export const ZoneValuesSchema = z.record(z.string(), SubmittedValueSchema);
export type ZoneValues = z.infer<typeof ZoneValuesSchema>;

/** A revision before the store has numbered it: what was read, who caused it and when. */
export const RevisionDraftSchema = z.object({
  values: ZoneValuesSchema,
  /** Hash of `values` computed by the caller; equal hashes mean equal content. */
  contentHash: z.string().check(z.minLength(1)),
  /** Spreadsheet the values were read from; null for values entered another way (seeding, central data). */
  spreadsheetId: z.nullable(z.string()),
  /** Drive version of the spreadsheet at the read, when known. */
  driveVersion: z.nullable(z.string()),
  /**
   * The spreadsheet's `requested` counter as snapshotted before the read (0 for values not read from a sheet).
   * With `spreadsheetId` it orders reads: a read with a higher snapshot started after the other's signal.
   */
  readSeq: z._default(counter, 0),
  /** What caused the read: `trigger`, `reconcile`, `manual`, `seed`, ... */
  caller: z.string().check(z.minLength(1)),
  /** The person whose edit fired the signal, when the trigger reports one. */
  editor: z.nullable(z.string()),
  /** When the sheet was read. */
  at: isoTime,
  /**
   * Read after the freeze (governance.ts): kept, shown on the Feedback as late, not scored until the admin accepts
   * it (`acceptedBy`/`acceptedAt` on the revision made by the acceptance). Absent: on time.
   */
  late: z.optional(z.boolean()),
});
export type RevisionDraft = z.infer<typeof RevisionDraftSchema>;

/** An append-only submission revision; `seq` counts from 1 per zone. */
export const RevisionSchema = z.extend(RevisionDraftSchema, {
  zoneId: z.string().check(z.minLength(1)),
  seq,
});
export type Revision = z.infer<typeof RevisionSchema>;

/** A zone's current values: what scoring reads. */
export const CurrentValuesSchema = z.object({
  zoneId: z.string().check(z.minLength(1)),
  /** Revision these values come from. */
  revSeq: seq,
  /**
   * Which read these values come from, in the order the store keeps: the methodology count the sync worked under
   * (`mappingSeq`), then, under one mapping, the spreadsheet's `requested` snapshot (`readSeq`).
   */
  mappingSeq: z._default(counter, 0),
  spreadsheetId: z._default(z.nullable(z.string()), null),
  readSeq: z._default(counter, 0),
  contentHash: z.string().check(z.minLength(1)),
  values: ZoneValuesSchema,
  updatedAt: isoTime,
  /** The person whose edit produced these values, when the trigger knew it (the results' Data quality tab). */
  editor: z.optional(z.nullable(z.string())),
});
export type CurrentValues = z.infer<typeof CurrentValuesSchema>;

/**
 * Result of `putCurrent`. `unchanged`: a read at least as late already holds the same content (a retried sync).
 * `superseded`: a later read of the sheet (a higher `readSeq`) with other content is current; nothing was written.
 */
export type PutCurrentOutcome =
  | { status: 'written' }
  | { status: 'unchanged'; revSeq: number }
  | { status: 'superseded'; revSeq: number };

/** Requested/done counters and bookkeeping of one zone spreadsheet (DESIGN section 2). */
export const SheetStateSchema = z.object({
  spreadsheetId: z.string().check(z.minLength(1)),
  zoneId: z.nullable(z.string()),
  requested: counter,
  synced: counter,
  driveVersion: z.nullable(z.string()),
  lastSignalAt: z.nullable(isoTime),
  syncedAt: z.nullable(isoTime),
  /** Hash of the Feedback content last written, so an unchanged Feedback costs no write (and no Drive version move). */
  feedbackHash: z.nullable(z.string()),
  /** Why the last read failed (the spreadsheet deleted or no longer shared); null once a read succeeds. */
  unreadable: z.optional(z.nullable(z.string())),
  /**
   * The Drive version at which what the last read stored still holds, and the methodology count it was read under
   * (absent until a read records them); for the control and central sheets also `basis`, a hash of the rest of
   * the stored state their outcome depends on (lib/pipeline/unchanged.ts). While all are unchanged a new read could
   * find nothing new, so a sync asked again (a replayed or duplicate signal) costs a Drive `files.get` and no
   * Sheets read.
   */
  unchangedAt: z.optional(
    z.object({ version: z.string(), methodologySeq: counter, basis: z.optional(z.string()) }),
  ),
});
export type SheetState = z.infer<typeof SheetStateSchema>;

/** Requested/done counters and run pointers of one evaluation. */
export const EvaluationStateSchema = z.object({
  evaluationId: z.string().check(z.minLength(1)),
  requested: counter,
  scored: counter,
  /** Highest run sequence handed out by `nextRunSeq`. */
  lastRunSeq: counter,
  /** Run the results currently reflect; null before the first. */
  currentRun: z.nullable(seq),
  /** Run last written to the results spreadsheet. */
  publishedRun: z.nullable(seq),
  methodologyVersion: z.nullable(z.string()),
  /** The methodology version every zone sheet was last asked to sync again for (their values parse against it). */
  resyncedVersion: z.nullable(z.string()),
  /**
   * Counts changes of the version in force. A sync records the count it worked under with the zone's values, so
   * that a read made under an older zone-to-sheet mapping can never overwrite one made under a newer mapping.
   */
  methodologySeq: counter,
  lastRequestAt: z.nullable(isoTime),
  scoredAt: z.nullable(isoTime),
  /**
   * Since when `requested` has stood above `scored`: the first request after the evaluation was caught up, or, when
   * a run ended with requests still unanswered, that run's end. Null (or absent) when caught up.
   */
  pendingSince: z.optional(z.nullable(isoTime)),
});
export type EvaluationState = z.infer<typeof EvaluationStateSchema>;

/** One scoring run. `results` is the engine's output, opaque here: the pipeline parses it with core's schema. */
export const RunRecordSchema = z.object({
  seq,
  /** Evaluation `requested` counter snapshot this run answers. */
  requested: counter,
  /** Hash of everything scored (values and methodology): an equal hash lets a retry skip scoring. */
  inputHash: z.string().check(z.minLength(1)),
  methodologyVersion: z.string(),
  engineVersion: z.string(),
  createdAt: isoTime,
  results: z.unknown(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** What sync and reconcile need: per-spreadsheet counters, revisions and current values. */
export interface SubmissionStore {
  /** Counts a signal for a spreadsheet and returns the new `requested` value r (the dedup id is `sheetId#r`). */
  requestSheet(evaluationId: string, spreadsheetId: string, at?: Date): Promise<number>;
  /** Reads a spreadsheet's counters, strongly consistent; null when it was never signalled or registered. */
  getSheetState(evaluationId: string, spreadsheetId: string): Promise<SheetState | null>;
  /** Moves `synced` up to r; false when it was already at r or beyond (someone got further: not an error). */
  markSynced(
    evaluationId: string,
    spreadsheetId: string,
    requested: number,
    /** Recorded with `synced` when it moves (see `SheetState.unchangedAt`). */
    unchangedAt?: SheetState['unchangedAt'],
  ): Promise<boolean>;
  /** Records the Drive version last read, for the reconcile poll to compare with. */
  setDriveVersion(evaluationId: string, spreadsheetId: string, driveVersion: string): Promise<void>;
  /** Records which zone a spreadsheet belongs to. */
  registerSheet(evaluationId: string, spreadsheetId: string, zoneId: string): Promise<void>;
  /** Records the hash of the Feedback content last written to a spreadsheet. */
  setFeedbackHash(evaluationId: string, spreadsheetId: string, hash: string): Promise<void>;
  /** Stores a methodology version (idempotent: the same version is the same content). */
  putMethodology(evaluationId: string, record: MethodologyRecord): Promise<void>;
  /** A stored methodology version, or null. */
  getMethodology(evaluationId: string, version: string): Promise<MethodologyRecord | null>;
  /** Every spreadsheet of the evaluation with its counters (the reconcile poll). */
  listSheets(evaluationId: string): Promise<SheetState[]>;
  /**
   * Stores a new revision under the next free sequence number of the zone; never overwrites one. A retry of the
   * same read (same spreadsheet, `readSeq` and content as the latest revision) returns that revision instead.
   */
  appendRevision(evaluationId: string, zoneId: string, draft: RevisionDraft): Promise<Revision>;
  /** The zone's revisions, oldest first. */
  listRevisions(evaluationId: string, zoneId: string): Promise<Revision[]>;
  /** The zone's current values, or null. */
  getCurrent(evaluationId: string, zoneId: string): Promise<CurrentValues | null>;
  /**
   * Replaces the zone's current values unless the stored ones come from a later read: a higher `mappingSeq`, or
   * under the same mapping a later read of the same spreadsheet (a higher `readSeq`, or an equal one with a higher
   * `revSeq`). Values of another spreadsheet under the same mapping (a seed) are replaced.
   */
  putCurrent(evaluationId: string, current: CurrentValues): Promise<PutCurrentOutcome>;
  /**
   * Records that a later read found the same content: moves the stored values' read marker (`mappingSeq`,
   * `spreadsheetId`, `readSeq`) forward if the content is still `contentHash` and the read is later. False when
   * the content changed meanwhile or a later read is already recorded.
   */
  touchCurrent(
    evaluationId: string,
    zoneId: string,
    read: { mappingSeq: number; spreadsheetId: string; readSeq: number; contentHash: string },
  ): Promise<boolean>;
}

/** What a spreadsheet is to an evaluation: a zone's form, the control sheet, a central department's data, the results. */
export const SheetKindSchema = z.enum(['zone', 'control', 'central', 'results']);
export type SheetKind = z.infer<typeof SheetKindSchema>;

/** The index from a spreadsheet id to its evaluation, so that a signal naming only the spreadsheet finds its work. */
export const SpreadsheetIndexEntrySchema = z.object({
  spreadsheetId: z.string().check(z.minLength(1)),
  evaluationId: z.string().check(z.minLength(1)),
  kind: SheetKindSchema,
  /** The zone a `zone` spreadsheet reports for; null for the other kinds. */
  zoneId: z.nullable(z.string()),
});
export type SpreadsheetIndexEntry = z.infer<typeof SpreadsheetIndexEntrySchema>;

/** Written when the control sheet registers its sheets (and by provisioning); read by the webhook. */
export interface SpreadsheetIndex {
  /** Records (or updates) which evaluation and kind a spreadsheet belongs to. */
  indexSpreadsheet(entry: SpreadsheetIndexEntry): Promise<void>;
  /** The spreadsheet's entry, or null when no evaluation knows it. */
  findSpreadsheet(spreadsheetId: string): Promise<SpreadsheetIndexEntry | null>;
}

/** What evaluate and publish need: per-evaluation counters, all current values, runs and their pointers. */
export interface EvaluationStore {
  /** Counts a request to score and returns the new `requested` value r. */
  requestEvaluation(evaluationId: string, at?: Date): Promise<number>;
  /** Reads the evaluation's counters and pointers, strongly consistent; null before the first request. */
  getEvaluationState(evaluationId: string): Promise<EvaluationState | null>;
  /** Moves `scored` up to r; false when it was already at r or beyond. */
  markScored(evaluationId: string, requested: number): Promise<boolean>;
  /** Every zone's current values, strongly consistent: the input of scoring. */
  listCurrent(evaluationId: string): Promise<CurrentValues[]>;
  /** Hands out the next run sequence number. */
  nextRunSeq(evaluationId: string): Promise<number>;
  /** Stores a run under `run.seq`; runs are never overwritten. */
  putRun(evaluationId: string, run: RunRecord): Promise<void>;
  getRun(evaluationId: string, seq: number): Promise<RunRecord | null>;
  /** The stored run with the highest sequence, whether or not it became current. */
  latestRun(evaluationId: string): Promise<RunRecord | null>;
  /** Points `currentRun` at seq if that moves it forward; false when a newer run is already current. */
  setCurrentRun(evaluationId: string, seq: number): Promise<boolean>;
  /** Points `publishedRun` at seq if that moves it forward; false when a newer run was already published. */
  markPublished(evaluationId: string, seq: number): Promise<boolean>;
  /**
   * Points the evaluation at a methodology version. With `readSeq` (the control sheet's `requested` snapshot of the
   * read that produced it) the pointer only moves for a read at least as late: a stale read cannot roll it back.
   * False when a later read already moved it.
   */
  setMethodologyVersion(evaluationId: string, version: string, readSeq?: number): Promise<boolean>;
  /** Records that every zone sheet was asked to sync again for `version`. */
  setResyncedVersion(evaluationId: string, version: string): Promise<void>;
}

/** Bulk loading for demo data and admin imports; unconditional, so not for the live loop. */
export interface SeedingStore {
  /** Writes many zones' current values at once, overwriting what is there. */
  seedCurrent(evaluationId: string, currents: readonly CurrentValues[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Spreadsheet ports: what sync, publish and reconcile need from the place where people work. Plain data only; the
// Google adapter is lib/sheets, and a domestic spreadsheet service would implement the same interfaces.

/** One cell as read: its value, the text the person sees, its number format type and any formula error. */
export const RawCellSchema = z.object({
  value: z.nullable(z.union([z.number(), z.string(), z.boolean()])),
  /** What the person sees (`17.35%`, `#DIV/0!`); null for an empty cell. */
  text: z.nullable(z.string()),
  /** NUMBER, PERCENT, CURRENCY, TEXT, DATE, ...; null when the cell has the default format. */
  formatType: z.nullable(z.string()),
  /** The formula error type (`DIVIDE_BY_ZERO`), or null. */
  error: z.nullable(z.string()),
});
export type RawCell = z.infer<typeof RawCellSchema>;

/** What kind of sheet-level mistake a problem reports; the sentence is in `message`. */
export const SheetProblemKindSchema = z.enum([
  'missing-tab',
  'missing-header',
  'missing-column',
  'extra-column',
  /** A column given twice whose copies could each be read: the data it holds is refused (not first or last wins). */
  'repeated-column',
  'unknown-zone',
  'duplicate-row',
  'unknown-code',
  'missing-code',
  'missing-row',
  'blank-rows',
  'other-source',
  'zone-mismatch',
  'invalid-field',
  'unknown-setting',
  /** A Note cell longer than a stored remark may be: only its start is kept (lib/pipeline/remarks). */
  'long-note',
]);
export type SheetProblemKind = z.infer<typeof SheetProblemKindSchema>;

/**
 * A person's mistake in the layout of a sheet, returned as data: where (`Form!D7`, `Form!3:3`, `Form`), a plain
 * sentence, and whether the sheet can still be used (`error` stops the data it concerns from being read).
 */
export const SheetProblemSchema = z.object({
  kind: SheetProblemKindSchema,
  severity: z.enum(['error', 'warning']),
  /** A1 reference with the tab name: a cell, a row span, a column, or the tab alone. */
  at: z.string(),
  message: z.string(),
  /** The indicator or zone the problem concerns, when there is one. */
  code: z.optional(z.string()),
});
export type SheetProblem = z.infer<typeof SheetProblemSchema>;

/** An opaque handle on a spreadsheet's Feedback tab, from a read, that lets the writer skip a lookup. */
export const FeedbackTabSchema = z.object({
  tabId: z.int().check(z.nonnegative()),
  rowCount: z.int().check(z.positive()),
  columnCount: z.int().check(z.positive()),
});
export type FeedbackTab = z.infer<typeof FeedbackTabSchema>;

/**
 * Why a form row was not taken as the indicator's value: `read` it was; `unknown-code` names no indicator;
 * `duplicate` is one of two rows of an indicator (neither is read); `other-source` is an indicator another sheet
 * supplies.
 */
export type FormRowStatus = 'read' | 'unknown-code' | 'duplicate' | 'other-source';

/** One indicator row of a zone's form. */
export type FormRow = {
  /** 1-based row number on the tab. */
  row: number;
  /** A1 reference of the value cell (`Form!D7`), where feedback points. */
  a1: string;
  code: string;
  cell: RawCell;
  /** The value through core's cell parser: a number, blank (null) or a refusal; null when the row is not read. */
  parsed: import('../core/values').Parsed | null;
  /** The official's note column, when filled. */
  note?: string;
  /** A1 reference of the Note cell (`Form!E7`), when the note is filled. */
  noteA1?: string;
  status: FormRowStatus;
};

/** A zone's form as read in one request: every row with its location, and what is wrong with the layout. */
export type FormRead = {
  spreadsheetId: string;
  /** Title of the tab read (`Form`), or null when the tab is missing. */
  tab: string | null;
  /** The zone id shown on the form, if any; the sync stage compares it with the control sheet. */
  zoneId: string | null;
  rows: FormRow[];
  problems: SheetProblem[];
  /** The Feedback tab, when the spreadsheet has one. */
  feedbackTab: FeedbackTab | null;
};

/** A zone as the control sheet's `Zones` tab lists it. */
export const ControlZoneSchema = z.object({
  zoneId: z.string().check(z.minLength(1)),
  nameEn: z.optional(z.string()),
  nameZh: z.optional(z.string()),
  province: z.optional(z.string()),
  batch: z.optional(z.int()),
  spreadsheetId: z.optional(z.string()),
  editors: z._default(z.array(z.string()), []),
});
export type ControlZone = z.infer<typeof ControlZoneSchema>;

/**
 * A methodology as it came into force from the control sheet: the JSON (valid when stored), the zones and their
 * spreadsheets, where it came from. Immutable and keyed by `version` (a hash of the content), so any run can name
 * the methodology that produced it.
 */
export const MethodologyRecordSchema = z.object({
  version: z.string().check(z.minLength(1)),
  methodology: z.record(z.string(), z.unknown()),
  zones: z.array(ControlZoneSchema),
  spreadsheetId: z.nullable(z.string()),
  at: isoTime,
});
export type MethodologyRecord = z.infer<typeof MethodologyRecordSchema>;

/** Where a row of a control tab sits: its key cell (`Indicators!A5`) and the cell of each field by column key. */
export type RowOrigin = { at: string; fields: Record<string, string> };

/** Where each methodology entry came from, so an issue from `compileMethodology` can point at a row. */
export type ControlOrigins = {
  /** Per entry of `methodology.indicators`: its row's first cell and each field's cell by column key. */
  indicators: RowOrigin[];
  aggregates: RowOrigin[];
  grades: RowOrigin[];
  /** Settings key (as normalised, e.g. `treat.winmax`) to the A1 of its value cell. */
  settings: Record<string, string>;
};

/**
 * The control spreadsheet as read: the methodology in the project's JSON interchange format, unchecked (give it to
 * `compileMethodology`), the zones, where everything came from, and the problems of rows and fields.
 */
export type ControlRead = {
  spreadsheetId: string;
  methodology: Record<string, unknown>;
  zones: ControlZone[];
  origins: ControlOrigins;
  problems: SheetProblem[];
  /** The Settings rows that govern rather than define the methodology (`live`, `freeze`); see governance.ts. */
  governance: import('./governance').GovernanceSettings;
};

/** One row of a central department's tab: the zone and a value per indicator column. */
export type CentralRow = {
  row: number;
  zoneId: string;
  /** Keyed by indicator code: the cell and the A1 reference where it sits. */
  cells: Record<string, { a1: string; cell: RawCell; parsed?: import('../core/values').Parsed }>;
};

/** A central department's tab (`zone_id`, then indicator codes as columns). */
export type CentralRead = {
  spreadsheetId: string;
  tab: string;
  /** Indicator codes found as columns, in sheet order. */
  codes: string[];
  rows: CentralRow[];
  problems: SheetProblem[];
};

/**
 * A spreadsheet that is gone (`not-found`) or no longer shared with the service (`no-access`). Readers and writers
 * throw errors carrying `unavailable`; the pipeline tells them from other faults with `isSpreadsheetUnavailable`,
 * without knowing the adapter's classes.
 */
export type SpreadsheetUnavailable = Error & { readonly unavailable: 'not-found' | 'no-access' };

/** True for an error that says the spreadsheet is gone or no longer shared (retrying will not help). */
export function isSpreadsheetUnavailable(err: unknown): err is SpreadsheetUnavailable {
  return (
    err instanceof Error &&
    'unavailable' in err &&
    (err.unavailable === 'not-found' || err.unavailable === 'no-access')
  );
}

/** Reads the sheets people fill in. User mistakes come back as problems; system faults are thrown. */
export interface SpreadsheetReader {
  /** Reads a zone's form in one request (two or three when a tab is missing); zone ids are checked if given. */
  readForm(
    spreadsheetId: string,
    methodology: { readonly indicators: readonly import('../core/methodology').Indicator[] },
    options?: { expectedZoneId?: string },
  ): Promise<FormRead>;
  /** Reads the control spreadsheet's Zones, Indicators, Aggregates, Grades and Settings tabs in one request. */
  readControl(spreadsheetId: string): Promise<ControlRead>;
  /** The cell of the control sheet a methodology issue points at (`Indicators!G6`), or null; the layout is the adapter's. */
  locateIssue(
    control: Pick<ControlRead, 'origins' | 'methodology'>,
    issue: import('../core/methodology').MethodologyIssue,
  ): string | null;
  /**
   * Reads one central-department tab; with the methodology, columns are checked and values parsed; with the
   * evaluation's zone ids, a row naming another zone is refused with the closest id.
   */
  readCentral(
    spreadsheetId: string,
    tab: string,
    methodology?: { readonly indicators: readonly import('../core/methodology').Indicator[] },
    options?: { zoneIds?: readonly string[] },
  ): Promise<CentralRead>;
}

/** A cell written to a Feedback tab; strings are always written as text, never as a formula. */
export type FeedbackCell = string | number | boolean | null;

/** Writes a zone's Feedback tab. */
export interface FeedbackWriter {
  /**
   * Replaces the Feedback tab's content with `rows` in one request, adding the tab when it is missing; returns the
   * tab for the next write. Pass the tab from the last read to save a lookup.
   */
  writeFeedback(
    spreadsheetId: string,
    rows: readonly (readonly FeedbackCell[])[],
    tab?: FeedbackTab | null,
    /** Another tab the system writes the same way (the control sheet's `Preview`); `Feedback` when absent. */
    title?: string,
  ): Promise<FeedbackTab>;
}

/** A file's change marker as the reconcile poll compares it. */
export const FileVersionSchema = z.object({
  id: z.string().check(z.minLength(1)),
  /** Drive's version: it moves on every change to the file. */
  version: z.string(),
  modifiedTime: isoTime,
});
export type FileVersion = z.infer<typeof FileVersionSchema>;

export const FileInfoSchema = z.extend(FileVersionSchema, {
  name: z.string(),
  mimeType: z.string(),
  lastModifyingUser: z.nullable(z.string()),
  trashed: z.boolean(),
});
export type FileInfo = z.infer<typeof FileInfoSchema>;

/** File listing for the reconcile poll. */
export interface SpreadsheetFiles {
  /** Every file in a folder (a folder id) or matching a query (Drive query text), all pages. */
  listFiles(folderOrQuery: string): Promise<FileVersion[]>;
  /** One file's metadata; throws `SpreadsheetNotFoundError` when it is gone or not shared. */
  getFile(fileId: string): Promise<FileInfo>;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluate, central data and publish (issue 9 sections 3 and 4). Kept in one block so that the signal/reconcile
// additions elsewhere in this file merge without conflict.

/** One central-department tab's values as stored (`EVAL#e` / `CENTRAL#<tab>`): merged with the zones' at scoring. */
export const CentralTabSchema = z.object({
  tab: z.string().check(z.minLength(1)),
  spreadsheetId: z.string().check(z.minLength(1)),
  /** Zone id to the values this tab supplies for it, keyed by indicator code. */
  zones: z.record(z.string(), ZoneValuesSchema),
  contentHash: z.string().check(z.minLength(1)),
  /** The central sheet's `requested` snapshot of the read that stored it: a stale read cannot overwrite a later one. */
  readSeq: counter,
  updatedAt: isoTime,
  /**
   * A change read after the freeze (governance.ts): kept, shown on the central sheet's Feedback as late, and not
   * scored (`zones` stays what counts) until the admin accepts it (`acceptLateCentral`). Absent or null: none.
   */
  late: z.optional(
    z.nullable(
      z.object({
        zones: z.record(z.string(), ZoneValuesSchema),
        contentHash: z.string().check(z.minLength(1)),
        at: isoTime,
      }),
    ),
  ),
  /** The admin's last acceptance of a late change: who, when, and when that change was read. */
  accepted: z.optional(z.nullable(z.object({ by: z.string(), at: isoTime, lateAt: isoTime }))),
});
export type CentralTab = z.infer<typeof CentralTabSchema>;

/** Central data, stored apart from the zones' `CUR#` items so that neither can overwrite the other's markers. */
export interface CentralStore {
  /** Stores a tab's values unless a later read of the central sheet already did; false when that later read won. */
  putCentralTab(evaluationId: string, tab: CentralTab): Promise<boolean>;
  /** Every stored central tab of the evaluation, strongly consistent (one Query). */
  listCentralTabs(evaluationId: string): Promise<CentralTab[]>;
}

/** Where the evaluation's results are published and which evaluation is its previous year. */
export interface ResultsSettingsStore {
  /** Records the results spreadsheet of an evaluation (provisioning). */
  setResultsSpreadsheet(evaluationId: string, spreadsheetId: string): Promise<void>;
  /** The evaluation's results spreadsheet id, or null when none was provisioned. */
  getResultsSpreadsheet(evaluationId: string): Promise<string | null>;
  /** Records that a zone's spreadsheet could not be read (reason), or clears it (null), for the Data quality tab. */
  setSheetUnreadable(evaluationId: string, spreadsheetId: string, reason: string | null): Promise<void>;
}

/** What a publish did. */
export type PublishOutcome =
  /** Written in one batchUpdate (or, after a person changed the sheet's structure, a read and one more). */
  | { status: 'published'; requests: number; repaired: boolean; driveVersion: string | null }
  /** The results spreadsheet is gone (404) or no longer shared (403): an alarm, not a retry. */
  | { status: 'unavailable'; reason: string };

/** Writes the results spreadsheet. The content is the stored run's results (`ResultsDoc` of lib/pipeline/results). */
export interface ResultsPublisher {
  /**
   * Replaces the results spreadsheet's tabs and chart with `doc`'s in one `spreadsheets.batchUpdate`.
   * `layoutKnown`: the sheet was published before, so its structure is assumed and only a refusal costs a read.
   */
  publish(
    spreadsheetId: string,
    doc: import('./results').ResultsDoc,
    options?: { layoutKnown?: boolean },
  ): Promise<PublishOutcome>;
}
// ---- end of the evaluate block ----
