/**
 * `zone-eval emulator` refuses what a person got wrong when starting it with one line and exit code 2, never a
 * stack trace: a port in use, a data directory that is a file, a state file that is not the emulator's.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFailure } from '../../../lib/cli/emulator';
import { runCli } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'zone-eval-emu-cli-'));

async function refused(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect(r).toMatchObject({ code: 2, stdout: '' });
  expect(r.stderr.split('\n')).toHaveLength(1);
  return r.stderr;
}

describe('zone-eval emulator start-up mistakes', () => {
  let busy: Server;
  let port = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  test('a port already in use', async () => {
    expect(await refused(['emulator', '--port', String(port)])).toBe(
      `zone-eval emulator: port ${port} on 127.0.0.1 is already in use: stop what holds it, or pick another --port (0 picks a free one)`,
    );
  });

  test('a --data-dir that is a file', async () => {
    const f = join(dir, 'a-file');
    writeFileSync(f, 'x');
    expect(await refused(['emulator', '--port', '0', '--data-dir', f])).toBe(
      `zone-eval emulator: --data-dir ${f} is a file, not a directory: name a directory (it is created if missing)`,
    );
  });

  test.each([
    ['not JSON', '{"format": 1, "files": [', /cannot be read \(.*JSON.*\): move it away to start empty/],
    ['JSON of another shape', 'null', /is not an emulator state file \(it needs "format" and "files"\)/],
  ])('a corrupt state file: %s', async (_what, content, message) => {
    const d = join(dir, `state-${_what.replace(/\W/g, '')}`);
    mkdirSync(d);
    writeFileSync(join(d, 'emulator-state.json'), content);
    expect(await refused(['emulator', '--port', '0', '--data-dir', d])).toMatch(message);
  });

  test('start-up faults of other kinds are not dressed up as mistakes', () => {
    const opts = { port: 1, host: '127.0.0.1', quota: 'off' as const };
    expect(startFailure(new Error('boom'), opts)).toBeUndefined();
    expect(startFailure(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }), opts)).toMatch(
      /--host 127.0.0.1/,
    );
    expect(startFailure(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }), opts)).toMatch(
      /needs privileges/,
    );
    expect(startFailure(new Error('emulator state in /d has format 9'), { ...opts, dataDir: '/d' })).toMatch(
      /cannot read: move the state file away/,
    );
  });
});
