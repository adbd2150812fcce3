/**
 * A central department's tab (`zone_id`, then one column per indicator code) read into rows and problems. Columns
 * are found by header like every other tab. Every column but zone_id is an indicator, so a header naming no
 * indicator is an error naming the closest code, and a code given twice is read from neither column; a column of an
 * indicator this tab does not supply is reported and ignored (each indicator has exactly one source, DESIGN
 * section 3). With the evaluation's zone ids, a row naming no zone is refused with the closest id, and a zone given
 * on two rows is an error for that zone (neither row is read).
 */
import type { Indicator } from '../core/methodology';
import { closest } from '../core/suggest';
import { parseSheetsCell } from '../core/values';
import type { CentralRead, CentralRow, SheetProblem } from '../pipeline/ports';
import { cellA1, columnLetters, quoteTab, rowsA1 } from './a1';
import { cellText, isBlankCell, isBlankRow, rawCell, rowTexts, type TabGrid } from './grid';
import { normaliseHeader, suggestColumn } from './headers';
import { CENTRAL_ZONE_COLUMN } from './layout';

const quote = (s: string) => `“${s.length > 40 ? `${s.slice(0, 39)}…` : s}”`;

/** What a central tab is checked against besides the methodology. */
export type CentralOptions = {
  /** The evaluation's zone ids (the control sheet's Zones tab): a row naming another is refused with the closest. */
  zoneIds?: readonly string[];
};

/** Reads a central tab; with a methodology, codes and sources are checked too, and with zone ids, the rows. */
export function readCentralGrid(
  spreadsheetId: string,
  tab: string,
  grid: TabGrid | null,
  methodology?: { readonly indicators: readonly Indicator[] },
  options: CentralOptions = {},
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
    // A misspelt zone_id header (`zone_di`) is named, so the remedy is one rename.
    let found: { at: string; text: string } | null = null;
    for (let r = 0; r < Math.min(20, grid.rows.length) && found === null; r++) {
      const texts = rowTexts(grid.rows[r]);
      const c = texts.findIndex((t) => t !== null && suggestColumn(t, [CENTRAL_ZONE_COLUMN]) !== null);
      const t = texts[c];
      if (c >= 0 && t != null) found = { at: cellA1(title, r, c), text: t };
    }
    problems.push({
      kind: 'missing-header',
      severity: 'error',
      at: found?.at ?? `${quoteTab(title)}!1:1`,
      message:
        found === null
          ? `No header row with a “zone_id” column was found on “${title}”: the first row must be zone_id followed by indicator codes.`
          : `No header row with a “zone_id” column was found on “${title}”: ${quote(found.text)} (did you mean “zone_id”?) must be renamed “zone_id”, so that the rows can be read.`,
    });
    return empty;
  }

  const indicators = methodology?.indicators ?? [];
  const byCode = new Map<string, Indicator>();
  for (const i of indicators) byCode.set(normaliseHeader(i.code), i);
  const source = `central:${title}`;
  // This tab's own codes are suggested first: a department misspelling a column most likely meant one of its own.
  const ownCodes = indicators
    .filter((i) => normaliseHeader(i.source) === normaliseHeader(source))
    .map((i) => i.code);
  const allCodes = [...ownCodes, ...indicators.map((i) => i.code).filter((c) => !ownCodes.includes(c))];
  const columns: { col: number; code: string }[] = [];
  const seenCodes = new Map<string, number>();
  const header = (col: number) => cellA1(title, headerRow, col);
  const extraZone: number[] = [];
  rowTexts(grid.rows[headerRow]).forEach((text, col) => {
    if (col === zoneCol || text === null) return;
    if (zoneNames.has(normaliseHeader(text))) {
      extraZone.push(col);
      return;
    }
    let code = text;
    if (methodology) {
      const ind = byCode.get(normaliseHeader(text));
      if (ind === undefined) {
        // Every column of a central tab but zone_id is an indicator: one naming none is an error, with the code
        // it most likely meant, so that a misspelt code does not leave every zone without the value.
        const meant = closest(normaliseHeader(text), allCodes);
        problems.push({
          kind: 'unknown-code',
          severity: 'error',
          at: header(col),
          code: text,
          message: `unknown indicator code ${quote(text)}${meant === null ? '' : ` (did you mean “${meant}”?)`}: column ${columnLetters(col)} of “${title}” is not read until its header is ${meant === null ? `an indicator code of this tab${ownCodes.length ? ` (${ownCodes.slice(0, 8).join(', ')}${ownCodes.length > 8 ? ', …' : ''})` : ''}` : `“${meant}”`} or the column is deleted.`,
        });
        return;
      }
      code = ind.code;
      if (normaliseHeader(ind.source) !== normaliseHeader(source)) {
        problems.push({
          kind: 'other-source',
          severity: 'warning',
          at: header(col),
          code,
          message: `${code} is supplied by ${ind.source === 'zone' ? 'the zones’ own forms' : `“${ind.source.slice(8)}”`}, not by “${title}”: column ${columnLetters(col)} is ignored.`,
        });
        return;
      }
    }
    const first = seenCodes.get(code);
    if (first !== undefined) {
      problems.push({
        kind: 'repeated-column',
        severity: 'error',
        at: header(col),
        code,
        message: `Column ${columnLetters(col)} repeats ${code} of column ${columnLetters(first)}: neither is read, since either could hold the values. Delete or rename one of them.`,
      });
      return;
    }
    seenCodes.set(code, col);
    columns.push({ col, code });
  });
  // A repeated code is read from neither copy (never first or last wins): the sync keeps what it had for it.
  const repeatedCodes = new Set(problems.filter((p) => p.kind === 'repeated-column').map((p) => p.code));
  const readColumns = columns.filter((c) => !repeatedCodes.has(c.code));
  if (extraZone.length) {
    // Two zone_id columns leave every row's zone in doubt: nothing on the tab is read.
    for (const col of extraZone)
      problems.push({
        kind: 'repeated-column',
        severity: 'error',
        at: header(col),
        message: `Column ${columnLetters(col)} of “${title}” is a second zone_id column, after column ${columnLetters(zoneCol)}: no row could be read, since either could name the zone. Delete or rename one of them.`,
      });
    return { ...empty, tab: title };
  }

  const zoneIds = options.zoneIds;
  const knownZone = new Map((zoneIds ?? []).map((z) => [normaliseHeader(z), z]));
  const rows: CentralRow[] = [];
  const zoneRows = new Map<string, number[]>();
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
    const typed = cellText(row?.[zoneCol]);
    if (typed === null) {
      problems.push({
        kind: 'missing-code',
        severity: 'warning',
        at: cellA1(title, r, zoneCol),
        message: `Row ${r + 1} of “${title}” has values but no zone_id, so it is not read.`,
      });
      continue;
    }
    let zoneId = typed;
    if (zoneIds !== undefined) {
      const known = knownZone.get(normaliseHeader(typed));
      if (known === undefined) {
        const meant = closest(typed, zoneIds);
        problems.push({
          kind: 'unknown-zone',
          severity: 'error',
          at: cellA1(title, r, zoneCol),
          code: typed,
          message: `Row ${r + 1} of “${title}”: ${quote(typed)} is not a zone of this evaluation${meant === null ? '' : ` (did you mean “${meant}”?)`}, so its values are not read: correct the zone_id${meant === null ? ' as the control sheet’s Zones tab lists it' : ''}.`,
        });
        continue;
      }
      zoneId = known;
    }
    const seen = zoneRows.get(zoneId);
    if (seen !== undefined) {
      seen.push(r + 1);
      problems.push({
        kind: 'duplicate-row',
        severity: 'error',
        at: cellA1(title, r, zoneCol),
        code: zoneId,
        message: `Row ${r + 1} of “${title}” repeats the zone ${quote(zoneId)} of row ${seen[0]}: neither row is read for that zone, since either could hold its values. Delete one of them.`,
      });
      continue;
    }
    zoneRows.set(zoneId, [r + 1]);
    const cells: CentralRow['cells'] = {};
    for (const { col, code } of readColumns) {
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
  // A zone given twice is an error for that zone alone: its rows are dropped, the other zones are read.
  const kept = rows.filter((row) => (zoneRows.get(row.zoneId)?.length ?? 0) < 2);
  return { spreadsheetId, tab: title, codes: readColumns.map((c) => c.code), rows: kept, problems };
}
