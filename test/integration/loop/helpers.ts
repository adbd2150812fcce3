/**
 * The whole loop over real HTTP for the integration tests: the local runtime (emulator, dynalite, in-process queues,
 * the real handlers, the webhook on a local port) with a short evaluate delay, and one evaluation year seeded.
 */
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../lib/local/runtime';
import { methodologyFor, type SeededYear, seedYear } from '../../../lib/local/runtime-seed';
import { SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { startSuiteRuntime } from '../../../lib/reliability/harness';

export const ev = loadDefaultEvaluation(7);

/**
 * Tests' runtime: the reliability suites' (a short evaluate delay, no reconcile timer, quota off), with Google
 * retries capped at 20 ms.
 */
export function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return startSuiteRuntime({ calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 20 } }, ...options });
}

/** Seeds `n` zones of the default evaluation for `year` and waits until the loop has published. */
export async function seedTestYear(
  runtime: LocalRuntime,
  evaluationId: string,
  n: number,
  year = 2025,
  previousEvaluation?: string,
): Promise<SeededYear> {
  const zones = ev.zones.slice(0, n);
  const seeded = await seedYear(runtime, {
    evaluationId,
    year,
    zones,
    methodology: methodologyFor(ev, n, {
      uncertaintyRuns: 50,
      ...(previousEvaluation && { previousEvaluation }),
    }),
    typed: (z, code) => ev.demo.values[year]?.[z]?.[code]?.typed ?? null,
    ...(previousEvaluation && { previousEvaluation }),
  });
  await runtime.untilQuiet();
  return seeded;
}

/** The Ranking tab read back through Google's client, as rows keyed by header. */
export async function ranking(runtime: LocalRuntime, resultsId: string) {
  const res = await runtime.stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: resultsId,
    range: 'Ranking',
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  const [head = [], ...rows] = res.data.values ?? [];
  return rows.map((r) => Object.fromEntries(head.map((h, k) => [String(h), r[k] ?? null])));
}

export const sheetsRequests = (runtime: LocalRuntime) =>
  runtime.stack.emulator.requestCount({ route: 'sheets.*', caller: SERVICE_ACCOUNT });
