/**
 * A central department's tab (`zone_id`, then one column per indicator code) read into rows and problems. Columns
 * are found by header like every other tab; a column that names no indicator, or an indicator this tab does not
 * supply, is reported and ignored (each indicator has exactly one source, DESIGN section 3).
 */
import type { Indicator } from '../core/methodology';
import { parseSheetsCell } from '../core/values';
import type { CentralRead, CentralRow, SheetProblem } from '../pipeline/ports';
import { cellA1, columnA1, columnLetters, quoteTab, rowsA1 } from './a1';
import { cellText, isBlankCell, isBlankRow, rawCell, rowTexts, type TabGrid } from './grid';
import { normaliseHeader } from './headers';
import { CENTRAL_ZONE_COLUMN } from './layout';

const quote = (s: string) => `“${s.length > 40 ? `${s.slice(0, 39)}…` : s}”`;

/** Reads a central tab; with a methodology, codes and sources are checked too. */
export function readCentralGrid(
  spreadsheetId: string,
  tab: string,
  grid: TabGrid | null,
  methodology?: { readonly indicators: readonly Indicator[] },
): CentralRead {
  const problems: SheetProblem[] = [];
  const empty: CentralRead = { spreadsheetId, tab, codes: [], rows: [], problems };
  if (grid === null) {
    problems.push({
      kind: 'missing-tab',
      severity: 'error',
      at: tab,
      message: `The tab “${tab}” is missing from the central data spreadsheet: it was renamed or deleted.`,
    });
    return empty;
  }
  const title = grid.title;
  const zoneNames = new Set(
    [
      CENTRAL_ZONE_COLUMN.key,
      CENTRAL_ZONE_COLUMN.header,
      CENTRAL_ZONE_COLUMN.zh,
      ...(CENTRAL_ZONE_COLUMN.aliases ?? []),
    ].map(normaliseHeader),
  );
  let headerRow = -1;
  let zoneCol = -1;
  for (let r = 0; r < Math.min(20, grid.rows.length) && headerRow < 0; r++) {
    const texts = rowTexts(grid.rows[r]);
    const c = texts.findIndex((t) => t !== null && zoneNames.has(normaliseHeader(t)));
    if (c >= 0) {
      headerRow = r;
      zoneCol = c;
    }
  }
  if (headerRow < 0) {
    problems.push({
      kind: 'missing-header',
      severity: 'error',
      at: `${quoteTab(title)}!1:1`,
      message: `No header row with a “zone_id” column was found on “${title}”: the first row must be zone_id followed by indicator codes.`,
    });
    return empty;
  }

  const byCode = new Map<string, Indicator>();
  for (const i of methodology?.indicators ?? []) byCode.set(normaliseHeader(i.code), i);
  const source = `central:${title}`;
  const columns: { col: number; code: string }[] = [];
  const seenCodes = new Map<string, number>();
  rowTexts(grid.rows[headerRow]).forEach((text, col) => {
    if (col === zoneCol || text === null) return;
    let code = text;
    if (methodology) {
      const ind = byCode.get(normaliseHeader(text));
      if (ind === undefined) {
        problems.push({
          kind: 'unknown-code',
          severity: 'warning',
          at: columnA1(title, col),
          code: text,
          message: `Column ${columnLetters(col)} (${quote(text)}) is not an indicator of this evaluation and is ignored.`,
        });
        return;
      }
      code = ind.code;
      if (normaliseHeader(ind.source) !== normaliseHeader(source)) {
        problems.push({
          kind: 'other-source',
          severity: 'warning',
          at: columnA1(title, col),
          code,
          message: `${code} is supplied by ${ind.source === 'zone' ? 'the zones’ own forms' : `“${ind.source.slice(8)}”`}, not by “${title}”: column ${columnLetters(col)} is ignored.`,
        });
        return;
      }
    }
    const first = seenCodes.get(code);
    if (first !== undefined) {
      problems.push({
        kind: 'extra-column',
        severity: 'warning',
        at: columnA1(title, col),
        code,
        message: `Column ${columnLetters(col)} repeats ${code} of column ${columnLetters(first)}; only column ${columnLetters(first)} is read.`,
      });
      return;
    }
    seenCodes.set(code, col);
    columns.push({ col, code });
  });

  const rows: CentralRow[] = [];
  const zoneRow = new Map<string, number>();
  let blankFrom = -1;
  for (let r = headerRow + 1; r < grid.rows.length; r++) {
    const row = grid.rows[r];
    if (isBlankRow(row)) {
      if (blankFrom < 0) blankFrom = r;
      continue;
    }
    if (blankFrom >= 0) {
      problems.push({
        kind: 'blank-rows',
        severity: 'warning',
        at: rowsA1(title, blankFrom, r - 1),
        message: `Rows ${blankFrom + 1} to ${r} of “${title}” are blank; the rows below them are still read.`,
      });
      blankFrom = -1;
    }
    const zoneId = cellText(row?.[zoneCol]);
    if (zoneId === null) {
      problems.push({
        kind: 'missing-code',
        severity: 'warning',
        at: cellA1(title, r, zoneCol),
        message: `Row ${r + 1} of “${title}” has values but no zone_id, so it is not read.`,
      });
      continue;
    }
    const prev = zoneRow.get(zoneId);
    if (prev !== undefined) {
      problems.push({
        kind: 'duplicate-row',
        severity: 'warning',
        at: cellA1(title, r, zoneCol),
        code: zoneId,
        message: `Row ${r + 1} of “${title}” repeats the zone ${quote(zoneId)} of row ${prev}; only row ${prev} is read.`,
      });
      continue;
    }
    zoneRow.set(zoneId, r + 1);
    const cells: CentralRow['cells'] = {};
    for (const { col, code } of columns) {
      const c = row?.[col];
      if (isBlankCell(c)) continue;
      const ind = byCode.get(normaliseHeader(code));
      cells[code] =
        ind === undefined
          ? { a1: cellA1(title, r, col), cell: rawCell(c) }
          : { a1: cellA1(title, r, col), cell: rawCell(c), parsed: parseSheetsCell(c ?? {}, ind) };
    }
    rows.push({ row: r + 1, zoneId, cells });
  }
  return { spreadsheetId, tab: title, codes: columns.map((c) => c.code), rows, problems };
}
