/**
 * `zone-eval emulator --port P [--data-dir DIR] [--quota off|default] [--quota-window-ms N]
 *  [--webhook URL --trigger-secret S] [--host H]`: serves the Google Sheets/Drive emulator until interrupted.
 */
import { startEmulator } from '../local/emulator';
import { intFlag, parseArgs, stringFlag } from './args';
import { UsageError } from './errors';

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
  --trigger-secret S     master secret the per-spreadsheet signing keys derive from (required with --webhook)`;

export type EmulatorCliOptions = {
  port: number;
  host: string;
  dataDir?: string;
  quota: 'off' | { reads: number; writes: number; windowMs: number };
  webhook?: { url: string; masterSecret: string };
};

/** Reads and checks the options; throws UsageError naming the bad one. */
export function parseEmulatorArgs(argv: string[]): EmulatorCliOptions {
  const args = parseArgs(argv);
  if (args.positional.length) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
  const known = new Set([
    'port',
    'host',
    'data-dir',
    'quota',
    'quota-window-ms',
    'webhook',
    'trigger-secret',
  ]);
  for (const name of args.flags.keys())
    if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
  const port = intFlag(args, 'port');
  if (port === undefined) throw new UsageError('option --port is required');
  if (port < 0 || port > 65535)
    throw new UsageError(`option --port must be between 0 and 65535, got ${port}`);
  const quotaMode = stringFlag(args, 'quota') ?? 'default';
  if (quotaMode !== 'off' && quotaMode !== 'default') {
    throw new UsageError(`option --quota must be 'off' or 'default', got '${quotaMode}'`);
  }
  const windowMs = intFlag(args, 'quota-window-ms') ?? 60_000;
  if (windowMs < 1) throw new UsageError('option --quota-window-ms must be positive');
  const url = stringFlag(args, 'webhook');
  const secret = stringFlag(args, 'trigger-secret');
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
    host: stringFlag(args, 'host') ?? '127.0.0.1',
    quota: quotaMode === 'off' ? 'off' : { reads: 60, writes: 60, windowMs },
  };
  const dataDir = stringFlag(args, 'data-dir');
  if (dataDir) out.dataDir = dataDir;
  if (url && secret) out.webhook = { url, masterSecret: secret };
  return out;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const opts = parseEmulatorArgs(argv);
  const emulator = await startEmulator(opts);
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
