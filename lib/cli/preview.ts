/**
 * `zone-eval preview --method DRAFT.json --against IN_FORCE.json --data FILE.csv [--id-column NAME] [--separator S]
 * [--format table|json]`: every unit's rank and grade under a draft methodology beside the methodology in force,
 * the units whose grade changes and why, and what differs between the two. Offline: the same comparison the
 * control sheet's Preview tab shows for a draft.
 */

import {
  type Comparison,
  compareScored,
  comparisonTable,
  describeChange,
  describeReason,
} from '../core/compare';
import { datasetFromCsv } from '../core/csv-dataset';
import { MethodologyError } from '../core/errors';
import type { CompiledMethodology } from '../core/methodology';
import { score } from '../core/score';
import { choiceOption, parseOptions } from './args';
import { UsageError } from './errors';
import { comparisonNotes, notesBlock, resultNotes } from './notes';
import { loadMethodology, readText, separatorOption } from './score';
import { renderTable } from './text';

const HELP = `usage: zone-eval preview --method DRAFT.json --against IN_FORCE.json --data FILE.csv
                         [--id-column NAME] [--separator S] [--format table|json]

Scores the data under the draft methodology and under the one in force, and prints what differs between the two
methodologies, every unit's rank and grade under each, and the units whose grade changes with the dimension and
indicator whose points moved most, then the notes of both runs (as zone-eval score prints them), each once:
"draft: ", "in force: " or "both: ".

  --method FILE.json   the draft methodology
  --against FILE.json  the methodology in force
  --data FILE.csv      one row per unit (as for zone-eval score)
  --id-column NAME     the column holding unit ids (default: id)
  --separator S        the field separator: ',' (default), ';', tab or '|'
  --format F           table (default) or json
  -h, --help           this help`;

const OPTIONS = {
  method: { type: 'string' },
  against: { type: 'string' },
  data: { type: 'string' },
  'id-column': { type: 'string' },
  separator: { type: 'string' },
  format: { type: 'string' },
} as const;

function load(path: string, text: string, m: CompiledMethodology, id: string, sep: string) {
  const loaded = datasetFromCsv(text, m.spec, id, sep);
  if (!loaded.ok) {
    const [first, ...rest] = loaded.issues;
    throw new UsageError(
      `${path}: line ${first!.line}${first!.column !== undefined ? `, column ${first!.column}` : ''}: ${first!.message}${rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : ''}`,
    );
  }
  return loaded;
}

/** The comparison as text: the differences, the grade changes with reasons, every unit, then the runs' notes. */
export function comparisonText(c: Comparison, notes: readonly string[] = []): string {
  const out: string[] = [];
  out.push(c.changes.length ? `What differs (${c.changes.length}):` : 'The two methodologies are the same.');
  for (const ch of c.changes) out.push(`  - ${describeChange(ch)}`);
  out.push('', `Grade changes: ${c.gradeChanges.length} of ${c.units.length} units`);
  for (const u of c.gradeChanges)
    out.push(`  - ${u.id}: ${u.inForce.grade ?? '-'} → ${u.draft.grade ?? '-'} because ${describeReason(u)}`);
  if (c.approximate)
    out.push(
      '  (a methodology aggregates other than arithmetically: the points are effective weight x value, an approximation)',
    );
  const t = comparisonTable(c);
  out.push(
    '',
    renderTable(t.head, t.rows, (k) => k >= 1 && k <= 5 && k !== 2 && k !== 4),
  );
  const block = notesBlock(notes);
  if (block) out.push(block);
  return out.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const missing = (['method', 'against', 'data'] as const).filter((k) => !o[k]);
  if (missing.length)
    throw new UsageError(
      `${missing.map((k) => `--${k}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} required (zone-eval preview --help shows the options)`,
    );
  const format = choiceOption(o.format, 'format', ['table', 'json']) ?? 'table';
  const sep = separatorOption(o.separator);
  const draft = loadMethodology(o.method!);
  const inForce = loadMethodology(o.against!);
  const text = readText(o.data!, 'data');
  const id = o['id-column'] ?? 'id';
  const before = load(o.data!, text, inForce, id, sep);
  const after = load(o.data!, text, draft, id, sep);
  let c: Comparison;
  let notes: string[];
  try {
    // Scored here rather than inside the comparison, so that each run's notes reach the person as score's do.
    const a = score(inForce, before.data);
    const b = score(draft, after.data);
    c = compareScored(inForce, draft, before.data.units, a, b);
    notes = comparisonNotes(resultNotes(draft, b, after.ignored), resultNotes(inForce, a, before.ignored));
  } catch (err) {
    if (err instanceof MethodologyError) throw new UsageError(err.message);
    throw err;
  }
  console.log(format === 'json' ? JSON.stringify({ ...c, notes }) : comparisonText(c, notes));
  return 0;
}
