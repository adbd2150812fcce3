/**
 * The page's script: browser/main.ts and the views it imports, bundled by esbuild in memory (one IIFE, no source
 * files written). esbuild comes with tsx, which runs the CLI when no bundle can be built, so it is always there.
 */
import { join } from 'node:path';

/** The directory of the browser entry (browser/main.ts), beside this file. */
export const BROWSER_ENTRY = join(__dirname, 'browser', 'main.ts');

/** Builds the page's script; throws esbuild's error (with file and line) when it does not compile. */
export async function buildPageScript(entry = BROWSER_ENTRY): Promise<string> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild wrote no output for ${entry}`);
  return out.text;
}
