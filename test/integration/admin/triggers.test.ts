/**
 * `zone-eval triggers` against a local stack left in a directory: the standalone scripts' code and their installers'
 * parameters, each spreadsheet's derived key in a file only its owner reads, never the master secret.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFiles } from '../../../lib/appscript/project';
import { PARAMS_FILE } from '../../../lib/cli/triggers';
import { deriveSheetKey } from '../../../lib/protocol/signature';
import { runCli } from '../../helpers/cli';
import { emptyState, runScript } from '../appscript/gas';
import { buildFixture, type Fixture, local } from './fixture';

const SECRET = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
const HOOK = 'https://hook.example.com/signal';
let fx: Fixture;
let work: string;
let secretFile: string;

beforeAll(async () => {
  fx = await buildFixture();
  work = mkdtempSync(join(tmpdir(), 'zone-eval-triggers-'));
  secretFile = join(work, 'master.txt');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
}, 60_000);
afterAll(() => {
  fx?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** Every file under a directory, with its text. */
function allFiles(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const path = join(d.parentPath, d.name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

it('writes a script per group of spreadsheets with their own keys, readable by the admin only, and the steps', async () => {
  const out = join(work, 'scripts');
  const args = [
    'triggers',
    '--webhook',
    HOOK,
    '--out',
    out,
    '--secret-file',
    secretFile,
    '--per-script',
    '2',
  ];
  const r = await runCli([...args, ...local(fx.dir)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('3 zone spreadsheets in 2 standalone scripts of at most 2');
  expect(r.stdout).toContain('clasp run zoneEvalConfigure --params');
  const ids = [...fx.prov.sheets.values()];
  const keys = ids.map((id) => deriveSheetKey(SECRET, id));

  expect(statSync(out).mode & 0o777).toBe(0o700);
  const params = [1, 2].map((k) => {
    const path = join(out, `script-${k}`, PARAMS_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    return JSON.parse(readFileSync(path, 'utf8')) as Array<{
      webhookUrl: string;
      keys: Record<string, string>;
    }>;
  });
  const given = Object.assign({}, ...params.map((p) => p[0]!.keys));
  expect(Object.keys(given).sort()).toEqual([...ids].sort());
  for (const id of ids) expect(given[id]).toBe(deriveSheetKey(SECRET, id));
  expect(params.every((p) => p.length === 1 && p[0]!.webhookUrl === HOOK)).toBe(true);

  // The code to push holds no key; nothing written or printed holds the master secret; no key is printed.
  for (const k of [1, 2]) {
    const code = allFiles(join(out, `script-${k}`, 'code'));
    expect(code.map((f) => f.path.split('/').pop()).sort()).toEqual([
      'Code.js',
      'Signal.js',
      'appsscript.json',
    ]);
    for (const f of code) for (const key of keys) expect(f.text).not.toContain(key);
  }
  for (const f of allFiles(out)) expect(f.text).not.toContain(SECRET);
  expect(r.stdout).not.toContain(SECRET);
  for (const key of keys) expect(r.stdout).not.toContain(key);

  // Run again into the same directory: refused, so old keys never mix with new ones.
  const again = await runCli([...args, ...local(fx.dir)]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('is not empty');
});

it('refuses a webhook that is not https, a missing or short secret, and both secret options', async () => {
  const out = join(work, 'refused');
  const base = ['triggers', '--out', out, ...local(fx.dir)];
  const http = await runCli([...base, '--webhook', 'http://hook.example.com/', '--secret-file', secretFile]);
  expect(http.stderr).toBe('zone-eval triggers: --webhook must be an https URL, not http://');
  const none = await runCli([...base, '--webhook', HOOK]);
  expect(none.stderr).toContain('give one of --secret-file FILE or --secret-id ID');
  const both = await runCli([...base, '--webhook', HOOK, '--secret-file', secretFile, '--secret-id', 'x']);
  expect(both.code).toBe(2);
  const short = join(work, 'short.txt');
  writeFileSync(short, 'abc\n');
  const weak = await runCli([...base, '--webhook', HOOK, '--secret-file', short]);
  expect(weak.stderr).toContain('shorter than 32 characters');
  const typo = await runCli([...base, '--webhok', HOOK]);
  expect(typo.stderr).toBe('zone-eval triggers: unknown option --webhok (did you mean --webhook?)');
});

it('--variant bound writes a script per spreadsheet whose installer, run as the bot, installs its trigger and the Recompute now menu', async () => {
  const out = join(work, 'bound');
  const args = [
    'triggers',
    '--variant',
    'bound',
    '--webhook',
    HOOK,
    '--out',
    out,
    '--secret-file',
    secretFile,
  ];
  const r = await runCli([...args, ...local(fx.dir)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('3 bound scripts, one per zone spreadsheet, with the Recompute now menu');
  expect(r.stdout).toContain('clasp create --type sheets --parentId');
  expect(r.stdout).toContain('3 bound scripts take 1 day');
  const bound = new Map(projectFiles('bound').map((f) => [f.file.name, f.file.source]));
  for (const [zoneId, id] of fx.prov.sheets) {
    const at = join(out, `sheet-${zoneId}`);
    expect(readFileSync(join(at, 'spreadsheet.txt'), 'utf8')).toBe(`${zoneId}\t${id}\n`);
    // The bound variant's code as the repository holds it, without any key.
    for (const f of allFiles(join(at, 'code'))) {
      const name = f.path
        .split('/')
        .pop()!
        .replace(/\.(js|json)$/, '');
      expect(f.text).toBe(bound.get(name));
      expect(f.text).not.toContain(deriveSheetKey(SECRET, id));
    }
    const path = join(at, PARAMS_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const params = JSON.parse(readFileSync(path, 'utf8'));
    expect(params).toEqual([{ webhookUrl: HOOK, spreadsheetId: id, key: deriveSheetKey(SECRET, id) }]);
    // What step 4 runs: the installer with these parameters, as the bot, in the spreadsheet's script.
    const bot = 'zone-eval-bot@example.gov.cn';
    const configure = await runScript(
      'bound',
      { fn: 'zoneEvalConfigure', args: params },
      emptyState({ activeSpreadsheetId: id, activeUser: bot }),
    );
    expect(configure.error).toBeNull();
    expect(configure.state.triggers.map((t) => [t.sourceId, t.handler, t.owner])).toEqual([
      [id, 'zoneEvalOnChange', bot],
    ]);
    const open = await runScript(
      'bound',
      { fn: 'onOpen' },
      { ...configure.state, activeUser: 'official@x.cn' },
    );
    expect(open.record.menus[0]?.items[0]?.caption).toBe('Recompute now / 立即重新计算');
  }
  for (const f of allFiles(out)) expect(f.text).not.toContain(SECRET);
  expect(r.stdout).not.toContain(SECRET);

  const perScript = await runCli([
    ...args.slice(0, -4),
    '--out',
    join(work, 'b2'),
    '--secret-file',
    secretFile,
    '--per-script',
    '2',
    ...local(fx.dir),
  ]);
  expect(perScript.stderr).toBe(
    'zone-eval triggers: --per-script is for standalone scripts: a bound script serves its own spreadsheet only',
  );
  const typo = await runCli([...args.slice(0, 1), '--variant', 'bund', ...args.slice(3), ...local(fx.dir)]);
  expect(typo.stderr).toContain("(did you mean 'bound'?)");
});
