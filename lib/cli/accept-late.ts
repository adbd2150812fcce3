/**
 * `zone-eval accept-late (--zone ID | --central TAB)`: a zone's, or a central tab's, late edit (after the freeze)
 * counts, with who (verified) accepted it.
 */
import { acceptLate, acceptLateCentral } from '../pipeline/governance';
import { parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { AS_HELP, checkAs, googleIdentity } from './identity';

const HELP = `usage: zone-eval accept-late (--zone ID | --central TAB) [--as EMAIL] [--evaluation ID]
                            [--local --data-dir DIR]

Accepts the zone's latest edit made after the freeze: its values become the zone's current values (a new
revision recording who accepted it: the Google account of the command's credentials, as Google reports it) and
the evaluation is asked to run again. With --central, the same for a central-data tab: its late values become
the tab's values in use, the acceptance recorded on the tab.

options:
  --zone ID            the zone whose late edit to accept
  --central TAB        the central-data tab whose late edit to accept (its name, as the methodology's central:TAB)
${AS_HELP}
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
  zone: { type: 'string' },
  central: { type: 'string' },
  as: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const { zone, central } = o;
  if ((zone === undefined) === (central === undefined))
    throw new UsageError(
      'give one of --zone ID or --central TAB (zone-eval accept-late --help shows the options)',
    );
  const choice = backendChoice(o);
  return withBackend(choice, async (b) => {
    const who = await googleIdentity(b.google());
    checkAs(who, o.as);
    if (central !== undefined) {
      const got = await acceptLateCentral(b.store, b.evaluationId, central, who.email);
      if (got.status === 'nothing-late') throw new UsageError(got.message);
      console.log(
        `central tab ${got.tab}: late edit read at ${got.lateAt} accepted by ${who.email}; evaluation ${b.evaluationId} asked to run (request ${got.evaluationRequested})`,
      );
      return 0;
    }
    const out = await acceptLate(b.store, b.evaluationId, zone!, who.email);
    if (out.status === 'nothing-late') throw new UsageError(out.message);
    console.log(
      `zone ${zone}: late revision ${out.late} accepted by ${who.email} as revision ${out.revision}; evaluation ${b.evaluationId} asked to run (request ${out.evaluationRequested})`,
    );
    return 0;
  });
}
