/**
 * What the security and load suites share: the local runtime with the real handlers over the emulator and dynalite,
 * an evaluation seeded on it, the form cell of an indicator, and a count of the writes the store sends to DynamoDB.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type DefaultEvaluation, loadDefaultEvaluation } from '../local/default-evaluation';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../local/runtime';
import { methodologyFor, type SeededYear, seedYear } from '../local/runtime-seed';
import { ResultsDocSchema } from '../pipeline/results';
import { isConditionalCheckFailed } from '../store/errors';
import { TTL_ATTRIBUTE } from '../store/keys';

/** The default evaluation the suites seed (its demo values are synthetic). */
export function evaluation(): DefaultEvaluation {
  return loadDefaultEvaluation(2025);
}

/** The runtime as the suites use it: quota off, no reconcile timer (a suite calls it), fast retries. */
export function startSuiteRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return startLocalRuntime({
    evaluateDelayMs: 300,
    retryDelayMs: 20,
    reconcileEveryMs: false,
    emulator: { quota: 'off' },
    calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 50 } },
    ...options,
  });
}

/** Seeds the first `n` zones of the default evaluation for 2025 and waits until the loop has published. */
export async function seedZones(
  runtime: LocalRuntime,
  ev: DefaultEvaluation,
  evaluationId: string,
  n: number,
): Promise<SeededYear> {
  const seeded = await seedYear(runtime, {
    evaluationId,
    year: 2025,
    zones: ev.zones.slice(0, n),
    methodology: methodologyFor(ev, n, { uncertaintyRuns: 50 }),
    typed: (z, code) => ev.demo.values[2025]?.[z]?.[code]?.typed ?? null,
  });
  await runtime.untilQuiet({ timeoutMs: 10 * 60_000 });
  return seeded;
}

/** The A1 cell of an indicator's value on a zone's Form tab, as provisioned (one row per zone indicator from row 3). */
export function valueCell(ev: DefaultEvaluation, code: string): string {
  const k = ev.methodology.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === code);
  if (k < 0) throw new Error(`${code} is not an indicator a zone reports`);
  return `Form!D${k + 3}`;
}

/** The form cell holding the zone id the form shows (right of the `Zone ID` label). */
export const ZONE_ID_CELL = 'Form!B1';

/** The published run's results document, or null before the first publish. */
export async function publishedDoc(runtime: LocalRuntime, evaluationId: string) {
  const state = await runtime.stack.store.getEvaluationState(evaluationId);
  if (!state?.publishedRun) return null;
  const run = await runtime.stack.store.getRun(evaluationId, state.publishedRun);
  return run ? { run, doc: ResultsDocSchema.parse(run.results) } : null;
}

const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

/**
 * Counts the write commands every client sharing `raw`'s middleware stack sends (the store's document client
 * shares it), by a middleware at the first step; `remove()` takes it out again.
 */
export function countStoreWrites(raw: DynamoDBClient): Counter {
  return countCommands(raw, 'write', (commandName, _input, error) => !error && WRITES.test(commandName));
}

/** The part of a write command's input that tells a run's retention bookkeeping from the pipeline's own writes. */
const NamesSchema = z.object({ ExpressionAttributeNames: z.record(z.string(), z.string()).optional() });

/**
 * Counts the conditional writes DynamoDB refused (`ConditionalCheckFailedException`) for every client sharing `raw`'s
 * middleware stack: the proof that a race case made two writers meet, rather than run one after the other. The
 * retention's TTL updates (`expireRun`, `keepRun`: they name the TTL attribute) are left out: one refused there says
 * only that a run was gone or kept already, not that two writers met.
 */
export function countConditionalConflicts(raw: DynamoDBClient): Counter {
  return countCommands(raw, 'conflict', (_commandName, input, error) => {
    const names = NamesSchema.safeParse(input).data?.ExpressionAttributeNames ?? {};
    return isConditionalCheckFailed(error) && !Object.values(names).includes(TTL_ATTRIBUTE);
  });
}

/** A count of commands a middleware saw, until `remove()` takes the middleware out. */
export type Counter = { readonly count: number; remove(): void };

/**
 * Counts the commands of every client sharing `raw`'s middleware stack for which `counts` holds, by a middleware
 * at the first step: once before each command is sent (`error` undefined) and once more if it failed (`error` set).
 */
function countCommands(
  raw: DynamoDBClient,
  what: string,
  counts: (commandName: string, input: unknown, error?: unknown) => boolean,
): Counter {
  const name = `reliability-${what}-count-${Math.random().toString(36).slice(2)}`;
  let count = 0;
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      if (counts(commandName, args.input)) count++;
      try {
        return await next(args);
      } catch (error) {
        if (counts(commandName, args.input, error)) count++;
        throw error;
      }
    },
    { step: 'initialize', name },
  );
  return {
    get count() {
      return count;
    },
    remove: () => {
      raw.middlewareStack.remove(name);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The p-quantile of a list (nearest rank), or null for none. */
export function quantile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Takes the handlers' log lines (Powertools' JSON lines, whose `service` is `zone-eval-...`) off stdout and stderr
 * while it is on, keeping them for the caller to read; everything else is written as usual. `restore()` ends it.
 */
export function captureHandlerLogs(): { readonly lines: string[]; restore(): void } {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((stream, k) => {
    const original = originals[k]!;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (/^\{.*"service":"zone-eval-/.test(text)) {
        lines.push(text);
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  return {
    lines,
    restore: () => {
      streams.forEach((stream, k) => {
        stream.write = originals[k]!;
      });
    },
  };
}
