/**
 * Fault-injection seams on the local runtime that are not the emulator's (its `faults` script 429s, 5xx, dropped
 * connections and held requests per route): a stage that crashes after a store write, a stage whose answer is lost
 * (crash before the acknowledgement), and a Lambda timeout. They wrap the runtime's objects from outside and are
 * undone by the handle they return, so nothing here exists in the deployed functions.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import type { LocalRuntime } from '../../local/runtime';
import type { SqsFunction } from '../../queue/local';

/** Thrown by an injected crash; a handler fails on it as it would on any fault. */
export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

export type Undo = { hits: number; undo(): void };

type StoreMethods = {
  [K in keyof LocalRuntime['stack']['store']]: LocalRuntime['stack']['store'][K] extends (
    ...args: never[]
  ) => Promise<unknown>
    ? K
    : never;
}[keyof LocalRuntime['stack']['store']];

/**
 * The store's `method` does its write, then the invocation crashes (the process dies before its next step), for the
 * next `times` calls that `when` accepts. The handlers share the runtime's store object, so they all see it.
 */
export function crashAfterStore(
  runtime: LocalRuntime,
  method: StoreMethods,
  times: number,
  when: (...args: unknown[]) => boolean = () => true,
): Undo {
  const store = runtime.stack.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = store[method];
  if (typeof original !== 'function') throw new Error(`the store has no method ${method}`);
  const handle: Undo = {
    hits: 0,
    undo: () => {
      delete store[method];
    },
  };
  // An own property shadows the class's method until `undo` deletes it.
  store[method] = async (...args: unknown[]) => {
    const result = await original.apply(runtime.stack.store, args);
    if (handle.hits < times && when(...args)) {
      handle.hits++;
      throw new InjectedCrash(`crashed after ${method} stored, before the rest of the invocation`);
    }
    return result;
  };
  return handle;
}

type Stage = 'sync' | 'evaluate';

/** Subscribes a wrapper of the stage's real handler to its queue until undone. */
function wrapStage(
  runtime: LocalRuntime,
  stage: Stage,
  wrap: (real: SqsFunction) => SqsFunction,
): () => void {
  const real: SqsFunction = runtime.handlers[stage];
  const queue = runtime.queues.queues[stage];
  queue.start(wrap(real));
  return () => queue.start(real);
}

/**
 * The stage's invocation finishes its work and then dies before the event source mapping deletes the messages
 * (`times` invocations): every message of the batch comes back after its visibility timeout.
 */
export function crashBeforeAck(runtime: LocalRuntime, stage: Stage, times: number): Undo {
  const handle: Undo = { hits: 0, undo: () => {} };
  handle.undo = wrapStage(runtime, stage, (real) => async (event: SQSEvent) => {
    const answer = await real(event);
    if (handle.hits >= times) return answer;
    handle.hits++;
    throw new InjectedCrash(`${stage} crashed after its work, before the messages were acknowledged`);
  });
  return handle;
}

/**
 * A Lambda timeout: the stage's next `times` invocations that become stuck (`stuck()` turns true while they run)
 * and are still running `ms` later are reported failed (the messages come back after their visibility timeout) and
 * their work stops where it was. The clock starts when the invocation is stuck, not when it starts: how long the
 * work before the stuck point takes (scoring 105 zones on a loaded machine takes seconds) must not decide whether
 * the fault is served. Lambda freezes and discards a timed-out environment; here the abandoned invocation is parked
 * by the case (an emulator hold it does not release before the verdict), so it does nothing more while the case runs.
 */
export function lambdaTimeout(
  runtime: LocalRuntime,
  stage: Stage,
  ms: number,
  times: number,
  stuck: () => boolean,
) {
  const handle: Undo = { hits: 0, undo: () => {} };
  handle.undo = wrapStage(runtime, stage, (real) => async (event: SQSEvent) => {
    const work = real(event);
    if (handle.hits >= times) return work;
    let poll: ReturnType<typeof setInterval> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      poll = setInterval(() => {
        if (!stuck() || timer !== undefined) return;
        timer = setTimeout(() => resolve('timeout'), ms);
      }, 20);
    });
    let first: Awaited<typeof work> | 'timeout';
    try {
      first = await Promise.race([work, deadline]);
    } finally {
      clearInterval(poll);
      clearTimeout(timer);
    }
    // Ended without getting stuck (a run with nothing to publish): it was not the invocation the case wanted.
    if (first !== 'timeout') return work;
    handle.hits++;
    // What the abandoned work does once the case is over is of no interest; it must not surface as unhandled, and
    // the world waits for it before closing the backends it still uses.
    abandon(runtime, work);
    throw new InjectedCrash(`${stage} timed out after ${ms} ms`);
  });
  return handle;
}

/** Invocations a Lambda timeout abandoned, per runtime, until they end. */
const abandonedWork = new WeakMap<LocalRuntime, Set<Promise<unknown>>>();

function abandon(runtime: LocalRuntime, work: Promise<unknown>): void {
  const set = abandonedWork.get(runtime) ?? new Set();
  abandonedWork.set(runtime, set);
  const quiet = work.then(
    () => undefined,
    () => undefined,
  );
  set.add(quiet);
  void quiet.then(() => set.delete(quiet));
}

/**
 * Until the invocations a Lambda timeout abandoned on `runtime` have ended (at most `timeoutMs`). The caller first
 * releases what parks them (the emulator's holds), so that they end while the emulator and dynalite still answer.
 */
export async function abandonedEnded(runtime: LocalRuntime, timeoutMs = 30_000): Promise<void> {
  const set = abandonedWork.get(runtime);
  if (!set || set.size === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all([...set]),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

/** An SQS event of one message on the stage's queue, to invoke a handler directly as a second, racing, poller. */
export function sqsEvent(runtime: LocalRuntime, stage: Stage, group: string, body: unknown): SQSEvent {
  const queue = runtime.queues.queues[stage];
  const id = randomUUID();
  return {
    Records: [
      {
        messageId: id,
        receiptHandle: `direct-${id}`,
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAFAULTSUITE',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          MessageGroupId: group,
          MessageDeduplicationId: id,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/**
 * Runs the reconcile handler once as its schedule would at `at`: the poll's clock is the event's time, so a poll
 * "three minutes later" finds what has stalled for two without the case waiting for it.
 */
export async function reconcileAt(runtime: LocalRuntime, at: Date): Promise<void> {
  await runtime.handlers.reconcile({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:000000000000:rule/zone-eval-reconcile'],
    detail: {},
  });
}
