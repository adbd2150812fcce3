/**
 * Storage ports of the pipeline. Plain data and promises only: no AWS or Google types, so that a domestic
 * cloud or an in-memory fake can stand in (DESIGN section 9). Shapes that cross the boundary are zod schemas,
 * and adapters parse what they read back with them.
 */
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const seq = z.number().int().positive();
const counter = z.number().int().nonnegative();

/** One indicator value of a zone: as understood (typed) and as the official typed it. */
export const SubmittedValueSchema = z.object({
  /** Parsed value in the indicator's unit; null when blank or refused (blank is missing, never zero). */
  value: z.number().nullable(),
  /** The cell's displayed text, verbatim, so that feedback and audit can quote it. */
  text: z.string(),
  note: z.string().optional(),
});
export type SubmittedValue = z.infer<typeof SubmittedValueSchema>;

/** A zone's values keyed by indicator code. */
export const ZoneValuesSchema = z.record(z.string(), SubmittedValueSchema);
export type ZoneValues = z.infer<typeof ZoneValuesSchema>;

/** A revision before the store has numbered it: what was read, who caused it and when. */
export const RevisionDraftSchema = z.object({
  values: ZoneValuesSchema,
  /** Hash of `values` computed by the caller; equal hashes mean equal content. */
  contentHash: z.string().min(1),
  /** Spreadsheet the values were read from; null for values entered another way (seeding, central data). */
  spreadsheetId: z.string().nullable(),
  /** Drive version of the spreadsheet at the read, when known. */
  driveVersion: z.string().nullable(),
  /** What caused the read: `trigger`, `reconcile`, `manual`, `seed`, ... */
  caller: z.string().min(1),
  /** The person whose edit fired the signal, when the trigger reports one. */
  editor: z.string().nullable(),
  /** When the sheet was read. */
  at: isoTime,
});
export type RevisionDraft = z.infer<typeof RevisionDraftSchema>;

/** An append-only submission revision; `seq` counts from 1 per zone. */
export const RevisionSchema = RevisionDraftSchema.extend({ zoneId: z.string().min(1), seq });
export type Revision = z.infer<typeof RevisionSchema>;

/** A zone's current values: what scoring reads. */
export const CurrentValuesSchema = z.object({
  zoneId: z.string().min(1),
  /** Revision these values come from; the store only ever moves it forward. */
  revSeq: seq,
  contentHash: z.string().min(1),
  values: ZoneValuesSchema,
  updatedAt: isoTime,
});
export type CurrentValues = z.infer<typeof CurrentValuesSchema>;

/**
 * Result of `putCurrent`. `unchanged`: a revision at least as new already holds the same content (a retried
 * sync). `superseded`: a newer revision with other content is current; nothing was written.
 */
export type PutCurrentOutcome =
  | { status: 'written' }
  | { status: 'unchanged'; revSeq: number }
  | { status: 'superseded'; revSeq: number };

/** Requested/done counters and bookkeeping of one zone spreadsheet (DESIGN section 2). */
export const SheetStateSchema = z.object({
  spreadsheetId: z.string().min(1),
  zoneId: z.string().nullable(),
  requested: counter,
  synced: counter,
  driveVersion: z.string().nullable(),
  lastSignalAt: isoTime.nullable(),
  syncedAt: isoTime.nullable(),
});
export type SheetState = z.infer<typeof SheetStateSchema>;

/** Requested/done counters and run pointers of one evaluation. */
export const EvaluationStateSchema = z.object({
  evaluationId: z.string().min(1),
  requested: counter,
  scored: counter,
  /** Highest run sequence handed out by `nextRunSeq`. */
  lastRunSeq: counter,
  /** Run the results currently reflect; null before the first. */
  currentRun: seq.nullable(),
  /** Run last written to the results spreadsheet. */
  publishedRun: seq.nullable(),
  methodologyVersion: z.string().nullable(),
  lastRequestAt: isoTime.nullable(),
  scoredAt: isoTime.nullable(),
});
export type EvaluationState = z.infer<typeof EvaluationStateSchema>;

/** One scoring run. `results` is the engine's output, opaque here: the pipeline parses it with core's schema. */
export const RunRecordSchema = z.object({
  seq,
  /** Evaluation `requested` counter snapshot this run answers. */
  requested: counter,
  /** Hash of everything scored (values and methodology): an equal hash lets a retry skip scoring. */
  inputHash: z.string().min(1),
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
  markSynced(evaluationId: string, spreadsheetId: string, requested: number): Promise<boolean>;
  /** Records the Drive version last read, for the reconcile poll to compare with. */
  setDriveVersion(evaluationId: string, spreadsheetId: string, driveVersion: string): Promise<void>;
  /** Records which zone a spreadsheet belongs to. */
  registerSheet(evaluationId: string, spreadsheetId: string, zoneId: string): Promise<void>;
  /** Every spreadsheet of the evaluation with its counters (the reconcile poll). */
  listSheets(evaluationId: string): Promise<SheetState[]>;
  /** Stores a new revision under the next free sequence number of the zone; never overwrites one. */
  appendRevision(evaluationId: string, zoneId: string, draft: RevisionDraft): Promise<Revision>;
  /** The zone's revisions, oldest first. */
  listRevisions(evaluationId: string, zoneId: string): Promise<Revision[]>;
  /** The zone's current values, or null. */
  getCurrent(evaluationId: string, zoneId: string): Promise<CurrentValues | null>;
  /** Replaces the zone's current values if `revSeq` is newer than the stored one. */
  putCurrent(evaluationId: string, current: CurrentValues): Promise<PutCurrentOutcome>;
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
  setMethodologyVersion(evaluationId: string, version: string): Promise<void>;
}

/** Bulk loading for demo data and admin imports; unconditional, so not for the live loop. */
export interface SeedingStore {
  /** Writes many zones' current values at once, overwriting what is there. */
  seedCurrent(evaluationId: string, currents: readonly CurrentValues[]): Promise<void>;
}
