/**
 * The queues on AWS: the pipeline's queue port over the FIFO queues (SendMessage), and making a failed record
 * visible again soon (ChangeMessageVisibility) for the functions SQS invokes.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { MessageQueue, QueueName } from '../../lib/pipeline/messages';
import { SqsMessageQueue } from '../../lib/queue/sqs';
import { once } from './lambda';
import type { RetryLater } from './sqs-batch';

const sqs = once(() => new SQSClient({ region: process.env['AWS_REGION'] }));

/**
 * The queue port over the FIFO queues the function's configuration names; a function is given only the queues it
 * sends to (the webhook: sync), and sending to another is a bug, thrown.
 */
export function awsQueue(config: { SYNC_QUEUE_URL?: string; EVALUATE_QUEUE_URL?: string }): MessageQueue {
  const urls: Partial<Record<QueueName, string>> = {
    ...(config.SYNC_QUEUE_URL && { sync: config.SYNC_QUEUE_URL }),
    ...(config.EVALUATE_QUEUE_URL && { evaluate: config.EVALUATE_QUEUE_URL }),
  };
  const any = urls.sync ?? urls.evaluate;
  if (!any) throw new Error('a queue URL is needed');
  const sqsQueue = new SqsMessageQueue(sqs(), { sync: urls.sync ?? any, evaluate: urls.evaluate ?? any });
  return {
    async send(queue, group, dedupId, body) {
      if (!urls[queue]) throw new Error(`this function is not configured to send to the ${queue} queue`);
      await sqsQueue.send(queue, group, dedupId, body);
    },
  };
}

/**
 * The SQS queue URL of a record's queue, from its ARN (`arn:aws:sqs:region:account:name`): SQS's regional URL, or
 * the same path on the SDK's configured SQS endpoint when one is set (`AWS_ENDPOINT_URL_SQS`; Lambda sets none).
 * Why the endpoint matters: the SQS client sends a call to its queue URL's host, so a regional URL would take a
 * `ChangeMessageVisibility` past the configured endpoint (the local SQS of test/infra/bundles.test.ts).
 */
export function queueUrlOf(
  arn: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const [, , , r, account, name] = arn.split(':');
  if (!r || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const endpoint = env['AWS_ENDPOINT_URL_SQS'] || env['AWS_ENDPOINT_URL'];
  return endpoint
    ? `${endpoint.replace(/\/$/, '')}/${account}/${name}`
    : `https://sqs.${r}.amazonaws.com/${account}/${name}`;
}

/** Makes a failed record visible again after the delay (ChangeMessageVisibility; the function's role has it). */
export const awsRetryLater: RetryLater = async (record: SQSRecord, delayMs: number) => {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.round(delayMs / 1000),
    }),
  );
};
