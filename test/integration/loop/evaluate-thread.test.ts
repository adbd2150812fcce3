/**
 * The local runtime's evaluate worker (lib/local/evaluate-thread.ts): the evaluate handler in a thread of its own,
 * with its own clients of dynalite and the emulator; what it logs and counts reaches the runtime, a worker that dies
 * fails its batch (the queue retries it in a new worker) instead of hanging, and `close()` ends the thread.
 */
import { isMainThread, threadId as mainThreadId } from 'node:worker_threads';
import * as z from 'zod';
import type { LocalRuntime } from '../../../lib/local/runtime';
import type { SeededYear } from '../../../lib/local/runtime-seed';
import { officialOf } from '../../../lib/local/seed';
import { SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import { sqsEvent } from '../../../lib/reliability/faults/inject';
import { captureHandlerLogs } from '../../../lib/reliability/harness';
import { ev, seedTestYear, startTestRuntime } from './helpers';

const E = 'thread2025';
const ZONES = 6;
let runtime: LocalRuntime;
let year: SeededYear;
let logs: ReturnType<typeof captureHandlerLogs>;

beforeAll(async () => {
  logs = captureHandlerLogs();
  // A short visibility timeout: a batch whose worker died comes back soon rather than after 5 minutes.
  runtime = await startTestRuntime({ logLevel: 'INFO', visibilityTimeoutMs: 1500 });
  year = await seedTestYear(runtime, E, ZONES);
}, 120_000);
afterAll(async () => {
  await runtime?.close();
  logs?.restore();
});

const formRow = (code: string) =>
  ev.methodology.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === code) + 3;
const zoneAt = (k: number) => ev.zones[k]!.zoneId;
const edit = (zoneId: string, code: string, typed: string) =>
  runtime.stack.emulator.editAsPerson(
    year.sheets.get(zoneId)!,
    officialOf(zoneId),
    `Form!D${formRow(code)}`,
    [[typed]],
  );
async function publishedValue(zoneId: string, code: string) {
  const state = (await runtime.stack.store.getEvaluationState(E))!;
  const run = await runtime.stack.store.getRun(E, state.publishedRun!);
  return ResultsDocSchema.parse(run!.results).zones.find((z) => z.zoneId === zoneId)?.values[code];
}
const LogLine = z.object({ service: z.string(), message: z.string() });
const evaluateLines = () =>
  logs.lines.flatMap((l) => {
    const line = LogLine.parse(JSON.parse(l));
    return line.service === 'zone-eval-evaluate' ? [line.message] : [];
  });
/** Waits until `done()` holds, or fails the test after 20 s. */
async function until(done: () => boolean) {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('not reached in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("the evaluate handler runs in a worker thread, and its log lines and metrics reach the runtime's", async () => {
  expect(isMainThread).toBe(true);
  expect(runtime.evaluateThread?.threadId).toEqual(expect.any(Number));
  expect(runtime.evaluateThread?.threadId).not.toBe(mainThreadId);
  // Seeding ran at least one evaluation, scored, published and measured.
  expect(runtime.counters.get('evaluate.scored', 'zone-eval-evaluate')).toBeGreaterThan(0);
  expect(runtime.counters.get('evaluate.processed', 'zone-eval-evaluate')).toBeGreaterThan(0);
  expect(runtime.counters.values('edit-to-publish', 'zone-eval-evaluate').length).toBeGreaterThan(0);
  expect(runtime.counters.flushCount).toBeGreaterThan(0);
  expect(evaluateLines()).toContain('evaluate.done');
});

test('a batch whose worker dies fails instead of hanging, and the next batch runs in a new worker', async () => {
  const first = runtime.evaluateThread!.threadId;
  const requested = (await runtime.stack.store.getEvaluationState(E))!.requested;
  const invocation = runtime.handlers.evaluate(
    sqsEvent(runtime, 'evaluate', E, { evaluationId: E, requested, caller: 'test' }),
  );
  await runtime.evaluateThread!.kill();
  await expect(invocation).rejects.toThrow(/evaluate worker stopped/);
  expect(runtime.evaluateThread!.threadId).toBeNull();

  const zone = zoneAt(2);
  expect((await edit(zone, 'T03', '424242')).signal?.status).toBe(202);
  await runtime.untilQuiet();
  expect(await publishedValue(zone, 'T03')).toBe(424242);
  expect(runtime.evaluateThread!.threadId).toEqual(expect.any(Number));
  expect(runtime.evaluateThread!.threadId).not.toBe(first);
}, 60_000);

test('a worker killed while its publish is held fails the batch, which the queue retries in a new worker', async () => {
  const zone = zoneAt(3);
  const held = runtime.stack.emulator.faults.hold('sheets.spreadsheets.batchUpdate', {
    stage: 'before',
    caller: SERVICE_ACCOUNT,
    spreadsheetId: year.resultsId,
  });
  const failedBefore = runtime.queues.queues.evaluate.stats.failed;
  try {
    expect((await edit(zone, 'T03', '515151')).signal?.status).toBe(202);
    await held.reached;
    await runtime.evaluateThread!.kill();
    await until(() => runtime.queues.queues.evaluate.stats.failed > failedBefore);
  } finally {
    held.remove();
  }
  await runtime.untilQuiet();
  expect(await publishedValue(zone, 'T03')).toBe(515151);
  expect(runtime.queues.queues.evaluate.deadLetters()).toHaveLength(0);
}, 60_000);

test('close() ends the worker thread, and an invocation after it is refused', async () => {
  const own = await startTestRuntime();
  const thread = own.evaluateThread!;
  expect(thread.threadId).toEqual(expect.any(Number));
  await own.close();
  expect(thread.threadId).toBeNull();
  await expect(own.handlers.evaluate({ Records: [] })).rejects.toThrow(/closed/);
}, 60_000);

test("the runtime's main-thread evaluate (evaluateIn: 'main') has no worker", async () => {
  const own = await startTestRuntime({ evaluateIn: 'main' });
  try {
    expect(own.evaluateThread).toBeNull();
  } finally {
    await own.close();
  }
});
