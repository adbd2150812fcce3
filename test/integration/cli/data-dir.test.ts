/**
 * A `--data-dir` no command can start on (a file; a directory whose emulator state file is corrupt or another
 * program's) is refused as one line naming the path and the remedy, exit code 2, by every command that takes it:
 * demo, emulator, workspace and the admin commands with --local. Run in-process; each is refused as its options
 * are read, before any emulator, table or server starts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'zone-eval-data-dir-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const stateDir = (name: string, content: string) => {
  const d = join(dir, name);
  mkdirSync(d);
  writeFileSync(join(d, 'emulator-state.json'), content);
  return d;
};
const notJson = stateDir('not-json', '{"format": 1, "files": [');
const otherShape = stateDir('other-shape', '{"rows": []}');

/** Each command that takes --data-dir, as a person would type it. */
const commands: [string, (d: string) => string[]][] = [
  ['demo', (d) => ['demo', '--data-dir', d]],
  ['emulator', (d) => ['emulator', '--port', '0', '--data-dir', d]],
  ['workspace', (d) => ['workspace', '--port', '0', '--data-dir', d]],
  ['status', (d) => ['status', '--local', '--data-dir', d, '--evaluation', 'e']],
  ['recompute', (d) => ['recompute', '--local', '--data-dir', d, '--evaluation', 'e']],
  ['history', (d) => ['history', '--local', '--data-dir', d, '--evaluation', 'e', '--zone', 'z']],
  ['trace', (d) => ['trace', '--local', '--data-dir', d, '--evaluation', 'e', '--zone', 'z']],
  [
    'export',
    (d) => ['export', '--local', '--data-dir', d, '--evaluation', 'e', '--year', '2025', '--format', 'csv'],
  ],
  ['provision', (d) => ['provision', '--local', '--data-dir', d, '--evaluation', 'e']],
  [
    'triggers',
    (d) => ['triggers', '--local', '--data-dir', d, '--evaluation', 'e', '--out', join(dir, 'out')],
  ],
];

async function refusal(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr.split('\n')).toHaveLength(1);
  return r.stderr;
}

describe.each(commands)('%s', (name, argv) => {
  test('a --data-dir that is a file', async () => {
    expect(await refusal(argv(aFile))).toBe(
      `zone-eval ${name}: --data-dir ${aFile} is a file, not a directory: name a directory (it is created if missing)`,
    );
  });

  test('a state file that is not JSON', async () => {
    expect(await refusal(argv(notJson))).toMatch(
      new RegExp(
        `^zone-eval ${name}: --data-dir ${notJson}: the state file ${join(notJson, 'emulator-state.json')} cannot be read \\(.*JSON.*\\): move it away to start empty$`,
      ),
    );
  });

  test("a state file that is another program's JSON", async () => {
    expect(await refusal(argv(otherShape))).toBe(
      `zone-eval ${name}: --data-dir ${otherShape}: ${join(otherShape, 'emulator-state.json')} is not an emulator state file (it needs "format" and "files"): move it away to start empty`,
    );
  });
});
