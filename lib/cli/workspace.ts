/**
 * `zone-eval workspace` (`npm start`): the live local workspace. Runs the local stack persistently over a
 * directory, seeds the demo evaluation on the first start only, serves the web page on localhost and prints its
 * URL, until interrupted (Ctrl-C), when it stops the servers and writes the state back.
 */
import { resolve } from 'node:path';
import { intOption, parseOptions } from './args';
import { checkDataDir } from './data-dir';
import { errnoCode, UsageError } from './errors';

const HELP = `usage: zone-eval workspace [--data-dir DIR] [--port P] [--host H] [--zones N] [--seed N]
       (npm start -- [options])

Runs the whole loop on this machine and keeps it running: the emulated Google Sheets and Drive, the embedded
DynamoDB, the in-process queues and the real handlers, with their state kept in DIR across restarts. The first
start seeds the demo evaluation (two years, synthetic values); later starts resume it. Serves a web page on
localhost with the spreadsheets as grids (a zone's form editable as its official), the Feedback, the ranking,
chart, rank intervals and each zone's explanation, updated live after each edit. Ctrl-C stops it.

options:
  --data-dir DIR   where the state lives (default .zone-eval/workspace); remove DIR to start afresh
  --port P         port of the page, 0 to 65535 (default 8787; 0 picks a free one)
  --host H         interface to bind (default 127.0.0.1)
  --zones N        zones of the first start's seeding, 1 to 2000 (default 105)
  --seed N         seed of the synthetic data of the first start (default 2025)
  -h, --help       this help`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  zones: { type: 'string' },
  seed: { type: 'string' },
} as const;

export const DEFAULT_WORKSPACE_DIR = '.zone-eval/workspace';
export const DEFAULT_WORKSPACE_PORT = 8787;

export type WorkspaceCliOptions = {
  dataDir: string;
  port: number;
  host: string;
  zones?: number;
  seed?: number;
};

/** Reads and checks the options; throws a UsageError naming the bad one (and the closest known option). */
export function parseWorkspaceArgs(argv: string[]): WorkspaceCliOptions | 'help' {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) return 'help';
  const v = args.values;
  const zones = intOption(v.zones, 'zones', { min: 1, max: 2000 });
  const seed = intOption(v.seed, 'seed', { min: 0, max: 4_294_967_295 });
  return {
    dataDir: resolve(v['data-dir'] ?? DEFAULT_WORKSPACE_DIR),
    port: intOption(v.port, 'port', { min: 0, max: 65535 }) ?? DEFAULT_WORKSPACE_PORT,
    host: v.host ?? '127.0.0.1',
    ...(zones !== undefined && { zones }),
    ...(seed !== undefined && { seed }),
  };
}

/**
 * Refuses options that would be silently ignored: `--zones` and `--seed` shape the first start's seeding only, so
 * on a seeded workspace they must match what it was seeded with.
 */
export function checkAgainstManifest(
  opts: WorkspaceCliOptions,
  manifest: { zones: number; seed: number } | null,
): void {
  if (manifest === null) return;
  for (const [name, given, kept] of [
    ['zones', opts.zones, manifest.zones],
    ['seed', opts.seed, manifest.seed],
  ] as const)
    if (given !== undefined && given !== kept)
      throw new UsageError(
        `option --${name} ${given}: the workspace in ${opts.dataDir} was seeded with --${name} ${kept}, and --${name} applies at the first start only; remove ${opts.dataDir} to seed afresh`,
      );
}

export async function run(argv: string[]): Promise<number> {
  const opts = parseWorkspaceArgs(argv);
  if (opts === 'help') {
    console.log(HELP);
    return 0;
  }
  // The default directory too (a given one was checked as the options were read).
  checkDataDir(opts.dataDir);
  const { readManifest, startWorkspace, WorkspaceError } =
    require('../local/workspace/workspace') as typeof import('../local/workspace/workspace');
  let ws: Awaited<ReturnType<typeof startWorkspace>>;
  try {
    checkAgainstManifest(opts, readManifest(opts.dataDir));
    ws = await startWorkspace({
      dataDir: opts.dataDir,
      port: opts.port,
      host: opts.host,
      ...(opts.zones !== undefined && { zones: opts.zones }),
      ...(opts.seed !== undefined && { seed: opts.seed }),
      onProgress: (line) => console.log(`zone-eval workspace: ${line}`),
    });
  } catch (err) {
    if (err instanceof WorkspaceError) throw new UsageError(err.message);
    const code = errnoCode(err);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`--host ${opts.host} is not an address of this machine: use 127.0.0.1`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new UsageError(`--data-dir ${opts.dataDir} or --port ${opts.port}: permission denied`);
    throw err;
  }
  const evaluations = ws.manifest.evaluations.map((e) => e.evaluationId).join(', ');
  console.log(`\nzone-eval workspace: ${ws.url}`);
  console.log(`  evaluations ${evaluations}, ${ws.manifest.zones} zones; state in ${opts.dataDir}`);
  console.log(`  webhook (the triggers' Function URL): ${ws.runtime.webhookUrl}`);
  console.log('  Ctrl-C stops it; the next npm start resumes where it stopped.');
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('zone-eval workspace: stopping');
  await ws.close();
  return 0;
}
