/**
 * Every `zone-eval <subcommand> --option` that README.md and docs/*.md show must be a real subcommand and one of
 * its options, as the CLI defines them, so the docs cannot drift from the code. The options come from the
 * definitions themselves: each subcommand's first act is `parseOptions(argv, OPTIONS)`, which this test
 * intercepts to record `OPTIONS` and stop the command before it does anything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OptionSpecs } from '../../../lib/cli/args';
import { DOCS, type DocCommand, docCommands, ROOT } from '../../helpers/doc-commands';

const recorded: { options: OptionSpecs | null } = { options: null };
class Recorded extends Error {}

jest.mock('../../../lib/cli/args', () => {
  const actual = jest.requireActual('../../../lib/cli/args');
  return {
    ...actual,
    parseOptions: (_argv: string[], options: OptionSpecs) => {
      recorded.options = options;
      throw new Recorded('options recorded');
    },
  };
});

import { commandNames, main } from '../../../lib/cli/main';

/** The options each subcommand defines (with `--help`/`-h`, which parseOptions adds to every command). */
async function cliOptions(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const name of commandNames()) {
    recorded.options = null;
    await expect(main([name])).rejects.toBeInstanceOf(Recorded);
    const options = recorded.options as OptionSpecs | null;
    if (options === null) throw new Error(`zone-eval ${name} did not call parseOptions`);
    const names = new Set(['--help', '-h']);
    for (const [k, spec] of Object.entries(options)) {
      names.add(`--${k}`);
      if (spec.short) names.add(`-${spec.short}`);
    }
    out.set(name, names);
  }
  return out;
}

/** What is wrong with one command a document shows, or null. */
function mistake(c: DocCommand, cli: Map<string, Set<string>>): string | null {
  if (c.command === 'help') return null;
  const options = cli.get(c.command);
  if (!options) return `${c.file}:${c.line}: zone-eval ${c.command} is not a subcommand (${c.text})`;
  const unknown = c.options.filter((o) => !options.has(o));
  return unknown.length
    ? `${c.file}:${c.line}: zone-eval ${c.command} has no option ${unknown.join(', ')} (${c.text})`
    : null;
}

describe('the commands the docs show', () => {
  let cli: Map<string, Set<string>>;
  beforeAll(async () => {
    cli = await cliOptions();
  });

  test('reads every subcommand’s options from its definition', () => {
    expect(cli.get('score')).toEqual(
      new Set([
        '--data',
        '--method',
        '--id-column',
        '--separator',
        '--format',
        '--explain',
        '--uncertainty',
        '--seed',
        '--help',
        '-h',
      ]),
    );
    expect([...cli.keys()]).toEqual(commandNames());
  });

  test('find every subcommand shown at least once', () => {
    const all = DOCS.flatMap((f) => docCommands(readFileSync(join(ROOT, f), 'utf8'), f));
    const shown = new Set(all.map((c) => c.command));
    expect(commandNames().filter((name) => !shown.has(name))).toEqual([]);
  });

  test('every subcommand and option they show exists', () => {
    const all = DOCS.flatMap((f) => docCommands(readFileSync(join(ROOT, f), 'utf8'), f));
    expect(all.map((c) => mistake(c, cli)).filter((m) => m !== null)).toEqual([]);
  });

  test('a misspelt option or an unknown subcommand in a document is found', () => {
    const doc = [
      'Run `zone-eval score --data x.csv --fromat json`, or:',
      '',
      '```sh',
      'npx zone-eval rank --zone hangzhou   # --anything in a comment is not read',
      'zone-eval trace --zone ID',
      '                [--evaluation ID] [--verbose]',
      'npm run demo -- --zones 500 --colour',
      '```',
      '',
      'Messages are not commands: `zone-eval score: unknown option --fromat`; nor is zone-eval --bogus in prose.',
    ].join('\n');
    const found = docCommands(doc, 'sample.md');
    expect(found.map((c) => mistake(c, cli))).toEqual([
      'sample.md:1: zone-eval score has no option --fromat (zone-eval score --data x.csv --fromat json)',
      'sample.md:4: zone-eval rank is not a subcommand (zone-eval rank --zone hangzhou)',
      'sample.md:5: zone-eval trace has no option --verbose (zone-eval trace --zone ID)',
      'sample.md:7: zone-eval demo has no option --colour (npm run demo -- --zones 500 --colour)',
    ]);
  });
});
