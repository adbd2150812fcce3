#!/usr/bin/env node
/*
 * Launcher of the `zone-eval` CLI. Compiling the TypeScript at every start (tsx) cost most of a run, so the CLI
 * runs from one JavaScript bundle that esbuild builds on demand into a git-ignored cache (.zone-eval/cli/),
 * and rebuilds when a source file changed (their sizes and times are kept beside the bundle, and checked at
 * every start: about a hundred stat calls). `npx zone-eval` therefore works right after `npm ci`, with no build
 * step; where esbuild is not installed (an install without dev dependencies) or the cache cannot be written,
 * the CLI runs through tsx as before. ZONE_EVAL_CLI_CACHE names another cache directory (tests use it).
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

// The AWS SDK warns on every run under Node.js 20 that its releases after January 2027 will need Node.js 22. The
// version the project pins supports Node.js 20 (package.json `engines`), and the Lambdas run on the newest LTS
// runtime, so the notice concerns only a future upgrade of the pin (README, Quick start): the CLI leaves it out
// unless the person set the SDK's own switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.join(__dirname, '..');
const dir = process.env.ZONE_EVAL_CLI_CACHE || path.join(root, '.zone-eval', 'cli');
const manifest = path.join(dir, 'inputs.json');
// Two bundles: the whole CLI, and `score` alone (bin/zone-eval-score.ts). The whole one is 1.4 MB, and reading
// and loading it was most of a `score` run beyond Node.js's own start; `score`'s own is a fifth of that.
const BUNDLES = ['zone-eval', 'zone-eval-score'];
const name = process.argv[2] === 'score' ? 'zone-eval-score' : 'zone-eval';
const bundle = path.join(dir, `${name}.js`);
const codeCache = path.join(dir, `${name}.v8cache`);

/** Whether the bundle was built from the sources as they are now. */
function fresh() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(manifest, 'utf8')).inputs;
    if (!BUNDLES.every((b) => fs.existsSync(path.join(dir, `${b}.js`)))) return false;
  } catch {
    return false;
  }
  for (const [file, size, mtime] of inputs) {
    const s = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!s || s.size !== size || s.mtimeMs !== mtime) return false;
  }
  return true;
}

/** The packages left out of the bundle: every dependency but zod. */
function external() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => name !== 'zod');
}

/** Builds the bundle; returns false when it cannot (no esbuild, a read-only tree), so that tsx takes over. */
async function build() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return false;
  }
  const started = Date.now();
  const tmp = path.join(dir, `build.${process.pid}.tmp`);
  // Modules find the project's files (data/, fixtures) from their own __dirname, which in a bundle would be the
  // cache's: each source's __dirname becomes its own directory, relative to wherever the bundle lies.
  const toRoot = JSON.stringify(path.relative(dir, root));
  const dirnamePlugin = {
    name: 'source-dirname',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = fs.readFileSync(args.path, 'utf8');
        if (!text.includes('__dirname')) return undefined;
        const rel = JSON.stringify(path.relative(root, path.dirname(args.path)));
        return { contents: text.replace(/\b__dirname\b/g, `__zoneEvalDir(${rel})`), loader: 'ts' };
      });
    },
  };
  let result;
  try {
    fs.mkdirSync(dir, { recursive: true });
    result = await esbuild.build({
      entryPoints: BUNDLES.map((b) => path.join(__dirname, `${b}.ts`)),
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // zod is in the bundle (loading its ~60 modules one by one was a third of a run); every other package
      // loads from node_modules when a command needs it (the AWS SDK only for the commands that use it).
      external: external(),
      outdir: tmp,
      metafile: true,
      logLevel: 'silent',
      plugins: [dirnamePlugin],
      banner: {
        js: `const __zoneEvalDir = (rel) => require('node:path').join(__dirname, ${toRoot}, rel);`,
      },
    });
  } catch {
    try {
      fs.rmSync(tmp, { force: true, recursive: true });
    } catch {}
    return false;
  }
  const inputs = [];
  let settled = true;
  // The project's sources, and what stands for the packages bundled from node_modules (the lock file moves
  // when they change; checking their hundred files at every start would cost more than it saves). The
  // launcher itself is an input: it holds the build's options.
  const own = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  for (const file of [...own, 'tsconfig.json', 'package.json', 'package-lock.json', 'bin/zone-eval.cjs']) {
    const s = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!s) continue;
    // A file edited while the build ran may not be in the bundle: leave the manifest out, rebuild next time.
    if (s.mtimeMs >= started - 2) settled = false;
    inputs.push([file, s.size, s.mtimeMs]);
  }
  try {
    // Bundles first, then their manifest: a concurrent start sees either the old set or new bundles.
    for (const b of BUNDLES) {
      fs.renameSync(path.join(tmp, `${b}.js`), path.join(dir, `${b}.js`));
      fs.rmSync(path.join(dir, `${b}.v8cache`), { force: true });
    }
    fs.rmSync(tmp, { force: true, recursive: true });
    if (settled) {
      const mtmp = `${manifest}.${process.pid}.tmp`;
      fs.writeFileSync(mtmp, JSON.stringify({ inputs }));
      fs.renameSync(mtmp, manifest);
    }
  } catch {
    return false;
  }
  return true;
}

function viaTsx() {
  require('tsx/cjs/api').register();
  require('./zone-eval.ts');
}

/**
 * Runs the bundle as a CommonJS module, with V8's code cache: compiling the bundle's functions was a large part
 * of what remained of a start. The cache is written after the first run from a new bundle (so that it holds
 * the functions that run used) and is ignored by V8 when it does not match (another Node.js version).
 * Packages resolve from the project, wherever the cache directory is.
 */
function runBundle() {
  const source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(codeCache);
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected)
    process.once('exit', () => {
      try {
        const tmp = `${codeCache}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, codeCache);
      } catch {}
    });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(__filename), mod, bundle, dir);
}

if (fresh()) runBundle();
else build().then((built) => (built ? runBundle() : viaTsx()));
