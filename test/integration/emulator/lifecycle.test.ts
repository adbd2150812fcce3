/** Persistence across a restart, and the `zone-eval emulator` options. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEmulatorArgs } from '../../../lib/cli/emulator';
import { UsageError } from '../../../lib/cli/errors';
import { startEmulator } from '../../../lib/local/emulator';
import { ALICE, BOB, clientsFor } from './helpers';

describe('persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zone-eval-emulator-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a local stack survives a restart: values, formats, sharing, versions and triggers come back', async () => {
    const first = await startEmulator({ dataDir: dir, quota: 'off' });
    const { spreadsheetId } = first.createSpreadsheetAs(ALICE, {
      title: 'Zone 1',
      sheets: [{ title: 'Form', values: [['X1', '17.35%'], [], ['X3', '=1/0']] }],
    });
    first.share(spreadsheetId, BOB, 'writer');
    first.enableTrigger(spreadsheetId);
    const version = first.file(spreadsheetId).version;
    await first.close();

    const second = await startEmulator({ dataDir: dir, quota: 'off' });
    try {
      const bob = clientsFor(second, BOB).sheets;
      const r = await bob.spreadsheets.values.get({ spreadsheetId, range: 'Form!A1:B3' });
      expect(r.data.values).toEqual([['X1', '17.35%'], [], ['X3', '#DIV/0!']]);
      expect(second.file(spreadsheetId)).toMatchObject({ name: 'Zone 1', version, trigger: true });
      await bob.spreadsheets.values.update({
        spreadsheetId,
        range: 'Form!B2',
        valueInputOption: 'RAW',
        requestBody: { values: [['new']] },
      });
      expect(second.file(spreadsheetId).version).toBe(version + 1);
    } finally {
      await second.close();
    }
  });

  it('without a data directory nothing is kept', async () => {
    const a = await startEmulator({ quota: 'off' });
    const { spreadsheetId } = a.createSpreadsheetAs(ALICE);
    await a.close();
    const b = await startEmulator({ quota: 'off' });
    try {
      expect(() => b.file(spreadsheetId)).toThrow();
    } finally {
      await b.close();
    }
  });
});

describe('zone-eval emulator options', () => {
  it('reads port, data directory, quota and webhook', () => {
    expect(
      parseEmulatorArgs([
        '--port',
        '8089',
        '--data-dir',
        '/tmp/x',
        '--quota',
        'off',
        '--webhook',
        'http://127.0.0.1:3000/signal',
        '--trigger-secret',
        's',
      ]),
    ).toEqual({
      port: 8089,
      host: '127.0.0.1',
      dataDir: '/tmp/x',
      quota: 'off',
      webhook: { url: 'http://127.0.0.1:3000/signal', masterSecret: 's' },
    });
  });

  it("defaults to Google's quota", () => {
    expect(parseEmulatorArgs(['--port=0']).quota).toEqual({ reads: 60, writes: 60, windowMs: 60_000 });
  });

  it.each([
    [[], /--port is required/],
    [['--port', 'x'], /--port must be a whole number from 0 to 65535, got 'x'/],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535, got '70000'/],
    [['--port', '1', '--quota', 'low'], /'off' or 'default'/],
    [['--port', '1', '--webhook', 'http://x/'], /needs --trigger-secret/],
    [['--port', '1', '--webhook', 'ftp://x/', '--trigger-secret', 's'], /http\(s\) URL/],
    [['--port', '1', '--verbose', 'yes'], /unknown option --verbose/],
    [['--port', '1', '--qouta', 'off'], /unknown option --qouta \(did you mean --quota\?\)/],
    [['--port', '1', 'serve'], /unexpected argument 'serve'/],
  ])('refuses %j with a UsageError', (argv, message) => {
    expect(() => parseEmulatorArgs(argv)).toThrow(UsageError);
    expect(() => parseEmulatorArgs(argv)).toThrow(message);
  });
});
