/**
 * The evaluate Lambda (SQS FIFO, group = evaluation, queue delay 5 s): scores the evaluation from the store, stores
 * the run and publishes the results spreadsheet (lib/pipeline/evaluate). The stage itself skips a request an
 * earlier run already answered, so a burst of messages costs a few runs.
 */
import type { SQSRecord } from 'aws-lambda';
import type { Logger } from '../lib/pipeline/log';
import { EvaluateMessageSchema } from '../lib/pipeline/messages';
import { awsEvaluateDeps, lambdaEntry } from './shared/aws';
import { CONFIG_SCHEMAS } from './shared/config';
import type { Counters } from './shared/observability';
import { fifoHandler, type RetryLater } from './shared/sqs-batch';
import { type EvaluateDeps, evaluateRun } from './shared/stages';

export type EvaluateHandlerDeps = {
  stage: EvaluateDeps;
  log: Logger;
  counters: Counters;
  retryLater?: RetryLater;
  retryDelayMs: number;
};

async function evaluateRecord(deps: EvaluateHandlerDeps, record: SQSRecord): Promise<void> {
  const msg = EvaluateMessageSchema.parse(JSON.parse(record.body));
  const outcome = await evaluateRun({ evaluationId: msg.evaluationId, caller: msg.caller }, deps.stage);
  deps.counters.count(`evaluate.${outcome.status}`);
}

/** The handler over its dependencies; the local runtime calls it with its own. */
export function makeHandler(deps: EvaluateHandlerDeps) {
  return fifoHandler('evaluate', deps, evaluateRecord);
}

export const handler = lambdaEntry('evaluate', CONFIG_SCHEMAS.evaluate, awsEvaluateDeps, makeHandler);
