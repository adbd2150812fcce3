/** `zone-eval accept-late --zone ID --evaluation ID --as EMAIL`: a zone's late edit (after the freeze) counts. */
import { acceptLate } from '../pipeline/governance';
import { parseOptions } from './args';
import { UsageError } from './errors';
import { openStore, STORE_HELP, STORE_OPTIONS } from './store';

const HELP = `usage: zone-eval accept-late --zone ID --evaluation ID --as EMAIL [--table NAME] [--endpoint URL]

Accepts the zone's latest edit made after the freeze: its values become the zone's current values (a new
revision recording who accepted it) and the evaluation is asked to run again.

  --zone ID            the zone whose late edit to accept
${STORE_HELP}
  -h, --help           this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, { zone: { type: 'string' }, ...STORE_OPTIONS });
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  if (!o.zone) throw new UsageError('--zone is required (zone-eval accept-late --help shows the options)');
  const { store, evaluationId, by, close } = openStore(o);
  try {
    const out = await acceptLate(store, evaluationId, o.zone, by);
    if (out.status === 'nothing-late') throw new UsageError(out.message);
    console.log(
      `zone ${o.zone}: late revision ${out.late} accepted by ${by} as revision ${out.revision}; evaluation ${evaluationId} asked to run (request ${out.evaluationRequested})`,
    );
    return 0;
  } finally {
    close();
  }
}
