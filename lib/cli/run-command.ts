/**
 * Running one subcommand: a user's mistake (`UsageError`) becomes one line on stderr and exit code 2. Kept apart
 * from `main.ts`, which names every subcommand, so that the launcher's bundle of a single command
 * (`bin/zone-eval-score.ts`) holds that command alone.
 */
import { UsageError } from './errors';

export type CommandModule = { run: (args: string[]) => Promise<number> };

/** Runs subcommand `name` with its arguments; returns the exit code (0 ok, 2 user mistake); a fault throws. */
export async function runCommand(name: string, load: () => CommandModule, rest: string[]): Promise<number> {
  try {
    return await load().run(rest);
  } catch (err) {
    if (err instanceof UsageError) return refuse(`zone-eval ${name}`, err.message);
    throw err;
  }
}

/** A user's mistake: its message on stderr (one line, or one per problem of a file), exit code 2. */
export function refuse(who: string, message: string): number {
  console.error(`${who}: ${message}`);
  return 2;
}

/** The process around a command: its exit code, a fault's stack on stderr (exit 1), a closed stdout no failure. */
export function runProcess(run: () => Promise<number>): void {
  // `zone-eval demo | head` closes stdout early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}
