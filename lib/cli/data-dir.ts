/**
 * The local stack's directory, `--data-dir DIR`: the emulator's state file and dynalite's `dynamo/`, as `demo`
 * leaves it and `emulator`, `workspace` and the admin commands with `--local` read it. One check for all of them,
 * made before anything starts on it: a file in its place, or a state file that is not the emulator's, would
 * otherwise end in a stack trace from deep inside the store (`mkdirSync`'s EEXIST, `JSON.parse`'s SyntaxError).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_FILE } from '../local/emulator/state-file';
import { errnoCode, UsageError } from './errors';

/** Refuses, as one line naming the path and the remedy, a data directory no command can start on. */
export function checkDataDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new UsageError(
      `--data-dir ${dir} is a file, not a directory: name a directory (it is created if missing)`,
    );
  const state = join(dir, STATE_FILE);
  if (!existsSync(state)) return;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(state, 'utf8'));
  } catch (err) {
    const why = errnoCode(err) || (err instanceof Error ? err.message : String(err));
    throw new UsageError(
      `--data-dir ${dir}: the state file ${state} cannot be read (${why}): move it away to start empty`,
    );
  }
  const ok =
    typeof doc === 'object' &&
    doc !== null &&
    'format' in doc &&
    typeof doc.format === 'number' &&
    'files' in doc &&
    Array.isArray(doc.files);
  if (!ok)
    throw new UsageError(
      `--data-dir ${dir}: ${state} is not an emulator state file (it needs "format" and "files"): move it away to start empty`,
    );
}
