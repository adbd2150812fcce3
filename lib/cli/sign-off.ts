/** `zone-eval sign-off --year Y`: keeps the current run as the year's final one, with who (verified) and when. */
import { YEAR_RANGE } from '../core/methodology';
import { signOff } from '../pipeline/governance';
import { intOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { AS_HELP, checkAs, googleIdentity } from './identity';

const HELP = `usage: zone-eval sign-off --year Y [--as EMAIL] [--evaluation ID] [--local --data-dir DIR]

Signs off the evaluation's current run as the year's final one, recording who and when. Who is the Google
account of the credentials the command runs with, as Google reports it (Drive about.get), not a typed name. The
results spreadsheet keeps that run: later runs are stored but never replace it there until a new sign-off.

options:
  --year Y             the year signed off: must be the run's (the methodology's Settings “year”)
${AS_HELP}
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, year: { type: 'string' }, as: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const year = intOption(o.year, 'year', YEAR_RANGE);
  if (year === undefined)
    throw new UsageError('--year is required (zone-eval sign-off --help shows the options)');
  const choice = backendChoice(o);
  return withBackend(choice, async (b) => {
    const who = await googleIdentity(b.google());
    checkAs(who, o.as);
    const e = b.evaluationId;
    const out = await signOff(b.store, e, year, who.email, new Date(), {
      source: who.source,
      permissionId: who.permissionId,
    });
    if (out.status === 'refused') throw new UsageError(out.message);
    const s = out.signOff;
    console.log(
      `evaluation ${e}: run ${s.run} signed off for ${s.year} by ${s.by} at ${s.at}${out.replaced ? ` (replacing the sign-off of run ${out.replaced.run} by ${out.replaced.by})` : ''}`,
    );
    if (out.evaluationRequested !== null)
      console.log(
        `run ${s.run} is not the one in the results spreadsheet: evaluation asked to publish it (request ${out.evaluationRequested}; the reconcile poll delivers it)`,
      );
    return 0;
  });
}
