/**
 * `zone-eval score` alone, for the launcher (bin/zone-eval.cjs): the command people run most and wait on, from a
 * bundle of what it needs (a quarter of the whole CLI's), so that starting it costs less.
 */
import { runCommand, runProcess } from '../lib/cli/run-command';
import * as score from '../lib/cli/score';

runProcess(() => runCommand('score', () => score, process.argv.slice(3)));
