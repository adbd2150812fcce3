/**
 * The live local workspace (`npm start`): the local runtime (emulator, dynalite, in-process queues, the real
 * handlers, the reconcile schedule) kept in a directory across restarts, the demo evaluation seeded on the first
 * start only, and the web page served on localhost.
 *
 * Layout of the directory: the emulator's `emulator-state.json` and dynalite's `dynamo/` (as `localDataPaths` of
 * the admin CLI has them, so `zone-eval status --local --data-dir DIR` reads it while the workspace is stopped),
 * and `workspace.json`, written once the first start's seeding is published: which evaluations it holds.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as z from 'zod';
import { DEMO_YEARS, loadDefaultEvaluation } from '../default-evaluation';
import type { Zone } from '../demo-data';
import { type LocalRuntime, PRODUCTION_EVALUATE_DELAY_MS, startLocalRuntime } from '../runtime';
import { demoZones, methodologyFor, seedYear } from '../runtime-seed';
import { buildPageScript } from './script';
import { startWorkspaceServer, type WorkspaceServer } from './server';

export const WORKSPACE_FILE = 'workspace.json';

const EntrySchema = z.strictObject({
  evaluationId: z.string().min(1),
  year: z.number().int(),
  controlId: z.string().min(1),
  resultsId: z.string().min(1),
  centralId: z.string().nullable(),
  folder: z.string().min(1),
  driveId: z.string().nullable(),
});
const ManifestSchema = z.strictObject({
  format: z.literal(1),
  seededAt: z.string(),
  zones: z.number().int().positive(),
  seed: z.number().int(),
  evaluations: z.array(EntrySchema).min(1),
});
export type WorkspaceManifest = z.infer<typeof ManifestSchema>;

/** A person's mistake in starting the workspace (a directory that is not a workspace's, a port in use). */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
}

export type WorkspaceOptions = {
  dataDir: string;
  port?: number;
  host?: string;
  /** Zones of the first start's seeding (default 105); ignored once seeded (the manifest says how many). */
  zones?: number;
  /** Seed of the synthetic data (default 2025). */
  seed?: number;
  /** The years to seed, in order; each names the one before as its previous evaluation (default 2024, 2025). */
  years?: readonly number[];
  /** Renames zones of the seeding (tests: a zone named with markup). Zone id to its English and Chinese names. */
  rename?: Readonly<Record<string, { nameEn?: string; nameZh?: string }>>;
  /** The evaluate queue's delay (production's 5 s by default). */
  evaluateDelayMs?: number;
  /** Replications of the uncertainty analysis (the methodology's by default). */
  uncertaintyRuns?: number;
  reconcileEveryMs?: number | false;
  /** Progress lines of the first start's seeding. */
  onProgress?: (line: string) => void;
};

export type Workspace = {
  url: string;
  runtime: LocalRuntime;
  server: WorkspaceServer;
  manifest: WorkspaceManifest;
  /** True when this start seeded the evaluations (the first start). */
  seeded: boolean;
  close(): Promise<void>;
};

/** The workspace's manifest in DIR, or null when DIR holds none. A manifest that does not parse is a fault. */
export function readManifest(dataDir: string): WorkspaceManifest | null {
  const path = join(dataDir, WORKSPACE_FILE);
  if (!existsSync(path)) return null;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new WorkspaceError(
      `${path} is not a workspace manifest (${parsed.error.issues[0]?.message}): remove ${dataDir} to start afresh`,
    );
  return parsed.data;
}

/** Starts the workspace over DIR: seeds it on the first start, resumes it afterwards, and serves the page. */
export async function startWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const dir = options.dataDir;
  mkdirSync(dir, { recursive: true });
  const unlock = lock(dir);
  let manifest: WorkspaceManifest | null;
  try {
    manifest = readManifest(dir);
    if (manifest === null && readdirSync(dir).some((f) => f !== LOCK_FILE))
      throw new WorkspaceError(
        `${dir} is not empty and holds no ${WORKSPACE_FILE} (another tool's directory, or a first start that was interrupted): remove it, or choose another --data-dir`,
      );
    // A port in use is found before minutes of seeding, not after.
    if (options.port) await probePort(options.port, options.host ?? '127.0.0.1');
  } catch (error) {
    unlock();
    throw error;
  }

  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      emulator: { dataDir: dir, quota: 'off' },
      dynamoPath: join(dir, 'dynamo'),
      evaluateDelayMs: options.evaluateDelayMs ?? PRODUCTION_EVALUATE_DELAY_MS,
      // Locally, with no quota, more sheets are read at once than the Lambda's 3 (sized to Google's quota).
      syncConcurrency: 12,
      calls: { pace: false },
      ...(options.reconcileEveryMs !== undefined && { reconcileEveryMs: options.reconcileEveryMs }),
    });
  } catch (error) {
    unlock();
    throw error;
  }
  try {
    const seeded = manifest === null;
    if (manifest === null) {
      options.onProgress?.(
        `first start: seeding the demo evaluation into ${dir} (synthetic values; this takes a few minutes, once)`,
      );
      manifest = await seed(runtime, options);
    } else {
      options.onProgress?.(`resuming ${dir}`);
      for (const e of manifest.evaluations)
        runtime.watch({
          evaluationId: e.evaluationId,
          folder: e.folder,
          ...(e.driveId !== null && { driveId: e.driveId }),
        });
      // What a stop interrupted (an edit not yet synced, a run not yet made) is asked for again.
      await runtime.reconcileNow();
    }
    const evaluations = manifest.evaluations.map((e) => ({
      evaluationId: e.evaluationId,
      year: e.year,
      controlId: e.controlId,
      resultsId: e.resultsId,
      centralId: e.centralId,
    }));
    let server: WorkspaceServer;
    try {
      server = await startWorkspaceServer({
        runtime,
        evaluations,
        script: () => buildPageScript(),
        ...(options.port !== undefined && { port: options.port }),
        ...(options.host !== undefined && { host: options.host }),
      });
    } catch (error) {
      throw portInUse(error, options.port);
    }
    const m = manifest;
    return {
      url: server.url,
      runtime,
      server,
      manifest: m,
      seeded,
      async close() {
        await server.close();
        await runtime.close();
        unlock();
      },
    };
  } catch (error) {
    await runtime.close();
    unlock();
    throw error;
  }
}

export const LOCK_FILE = 'workspace.lock';

/**
 * Takes DIR for this process: a second workspace over the same directory would wait forever on dynalite's
 * LevelDB lock, so it is refused at once, naming the process that holds it. A lock left by a process that is no
 * longer running is taken over. Returns the release.
 */
function lock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(path, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
      throw new WorkspaceError(
        `another workspace (process ${holder}) is running over ${dir}: stop it first, or choose another --data-dir`,
      );
    writeFileSync(path, String(process.pid));
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    rmSync(path, { force: true });
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A port in use as a WorkspaceError with the remedy; any other error as it is. */
function portInUse(error: unknown, port: number | undefined): unknown {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : '';
  return code === 'EADDRINUSE'
    ? new WorkspaceError(`port ${port} is in use: choose another with --port (or --port 0 for a free one)`)
    : error;
}

/** Listens on the port for a moment: rejects (a WorkspaceError when it is in use) if the page could not. */
async function probePort(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(portInUse(error, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** The first start: both demo years provisioned, synced, scored and published; then the manifest is written. */
async function seed(runtime: LocalRuntime, options: WorkspaceOptions): Promise<WorkspaceManifest> {
  const seedN = options.seed ?? 2025;
  const n = options.zones ?? 105;
  const ev = loadDefaultEvaluation(seedN);
  const { zones: base, demo } = demoZones(ev, n, seedN);
  const zones: Zone[] = base.map((z) => ({ ...z, ...options.rename?.[z.zoneId] }));
  const years = options.years ?? DEMO_YEARS;
  const say = options.onProgress ?? (() => {});
  const entries: WorkspaceManifest['evaluations'] = [];
  let previous: string | undefined;
  for (const year of years) {
    const evaluationId = `pilot-${year}`;
    const t0 = Date.now();
    let quarter = -1;
    const s = await seedYear(runtime, {
      evaluationId,
      year,
      zones,
      methodology: methodologyFor(ev, zones.length, {
        ...(previous && { previousEvaluation: previous }),
        ...(options.uncertaintyRuns !== undefined && { uncertaintyRuns: options.uncertaintyRuns }),
      }),
      typed: (z, code) => demo.values[year]?.[z]?.[code]?.typed ?? null,
      onProgress: (done, total) => {
        const q = Math.floor((4 * done) / total);
        if (q !== quarter) say(`seeding ${evaluationId}: ${done}/${total} spreadsheets`);
        quarter = q;
      },
    });
    await runtime.untilQuiet({ timeoutMs: 30 * 60_000 });
    say(
      `${evaluationId}: ${zones.length} zones synced, scored and published in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const meta = await runtime.stack.google.drive.files.get({
      fileId: s.controlId,
      fields: 'driveId',
      supportsAllDrives: true,
    });
    entries.push({
      evaluationId,
      year,
      controlId: s.controlId,
      resultsId: s.resultsId,
      centralId: s.centralId,
      folder: s.folder,
      driveId: meta.data.driveId ?? null,
    });
    previous = evaluationId;
  }
  const manifest: WorkspaceManifest = {
    format: 1,
    seededAt: new Date().toISOString(),
    zones: zones.length,
    seed: seedN,
    evaluations: entries,
  };
  // The emulator's state is on disk before the manifest says the seeding is complete.
  runtime.stack.emulator.store.flush();
  const path = join(options.dataDir, WORKSPACE_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return manifest;
}
