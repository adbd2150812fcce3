/**
 * The `zone-eval` command line: one module per subcommand under lib/cli, loaded on demand so that
 * `zone-eval score` does not pay for the AWS SDK or the emulator.
 */
import { closest } from '../core/suggest';
import { type CommandModule, refuse, runCommand } from './run-command';

type Command = { summary: string; load: () => CommandModule };

// Subcommands load with require(), not import(): under the tsx launcher only the CommonJS hook is registered.

const commands: Record<string, Command> = {
  score: {
    summary: 'score a CSV of indicator values with a methodology JSON',
    load: () => require('./score'),
  },
  demo: {
    summary: 'run the default evaluation on its synthetic data, embedded',
    load: () => require('./demo'),
  },
  workspace: {
    summary: 'the live local workspace: the loop kept running, a web page on localhost (npm start)',
    load: () => require('./workspace'),
  },
  bench: {
    summary: 'run the benchmarks (--json for one line of figures)',
    load: () => require('../bench/run'),
  },
  reliability: {
    summary: 'prove it under faults, bad input, forgery and load (--json for one line of figures)',
    load: () => require('../reliability/run'),
  },
  preview: {
    summary: 'compare a draft methodology with the one in force on a CSV',
    load: () => require('./preview'),
  },
  'sign-off': {
    summary: "keep the current run as the year's final one (the results sheet keeps it)",
    load: () => require('./sign-off'),
  },
  'accept-late': {
    summary: 'let a zone’s edit made after the freeze count',
    load: () => require('./accept-late'),
  },
  emulator: {
    summary: 'serve the Google Sheets/Drive emulator over HTTP',
    load: () => require('./emulator'),
  },
  status: {
    summary:
      'per spreadsheet: last sync, pending edits, refused cells; runs; sign-off, freeze, late edits; DLQs',
    load: () => require('./status'),
  },
  recompute: {
    summary: "read the zones' spreadsheets again and ask for a run",
    load: () => require('./recompute'),
  },
  history: {
    summary: 'every accepted and refused value of a zone, who and when',
    load: () => require('./history'),
  },
  trace: {
    summary: "the run, versions and revisions behind a zone's published result",
    load: () => require('./trace'),
  },
  export: { summary: 'the published results as CSV, Excel (xlsx) or JSON', load: () => require('./export') },
  provision: {
    summary: 'create or repair the control, zone, central data and results spreadsheets',
    load: () => require('./provision'),
  },
  triggers: {
    summary:
      'write the Apps Script triggers (standalone, or bound with a menu) and their keys for the bot account',
    load: () => require('./triggers'),
  },
};

/** The subcommands' names, as `zone-eval <name>` takes them (the docs' test checks every one they mention). */
export function commandNames(): string[] {
  return Object.keys(commands);
}

export function usage(): string {
  const lines = ['usage: zone-eval <command> [options]', '', 'commands:'];
  // As wide as the longest name, so that a new command never pushes its summary out of line.
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(width)}  ${c.summary}`);
  lines.push('', 'zone-eval <command> --help shows the options of one command.');
  return lines.join('\n');
}

/** Runs one CLI invocation and returns the process exit code (0 ok, 1 fault, 2 user mistake). */
export async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest.length) {
    // `zone-eval help score` is `zone-eval score --help`.
    if (rest.length > 1) return refuse('zone-eval help', `unexpected argument '${rest[1]}'`);
    name = rest[0];
    rest = ['--help'];
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    const near = closest(name, Object.keys(commands));
    return refuse(
      'zone-eval',
      `unknown command '${name}'${near ? ` (did you mean ${near}?)` : ''}; zone-eval --help lists the commands`,
    );
  }
  return runCommand(name, command.load, rest);
}
