/**
 * A zone's `Form` tab read into rows and problems (pure: the adapter fetches the grid). Every mistake in the
 * layout is a `SheetProblem` with an A1 reference and a sentence an official can act on; every value goes through
 * core's cell parser. Blank rows in the middle are skipped and reported once per run of rows, so a 10,000-row form
 * of mostly blank rows costs a handful of problems, not thousands.
 */
import type { Indicator } from '../core/methodology';
import { parseSheetsCell } from '../core/values';
import type { FeedbackTab, FormRead, FormRow, SheetProblem } from '../pipeline/ports';
import { cellA1, columnLetters, quoteTab, rowsA1 } from './a1';
import { cellText, type GridCell, isBlankCell, isBlankRow, rawCell, rowTexts, type TabGrid } from './grid';
import { findHeaderRow, headerIndex, matchHeaders, normaliseHeader, suggestColumn } from './headers';
import { FORM_COLUMNS, FORM_TAB, ZONE_LABEL } from './layout';

export type FormMethodology = { readonly indicators: readonly Indicator[] };

export type FormInput = {
  spreadsheetId: string;
  /** The Form tab, or null when the spreadsheet has none. */
  grid: TabGrid | null;
  /** Titles of every tab of the spreadsheet, to say what was found instead of a missing Form. */
  tabTitles: readonly string[];
  feedbackTab: FeedbackTab | null;
  methodology: FormMethodology;
  expectedZoneId?: string;
};

const quote = (s: string) => `“${s.length > 40 ? `${s.slice(0, 39)}…` : s}”`;

/** Indicators by code, exact first and then case-insensitively (an official may type `t01`). */
function indicatorLookup(indicators: readonly Indicator[]): (code: string) => Indicator | undefined {
  const exact = new Map(indicators.map((i) => [i.code, i]));
  const loose = new Map<string, Indicator>();
  for (const i of indicators) {
    const k = normaliseHeader(i.code);
    if (!loose.has(k)) loose.set(k, i);
  }
  return (code) => exact.get(code) ?? loose.get(normaliseHeader(code));
}

/**
 * The zone id shown above the header: the first non-empty cell right of a `Zone ID` label, or, when the expected
 * id is anywhere in the label's row, that cell (columns moved by a person put the id left of the label and the
 * zone's name right of it; the id itself still says which zone the form is).
 */
function zoneShown(
  rows: TabGrid['rows'],
  headerRow: number,
  tab: string,
  expected?: string,
): { id: string; at: string } | null {
  const labels = headerIndex([ZONE_LABEL]);
  for (let r = 0; r < headerRow; r++) {
    const row = rows[r] ?? [];
    for (let c = 0; c < row.length; c++) {
      const t = cellText(row[c]);
      if (t === null || !labels.has(normaliseHeader(t))) continue;
      if (expected !== undefined)
        for (let k = 0; k < row.length; k++) {
          const v = k === c ? null : cellText(row[k]);
          if (v !== null && normaliseHeader(v) === normaliseHeader(expected))
            return { id: v, at: cellA1(tab, r, k) };
        }
      for (let k = c + 1; k < row.length; k++) {
        const v = cellText(row[k]);
        if (v !== null) return { id: v, at: cellA1(tab, r, k) };
      }
    }
  }
  return null;
}

/** Reads a zone's form grid into rows and problems; never throws for a person's mistake. */
export function readFormGrid(input: FormInput): FormRead {
  const { spreadsheetId, grid, methodology, feedbackTab } = input;
  const problems: SheetProblem[] = [];
  const base = { spreadsheetId, feedbackTab };
  if (grid === null) {
    const others = input.tabTitles.filter((t) => t !== FORM_TAB && t.toLowerCase() !== 'feedback');
    problems.push({
      kind: 'missing-tab',
      severity: 'error',
      at: FORM_TAB,
      message:
        `The tab “${FORM_TAB}” is missing: it was renamed or deleted, so no value could be read. ` +
        (others.length
          ? `Tabs found: ${others.map(quote).join(', ')}. Rename the tab holding the indicators back to “${FORM_TAB}”.`
          : `Restore it from File > Version history, or ask the evaluation team for a new form.`),
    });
    return { ...base, tab: null, zoneId: null, rows: [], problems };
  }

  const tab = grid.title;
  const rows = grid.rows;
  const headerRow = findHeaderRow(
    rows.slice(0, 20).map((r) => rowTexts(r)),
    FORM_COLUMNS,
  );
  if (headerRow < 0) {
    problems.push({
      kind: 'missing-header',
      severity: 'error',
      at: `${quoteTab(tab)}!1:2`,
      message: `No header row was found on “${tab}”: the row above the indicators must name the columns ${FORM_COLUMNS.map((c) => c.header).join(', ')} (at least Code and Value), so no value could be read.`,
    });
    return {
      ...base,
      tab,
      zoneId: zoneShown(rows, Math.min(rows.length, 20), tab, input.expectedZoneId)?.id ?? null,
      rows: [],
      problems,
    };
  }

  const match = matchHeaders(rowTexts(rows[headerRow]), FORM_COLUMNS);
  const zone = zoneShown(rows, headerRow, tab, input.expectedZoneId);
  const zoneId = zone?.id ?? null;
  if (
    input.expectedZoneId !== undefined &&
    zone !== null &&
    normaliseHeader(zone.id) !== normaliseHeader(input.expectedZoneId)
  ) {
    problems.push({
      kind: 'zone-mismatch',
      severity: 'error',
      at: zone.at,
      message: `This form shows the zone ${quote(zone.id)}, but the control sheet assigns this spreadsheet to ${quote(input.expectedZoneId)}: its values are not accepted until the zone id is corrected or the spreadsheet is reassigned.`,
    });
  }
  // Header cells that name no column, each with the column it was probably meant to be.
  const unknown = match.unknown.map((u) => ({ ...u, meant: suggestColumn(u.text, FORM_COLUMNS) }));
  for (const m of match.missing) {
    const typo = unknown.find((u) => u.meant?.key === m.key);
    problems.push({
      kind: 'missing-column',
      severity: 'error',
      at: rowsA1(tab, headerRow, headerRow),
      message:
        typo === undefined
          ? `The header row (row ${headerRow + 1}) has no “${m.header}” column (${m.zh}), so no value could be read: restore the header “${m.header}” above that column.`
          : `The header row (row ${headerRow + 1}) has no “${m.header}” column (${m.zh}), so no value could be read: column ${columnLetters(typo.col)} is headed ${quote(typo.text)} (did you mean “${m.header}”?): rename it “${m.header}”.`,
    });
  }
  // A misspelt header is an error (its column is not read, and a person expects it to be); a header like no column
  // of the form is a person's own column (a checker's initials, a source): kept, not scored, and said so once here.
  for (const u of unknown) {
    const at = cellA1(tab, headerRow, u.col);
    problems.push(
      u.meant === null
        ? {
            kind: 'extra-column',
            severity: 'warning',
            at,
            message: `Column ${columnLetters(u.col)} (${quote(u.text)}) is not a column of the form: it is kept for your own use and not scored. Put anything the evaluation should read in “Value” or “Note”.`,
          }
        : {
            kind: 'extra-column',
            severity: 'error',
            at,
            message: `unknown column ${quote(u.text)} (did you mean “${u.meant.header}”?): column ${columnLetters(u.col)} is not read until it is renamed “${u.meant.header}” or deleted.`,
          },
    );
  }
  // A repeated column could be read from either copy: neither is taken over the other. Two Code or Value columns
  // leave no value certain, so the form is refused (kind `repeated-column`); two Note columns leave the notes out.
  const ambiguous = new Set<string>();
  for (const r of match.repeated) {
    const spec = FORM_COLUMNS.find((c) => c.key === r.key);
    const header = spec?.header ?? r.key;
    ambiguous.add(r.key);
    const vital = spec?.required === true;
    problems.push({
      kind: vital ? 'repeated-column' : 'extra-column',
      severity: 'error',
      at: cellA1(tab, headerRow, r.col),
      message: `Column ${columnLetters(r.col)} (${quote(r.text)}) is a second “${header}” column, after column ${columnLetters(r.first)}: ${vital ? 'no value could be read, since either column could hold them' : `neither column is read`}. Delete or rename one of them.`,
    });
  }
  const codeCol = match.columns.get('code');
  const valueCol = match.columns.get('value');
  const noteCol = ambiguous.has('note') ? undefined : match.columns.get('note');
  if (codeCol === undefined || valueCol === undefined || ambiguous.has('code') || ambiguous.has('value'))
    return { ...base, tab, zoneId, rows: [], problems };

  const find = indicatorLookup(methodology.indicators);
  const firstRowOf = new Map<string, number>();
  const out: FormRow[] = [];
  let blankFrom = -1;
  const flushBlank = (upTo: number) => {
    if (blankFrom < 0) return;
    const n = upTo - blankFrom;
    problems.push({
      kind: 'blank-rows',
      severity: 'warning',
      at: rowsA1(tab, blankFrom, upTo - 1),
      message:
        n === 1
          ? `Row ${blankFrom + 1} is blank; the rows below it are still read.`
          : `Rows ${blankFrom + 1} to ${upTo} are blank; the rows below them are still read.`,
    });
    blankFrom = -1;
  };

  for (let r = headerRow + 1; r < rows.length; r++) {
    const row = rows[r];
    if (isBlankRow(row)) {
      if (blankFrom < 0) blankFrom = r;
      continue;
    }
    flushBlank(r);
    const cells = row ?? [];
    const code = cellText(cells[codeCol]);
    const valueCell: GridCell | undefined = cells[valueCol];
    const a1 = cellA1(tab, r, valueCol);
    if (code === null) {
      if (!isBlankCell(valueCell)) {
        problems.push({
          kind: 'missing-code',
          severity: 'warning',
          at: a1,
          message: `Row ${r + 1} has the value ${quote(cellText(valueCell) ?? '')} but no indicator code, so it is not read: put the code back in ${cellA1(tab, r, codeCol)}.`,
        });
      }
      continue;
    }
    const note = noteCol === undefined ? null : cellText(cells[noteCol]);
    const formRow: FormRow = { row: r + 1, a1, code, cell: rawCell(valueCell), parsed: null, status: 'read' };
    if (note !== null && noteCol !== undefined) {
      formRow.note = note;
      formRow.noteA1 = cellA1(tab, r, noteCol);
    }
    const ind = find(code);
    if (ind === undefined) {
      formRow.status = 'unknown-code';
      problems.push({
        kind: 'unknown-code',
        severity: 'warning',
        at: cellA1(tab, r, codeCol),
        code,
        message: `Row ${r + 1} has the code ${quote(code)}, which is not an indicator of this evaluation, so its value is not read.`,
      });
    } else {
      formRow.code = ind.code;
      const first = firstRowOf.get(ind.code);
      if (first !== undefined && ind.source !== 'zone') {
        // Not the zone's to give: neither row is read anyway, and the first row already says so.
        formRow.status = 'duplicate';
        problems.push({
          kind: 'duplicate-row',
          severity: 'warning',
          at: cellA1(tab, r, codeCol),
          code: ind.code,
          message: `Row ${r + 1} repeats indicator ${ind.code} of row ${first + 1}. Delete one of the two rows.`,
        });
      } else if (first !== undefined) {
        // Either row could hold the value: neither is read (the first row is marked too, below), and the sync
        // keeps the last accepted value of the indicator until one row is deleted.
        formRow.status = 'duplicate';
        problems.push({
          kind: 'duplicate-row',
          severity: 'error',
          at: cellA1(tab, r, codeCol),
          code: ind.code,
          message: `Row ${r + 1} repeats indicator ${ind.code} of row ${first + 1}: neither row is read, since either could hold its value, and the last accepted value stays in use. Delete one of the two rows.`,
        });
        const earlier = out.find((o) => o.code === ind.code && o.row === first + 1);
        if (earlier !== undefined) {
          earlier.status = 'duplicate';
          earlier.parsed = null;
        }
      } else {
        firstRowOf.set(ind.code, r);
        if (ind.source !== 'zone') {
          formRow.status = 'other-source';
          // A note on such a row is not kept either (no value of the zone to keep it with): said, never dropped.
          const typed = [
            ...(isBlankCell(valueCell) ? [] : [`the value ${quote(cellText(valueCell) ?? '')}`]),
            ...(formRow.noteA1 === undefined ? [] : [`the note in ${formRow.noteA1}`]),
          ];
          if (typed.length > 0) {
            const from = ind.source.startsWith('central:')
              ? `the central department's “${ind.source.slice(8)}” data`
              : ind.source;
            problems.push({
              kind: 'other-source',
              severity: 'warning',
              at: isBlankCell(valueCell) && formRow.noteA1 !== undefined ? formRow.noteA1 : a1,
              code: ind.code,
              message: `${ind.code} is supplied by ${from}, not by the zone: ${typed.join(' and ')} typed here ${typed.length > 1 ? 'are' : 'is'} ignored.`,
            });
          }
        } else {
          formRow.parsed = parseSheetsCell(valueCell ?? {}, ind);
        }
      }
    }
    out.push(formRow);
  }
  // Trailing blank rows are the end of the form, not a gap: `blankFrom` is dropped.

  for (const ind of methodology.indicators) {
    if (ind.source !== 'zone' || firstRowOf.has(ind.code)) continue;
    problems.push({
      kind: 'missing-row',
      severity: 'warning',
      at: quoteTab(tab),
      code: ind.code,
      message: `Indicator ${ind.code}${ind.nameEn ? ` (${ind.nameEn})` : ''} has no row on the form, so it counts as missing: add a row with the code ${ind.code}.`,
    });
  }
  return { ...base, tab, zoneId, rows: out, problems };
}
