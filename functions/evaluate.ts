/**
 * The evaluate Lambda (SQS FIFO, group = evaluation, queue delay 5 s): scores the evaluation from the store, stores
 * the run and publishes the results spreadsheet (lib/pipeline/evaluate). The stage itself skips a request an
 * earlier run already answered, so a burst of messages costs a few runs.
 *
 * Metrics: `evaluate.<outcome>` (`scored`: the runs), `publish.unavailable`, and `edit-to-publish`: seconds from the
 * message's `signalledAt` (the webhook's receipt of the edit's signal, carried by the sync and evaluate messages) to
 * the end of the publish that reflects it.
 */
import type { SQSRecord } from 'aws-lambda';
import { type EvaluateDeps, evaluateRun } from '../lib/pipeline/evaluate';
import type { Logger } from '../lib/pipeline/log';
import { EvaluateMessageSchema } from '../lib/pipeline/messages';
import { GoogleResultsPublisher } from '../lib/sheets/results-publisher';
import { awsRetryLater } from './shared/aws-queue';
import { awsStore } from './shared/aws-store';
import { CONFIG_SCHEMAS, type FunctionConfig } from './shared/config';
import { awsGoogle, perClients } from './shared/google';
import { awsObservability, lambdaEntry } from './shared/lambda';
import { type Counters, countRateLimited } from './shared/observability';
import { fifoHandler, type RetryLater } from './shared/sqs-batch';

export type EvaluateHandlerDeps = {
  stage: EvaluateDeps;
  log: Logger;
  counters: Counters;
  retryLater?: RetryLater;
  retryDelayMs: number;
  /** The clock `edit-to-publish` is read on (tests set it). */
  now?: () => Date;
};

async function evaluateRecord(deps: EvaluateHandlerDeps, record: SQSRecord): Promise<void> {
  const msg = EvaluateMessageSchema.parse(JSON.parse(record.body));
  const outcome = await evaluateRun({ evaluationId: msg.evaluationId, caller: msg.caller }, deps.stage);
  deps.counters.add(`evaluate.${outcome.status}` as const);
  if (outcome.status !== 'scored' && outcome.status !== 'unchanged') return;
  if (outcome.publish === 'unavailable') deps.counters.add('publish.unavailable');
  // Measured by the message whose run was published: a message an earlier run answered (coalesced) was published
  // by that run, measured from its own message's chain, usually the earlier (and longer) wait of a burst.
  if (outcome.publish === 'published' && msg.signalledAt !== undefined) {
    const seconds = ((deps.now?.() ?? new Date()).getTime() - Date.parse(msg.signalledAt)) / 1000;
    deps.counters.add('edit-to-publish', Math.max(0, seconds));
  }
}

/** The handler over its dependencies; the local runtime calls it with its own. */
export function makeHandler(deps: EvaluateHandlerDeps) {
  return fifoHandler('evaluate', deps, evaluateRecord);
}

const evaluateDeps = perClients((clients, config: FunctionConfig<'evaluate'>): EvaluateHandlerDeps => {
  const { log, counters } = awsObservability('evaluate');
  return {
    stage: { store: awsStore(config), publisher: new GoogleResultsPublisher(clients), log },
    log,
    counters,
    retryLater: awsRetryLater,
    retryDelayMs: config.RETRY_DELAY_SECONDS * 1000,
  };
});

/** The evaluate function's adapters on AWS, made again when Google's clients are (a rotated secret). */
export async function awsEvaluateDeps(config: FunctionConfig<'evaluate'>): Promise<EvaluateHandlerDeps> {
  return evaluateDeps(
    await awsGoogle(config, countRateLimited(awsObservability('evaluate').counters)),
    config,
  );
}

export const handler = lambdaEntry('evaluate', CONFIG_SCHEMAS.evaluate, awsEvaluateDeps, makeHandler);
