/**
 * Reads a CSV of unit rows into a Dataset for a methodology: the id column, every indicator and denominator
 * column through the value parser, group columns as text. Columns the methodology does not name are returned
 * as `ignored`, for the caller to tell the person. A row whose field count differs from the header's, a header
 * named twice, a file with no data rows are refused: each would otherwise shift or drop values without a word.
 */
import { readCsv } from './csv';
import type { Dataset } from './dataset';
import type { Methodology } from './methodology';
import { closest } from './suggest';
import { parseField } from './values';

/** A problem in the data file: the file's own line (1-based, as a text editor shows it), the column if one. */
export type DataIssue = { line: number; column?: string; message: string };

export type CsvDataset = { ok: true; data: Dataset; ignored: string[] } | { ok: false; issues: DataIssue[] };

const SEPARATORS: Record<string, string> = { ';': 'semicolon', '\t': 'tab', '|': 'pipe', ',': 'comma' };

/** The name of a separator as a person would pass it to `--separator`. */
function separatorArg(sep: string): string {
  return sep === '\t' ? 'tab' : sep === ';' ? "';'" : sep === '|' ? "'|'" : sep;
}

/**
 * When the header is one field that another separator would split, a sentence naming it; else undefined.
 * Excel saves "CSV" with semicolons where the comma is the decimal mark, and "Text" with tabs.
 */
function separatorHint(header: string, used: string): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const sep of Object.keys(SEPARATORS)) {
    if (sep === used) continue;
    const n = header.split(sep).length - 1;
    if (n > most) {
      most = n;
      best = sep;
    }
  }
  if (best === undefined) return undefined;
  const remedy =
    best === ','
      ? `drop --separator (the default is the comma), or pass --separator ','`
      : `use commas, or pass --separator ${separatorArg(best)}`;
  return `the header is a single column; the file looks ${SEPARATORS[best]}-separated: ${remedy}`;
}

/**
 * Parses CSV text for `methodology`; `idColumn` defaults to `id`, `separator` to the comma. Every bad field is
 * reported, none is skipped; lines with nothing but separators and blanks carry no data and are passed over.
 */
export function datasetFromCsv(
  csvText: string,
  methodology: Methodology,
  idColumn = 'id',
  separator = ',',
): CsvDataset {
  const read = readCsv(csvText, separator);
  if (!read.ok) return { ok: false, issues: [{ line: read.line, message: read.message }] };
  const rows = read.rows.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const first = rows[0];
  if (!first)
    return { ok: false, issues: [{ line: 1, message: 'the file is empty: it needs a header row' }] };
  const header = first.fields.map((h) => h.trim());
  const fail = (issue: DataIssue): CsvDataset => ({ ok: false, issues: [issue] });
  const hint = header.length === 1 ? separatorHint(first.fields[0]!, separator) : undefined;
  if (hint) return fail({ line: first.line, message: hint });

  const issues: DataIssue[] = [];
  const col = new Map<string, number>();
  header.forEach((h, j) => {
    const before = col.get(h);
    if (h !== '' && before !== undefined)
      issues.push({
        line: first.line,
        column: h,
        message: `the header names '${h}' twice (columns ${before + 1} and ${j + 1}): rename or remove one`,
      });
    else if (before === undefined) col.set(h, j);
  });
  if (issues.length) return { ok: false, issues };

  const body = rows.slice(1);
  if (!body.length)
    return fail({ line: first.line, message: 'no data rows: the file has a header and nothing under it' });
  for (const r of body)
    if (r.fields.length !== header.length)
      issues.push({
        line: r.line,
        message: `${r.fields.length} field${r.fields.length === 1 ? '' : 's'}, but the header has ${header.length}: ${
          r.fields.length < header.length
            ? 'the row is cut short or a separator is missing'
            : 'a value holding a separator must be in double quotes'
        }`,
      });
  if (issues.length) return { ok: false, issues };

  const idAt = col.get(idColumn);
  if (idAt === undefined) {
    const near = closest(idColumn, header);
    return fail({
      line: first.line,
      column: idColumn,
      message: `there is no '${idColumn}' column${near ? ` (did you mean '${near}'? pass --id-column '${near}')` : ' (use --id-column to name the id column)'}`,
    });
  }
  const units = body.map((r) => (r.fields[idAt] ?? '').trim());
  const seen = new Map<string, number>();
  units.forEach((u, i) => {
    const line = body[i]!.line;
    if (!u) issues.push({ line, column: idColumn, message: 'the id is empty' });
    else if (seen.has(u))
      issues.push({ line, column: idColumn, message: `'${u}' repeats line ${seen.get(u)}` });
    else seen.set(u, line);
  });

  const numeric = new Map<string, Float64Array>();
  const text = new Map<string, string[]>();
  const specs = new Map<string, { code: string; unit?: string; min?: number; max?: number }>();
  for (const ind of methodology.indicators) specs.set(ind.code, ind);
  for (const ind of methodology.indicators)
    if (ind.denominator && !specs.has(ind.denominator)) specs.set(ind.denominator, { code: ind.denominator });
  const group = methodology.impute.group;
  const missingColumn = (name: string, why: string) => {
    const near = closest(
      name,
      header.filter((h) => h !== idColumn && !specs.has(h)),
    );
    issues.push({
      line: first.line,
      column: name,
      message: `${why} '${name}', which the file does not have${near ? ` (did you mean '${near}'?)` : ''}`,
    });
  };
  for (const [name, spec] of specs) {
    const j = col.get(name);
    if (j === undefined) {
      missingColumn(name, 'the methodology needs a column');
      continue;
    }
    const values = new Float64Array(body.length);
    body.forEach((r, i) => {
      const parsed = parseField(r.fields[j] ?? '', spec);
      if (parsed.ok) values[i] = parsed.value ?? Number.NaN;
      else {
        values[i] = Number.NaN;
        issues.push({ line: r.line, column: name, message: `${parsed.reason} Expected ${parsed.expected}.` });
      }
    });
    numeric.set(name, values);
  }
  if (group !== undefined) {
    const j = col.get(group);
    if (j === undefined) missingColumn(group, 'impute.group names a column');
    else
      text.set(
        group,
        body.map((r) => (r.fields[j] ?? '').trim()),
      );
  }
  if (issues.length) return { ok: false, issues };
  const used = new Set([idColumn, ...specs.keys(), ...(group ? [group] : [])]);
  return {
    ok: true,
    data: { units, numeric, text },
    ignored: header.filter((h) => h !== '' && !used.has(h)),
  };
}
