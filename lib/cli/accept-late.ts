/**
 * `zone-eval accept-late (--zone ID | --central TAB) --evaluation ID --as EMAIL`: a zone's, or a central tab's,
 * late edit (after the freeze) counts.
 */
import { acceptLate, acceptLateCentral } from '../pipeline/governance';
import { parseOptions } from './args';
import { UsageError } from './errors';
import { openStore, STORE_HELP, STORE_OPTIONS } from './store';

const HELP = `usage: zone-eval accept-late (--zone ID | --central TAB) --evaluation ID --as EMAIL [--table NAME]
                           [--endpoint URL]

Accepts the zone's latest edit made after the freeze: its values become the zone's current values (a new
revision recording who accepted it) and the evaluation is asked to run again. With --central, the same for a
central-data tab: its late values become the tab's values in use, the acceptance recorded on the tab.

  --zone ID            the zone whose late edit to accept
  --central TAB        the central-data tab whose late edit to accept (its name, as the methodology's central:TAB)
${STORE_HELP}
  -h, --help           this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, {
    zone: { type: 'string' },
    central: { type: 'string' },
    ...STORE_OPTIONS,
  });
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  if ((o.zone === undefined) === (o.central === undefined))
    throw new UsageError(
      'give one of --zone ID or --central TAB (zone-eval accept-late --help shows the options)',
    );
  const { store, evaluationId, by, close } = openStore(o);
  try {
    if (o.central !== undefined) {
      const got = await acceptLateCentral(store, evaluationId, o.central, by);
      if (got.status === 'nothing-late') throw new UsageError(got.message);
      console.log(
        `central tab ${got.tab}: late edit read at ${got.lateAt} accepted by ${by}; evaluation ${evaluationId} asked to run (request ${got.evaluationRequested})`,
      );
      return 0;
    }
    const zone = o.zone!;
    const out = await acceptLate(store, evaluationId, zone, by);
    if (out.status === 'nothing-late') throw new UsageError(out.message);
    console.log(
      `zone ${zone}: late revision ${out.late} accepted by ${by} as revision ${out.revision}; evaluation ${evaluationId} asked to run (request ${out.evaluationRequested})`,
    );
    return 0;
  } finally {
    close();
  }
}
