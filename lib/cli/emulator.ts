/**
 * `zone-eval emulator --port P [--data-dir DIR] [--quota off|default] [--quota-window-ms N]
 *  [--webhook URL --trigger-secret S] [--host H]`: serves the Google Sheets/Drive emulator until interrupted.
 */
import { join } from 'node:path';
import { startEmulator } from '../local/emulator';
import { STATE_FILE } from '../local/emulator/state-file';
import { choiceOption, intOption, parseOptions } from './args';
import { errnoCode, UsageError } from './errors';

const HELP = `usage: zone-eval emulator --port P [options]

Serves a local stand-in for the Google Sheets v4 and Drive v3 APIs. Point the @googleapis clients at it with
rootUrl http://HOST:P/ and a bearer token naming the caller (Authorization: Bearer alice@example.com).

options:
  --port P               port to listen on (0 picks a free one)
  --host H               interface to bind (default 127.0.0.1)
  --data-dir DIR         keep the spreadsheets in DIR and reload them on start (default: memory only)
  --quota off|default    Google's per-user quota of 60 reads + 60 writes a minute, or none (default: default)
  --quota-window-ms N    length of the quota window (default 60000)
  --webhook URL          where the simulated Apps Script trigger posts its signed signal
  --trigger-secret S     master secret the per-spreadsheet signing keys derive from (required with --webhook)
  -h, --help             this help`;

export type EmulatorCliOptions = {
  port: number;
  host: string;
  dataDir?: string;
  quota: 'off' | { reads: number; writes: number; windowMs: number };
  webhook?: { url: string; masterSecret: string };
};

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  quota: { type: 'string' },
  'quota-window-ms': { type: 'string' },
  webhook: { type: 'string' },
  'trigger-secret': { type: 'string' },
} as const;

/** Reads and checks the options; throws UsageError naming the bad one. */
export function parseEmulatorArgs(argv: string[]): EmulatorCliOptions {
  const args = parseOptions(argv, OPTIONS);
  const o = args.help ? {} : args.values;
  const port = intOption(o.port, 'port', { min: 0, max: 65535 });
  if (port === undefined) throw new UsageError('option --port is required (0 picks a free port)');
  const quotaMode = choiceOption(o.quota, 'quota', ['off', 'default']) ?? 'default';
  const windowMs = intOption(o['quota-window-ms'], 'quota-window-ms', { min: 1, max: 86_400_000 }) ?? 60_000;
  const url = o.webhook;
  const secret = o['trigger-secret'];
  if (url && !secret) throw new UsageError('option --webhook needs --trigger-secret to sign the signals');
  if (secret && !url) throw new UsageError('option --trigger-secret is only used with --webhook');
  if (url) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new UsageError(`option --webhook must be an http(s) URL, got '${url}'`);
    }
  }
  const out: EmulatorCliOptions = {
    port,
    host: o.host ?? '127.0.0.1',
    quota: quotaMode === 'off' ? 'off' : { reads: 60, writes: 60, windowMs },
  };
  if (o['data-dir']) out.dataDir = o['data-dir'];
  if (url && secret) out.webhook = { url, masterSecret: secret };
  return out;
}

/**
 * Turns what goes wrong when starting on a person's options (a port in use, a data directory that is a file,
 * a state file that is not the emulator's) into one sentence; anything else is a fault and is thrown.
 */
export function startFailure(err: unknown, opts: EmulatorCliOptions): string | undefined {
  const code = errnoCode(err);
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  const message = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : '';
  const dir = opts.dataDir;
  if (code === 'EADDRINUSE')
    return `port ${opts.port} on ${opts.host} is already in use: stop what holds it, or pick another --port (0 picks a free one)`;
  if (code === 'EACCES' && message.includes('listen'))
    return `port ${opts.port} needs privileges to listen on: pick a port above 1023, or 0 for a free one`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `--host ${opts.host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface`;
  if (dir !== undefined) {
    if (code === 'ENOTDIR' || code === 'EEXIST')
      return `--data-dir ${dir} is a file, not a directory: name a directory (it is created if missing)`;
    if (code === 'EACCES' || code === 'EPERM')
      return `--data-dir ${dir}: permission denied: name a directory you can write`;
    if (name === 'SyntaxError')
      return `--data-dir ${dir}: the state file ${join(dir, STATE_FILE)} is not valid JSON (${message}): move it away to start empty`;
    if (message.startsWith('emulator state in'))
      return `--data-dir ${dir}: ${message}, which this version cannot read: move the state file away to start empty`;
  }
  return undefined;
}

export async function run(argv: string[]): Promise<number> {
  if (parseOptions(argv, OPTIONS).help) {
    console.log(HELP);
    return 0;
  }
  // A --data-dir no emulator can start on was refused as the options were read (lib/cli/data-dir.ts).
  const opts = parseEmulatorArgs(argv);
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(opts);
  } catch (err) {
    const sentence = startFailure(err, opts);
    if (sentence) throw new UsageError(sentence);
    throw err;
  }
  console.log(
    `emulator listening on ${emulator.url} (quota ${opts.quota === 'off' ? 'off' : 'on'}${opts.dataDir ? `, data in ${opts.dataDir}` : ''})`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  console.log('emulator stopped');
  return 0;
}
