/**
 * The launcher, as `npx zone-eval` runs it: a whole process, from a bundle it builds into its cache when the
 * sources changed and reuses otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const cache = mkdtempSync(join(tmpdir(), 'zone-eval-launcher-'));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [join(root, 'bin/zone-eval.cjs'), ...args], {
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, ZONE_EVAL_CLI_CACHE: cache },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const bundle = join(cache, 'zone-eval.js');
const manifest = join(cache, 'inputs.json');

describe('bin/zone-eval.cjs', () => {
  test('builds the bundle on first use and runs the command from it', () => {
    const r = run(['demo', '--top', '2']);
    expect(r.code).toBe(0);
    // The demo reads data/ from its module's directory: the bundle must keep each source's own __dirname.
    expect(r.stdout).toMatch(/^zone-eval demo: /);
    const inputs = (JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: [string, number, number][] })
      .inputs;
    expect(inputs.map((i) => i[0])).toEqual(
      expect.arrayContaining(['bin/zone-eval.ts', 'lib/cli/main.ts', 'package-lock.json']),
    );
    // V8's code cache, written after the first run from this bundle.
    expect(existsSync(join(cache, 'zone-eval.v8cache'))).toBe(true);
  });

  test('reuses the bundle while the sources are unchanged, and rebuilds when one changed', () => {
    run(['--help']);
    const built = statSync(bundle).mtimeMs;
    expect(run(['--help']).code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(built);
    // As if lib/cli/main.ts had been edited since the build: its recorded size no longer matches.
    const doc = JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: [string, number, number][] };
    const entry = doc.inputs.find((i) => i[0] === 'lib/cli/main.ts')!;
    entry[1] += 1;
    writeFileSync(manifest, JSON.stringify(doc));
    expect(run(['--help']).code).toBe(0);
    expect(statSync(bundle).mtimeMs).not.toBe(built);
    expect(existsSync(join(cache, 'zone-eval.v8cache'))).toBe(true);
    expect(readFileSync(manifest, 'utf8')).not.toBe(JSON.stringify(doc));
  });

  test('packages resolve from the project even when the cache lies elsewhere', () => {
    // bench loads the AWS SDK and the emulator from node_modules: resolving them from a temporary cache would fail.
    expect(run(['bench', '--only', 'nothing']).stderr).toMatch(/option --only must be 'engine'/);
  });

  test('score runs from a bundle of its own, a fraction of the whole CLI, with the same answers', () => {
    const asem = join(root, 'test/fixtures/asem');
    const args = ['--data', join(asem, 'ASEM_iData.csv'), '--method', join(asem, 'asem-methodology.json')];
    const r = run(['score', ...args, '--id-column', 'uCode', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(existsSync(join(cache, 'zone-eval-score.v8cache'))).toBe(true);
    const own = statSync(join(cache, 'zone-eval-score.js')).size;
    expect(own * 3).toBeLessThan(statSync(bundle).size);
    // The same first unit and score as through the whole CLI's `help score` path would give: the ASEM build.
    const doc = JSON.parse(r.stdout) as { units: Array<{ id: string; score: number }> };
    expect(doc.units[0]).toMatchObject({ id: 'CHE' });
    expect(doc.units[0]!.score).toBeCloseTo(68.38, 2);
    expect(run(['help', 'score']).stdout).toMatch(/^usage: zone-eval score/);
  });

  test('a mistake prints one line and exits 2, without a stack trace', () => {
    const r = run(['score', '--fromat', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('zone-eval score: unknown option --fromat (did you mean --format?)\n');
  });
});
