/**
 * `zone-eval demo` as a person runs it, at a small scale (3 zones, a 300 ms evaluate delay): under `--quota default`
 * Google's default quota holds to the end and no 429 reaches a person; with `--data-dir` a second run resumes what
 * the first left; and `zone-eval emulator --data-dir` (a process of its own, as the README says to start it) then
 * serves the results spreadsheet the demo printed, read back through Google's client.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { createGoogleClients } from '../../../lib/sheets';
import { type CliRun, runCli } from '../../helpers/cli';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'zone-eval-demo-'));
const ZONES = 3;
const demo = () =>
  runCli([
    'demo',
    '--zones',
    String(ZONES),
    '--quota',
    'default',
    '--evaluate-delay-ms',
    '300',
    '--data-dir',
    dir,
  ]);
let first: CliRun;
let second: CliRun;

beforeAll(async () => {
  first = await demo();
  second = await demo();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resultsIdOf = (r: CliRun) => /results spreadsheet: (\S+)/.exec(r.stdout)?.[1];

test('under --quota default the quota holds to the end of the demo and no 429 reaches a person', () => {
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/quota: Google's default per-user quota .* on throughout/);
  // Printed after the ranking read back and the official's edit: the emulator's quota at that point.
  expect(first.stdout).toMatch(
    /quota in force at the end: 60 reads \+ 60 writes per 60 s; 429 answers to people 0, records failed 0;/,
  );
  expect(first.stdout).toMatch(/edit to published result: [\d.]+ s/);
});

test('a second run over the same --data-dir keeps both years and still replays an edit that is published', () => {
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(new RegExp(`pilot-2024: kept from ${dir} \\(run \\d+ published\\)`));
  expect(second.stdout).toMatch(new RegExp(`pilot-2025: kept from ${dir} \\(run \\d+ published\\)`));
  expect(second.stdout).not.toMatch(/seeding pilot/);
  expect(resultsIdOf(second)).toBe(resultsIdOf(first));
  // The first run's revision is in the form already: the second puts the synthetic value back, a change published.
  expect(second.stdout).toMatch(/ reverts T\d+ /);
  expect(second.stdout).toMatch(/edit to published result: [\d.]+ s/);
});

test('with 3 zones the edit step says Zhengzhou is not among them and which zone it edits instead', () => {
  expect(first.stdout).toMatch(
    /Zhengzhou is not among the 3 zones of this run \(it is zone 6 of the list; --zones 6 or more includes it\): the edit step revises Hangzhou instead\./,
  );
  expect(first.stdout).toMatch(/official@hangzhou\.zone-eval\.test revises T\d+/);
});

describe('zone-eval emulator --data-dir serves what the demo left', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test("the results spreadsheet the demo printed, read through Google's client as the service account", async () => {
    const resultsId = resultsIdOf(second);
    expect(resultsId).toBeDefined();
    child = spawn(
      process.execPath,
      [join(root, 'bin/zone-eval.cjs'), 'emulator', '--port', '0', '--data-dir', dir],
      {
        env: { ...process.env, ZONE_EVAL_CLI_CACHE: join(dir, 'cli-cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /emulator listening on (\S+)/.exec(output);
        if (m) resolve(m[1]!);
      });
      child!.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child!.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
    });
    const google = createGoogleClients({
      credentials: { kind: 'bearer', token: SERVICE_ACCOUNT },
      rootUrl: url.endsWith('/') ? url : `${url}/`,
      calls: { pace: false },
    });
    const res = await google.sheets.spreadsheets.values.get({
      spreadsheetId: resultsId!,
      range: 'Ranking',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    const [head = [], ...rows] = res.data.values ?? [];
    const rank = head.findIndex((h) => String(h).startsWith('Rank 排名'));
    expect(rank).toBeGreaterThanOrEqual(0);
    expect(rows.map((r) => r[rank])).toEqual([1, 2, 3]);
    // The Run tab holds the run the second demo's edit published, the last one.
    const last = Number(/edit to published result: [\d.]+ s \(run #(\d+)\)/.exec(second.stdout)?.[1]);
    const runTab = await google.sheets.spreadsheets.values.get({
      spreadsheetId: resultsId!,
      range: 'Run',
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(runTab.data.values?.find((r) => r[0] === 'Run 运行编号')?.[1]).toBe(last);
  }, 60_000);
});
