/**
 * The local runtime the sheet-borne cases run on: the emulator over HTTP, dynalite, the real handlers, one
 * evaluation year seeded with the demo's values (so every zone starts with accepted values), and the reads the
 * cases check: Feedback tabs, the store, the published results.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { loadDefaultEvaluation } from '../../local/default-evaluation';
import { fireSignal } from '../../local/emulator/trigger';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { methodologyFor, type SeededYear, seedYear } from '../../local/runtime-seed';
import { DRIVE_ADMIN } from '../../local/seed';
import { type ResultsDoc, ResultsDocSchema } from '../../pipeline/results';

export const EVALUATION = 'bad-inputs';

export type World = {
  runtime: LocalRuntime;
  year: SeededYear;
  /** The seeded zone ids, in order. */
  zones: string[];
  ev: ReturnType<typeof loadDefaultEvaluation>;
  /** The Sheets client of the drive's admin (owner rights: protected ranges do not stop it). */
  admin: sheets_v4.Sheets;
  /** The Sheets client of the service account (what the system reads with). */
  system: sheets_v4.Sheets;
  /** Fires the simulated trigger for a spreadsheet, as an edit in the UI would. */
  signal(spreadsheetId: string): Promise<void>;
  /** Waits until nothing is queued or in flight. */
  quiet(): Promise<void>;
  /** A tab's values (unformatted), [] when the tab is missing. */
  tab(spreadsheetId: string, title: string): Promise<unknown[][]>;
  /** The published run's results. */
  published(): Promise<ResultsDoc>;
  close(): Promise<void>;
};

/** Starts the runtime and seeds `n` zones; resolves once the first results are published. */
export async function startWorld(n: number): Promise<World> {
  const ev = loadDefaultEvaluation(7);
  const runtime = await startLocalRuntime({
    evaluateDelayMs: 200,
    retryDelayMs: 20,
    reconcileEveryMs: false,
    emulator: { quota: 'off' },
    calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 20 } },
  });
  try {
    const zones = ev.zones.slice(0, n);
    const year = await seedYear(runtime, {
      evaluationId: EVALUATION,
      year: 2025,
      zones,
      methodology: methodologyFor(ev, n, { uncertaintyRuns: 10 }),
      typed: (z, code) => ev.demo.values[2025]?.[z]?.[code]?.typed ?? null,
    });
    await runtime.untilQuiet({ timeoutMs: 120_000 });
    const system = runtime.stack.google.sheets;
    const world: World = {
      runtime,
      year,
      zones: zones.map((z) => z.zoneId),
      ev,
      admin: runtime.stack.clientsAs(DRIVE_ADMIN).sheets,
      system,
      async signal(spreadsheetId) {
        const sent = await fireSignal(
          { url: runtime.webhookUrl, masterSecret: runtime.triggerSecret },
          spreadsheetId,
          Date.now(),
          DRIVE_ADMIN,
        );
        if (sent.status !== 202)
          throw new Error(`the webhook answered ${sent.status ?? sent.error} to a signal`);
      },
      quiet: () => runtime.untilQuiet({ timeoutMs: 120_000 }),
      async tab(spreadsheetId, title) {
        try {
          const res = await system.spreadsheets.values.get({
            spreadsheetId,
            range: `'${title.replaceAll("'", "''")}'`,
            valueRenderOption: 'UNFORMATTED_VALUE',
          });
          return (res.data.values ?? []) as unknown[][];
        } catch (e) {
          if ((e as { code?: number }).code === 400) return [];
          throw e;
        }
      },
      async published() {
        const s = await runtime.stack.store.getEvaluationState(EVALUATION);
        if (!s?.publishedRun) throw new Error('no run is published');
        const run = await runtime.stack.store.getRun(EVALUATION, s.publishedRun);
        return ResultsDocSchema.parse(run?.results);
      },
      close: () => runtime.close(),
    };
    return world;
  } catch (e) {
    await runtime.close();
    throw e;
  }
}

/** Crashes the loop shows: messages dead-lettered and handler failures counted, since `since`. */
export function crashes(world: World, since: { failed: number }): string[] {
  const q = world.runtime.queues.queues;
  const dead = [...q.sync.deadLetters(), ...q.evaluate.deadLetters()];
  const failed =
    world.runtime.counters.get('sync.failed') + world.runtime.counters.get('evaluate.failed') - since.failed;
  return [
    ...(dead.length ? [`${dead.length} messages dead-lettered`] : []),
    ...(failed > 0 ? [`${failed} handler invocations failed`] : []),
  ];
}

export function failedSoFar(world: World): { failed: number } {
  return {
    failed: world.runtime.counters.get('sync.failed') + world.runtime.counters.get('evaluate.failed'),
  };
}
