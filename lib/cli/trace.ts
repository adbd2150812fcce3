/**
 * `zone-eval trace --zone ID [--indicator CODE] [--run N]`: where a published number comes from. The run (by
 * default the published one; before the first publish, the latest), its methodology and engine versions and input
 * hash, the zone's rank, score and grade in it, the zone's revision the run used, and for each value the revision
 * that entered it, who and when. A refused value never enters a run: the value used is the last accepted one, and
 * the refused attempt after it is named. The official's remark (the form's Note) is shown with the value it
 * came with.
 */

import { closest } from '../core/suggest';
import type { Revision } from '../pipeline/ports';
import { choiceOption, intOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import {
  checkIndicator,
  type HistoryEntry,
  historyOf,
  remarkCell,
  revisionsOf,
  ZONE_HELP,
  ZONE_OPTIONS,
  zoneOption,
} from './history';
import { chooseRun } from './published';
import { renderTable } from './text';

const HELP = `usage: zone-eval trace --zone ID [--indicator CODE] [--run N] [--evaluation ID] [--local --data-dir DIR]
                       [--format table|json]

The run behind a zone's published result: run, methodology version, engine version, the revision of each
value used, who entered it and when.

options:
${ZONE_HELP}
  --run N              this run instead of the published one
${BACKEND_HELP}
  --format F           table (default) or json
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
  ...ZONE_OPTIONS,
  run: { type: 'string' },
  format: { type: 'string' },
} as const;

export type TracedValue = {
  indicator: string;
  /** The value the run scored (null: missing). */
  used: number | null;
  /** The revision that entered the value in use, who and when; null when no revision holds the indicator. */
  entered: Pick<
    HistoryEntry,
    'revision' | 'at' | 'by' | 'text' | 'status' | 'remark' | 'remarkLength'
  > | null;
  /** A refused attempt made after it and before the run, which the run therefore did not use. */
  refusedAfter: Pick<HistoryEntry, 'revision' | 'at' | 'by' | 'text' | 'note'> | null;
};

/** For each indicator: the entry that put the value in use at revision `upTo`, and any refused attempt after it. */
export function traceValues(
  revisions: readonly Revision[],
  upTo: number,
  used: Readonly<Record<string, number | null>>,
  indicator?: string,
): TracedValue[] {
  const entries = historyOf(
    revisions.filter((r) => r.seq <= upTo),
    indicator,
  );
  const codes =
    indicator === undefined
      ? [...new Set([...Object.keys(used), ...entries.map((x) => x.indicator)])].sort()
      : [indicator];
  return codes.map((code) => {
    const mine = entries.filter((x) => x.indicator === code);
    const entered = mine.filter((x) => x.status !== 'refused').at(-1) ?? null;
    const last = mine.at(-1);
    const refusedAfter = last && last.status === 'refused' ? last : null;
    return {
      indicator: code,
      used: used[code] ?? null,
      entered: entered && {
        revision: entered.revision,
        at: entered.at,
        by: entered.by,
        text: entered.text,
        status: entered.status,
        remark: entered.remark,
        remarkLength: entered.remarkLength,
      },
      refusedAfter: refusedAfter && {
        revision: refusedAfter.revision,
        at: refusedAfter.at,
        by: refusedAfter.by,
        text: refusedAfter.text,
        note: refusedAfter.note,
      },
    };
  });
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
  const seq = intOption(args.values.run, 'run', { min: 1, max: 9_999_999_999 });
  const choice = backendChoice(args.values);
  return withBackend(choice, async (b) => {
    const {
      run: r,
      doc,
      published,
    } = await chooseRun(b.store, b.evaluationId, {
      ...(seq !== undefined && { seq }),
      fallbackToLatest: true,
    });
    const z = doc.zones.find((x) => x.zoneId === zone);
    if (!z) {
      const near = closest(
        zone,
        doc.zones.map((x) => x.zoneId),
      );
      throw new UsageError(`run ${r.seq} has no zone '${zone}'${near ? ` (did you mean ${near}?)` : ''}`);
    }
    const revisions = await revisionsOf(b.store, b.evaluationId, zone);
    checkIndicator(revisions, indicator, zone);
    // The run names the revision it used; a run without it used the latest revision stored before it was made.
    const upTo = z.quality?.revision ?? revisions.filter((x) => x.at <= r.createdAt).at(-1)?.seq ?? 0;
    const values = traceValues(revisions, upTo, z.values, indicator);
    const out = {
      evaluationId: b.evaluationId,
      run: r.seq,
      published,
      createdAt: r.createdAt,
      methodologyVersion: r.methodologyVersion,
      engineVersion: r.engineVersion,
      inputHash: r.inputHash,
      zone: {
        zoneId: z.zoneId,
        nameEn: z.nameEn,
        nameZh: z.nameZh,
        rank: z.rank,
        score: z.score,
        grade: z.grade,
      },
      revision: upTo || null,
      values,
    };
    if (format === 'json') {
      console.log(JSON.stringify(out));
      return 0;
    }
    console.log(
      `run ${r.seq} (${published ? 'published' : 'not published'}) made ${r.createdAt}: methodology ${r.methodologyVersion}, engine ${r.engineVersion}, input ${r.inputHash}`,
    );
    console.log(
      `${z.zoneId} ${z.nameEn} ${z.nameZh}: rank ${z.rank ?? '-'}, score ${z.score === null ? '-' : z.score.toFixed(2)}, grade ${z.grade ?? '-'}; values of revision ${upTo || 'none'}\n`,
    );
    console.log(
      renderTable(
        ['indicator', 'used', 'typed', 'rev', 'entered by', 'when', 'note', 'remark'],
        values.map((v) => [
          v.indicator,
          v.used === null ? 'missing' : String(v.used),
          v.entered?.text ?? '',
          v.entered ? String(v.entered.revision) : '',
          v.entered?.by ?? '',
          v.entered?.at ?? '',
          v.refusedAfter
            ? `refused later: “${v.refusedAfter.text}” (rev ${v.refusedAfter.revision}, ${v.refusedAfter.by}: ${v.refusedAfter.note ?? ''})`
            : '',
          v.entered ? remarkCell(v.entered) : '',
        ]),
        (k) => k === 1 || k === 3,
      ),
    );
    return 0;
  });
}
