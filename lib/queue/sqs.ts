/**
 * The queue port on Amazon SQS FIFO queues (DESIGN section 2): one `SendMessage` per message with its group and
 * deduplication id. The queues are created with content-based deduplication off (the dedup id is always ours:
 * `<id>#<requested>`), and the evaluate queue carries its 5-second delay at queue level (`DelaySeconds` on the
 * queue), because FIFO queues refuse a per-message delay.
 */
import { SendMessageCommand, type SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import * as z from '../core/zod';
import { type MessageQueue, type QueueName, QueueNameSchema } from '../pipeline/messages';

/** The part of `SQSClient` the adapter uses, so a test can record the commands without a network. */
export type SqsSender = { send(command: SendMessageCommand): Promise<SendMessageCommandOutput> };

/**
 * SQS's rule for `MessageGroupId` and `MessageDeduplicationId`: 1 to 128 characters, letters, digits and
 * punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_\`{|}~`). Checked before sending, so a bad id fails with its value named
 * instead of an opaque InvalidParameterValue.
 */
const SQS_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
/** SQS's maximum message size (256 KiB); our messages are a few hundred bytes. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** The two queue URLs, from the Lambda's configuration; FIFO queue names end in `.fifo`. */
export const SqsQueueUrlsSchema = z.record(
  QueueNameSchema,
  z.url().check(z.refine((u) => u.endsWith('.fifo'), 'a FIFO queue URL (ending in .fifo)')),
);
export type SqsQueueUrls = z.infer<typeof SqsQueueUrlsSchema>;

/** Thrown for a message SQS would refuse: a system fault (our code built it), not a user's mistake. */
export class QueueMessageError extends Error {
  override name = 'QueueMessageError';
}

export class SqsMessageQueue implements MessageQueue {
  private readonly urls: SqsQueueUrls;

  constructor(
    private readonly client: SqsSender,
    urls: SqsQueueUrls,
  ) {
    this.urls = SqsQueueUrlsSchema.parse(urls);
  }

  /** Sends one message; the SDK's own retries cover throttling and network faults, and a failure is thrown. */
  async send(queue: QueueName, group: string, dedupId: string, body: string): Promise<void> {
    if (!SQS_ID.test(group))
      throw new QueueMessageError(`message group id ${JSON.stringify(group)} is not 1-128 SQS id characters`);
    if (!SQS_ID.test(dedupId))
      throw new QueueMessageError(
        `deduplication id ${JSON.stringify(dedupId)} is not 1-128 SQS id characters`,
      );
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES)
      throw new QueueMessageError(`a ${bytes}-byte message exceeds SQS's ${MAX_MESSAGE_BYTES} bytes`);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.urls[queue],
        MessageBody: body,
        MessageGroupId: group,
        MessageDeduplicationId: dedupId,
      }),
    );
  }
}
