/**
 * `zone-eval status`: per spreadsheet the last sync, the edits not yet read (`requested - synced`) and the cells
 * refused in the values in use; the evaluation's last run and whether it is published; on AWS the dead-letter
 * queues' depths (a message there is a failure no retry cured).
 */
import { choiceOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { renderTable } from './text';

const HELP = `usage: zone-eval status [--evaluation ID] [--local --data-dir DIR] [--format table|json]

Per spreadsheet: the last sync, pending edits (requested - synced) and refused cells; the last run and whether
it is published; on AWS the dead-letter queues' depths (SYNC_DLQ_URL, EVALUATE_DLQ_URL).

options:
${BACKEND_HELP}
  --format F           table (default) or json
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, format: { type: 'string' } } as const;

/** A refused value is stored with the last accepted value and a note beginning `refused: ` (lib/pipeline/sync). */
export const isRefused = (note: string | undefined): boolean => note?.startsWith('refused:') === true;

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const format = choiceOption(args.values.format, 'format', ['table', 'json']) ?? 'table';
  const choice = backendChoice(args.values);
  return withBackend(choice, async (b) => {
    const e = b.evaluationId;
    const [state, sheets, currents, latest, dlqs] = await Promise.all([
      b.store.getEvaluationState(e),
      b.store.listSheets(e),
      b.store.listCurrent(e),
      b.store.latestRun(e),
      b.dlqs(),
    ]);
    const refusedByZone = new Map(
      currents.map((c) => [
        c.zoneId,
        Object.entries(c.values)
          .filter(([, v]) => isRefused(v.note))
          .map(([code]) => code),
      ]),
    );
    // A sheet without a zone is the control, a central-data or the results spreadsheet: the index says which.
    const kinds = new Map(
      await Promise.all(
        sheets
          .filter((s) => s.zoneId === null)
          .map(
            async (s) =>
              [
                s.spreadsheetId,
                (await b.store.findSpreadsheet(s.spreadsheetId))?.kind ?? 'unindexed',
              ] as const,
          ),
      ),
    );
    const rows = sheets.map((s) => ({
      kind: s.zoneId === null ? (kinds.get(s.spreadsheetId) ?? 'unindexed') : 'zone',
      spreadsheetId: s.spreadsheetId,
      zoneId: s.zoneId,
      lastSync: s.syncedAt,
      requested: s.requested,
      synced: s.synced,
      pending: Math.max(0, s.requested - s.synced),
      refused: s.zoneId === null ? [] : (refusedByZone.get(s.zoneId) ?? []),
    }));
    const lastRun =
      latest === null
        ? null
        : {
            seq: latest.seq,
            createdAt: latest.createdAt,
            methodologyVersion: latest.methodologyVersion,
            engineVersion: latest.engineVersion,
            published: state?.publishedRun === latest.seq,
          };
    const evaluation = {
      evaluationId: e,
      methodologyVersion: state?.methodologyVersion ?? null,
      requested: state?.requested ?? 0,
      scored: state?.scored ?? 0,
      publishedRun: state?.publishedRun ?? null,
    };
    if (format === 'json') {
      console.log(
        JSON.stringify({ evaluation, lastRun, sheets: rows, dlqs: b.kind === 'aws' ? dlqs : null }),
      );
      return 0;
    }
    console.log(
      `evaluation ${e}: methodology ${evaluation.methodologyVersion ?? 'none in force'}, ` +
        `runs requested ${evaluation.requested}, scored ${evaluation.scored} (pending ${Math.max(0, evaluation.requested - evaluation.scored)})`,
    );
    console.log(
      lastRun === null
        ? 'last run: none yet'
        : `last run: ${lastRun.seq} at ${lastRun.createdAt} (methodology ${lastRun.methodologyVersion}, ${lastRun.engineVersion}), ${lastRun.published ? 'published' : `not published${evaluation.publishedRun === null ? '' : ` (the results show run ${evaluation.publishedRun})`}`}`,
    );
    console.log('');
    console.log(
      renderTable(
        ['spreadsheet', 'zone', 'last sync', 'pending', 'refused'],
        rows.map((r) => [
          r.spreadsheetId,
          r.zoneId ?? `(${r.kind})`,
          r.lastSync ?? 'never',
          String(r.pending),
          r.refused.length ? `${r.refused.length}: ${r.refused.join(' ')}` : '0',
        ]),
        (k) => k === 3,
      ),
    );
    const pending = rows.filter((r) => r.pending > 0).length;
    const refused = rows.reduce((n, r) => n + r.refused.length, 0);
    console.log(`\n${rows.length} spreadsheets, ${pending} with pending edits, ${refused} refused cells`);
    if (b.kind === 'aws')
      console.log(
        dlqs.length === 0
          ? 'dead-letter queues: none configured (set SYNC_DLQ_URL and EVALUATE_DLQ_URL)'
          : `dead-letter queues: ${dlqs.map((d) => `${d.queue} ${d.messages}`).join(', ')}`,
      );
    return 0;
  });
}
