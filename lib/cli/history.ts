/**
 * `zone-eval history --zone ID [--indicator CODE]`: every value a zone's officials entered, accepted or refused,
 * with who and when, from the append-only revisions (`HIST#e#z`). A revision stores the whole form as read; a
 * value is listed at the revision where its typed text, note or remark changed, so a value typed once appears once
 * however many later reads found it unchanged. A refused value is stored with the last accepted value and a note
 * `refused: why` (lib/pipeline/sync), and is listed as refused with that reason. The official's own words from the
 * form's Note column (`remark`, lib/pipeline/remarks) are listed with the value, as text.
 */
import { closest } from '../core/suggest';
import type { Revision, SubmittedValue } from '../pipeline/ports';
import { choiceOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { isRefused } from './status';
import { oneLine, renderTable } from './text';

/** The options naming a zone and, optionally, one of its indicators (`history` and `trace`). */
export const ZONE_OPTIONS = { zone: { type: 'string' }, indicator: { type: 'string' } } as const;
export const ZONE_HELP = `  --zone ID            the zone
  --indicator CODE     only this indicator`;

/** The zone `--zone` names; it is required. */
export function zoneOption(zone: string | undefined): string {
  if (!zone) throw new UsageError('option --zone is required, e.g. --zone zhengzhou');
  return zone;
}

const HELP = `usage: zone-eval history --zone ID [--indicator CODE] [--evaluation ID] [--local --data-dir DIR]
                         [--format table|json]

Every accepted, refused and late value of a zone, with who entered it and when, oldest first.

options:
${ZONE_HELP}
${BACKEND_HELP}
  --format F           table (default) or json
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, ...ZONE_OPTIONS, format: { type: 'string' } } as const;

/** One entry of a value's history: the revision where it changed. */
export type HistoryEntry = {
  revision: number;
  at: string;
  indicator: string;
  /** The text as typed. */
  text: string;
  /** The value in use after this revision (for a refused entry, the last accepted one, kept). */
  value: number | null;
  /** `late`: read after the freeze and not counted unless the admin accepts it (a later `accepted` entry). */
  status: 'accepted' | 'refused' | 'blank' | 'late';
  /** Why it was refused, or a parser note (`if you meant 17.35%, type 17.35`). */
  note: string | null;
  /** What the official typed in the Note column, as typed (a formula or markup is text here), or null. */
  remark: string | null;
  /** The remark's full length in characters when only its start was kept (the Feedback said so), or null. */
  remarkLength: number | null;
  /** Who: the editor the trigger named, else the caller (`manual`, `reconcile`, `seed`). */
  by: string;
  caller: string;
  editor: string | null;
  spreadsheetId: string | null;
};

const statusOf = (v: SubmittedValue): HistoryEntry['status'] =>
  isRefused(v.note) ? 'refused' : v.text.trim() === '' && v.value === null ? 'blank' : 'accepted';

/** The entries of a zone's revisions (oldest first), one per value change, optionally for one indicator. */
export function historyOf(revisions: readonly Revision[], indicator?: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  /** Per indicator: its last listed text, note and value, and whether that listing was late. */
  const last = new Map<string, { sig: string; late: boolean }>();
  for (const r of [...revisions].sort((a, b) => a.seq - b.seq)) {
    const codes = Object.keys(r.values).sort();
    for (const code of codes) {
      if (indicator !== undefined && code !== indicator) continue;
      const v = r.values[code]!;
      const sig = JSON.stringify([v.text, v.note ?? null, v.value, v.remark ?? null]);
      const late = r.late === true;
      const before = last.get(code);
      // A value changed after the freeze is listed as late; its acceptance lists it again, as accepted.
      if (before?.sig === sig && (before.late === late || late)) continue;
      last.set(code, { sig, late });
      const note =
        v.note === undefined ? null : isRefused(v.note) ? v.note.slice('refused:'.length).trim() : v.note;
      out.push({
        revision: r.seq,
        at: r.at,
        indicator: code,
        text: v.text,
        value: v.value,
        status: late && !isRefused(v.note) ? 'late' : statusOf(v),
        note,
        remark: v.remark ?? null,
        remarkLength: v.remarkLength ?? null,
        by: r.editor ?? r.caller,
        caller: r.caller,
        editor: r.editor,
        spreadsheetId: r.spreadsheetId,
      });
    }
  }
  return out;
}

/** A remark on one line of the table, and how long it was when only its start was kept. */
export function remarkCell(x: Pick<HistoryEntry, 'remark' | 'remarkLength'>): string {
  if (x.remark === null) return '';
  const cut =
    x.remarkLength === null
      ? ''
      : ` … (first ${Array.from(x.remark).length} of ${x.remarkLength} characters kept)`;
  return `${oneLine(x.remark)}${cut}`;
}

/** Refuses an indicator no revision of the zone holds, naming the closest. */
export function checkIndicator(
  revisions: readonly Revision[],
  indicator: string | undefined,
  zone: string,
): void {
  if (indicator === undefined) return;
  const codes = [...new Set(revisions.flatMap((r) => Object.keys(r.values)))];
  if (codes.includes(indicator)) return;
  const near = closest(indicator, codes);
  throw new UsageError(
    `zone ${zone} has no value for indicator '${indicator}'${near ? ` (did you mean ${near}?)` : ''}`,
  );
}

/** The zone's revisions; a zone with none is refused naming the closest zone that has values. */
export async function revisionsOf(
  store: import('../store/dynamo-store').DynamoStore,
  evaluationId: string,
  zone: string,
): Promise<Revision[]> {
  const revisions = await store.listRevisions(evaluationId, zone);
  if (revisions.length > 0) return revisions;
  const zones = (await store.listCurrent(evaluationId)).map((c) => c.zoneId);
  const near = closest(zone, zones);
  throw new UsageError(
    `zone '${zone}' has no stored values in evaluation '${evaluationId}'${near ? ` (did you mean ${near}?)` : ''}`,
  );
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const format = choiceOption(args.values.format, 'format', ['table', 'json']) ?? 'table';
  const zone = zoneOption(args.values.zone);
  const indicator = args.values.indicator;
  const choice = backendChoice(args.values);
  return withBackend(choice, async (b) => {
    const revisions = await revisionsOf(b.store, b.evaluationId, zone);
    checkIndicator(revisions, indicator, zone);
    const entries = historyOf(revisions, indicator);
    if (format === 'json') {
      console.log(JSON.stringify({ evaluationId: b.evaluationId, zoneId: zone, entries }));
      return 0;
    }
    console.log(
      renderTable(
        // The remark last: a long one widens no other column.
        ['rev', 'when', 'indicator', 'typed', 'in use', 'status', 'by', 'note', 'remark'],
        entries.map((x) => [
          String(x.revision),
          x.at,
          x.indicator,
          x.text,
          x.value === null ? '' : String(x.value),
          x.status,
          x.by,
          x.note ?? '',
          remarkCell(x),
        ]),
        (k) => k === 0 || k === 4,
      ),
    );
    console.log(`\n${entries.length} entries from ${revisions.length} revisions of ${zone}`);
    return 0;
  });
}
