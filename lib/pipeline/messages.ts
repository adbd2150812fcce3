/**
 * The loop's messages and the queue port (DESIGN section 2). A message is a hint: it names what to look at, and
 * the stage that receives it reads the counters and the sheet itself. Bodies are JSON of these schemas; the SQS
 * adapter and the in-process queue carry them as strings, and each handler parses them with the schema.
 */
import * as z from '../core/zod';
import { type SheetKind, SheetKindSchema } from './ports';

const counter = z.int().check(z.nonnegative());

/**
 * When the chain this message belongs to started: the webhook's receipt of the edit's signal, the poll that saw a
 * sheet's Drive version move, the admin's request. The sync passes it on to the evaluate message it sends, and the
 * evaluate handler measures `edit-to-publish` from it. Absent on messages sent before it existed.
 */
const signalledAt = z.optional(z.iso.datetime({ offset: true }));

/** The kinds a sync reads: every kind but `results` (zod/mini's enums have no `exclude`). */
const syncedKinds = SheetKindSchema.options.filter(
  (k): k is Exclude<SheetKind, 'results'> => k !== 'results',
);

/** The two FIFO queues of the loop. `sync`: group = spreadsheet id. `evaluate`: group = evaluation id. */
export const QueueNameSchema = z.enum(['sync', 'evaluate']);
export type QueueName = z.infer<typeof QueueNameSchema>;

/** Asks the sync stage to read one spreadsheet (zone, control or central) of an evaluation. */
export const SyncMessageSchema = z.object({
  evaluationId: z.string().check(z.minLength(1)),
  spreadsheetId: z.string().check(z.minLength(1)),
  /** The spreadsheet's `requested` value this message was sent for (its dedup id is `<spreadsheetId>#<requested>`). */
  requested: counter,
  /** What caused it: `trigger`, `reconcile`, `manual`, `control`. */
  caller: z.string().check(z.minLength(1)),
  /** The person whose edit fired the trigger, when the trigger knows it. */
  editor: z._default(z.nullable(z.string()), null),
  /**
   * Which sync reads it (zone form, control sheet, central data), from the spreadsheet index when the sender knew
   * it; absent, the sync stage looks the spreadsheet up with `findSpreadsheet`. Results spreadsheets are never synced.
   */
  kind: z.optional(z.enum(syncedKinds)),
  signalledAt,
});
export type SyncMessage = z.infer<typeof SyncMessageSchema>;

/** Asks the evaluate stage to score and publish an evaluation. */
export const EvaluateMessageSchema = z.object({
  evaluationId: z.string().check(z.minLength(1)),
  /** The evaluation's `requested` value this message was sent for (dedup id `<evaluationId>#<requested>`). */
  requested: counter,
  caller: z.string().check(z.minLength(1)),
  signalledAt,
});
export type EvaluateMessage = z.infer<typeof EvaluateMessageSchema>;

/**
 * A FIFO queue: messages of one group are delivered one at a time, in order; a dedup id seen within 5 minutes is
 * dropped. Implemented by Amazon SQS FIFO (content-based deduplication off) and by the local runtime's in-process
 * queue. Never use a bare spreadsheet id as the dedup id: the next edit within 5 minutes would be dropped.
 */
export interface MessageQueue {
  send(queue: QueueName, group: string, dedupId: string, body: string): Promise<void>;
}
