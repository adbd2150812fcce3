/**
 * The Lambda bundles as `cdk synth` writes them (what ships), for the bundle test and the benchmark: synthesise the
 * app with bundling on, find each function's asset directory from the template, measure its size, the time a fresh
 * Node process takes to load it, and, when it is over budget, what takes the space (esbuild's metafile).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import cdkJson from '../../cdk.json';
import { buildStages } from './app';
import { FUNCTION_KEYS, type FunctionKey } from './contract';
import { entryOf, NODE_TARGET, PROJECT_ROOT } from './function';

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

/**
 * Milliseconds a fresh Node process takes to `require` the bundle (module load only, as a cold start's init phase
 * does before the first event), the median of `runs`.
 */
export function loadMs(path: string, runs = 3, env: NodeJS.ProcessEnv = {}): number {
  const script = `const t=process.hrtime.bigint();const m=require(${JSON.stringify(path)});const ms=Number(process.hrtime.bigint()-t)/1e6;if(typeof m.handler!=='function')throw new Error('no handler export');process.stdout.write(String(ms));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    if (r.status !== 0) throw new Error(`the bundle ${path} does not load: ${r.stderr.slice(0, 2000)}`);
    times.push(Number(r.stdout));
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? Number.NaN;
}

/** The packages (or project folders) taking the most space in a function's bundle, largest first, in KB. */
export async function bundleBreakdown(fn: FunctionKey, top = 6): Promise<{ what: string; kb: number }[]> {
  // The same options as the stack's bundling (lib/infra/function.ts BUNDLING), with a metafile and no output.
  const result = await build({
    entryPoints: [entryOf(fn)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    minify: true,
    mainFields: ['module', 'main'],
    metafile: true,
    write: false,
    outfile: join(tmpdir(), `zone-eval-${fn}.js`),
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const by = new Map<string, number>();
  for (const [file, input] of Object.entries(output?.inputs ?? {})) {
    const rel = relative(PROJECT_ROOT, join(PROJECT_ROOT, file));
    const what =
      rel.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ??
      rel.match(/^((?:lib|functions)\/[^/]+)/)?.[1] ??
      rel;
    by.set(what, (by.get(what) ?? 0) + input.bytesInOutput);
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, bytes]) => ({ what, kb: Math.round(bytes / 1024) }));
}
