/** `zone-eval sign-off --year Y --evaluation ID --as EMAIL`: keeps the current run as the year's final one. */
import { YEAR_RANGE } from '../core/methodology';
import { signOff } from '../pipeline/governance';
import { intOption, parseOptions } from './args';
import { UsageError } from './errors';
import { openStore, STORE_HELP, STORE_OPTIONS } from './store';

const HELP = `usage: zone-eval sign-off --year Y --evaluation ID --as EMAIL [--table NAME] [--endpoint URL]

Signs off the evaluation's current run as the year's final one, recording who and when. The results
spreadsheet keeps that run: later runs are stored but never replace it there until a new sign-off.

  --year Y             the year signed off: must be the run's (the methodology's Settings “year”)
${STORE_HELP}
  -h, --help           this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { year: { type: 'string' }, ...STORE_OPTIONS });
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const year = intOption(o.year, 'year', YEAR_RANGE);
  if (year === undefined)
    throw new UsageError('--year is required (zone-eval sign-off --help shows the options)');
  const { store, evaluationId, by, close } = openStore(o);
  try {
    const out = await signOff(store, evaluationId, year, by);
    if (out.status === 'refused') throw new UsageError(out.message);
    const s = out.signOff;
    console.log(
      `evaluation ${evaluationId}: run ${s.run} signed off for ${s.year} by ${s.by} at ${s.at}${out.replaced ? ` (replacing the sign-off of run ${out.replaced.run} by ${out.replaced.by})` : ''}`,
    );
    if (out.evaluationRequested !== null)
      console.log(
        `run ${s.run} is not the one in the results spreadsheet: evaluation asked to publish it (request ${out.evaluationRequested}; the reconcile poll delivers it)`,
      );
    return 0;
  } finally {
    close();
  }
}
