/** A message queue for tests that keeps every message sent, in order, with no deduplication. */
import type { MessageQueue, QueueName } from '../../lib/pipeline/messages';

export type SentMessage = { queue: QueueName; group: string; dedupId: string; body: string };

/** The queue and the list it fills; a test may empty the list (`sent.length = 0`) between cases. */
export function recordingQueue(): { queue: MessageQueue; sent: SentMessage[] } {
  const sent: SentMessage[] = [];
  const queue: MessageQueue = {
    async send(q, group, dedupId, body) {
      sent.push({ queue: q, group, dedupId, body });
    },
  };
  return { queue, sent };
}
