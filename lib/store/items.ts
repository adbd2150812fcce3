/**
 * Shapes of the items as stored, and their conversion to and from the port types. Everything read back is
 * parsed, so a hand-edited or foreign item fails loudly here instead of deep inside scoring.
 */
import * as z from '../core/zod';
import {
  type CurrentValues,
  CurrentValuesSchema,
  type EvaluationState,
  type Revision,
  RevisionSchema,
  type SheetState,
  SpreadsheetIndexEntrySchema,
  ZoneValuesSchema,
} from '../pipeline/ports';
import { CorruptItemError, InvalidInputError } from './errors';
import { SHEET_PREFIX } from './keys';

const keyFields = { PK: z.string(), SK: z.string() };
const count = z.int().check(z.nonnegative());
const time = z.string();

// Counter items are created piecemeal by UpdateItem, so every attribute may still be missing.
export const StateItemSchema = z.object({
  ...keyFields,
  requested: z.optional(count),
  scored: z.optional(count),
  runSeq: z.optional(count),
  currentRun: z.optional(count),
  publishedRun: z.optional(count),
  methodologyVersion: z.optional(z.string()),
  methodologyReadSeq: z.optional(count),
  methodologySeq: z.optional(count),
  resyncedVersion: z.optional(z.string()),
  resultsSpreadsheetId: z.optional(z.string()),
  lastRequestAt: z.optional(time),
  scoredAt: z.optional(time),
  pendingSince: z.optional(time),
});

export const SheetItemSchema = z.object({
  ...keyFields,
  zoneId: z.optional(z.string()),
  requested: z.optional(count),
  synced: z.optional(count),
  driveVersion: z.optional(z.string()),
  lastSignalAt: z.optional(time),
  syncedAt: z.optional(time),
  feedbackHash: z.optional(z.string()),
  unreadable: z.optional(z.string()),
  unchangedVersion: z.optional(z.string()),
  unchangedMethodologySeq: z.optional(count),
  unchangedBasis: z.optional(z.string()),
});

/** The methodology and zones are stored as JSON text: nested documents with empty strings are not DynamoDB-safe. */
export const MethodologyItemSchema = z.object({
  ...keyFields,
  version: z.string(),
  body: z.string(),
  spreadsheetId: z.nullable(z.string()),
  at: time,
});

export const CurrentItemSchema = z.object({ ...keyFields, ...CurrentValuesSchema.shape });
export const RevisionItemSchema = z.object({ ...keyFields, ...RevisionSchema.shape });

export const RunItemSchema = z.object({
  ...keyFields,
  seq: z.int().check(z.positive()),
  requested: count,
  inputHash: z.string(),
  methodologyVersion: z.string(),
  engineVersion: z.string(),
  createdAt: time,
  /** gzip of the JSON of `results`, when it fits in this item; otherwise the results are in `parts` part items. */
  body: z.optional(z.instanceof(Uint8Array)),
  /** Length of that JSON before compression, kept for size reports. */
  jsonBytes: count,
  /** Number of `RUNPART#` items holding the gzipped results, for a run too large for one item. */
  parts: z.optional(count),
  gzipBytes: z.optional(count),
});
export type RunItem = z.infer<typeof RunItemSchema>;

/** One slice of a large run's gzipped results (`RUNPART#<seq>#<part>`), written before the run's head item. */
export const RunPartItemSchema = z.object({
  ...keyFields,
  part: z.int().check(z.positive()),
  body: z.instanceof(Uint8Array),
});
export type RunPartItem = z.infer<typeof RunPartItemSchema>;

/** A central tab's values (`CENTRAL#<tab>`): the zones' values as JSON text, and the read that stored them. */
export const CentralItemSchema = z.object({
  ...keyFields,
  tab: z.string(),
  spreadsheetId: z.string(),
  body: z.string(),
  contentHash: z.string(),
  readSeq: count,
  updatedAt: time,
  /** JSON of the tab's `late` and `accepted` (lib/pipeline/ports.ts), when set. */
  late: z.optional(z.string()),
  accepted: z.optional(z.string()),
});

/** Parses an item read back from the table, naming its key when it does not fit. */
export function parseItem<T extends z.core.$ZodType>(schema: T, item: unknown, what: string): z.infer<T> {
  const result = z.safeParse(schema, item);
  if (result.success) return result.data;
  const key =
    typeof item === 'object' && item !== null
      ? `${String((item as { PK?: unknown }).PK)} / ${String((item as { SK?: unknown }).SK)}`
      : '?';
  throw new CorruptItemError(`${what} item ${key} is malformed: ${z.prettifyError(result.error)}`, {
    cause: result.error,
  });
}

export function toEvaluationState(
  evaluationId: string,
  item: z.infer<typeof StateItemSchema>,
): EvaluationState {
  return {
    evaluationId,
    requested: item.requested ?? 0,
    scored: item.scored ?? 0,
    lastRunSeq: item.runSeq ?? 0,
    currentRun: item.currentRun ?? null,
    publishedRun: item.publishedRun ?? null,
    methodologyVersion: item.methodologyVersion ?? null,
    resyncedVersion: item.resyncedVersion ?? null,
    methodologySeq: item.methodologySeq ?? 0,
    lastRequestAt: item.lastRequestAt ?? null,
    scoredAt: item.scoredAt ?? null,
    pendingSince: item.pendingSince ?? null,
  };
}

export function toSheetState(item: z.infer<typeof SheetItemSchema>): SheetState {
  return {
    spreadsheetId: item.SK.slice(SHEET_PREFIX.length),
    zoneId: item.zoneId ?? null,
    requested: item.requested ?? 0,
    synced: item.synced ?? 0,
    driveVersion: item.driveVersion ?? null,
    lastSignalAt: item.lastSignalAt ?? null,
    syncedAt: item.syncedAt ?? null,
    feedbackHash: item.feedbackHash ?? null,
    unreadable: item.unreadable ?? null,
    ...(item.unchangedVersion !== undefined && {
      unchangedAt: {
        version: item.unchangedVersion,
        methodologySeq: item.unchangedMethodologySeq ?? 0,
        ...(item.unchangedBasis !== undefined && { basis: item.unchangedBasis }),
      },
    }),
  };
}

export function toCurrent(item: z.infer<typeof CurrentItemSchema>): CurrentValues {
  const { PK: _pk, SK: _sk, ...current } = item;
  return current;
}

export function toRevision(item: z.infer<typeof RevisionItemSchema>): Revision {
  const { PK: _pk, SK: _sk, ...revision } = item;
  return revision;
}

/** Checks data handed to the store against its port schema before anything is written. */
export function parseInput<T extends z.core.$ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw new InvalidInputError(`${what} cannot be stored: ${z.prettifyError(result.error)}`, {
    cause: result.error,
  });
}

/**
 * Values as plain JSON: the document client refuses `undefined` (an absent note) unless configured to drop it,
 * and the store does not own the client's configuration.
 */
export function plainValues(values: CurrentValues['values']): CurrentValues['values'] {
  return parseInput(ZoneValuesSchema, JSON.parse(JSON.stringify(values)), 'values');
}

// ---- spreadsheet index ----

export const SpreadsheetIndexItemSchema = z.object({ ...keyFields, ...SpreadsheetIndexEntrySchema.shape });
