/**
 * `npm run bench [-- --json] [--only NAME]`: runs every suite, prints a table (or one JSON line), and marks
 * each figure against its budget. Budgets are reported, never asserted: a slow machine is a fact, not a failure.
 */
import { parseArgs, stringFlag } from '../cli/args';
import { suites } from './suites';
import type { Figure } from './types';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['json']));
  const json = args.flags.get('json') === true;
  const only = stringFlag(args, 'only');
  const log = (line: string) => {
    if (!json) console.log(line);
    else process.stderr.write(`${line}\n`);
  };
  const figures: Figure[] = [];
  for (const load of suites) {
    const suite = await load();
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
