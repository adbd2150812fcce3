/**
 * `npm run bench [-- --json] [--only NAME]`: runs every suite, prints a table (or one JSON line), and marks
 * each figure against its budget. Budgets are reported, never asserted: a slow machine is a fact, not a failure.
 */
import { choiceOption, parseOptions } from '../cli/args';
import { suites } from './suites';
import type { Figure } from './types';

const HELP = `usage: zone-eval bench [--json] [--only SUITE]

Runs the benchmarks and prints each figure against its budget (budgets are reported, never asserted).

  --json        print one JSON line of figures on stdout (the progress goes to stderr)
  --only SUITE  run one suite, named as in its '# SUITE' heading (engine, uncertainty,
                emulator, sync, cli, evaluate, loop, bundles)
  -h, --help    this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, { json: { type: 'boolean' }, only: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const json = args.values.json === true;
  // Loading a suite runs nothing; the names are known only once loaded.
  const loaded = await Promise.all(suites.map((load) => load()));
  const only = choiceOption(
    args.values.only,
    'only',
    loaded.map((s) => s.name),
  );
  const log = (line: string) => {
    if (!json) console.log(line);
    else process.stderr.write(`${line}\n`);
  };
  const figures: Figure[] = [];
  for (const suite of loaded) {
    if (only && suite.name !== only) continue;
    log(`# ${suite.name}`);
    figures.push(...(await suite.run(log)));
  }
  if (json) {
    const out: Record<string, number | string> = {};
    for (const f of figures) {
      out[f.key] = Number(f.value.toPrecision(6));
      if (f.checksum) out[`${f.key}_checksum`] = f.checksum;
    }
    console.log(JSON.stringify(out));
  } else {
    console.log('');
    console.log(
      `${'figure'.padEnd(34)} ${'value'.padStart(12)} ${'unit'.padEnd(6)} ${'budget'.padStart(8)}  checksum`,
    );
    for (const f of figures) {
      const over = f.budget !== undefined && f.value > f.budget ? '  OVER BUDGET' : '';
      const budget = f.budget === undefined ? '' : String(f.budget);
      console.log(
        `${f.key.padEnd(34)} ${f.value.toPrecision(4).padStart(12)} ${f.unit.padEnd(6)} ${budget.padStart(8)}  ${f.checksum ?? ''}${over}${f.note ? `  ${f.note}` : ''}`,
      );
    }
  }
  return 0;
}
