/**
 * One fault case's world: the local runtime with the real handlers (emulator over HTTP, dynalite, in-process FIFO
 * queues), one evaluation year of `zones` zones seeded and published, and the edits a case makes, remembered so
 * that the verdict can say which were lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Methodology } from '../../core/methodology';
import { type DefaultEvaluation, loadDefaultEvaluation } from '../../local/default-evaluation';
import type { Zone } from '../../local/demo-data';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime';
import { demoZones, methodologyFor, type SeededYear, seedYear } from '../../local/runtime-seed';
import { officialOf } from '../../local/seed';
import { ResultsDocSchema } from '../../pipeline/results';
import { abandonedEnded } from './inject';

/** The demo data every world is seeded from (synthetic values, fixed seed). */
let demo: DefaultEvaluation | null = null;
export const demoEvaluation = (): DefaultEvaluation => {
  demo ??= loadDefaultEvaluation(7);
  return demo;
};

/** The seeded year's values, as the officials typed them. */
export const DEMO_YEAR = 2025;

export type WorldOptions = {
  /** Evaluation id (unique within a suite run, so logs name the case). */
  evaluationId: string;
  zones: number;
  /** Runtime options over the defaults below (short delays, fast retries, no reconcile timer, quota off). */
  runtime?: LocalRuntimeOptions;
  /** Keep the emulator's and dynalite's state in a fresh temporary directory (for restarts). */
  persist?: boolean;
};

/** A value a case typed and waited for: it must be in the zone's stored history at the end. */
export type Accepted = { zoneId: string; code: string; value: number };

export type World = {
  runtime: LocalRuntime;
  year: SeededYear;
  zones: readonly Zone[];
  methodology: Methodology;
  /** The data directory when persisted. */
  dataDir: string | null;
  zoneAt(k: number): string;
  sheetOf(zoneId: string): string;
  /** The A1 cell of an indicator's value on a zone's Form. */
  cellOf(code: string): string;
  /** An official's edit in the Sheets UI: the trigger fires (unless the case took it away). */
  edit(zoneId: string, code: string, typed: string): Promise<{ status?: number; error?: string }>;
  /** The same official's edit through the API: no trigger fires. */
  apiEdit(zoneId: string, code: string, typed: string): Promise<void>;
  /** Records that a value must be in the history (the case waited for the loop to read it). */
  accepted(zoneId: string, code: string, value: number): void;
  readonly mustKeep: readonly Accepted[];
  /** The value of an indicator in the published run, as scored. */
  publishedValue(zoneId: string, code: string): Promise<number | null | undefined>;
  /** Until the zone's sheet has been read for every signal counted so far. */
  synced(zoneId: string): Promise<void>;
  /** Until nothing is queued, in flight or reconciling. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

/** How long the loop may take to settle: 2 minutes for a small evaluation, more for a large one. */
export const settleMs = (zones: number) => 120_000 + Math.max(0, zones - 12) * 4000;

/** Starts the runtime, seeds the year and waits for its first publish. */
export async function startWorld(options: WorldOptions): Promise<World> {
  const ev = demoEvaluation();
  const dataDir = options.persist ? await mkdtemp(join(tmpdir(), 'zone-eval-faults-')) : null;
  // A run of 105 zones takes seconds: a longer delay lets the seeding's 105 reads coalesce into a few runs.
  const large = options.zones > 12;
  const runtime = await startLocalRuntime({
    evaluateDelayMs: large ? 2000 : 300,
    retryDelayMs: 50,
    reconcileEveryMs: false,
    calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    // The crash seams (inject.ts) wrap the runtime's store object, which the evaluate handler shares only when it
    // runs in the main thread.
    evaluateIn: 'main',
    ...options.runtime,
    emulator: {
      quota: 'off',
      ...(dataDir && { dataDir: join(dataDir, 'emulator') }),
      ...options.runtime?.emulator,
    },
    ...(dataDir && { dynamoPath: join(dataDir, 'dynamo') }),
  });
  try {
    const { zones, demo: data } = demoZones(ev, options.zones, 7);
    const methodology = methodologyFor(ev, zones.length, { uncertaintyRuns: 20 });
    const year = await seedYear(runtime, {
      evaluationId: options.evaluationId,
      year: DEMO_YEAR,
      zones,
      methodology,
      typed: (z, code) => data.values[DEMO_YEAR]?.[z]?.[code]?.typed ?? null,
    });
    await runtime.untilQuiet({ timeoutMs: settleMs(options.zones) });
    const zoneCodes = methodology.indicators.filter((i) => i.source === 'zone').map((i) => i.code);
    const cellOf = (code: string) => {
      const k = zoneCodes.indexOf(code);
      if (k < 0) throw new Error(`${code} is not an indicator a zone's form holds`);
      // The Form: the zone id on row 1, the header on row 2, one indicator a row from row 3; the value in D.
      return `Form!D${k + 3}`;
    };
    const sheetOf = (zoneId: string) => {
      const id = year.sheets.get(zoneId);
      if (!id) throw new Error(`no form for zone ${zoneId}`);
      return id;
    };
    const mustKeep: Accepted[] = [];
    return {
      runtime,
      year,
      zones,
      methodology,
      dataDir,
      zoneAt: (k) => {
        const z = zones[k % zones.length];
        if (!z) throw new Error('the world has no zones');
        return z.zoneId;
      },
      sheetOf,
      cellOf,
      async edit(zoneId, code, typed) {
        const res = await runtime.stack.emulator.editAsPerson(
          sheetOf(zoneId),
          officialOf(zoneId),
          cellOf(code),
          [[typed]],
        );
        return {
          ...(res.signal?.status !== undefined && { status: res.signal.status }),
          ...(res.signal?.error !== undefined && { error: res.signal.error }),
        };
      },
      async apiEdit(zoneId, code, typed) {
        await runtime.stack.clientsAs(officialOf(zoneId)).sheets.spreadsheets.values.update({
          spreadsheetId: sheetOf(zoneId),
          range: cellOf(code),
          valueInputOption: 'USER_ENTERED',
          requestBody: { values: [[typed]] },
        });
      },
      accepted(zoneId, code, value) {
        mustKeep.push({ zoneId, code, value });
      },
      mustKeep,
      async publishedValue(zoneId, code) {
        const store = runtime.stack.store;
        const state = await store.getEvaluationState(options.evaluationId);
        if (state?.publishedRun == null) return undefined;
        const run = await store.getRun(options.evaluationId, state.publishedRun);
        return ResultsDocSchema.parse(run?.results).zones.find((z) => z.zoneId === zoneId)?.values[code];
      },
      async synced(zoneId) {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const s = await runtime.stack.store.getSheetState(options.evaluationId, sheetOf(zoneId));
          if (s && s.synced >= s.requested) return;
          if (Date.now() > deadline) throw new Error(`the sheet of ${zoneId} was not read within a minute`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      },
      settle: (timeoutMs = settleMs(options.zones)) => runtime.untilQuiet({ timeoutMs }),
      async close() {
        // An invocation a case abandoned is parked on an emulator hold: released, it ends before the backends close.
        runtime.stack.emulator.faults.clear();
        await abandonedEnded(runtime);
        await runtime.close();
        if (dataDir) await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await runtime.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
