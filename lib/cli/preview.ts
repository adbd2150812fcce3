/**
 * `zone-eval preview --method DRAFT.json --against IN_FORCE.json --data FILE.csv [--id-column NAME] [--separator S]
 * [--format table|json]`: every unit's rank and grade under a draft methodology beside the methodology in force,
 * the units whose grade changes and why, and what differs between the two. Offline: the same comparison the
 * control sheet's Preview tab shows for a draft. Without --against and --data, the evaluation's methodology in
 * force and its stored values (preview-stored.ts): what the Preview tab shows for that draft.
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
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice } from './backend';
import { UsageError } from './errors';
import { comparisonNotes, notesBlock, resultNotes } from './notes';
import { storedComparison } from './preview-stored';
import { loadMethodology, readText, separatorOption } from './score';
import { renderTable } from './text';

const HELP = `usage: zone-eval preview --method DRAFT.json --against IN_FORCE.json --data FILE.csv
                         [--id-column NAME] [--separator S] [--format table|json]
       zone-eval preview [--method DRAFT.json] [--evaluation ID] [--local --data-dir DIR] [--format table|json]

Scores the data under the draft methodology and under the one in force, and prints what differs between the two
methodologies, every unit's rank and grade under each, and the units whose grade changes with the changes that
moved them and the zone's score against the grade line under each, then the notes of both runs (as zone-eval
score prints them), each once: "draft: ", "in force: " or "both: ".

The first form compares two files on a CSV. The second takes the evaluation's methodology in force and the
zones' values as stored (AWS and Google, or the local stack): what the control sheet's Preview tab shows for
that draft; without --method, for the draft stored from the control sheet.

  --method FILE.json   the draft methodology
  --against FILE.json  the methodology in force (first form)
  --data FILE.csv      one row per unit, as for zone-eval score (first form)
  --id-column NAME     the column holding unit ids (default: id)
  --separator S        the field separator: ',' (default), ';', tab or '|'
  --format F           table (default) or json
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
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

/** The first form: two methodology files on one CSV. */
function fileComparison(
  method: string,
  against: string,
  data: string,
  id: string,
  sep: string,
): { comparison: Comparison; notes: string[] } {
  const draft = loadMethodology(method);
  const inForce = loadMethodology(against);
  const text = readText(data, 'data');
  const before = load(data, text, inForce, id, sep);
  const after = load(data, text, draft, id, sep);
  try {
    // Scored here rather than inside the comparison, so that each run's notes reach the person as score's do.
    const a = score(inForce, before.data);
    const b = score(draft, after.data);
    return {
      comparison: compareScored(inForce, draft, before.data, after.data, a, b),
      notes: comparisonNotes(resultNotes(draft, b, after.ignored), resultNotes(inForce, a, before.ignored)),
    };
  } catch (err) {
    if (err instanceof MethodologyError) throw new UsageError(err.message);
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const o = parsed.values;
  const format = choiceOption(o.format, 'format', ['table', 'json']) ?? 'table';
  let c: Comparison;
  let notes: string[];
  if (o.against === undefined && o.data === undefined) {
    const csvOnly = (['id-column', 'separator'] as const).find((k) => o[k] !== undefined);
    if (csvOnly)
      throw new UsageError(`--${csvOnly} describes the --data file: it goes with --against and --data only`);
    ({ comparison: c, notes } = await storedComparison(
      backendChoice(o),
      o.method === undefined ? undefined : loadMethodology(o.method),
    ));
  } else {
    if (!o.method) throw new UsageError('--method is required with --against and --data (the draft)');
    const missing = (['against', 'data'] as const).filter((k) => !o[k]);
    if (missing.length)
      throw new UsageError(
        `--against and --data go together: --${missing[0]} is missing (without both, the evaluation's methodology in force and stored values are used)`,
      );
    const local = (['evaluation', 'local', 'data-dir'] as const).find((k) => o[k] !== undefined);
    if (local)
      throw new UsageError(`--${local} reads a stored evaluation: it does not go with --against and --data`);
    ({ comparison: c, notes } = fileComparison(
      o.method,
      o.against!,
      o.data!,
      o['id-column'] ?? 'id',
      separatorOption(o.separator),
    ));
  }
  console.log(format === 'json' ? JSON.stringify({ ...c, notes }) : comparisonText(c, notes));
  return 0;
}
