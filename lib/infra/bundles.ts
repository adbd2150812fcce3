/**
 * The Lambda bundles as `cdk synth` writes them (what ships), for the bundle test and the benchmark: synthesise the
 * app with bundling on, find each function's asset directory from the template, measure its size, the time a fresh
 * Node process takes to load it, and what takes the space (esbuild's metafile, the same build written nowhere).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import cdkJson from '../../cdk.json';
import { buildStages } from './app';
import { FUNCTION_KEYS, type FunctionKey } from './contract';
import { BUNDLING, entryOf, LAMBDA_ALIASES, NODE_TARGET, PROJECT_ROOT } from './function';

/** Budgets of issue 10: the webhook needs no Google client. */
export const BUNDLE_BUDGET_KB: Record<FunctionKey, number> = {
  webhook: 400,
  sync: 1200,
  evaluate: 1200,
  reconcile: 1200,
};
export const LOAD_BUDGET_MS = 250;

export type SynthesisedBundles = {
  outdir: string;
  stage: string;
  /** Each function's bundle (`index.js` in its asset directory) and its environment as in the template. */
  bundles: Record<FunctionKey, { path: string; environment: Record<string, unknown> }>;
};

type TemplateResource = { Type: string; Properties: Record<string, unknown> };

/** Synthesises the app with bundling on (esbuild, a few seconds a function) into a fresh directory. */
export function synthBundles(context: Record<string, unknown> = {}): SynthesisedBundles {
  const outdir = mkdtempSync(join(tmpdir(), 'zone-eval-bundles-'));
  const app = new App({ outdir, context: { ...cdkJson.context, ...context } });
  const { stage, service } = buildStages(app);
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${service.artifactId}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  const found: Partial<SynthesisedBundles['bundles']> = {};
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const fn = FUNCTION_KEYS.find((f) => r.Properties.FunctionName === `zone-eval-${stage}-${f}`);
    if (fn === undefined) continue;
    const key = (r.Properties.Code as { S3Key: string }).S3Key;
    const hash = key.replace(/\.zip$/, '');
    found[fn] = {
      path: join(outdir, `asset.${hash}`, 'index.js'),
      environment: (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    };
  }
  for (const fn of FUNCTION_KEYS)
    if (!found[fn]) throw new Error(`no bundle for the ${fn} function in ${outdir}`);
  return { outdir, stage, bundles: found as SynthesisedBundles['bundles'] };
}

/** A bundle's size in KB (1024 bytes). */
export const bundleKb = (path: string) => statSync(path).size / 1024;

/** How long a fresh Node process took to `require` a bundle: wall-clock and CPU milliseconds. */
export type LoadTime = { wallMs: number; cpuMs: number };

/**
 * The time a fresh Node process takes to `require` the bundle (module load only, as a cold start's init phase
 * does before the first event), the median of `runs`. Wall-clock time is what a cold start waits; the CPU time
 * (user + system) is the steadier figure on a shared machine, where waiting for a core inflates the wall clock.
 * One load before the measured ones is left out (a warm-up: the first process to read a bundle just written also
 * reads it from the file system).
 */
export function loadTime(path: string, runs = 3, env: NodeJS.ProcessEnv = {}): LoadTime {
  const script = `const c=process.cpuUsage();const t=process.hrtime.bigint();const m=require(${JSON.stringify(path)});const ms=Number(process.hrtime.bigint()-t)/1e6;const u=process.cpuUsage(c);if(typeof m.handler!=='function')throw new Error('no handler export');process.stdout.write(JSON.stringify([ms,(u.user+u.system)/1000]));`;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = -1; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    if (r.status !== 0) throw new Error(`the bundle ${path} does not load: ${r.stderr.slice(0, 2000)}`);
    const [w, c] = JSON.parse(r.stdout) as [number, number];
    if (i < 0) continue;
    wall.push(w);
    cpu.push(c);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

/** The files a shipped bundle was made from, from the source map beside it (repository-relative paths). */
export function bundleSources(path: string): string[] {
  const map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[] };
  const dir = dirname(path);
  return map.sources.map((s) => relative(PROJECT_ROOT, resolve(dir, s)));
}

/**
 * esbuild's metafile for a function's bundle, built with the stack's options (lib/infra/function.ts `BUNDLING`,
 * `LAMBDA_ALIASES`) and written nowhere. Its output's `inputs` say how many bytes of the bundle each file makes.
 */
export async function bundleMetafile(fn: FunctionKey): Promise<Metafile> {
  const result = await build({
    entryPoints: [entryOf(fn)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    minify: BUNDLING.minify ?? false,
    mainFields: BUNDLING.mainFields ?? ['main'],
    alias: LAMBDA_ALIASES,
    metafile: true,
    write: false,
    outfile: join(tmpdir(), `zone-eval-${fn}.js`),
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** One part of a bundle: a package (`zod`, `@smithy/core`), a project folder (`lib/store`), or a file. */
export type BundlePart = { what: string; bytes: number };

/** Which part a bundle input belongs to: its package, or its project folder (`lib/store`, `functions/shared`). */
export function partOf(file: string, by: 'package' | 'file' = 'package'): string {
  const rel = relative(PROJECT_ROOT, resolve(PROJECT_ROOT, file));
  const pkg = rel.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (by === 'file') return pkg ? `${pkg}/${rel.split(`node_modules/${pkg}/`).pop()}` : rel;
  return pkg ?? rel.match(/^((?:lib|functions)\/[^/]+)\//)?.[1] ?? rel;
}

/**
 * What takes the space in a function's bundle, largest first: bytes of the minified output per package (or
 * project folder), or per file with `by: 'file'`. From esbuild's metafile, so the parts add up to the bundle.
 * Example: `(await bundleBreakdown('webhook')).slice(0, 5)`.
 */
export async function bundleBreakdown(
  fn: FunctionKey,
  by: 'package' | 'file' = 'package',
): Promise<{ total: number; parts: BundlePart[] }> {
  const meta = await bundleMetafile(fn);
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`esbuild gave no output for the ${fn} function`);
  const sums = new Map<string, number>();
  for (const [file, input] of Object.entries(output.inputs))
    sums.set(partOf(file, by), (sums.get(partOf(file, by)) ?? 0) + input.bytesInOutput);
  const parts = [...sums.entries()]
    .map(([what, bytes]) => ({ what, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.what.localeCompare(b.what));
  return { total: output.bytes, parts };
}

/** Parts as one line: `zod 97 KB, @smithy/core 113 KB, ...`. */
export const describeParts = (parts: readonly BundlePart[]) =>
  parts.map((p) => `${p.what} ${Math.round(p.bytes / 1024)} KB`).join(', ');
