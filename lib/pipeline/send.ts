/**
 * The dedup-id conventions of DESIGN section 2 in one place, so that every sender (the signal, the sync's
 * evaluation request, the control sync's re-sync of every zone, the reconcile poll) spells them the same way:
 * `<spreadsheetId>#<r>` on the sync queue, `<evaluationId>#<r>` on the evaluate queue, and a re-send after a stall
 * `<id>#<r>#retry-<minute>`.
 */
import {
  type EvaluateMessage,
  EvaluateMessageSchema,
  type MessageQueue,
  type SyncMessage,
  SyncMessageSchema,
} from './messages';

/** Sends a sync message for the sheet's `requested` value r (group: the spreadsheet). Returns the dedup id. */
export async function sendSync(
  queue: MessageQueue,
  message: SyncMessage,
  retryMinute?: string,
): Promise<string> {
  const parsed = SyncMessageSchema.parse(message);
  const dedupId = `${parsed.spreadsheetId}#${parsed.requested}${retryMinute ? `#retry-${retryMinute}` : ''}`;
  await queue.send('sync', parsed.spreadsheetId, dedupId, JSON.stringify(parsed));
  return dedupId;
}

/** Sends an evaluate message for the evaluation's `requested` value r (group: the evaluation). Returns the dedup id. */
export async function sendEvaluate(
  queue: MessageQueue,
  message: EvaluateMessage,
  retryMinute?: string,
): Promise<string> {
  const parsed = EvaluateMessageSchema.parse(message);
  const dedupId = `${parsed.evaluationId}#${parsed.requested}${retryMinute ? `#retry-${retryMinute}` : ''}`;
  await queue.send('evaluate', parsed.evaluationId, dedupId, JSON.stringify(parsed));
  return dedupId;
}
