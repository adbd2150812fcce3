/** `zone-eval accept-late --zone ID`: a zone's late edit (after the freeze) counts, with who (verified) accepted it. */
import { acceptLate } from '../pipeline/governance';
import { parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { AS_HELP, checkAs, googleIdentity } from './identity';

const HELP = `usage: zone-eval accept-late --zone ID [--as EMAIL] [--evaluation ID] [--local --data-dir DIR]

Accepts the zone's latest edit made after the freeze: its values become the zone's current values (a new
revision recording who accepted it: the Google account of the command's credentials, as Google reports it) and
the evaluation is asked to run again.

options:
  --zone ID            the zone whose late edit to accept
${AS_HELP}
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, zone: { type: 'string' }, as: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const zone = o.zone;
  if (!zone) throw new UsageError('--zone is required (zone-eval accept-late --help shows the options)');
  const choice = backendChoice(o);
  return withBackend(choice, async (b) => {
    const who = await googleIdentity(b.google());
    checkAs(who, o.as);
    const out = await acceptLate(b.store, b.evaluationId, zone, who.email);
    if (out.status === 'nothing-late') throw new UsageError(out.message);
    console.log(
      `zone ${zone}: late revision ${out.late} accepted by ${who.email} as revision ${out.revision}; evaluation ${b.evaluationId} asked to run (request ${out.evaluationRequested})`,
    );
    return 0;
  });
}
