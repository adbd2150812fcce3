/**
 * `zone-eval status`: per spreadsheet the last sync, the edits not yet read (`requested - synced`) and the cells
 * refused in the values in use; the evaluation's last run and whether it is published; the governance an admin
 * acts on (the sign-off: who, when, which run; the freeze; late edits waiting for accept-late; a methodology
 * draft waiting to be put live); on AWS the dead-letter queues' depths (a message there is a failure no retry
 * cured).
 */
import type { Governance } from '../pipeline/governance';
import type { Revision } from '../pipeline/ports';
import { choiceOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { renderTable } from './text';

const HELP = `usage: zone-eval status [--evaluation ID] [--local --data-dir DIR] [--format table|json]

Per spreadsheet: the last sync, pending edits (requested - synced) and refused cells; the last run and whether
it is published; the sign-off (who, when, which run), the freeze, late edits waiting for accept-late and a
methodology draft waiting; on AWS the dead-letter queues' depths (SYNC_DLQ_URL, EVALUATE_DLQ_URL).

options:
${BACKEND_HELP}
  --format F           table (default) or json
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, format: { type: 'string' } } as const;

/** A refused value is stored with the last accepted value and a note beginning `refused: ` (lib/pipeline/sync). */
export const isRefused = (note: string | undefined): boolean => note?.startsWith('refused:') === true;

/** A zone whose latest revision was read after the freeze and waits for `accept-late`. */
export type LateWaiting = { zoneId: string; revision: number; at: string; editor: string | null };

/**
 * The zones with a late edit waiting: those whose latest revision is marked late (sync.ts keeps a late change as
 * the latest revision until it is accepted or withdrawn). Read only when a freeze is set, one query per zone.
 */
export async function lateWaiting(
  store: { listRevisions(evaluationId: string, zoneId: string): Promise<Revision[]> },
  evaluationId: string,
  governance: Pick<Governance, 'freeze'>,
  zoneIds: readonly string[],
): Promise<LateWaiting[]> {
  if (governance.freeze === null) return [];
  const out: LateWaiting[] = [];
  // A few queries at a time: 105 zones in about a second, without a burst on the table.
  for (let k = 0; k < zoneIds.length; k += 8) {
    const latest = await Promise.all(
      zoneIds.slice(k, k + 8).map(async (z) => (await store.listRevisions(evaluationId, z)).at(-1)),
    );
    for (const r of latest)
      if (r?.late === true) out.push({ zoneId: r.zoneId, revision: r.seq, at: r.at, editor: r.editor });
  }
  return out;
}

/** The governance lines of the table output. */
export function governanceLines(
  g: Governance,
  late: readonly LateWaiting[],
  lastRun: number | null,
  now: Date = new Date(),
): string[] {
  const s = g.signOff;
  const lines = [
    s === null
      ? 'sign-off: none (zone-eval sign-off --year Y keeps a run as the final one)'
      : `sign-off: run ${s.run} for ${s.year} by ${s.by} at ${s.at}${lastRun !== null && lastRun !== s.run ? `; run ${lastRun} is later and is not published until a new sign-off` : ''}`,
    g.freeze === null
      ? 'freeze: none set'
      : `freeze: ${g.freeze} (${Date.parse(g.freeze) < now.getTime() ? 'passed: edits are kept as late' : 'not yet'})`,
    late.length === 0
      ? `late edits waiting: ${g.freeze === null ? 'none (no freeze)' : 'none'}`
      : `late edits waiting: ${late.length} (zone-eval accept-late --zone ID): ${late.map((l) => `${l.zoneId} rev ${l.revision} at ${l.at}${l.editor ? ` by ${l.editor}` : ''}`).join('; ')}`,
    g.draft === null
      ? 'methodology draft: none waiting'
      : `methodology draft waiting: ${g.draft.version}${g.draft.editor ? ` by ${g.draft.editor}` : ''} at ${g.draft.at} (the control sheet's Preview tab; Settings live puts it in force)`,
  ];
  return lines;
}

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
    const [state, sheets, currents, latest, dlqs, governance] = await Promise.all([
      b.store.getEvaluationState(e),
      b.store.listSheets(e),
      b.store.listCurrent(e),
      b.store.latestRun(e),
      b.dlqs(),
      b.store.getGovernance(e),
    ]);
    const late = await lateWaiting(
      b.store,
      e,
      governance,
      sheets.flatMap((s) => (s.zoneId === null ? [] : [s.zoneId])),
    );
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
        JSON.stringify({
          evaluation,
          lastRun,
          governance: {
            signOff: governance.signOff,
            freeze: governance.freeze,
            lateWaiting: late,
            draft: governance.draft,
          },
          sheets: rows,
          dlqs: b.kind === 'aws' ? dlqs : null,
        }),
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
        : `last run: ${lastRun.seq} at ${lastRun.createdAt} (methodology ${lastRun.methodologyVersion}, ${lastRun.engineVersion}), ${lastRun.published ? 'published' : `not published${evaluation.publishedRun === null ? '' : ` (the results show run ${evaluation.publishedRun}${governance.signOff?.run === evaluation.publishedRun ? ', signed off' : ''})`}`}`,
    );
    for (const line of governanceLines(governance, late, lastRun?.seq ?? null)) console.log(line);
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
