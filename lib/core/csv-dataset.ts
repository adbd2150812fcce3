/**
 * Reads a CSV of unit rows into a Dataset for a methodology: the id column, every indicator and denominator
 * column through the value parser, group columns as text. Columns the methodology does not name are ignored.
 */
import { parseCsv } from './csv';
import type { Dataset } from './dataset';
import type { Methodology } from './methodology';
import { parseField } from './values';

/** A problem in the data file: the row (1-based, as a spreadsheet shows it), the column and a sentence. */
export type DataIssue = { row: number; column: string; message: string };

export type CsvDataset = { ok: true; data: Dataset; ignored: string[] } | { ok: false; issues: DataIssue[] };

/** Parses CSV text for `methodology`; `idColumn` defaults to `id`. Every bad field is reported, none is skipped. */
export function datasetFromCsv(csvText: string, methodology: Methodology, idColumn = 'id'): CsvDataset {
  const rows = parseCsv(csvText).filter((r) => r.some((f) => f.trim() !== ''));
  const header = (rows[0] ?? []).map((h) => h.trim());
  const issues: DataIssue[] = [];
  const col = new Map(header.map((h, j) => [h, j]));
  const idAt = col.get(idColumn);
  if (idAt === undefined) {
    return {
      ok: false,
      issues: [
        {
          row: 1,
          column: idColumn,
          message: `there is no '${idColumn}' column (use --id-column to name the id column)`,
        },
      ],
    };
  }
  const body = rows.slice(1);
  const units = body.map((r) => (r[idAt] ?? '').trim());
  const seen = new Map<string, number>();
  units.forEach((u, i) => {
    if (!u) issues.push({ row: i + 2, column: idColumn, message: 'the id is empty' });
    else if (seen.has(u))
      issues.push({ row: i + 2, column: idColumn, message: `'${u}' repeats row ${seen.get(u)}` });
    else seen.set(u, i + 2);
  });

  const numeric = new Map<string, Float64Array>();
  const text = new Map<string, string[]>();
  const specs = new Map<string, { code: string; unit?: string; min?: number; max?: number }>();
  for (const ind of methodology.indicators) specs.set(ind.code, ind);
  for (const ind of methodology.indicators)
    if (ind.denominator && !specs.has(ind.denominator)) specs.set(ind.denominator, { code: ind.denominator });
  const group = methodology.impute.group;
  for (const [name, spec] of specs) {
    const j = col.get(name);
    if (j === undefined) {
      issues.push({
        row: 1,
        column: name,
        message: `the methodology needs a column '${name}', which the file does not have`,
      });
      continue;
    }
    const values = new Float64Array(body.length);
    body.forEach((r, i) => {
      const parsed = parseField(r[j] ?? '', spec);
      if (parsed.ok) values[i] = parsed.value ?? Number.NaN;
      else {
        values[i] = Number.NaN;
        issues.push({ row: i + 2, column: name, message: `${parsed.reason} Expected ${parsed.expected}.` });
      }
    });
    numeric.set(name, values);
  }
  if (group !== undefined) {
    const j = col.get(group);
    if (j === undefined)
      issues.push({
        row: 1,
        column: group,
        message: `impute.group names a column '${group}', which the file does not have`,
      });
    else
      text.set(
        group,
        body.map((r) => (r[j] ?? '').trim()),
      );
  }
  if (issues.length) return { ok: false, issues };
  const used = new Set([idColumn, ...specs.keys(), ...(group ? [group] : [])]);
  return { ok: true, data: { units, numeric, text }, ignored: header.filter((h) => !used.has(h)) };
}
