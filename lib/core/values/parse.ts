/**
 * Reading one value: the entry points for a Sheets cell and a CSV field, and the decisions (percent, yes/no,
 * scale, currency, bounds) that turn a scan into a value or a refusal.
 */
import {
  expectedFor,
  FORMULA_ERRORS,
  formulaError,
  inUnit,
  measuredIn,
  notANumber,
  percentNotAllowed,
  plainPercentNote,
  quote,
  refuse,
  shown,
  who,
} from './messages';
import { MISSING_WORDS, plainNumber, scanNumber, YES_NO_WORDS } from './scan';
import { hasNonAscii, normaliseWidth, shiftDecimal } from './text';
import type { Accepted, IndicatorSpec, Parsed, SheetCell, SheetsCellData } from './types';
import { CURRENCY_NAMES, type UnitInfo, unitScale } from './units';

/** Shared result for a blank cell, the most common missing value; frozen because it is shared. */
const BLANK: Accepted = Object.freeze({ ok: true, value: null });

/** Parses one Sheets cell (value, error, displayed text, format type) for an indicator. */
export function parseCell(cell: SheetCell, spec: IndicatorSpec): Parsed {
  const info = unitScale(spec.unit);
  const error = cell.error;
  if (error !== undefined && error !== null && error !== '')
    return formulaError(error, cell.text, spec, info);
  const v = cell.value;
  if (typeof v === 'number') return numberCell(v, cell, spec, info);
  if (typeof v === 'string') return parseText(v, spec, info);
  if (typeof v === 'boolean') return booleanCell(v, cell, spec, info);
  // No effective value: blank, unless a reader passed only the displayed text.
  const text = cell.text;
  return text === undefined || text === null ? BLANK : parseText(text, spec, info);
}

/** Parses one CSV field (plain text) for an indicator. */
export function parseField(text: string | null | undefined, spec: IndicatorSpec): Parsed {
  if (text === undefined || text === null) return BLANK;
  return parseText(text, spec, unitScale(spec.unit));
}

/** The cell shape `parseCell` reads, from a Sheets API `CellData` (`includeGridData` with the field mask). */
export function cellFromSheets(data: SheetsCellData): SheetCell {
  const ev = data.effectiveValue;
  const value = ev?.numberValue ?? ev?.stringValue ?? ev?.boolValue ?? null;
  const errorValue = ev?.errorValue;
  const error = errorValue ? (errorValue.type ?? data.formattedValue ?? 'ERROR_TYPE_UNSPECIFIED') : null;
  return {
    value,
    error,
    text: data.formattedValue ?? null,
    formatType: data.effectiveFormat?.numberFormat?.type ?? null,
  };
}

/** Parses a Sheets API `CellData` directly. */
export function parseSheetsCell(data: SheetsCellData, spec: IndicatorSpec): Parsed {
  return parseCell(cellFromSheets(data), spec);
}

/** The form a value of this indicator should take, as shown next to a refusal. */
export function expectedForm(spec: IndicatorSpec): string {
  return expectedFor(spec, unitScale(spec.unit));
}

// ---------------------------------------------------------------------------------------------------------------
// Cells that hold a number or a boolean

function numberCell(v: number, cell: SheetCell, spec: IndicatorSpec, info: UnitInfo): Parsed {
  const typed = cell.text ?? null;
  if (!Number.isFinite(v)) return notANumber(typed ?? String(v), spec, info);
  const format = cell.formatType;
  if (format === 'DATE' || format === 'TIME' || format === 'DATE_TIME') {
    return refuse(
      'date',
      `${quote(typed ?? String(v))} was turned into a date or time by Google Sheets, so it is not read as a number.`,
      `${expectedFor(spec, info)}, in a cell formatted as Number (Format > Number > Number)`,
    );
  }
  // A number Sheets formatted as currency ($1,092.47 typed) carries its currency only in the text shown: an amount
  // in dollars must not pass for yuan.
  if (format === 'CURRENCY' && typed !== null) {
    const shownCurrency = scanNumber(normaliseWidth(typed.trim()), info);
    if (shownCurrency.ok && shownCurrency.currency !== null && shownCurrency.currency !== info.currency)
      return wrongCurrency(typed, shownCurrency.currency, spec, info);
  }
  const percentFormatted =
    format === 'PERCENT' ||
    ((format === undefined || format === null) && typed !== null && endsWithPercent(typed));
  if (info.kind === 'yesno') {
    if (!percentFormatted && (v === 0 || v === 1)) return { ok: true, value: v };
    return refuse('not-yes-no', `${quote(typed ?? String(v))} is not yes or no.`, expectedFor(spec, info));
  }
  if (percentFormatted) {
    const shown = typed ?? `${shiftDecimal(v, 2)}%`;
    if (info.kind !== 'percent') return percentNotAllowed(shown, spec, info);
    const points = shiftDecimal(v, 2);
    return bounded(
      points,
      shown,
      true,
      spec,
      info,
      `The cell is formatted as a percentage: its stored ${v} (shown as ${shown}) is read as ${points} percentage points.`,
    );
  }
  if (info.kind === 'percent')
    return withPercentHint(bounded(v, typed, false, spec, info, plainPercentNote(v)), v);
  return bounded(v, typed, false, spec, info, undefined);
}

function wrongCurrency(raw: string, currency: string, spec: IndicatorSpec, info: UnitInfo): Parsed {
  const what =
    info.currency === null ? 'an amount of money' : `in ${CURRENCY_NAMES.get(currency) ?? currency}`;
  return refuse(
    'wrong-currency',
    `${quote(raw)} is ${what}, but ${who(spec)} ${measuredIn(info)}.`,
    expectedFor(spec, info),
  );
}

function booleanCell(v: boolean, cell: SheetCell, spec: IndicatorSpec, info: UnitInfo): Parsed {
  if (info.kind === 'yesno') return { ok: true, value: v ? 1 : 0 };
  return refuse(
    'not-a-number',
    `${quote(cell.text ?? (v ? 'TRUE' : 'FALSE'))} is a yes/no value (a tick box or TRUE/FALSE), not a number.`,
    expectedFor(spec, info),
  );
}

function endsWithPercent(text: string): boolean {
  const t = text.trimEnd();
  const c = t.charCodeAt(t.length - 1);
  return c === 0x25 || c === 0xff05;
}

// ---------------------------------------------------------------------------------------------------------------
// Text

function parseText(raw: string, spec: IndicatorSpec, info: UnitInfo): Parsed {
  const fast = plainNumber(raw);
  if (fast === fast) {
    if (info.kind === 'yesno') {
      return fast === 0 || fast === 1
        ? { ok: true, value: fast }
        : refuse('not-yes-no', `${quote(raw)} is not yes or no.`, expectedFor(spec, info));
    }
    return info.kind === 'percent'
      ? withPercentHint(bounded(fast, raw, false, spec, info, plainPercentNote(fast)), fast)
      : bounded(fast, raw, false, spec, info, undefined);
  }
  return parseUnusualText(raw, spec, info);
}

function parseUnusualText(raw: string, spec: IndicatorSpec, info: UnitInfo): Parsed {
  const s = (hasNonAscii(raw) ? normaliseWidth(raw) : raw).trim();
  if (s === '') return BLANK;
  const lower = s.toLowerCase();
  if (MISSING_WORDS.has(lower)) {
    return { ok: true, value: null, note: `${quote(raw)} is read as missing: no value, not zero.` };
  }
  if (lower.charCodeAt(0) === 35) {
    const error = FORMULA_ERRORS.get(s.toUpperCase());
    if (error !== undefined) return formulaError(error.display, raw, spec, info);
  }
  if (info.kind === 'yesno') {
    const yes = YES_NO_WORDS.get(lower);
    if (yes !== undefined) return { ok: true, value: yes };
  } else if (lower === '无') {
    return refuse(
      'not-a-number',
      `${quote(raw)} is not a number: if there is no data, leave the cell blank or type N/A; if the value is zero, type 0.`,
      expectedFor(spec, info),
    );
  }

  const scan = scanNumber(s, info);
  if (!scan.ok && info.kind === 'yesno') {
    return refuse('not-yes-no', `${quote(raw)} is not yes or no.`, expectedFor(spec, info));
  }
  if (!scan.ok) {
    if (scan.decimalComma) {
      return refuse(
        'decimal-comma',
        `${quote(raw)} is not a number: a comma separates thousands in groups of three (1,092.47), and the decimal mark is a point (17.35).`,
        expectedFor(spec, info),
      );
    }
    return notANumber(raw, spec, info);
  }
  if (!Number.isFinite(scan.value)) return notANumber(raw, spec, info);

  if (scan.currency !== null && scan.currency !== info.currency)
    return wrongCurrency(raw, scan.currency, spec, info);
  if (info.kind === 'yesno') {
    if (!scan.percent && scan.exponent === null && (scan.value === 0 || scan.value === 1)) {
      return { ok: true, value: scan.value };
    }
    return refuse('not-yes-no', `${quote(raw)} is not yes or no.`, expectedFor(spec, info));
  }
  if (scan.percent && info.kind !== 'percent') return percentNotAllowed(raw, spec, info);
  if (scan.scaleWord !== null && info.kind !== 'scaled') {
    const full = shiftDecimal(scan.value, scan.exponent ?? 0);
    const hint =
      info.kind === 'percent' || !Number.isFinite(full) ? '' : `: type the full number, such as ${full}`;
    return refuse(
      'scale-not-allowed',
      `${quote(raw)} uses the scale word “${scan.scaleWord}”, but ${who(spec)} ${measuredIn(info)}, which has no scale${hint}.`,
      expectedFor(spec, info),
    );
  }

  let value = scan.value;
  let note: string | undefined;
  let converted = false;
  if (info.kind === 'scaled' && scan.exponent !== null && scan.exponent !== info.exponent) {
    value = shiftDecimal(value, scan.exponent - info.exponent);
    converted = true;
    note = `${quote(raw)} is read as ${value}${info.label === '' ? '' : ` ${info.label}`}.`;
  } else if (info.kind === 'percent') {
    if (scan.percent) note = `${quote(raw)} is read as ${value} percentage points.`;
    else return withPercentHint(bounded(value, raw, converted, spec, info, plainPercentNote(value)), value);
  }
  return bounded(value, raw, converted, spec, info, note);
}

// ---------------------------------------------------------------------------------------------------------------
// Results

function bounded(
  v: number,
  typed: string | null,
  converted: boolean,
  spec: IndicatorSpec,
  info: UnitInfo,
  note: string | undefined,
): Parsed {
  const min = spec.min;
  const max = spec.max;
  if (v < 0 && (min === undefined || min === null || min >= 0)) {
    return refuse(
      'negative',
      `${shown(v, typed, converted, info)} is negative, and ${who(spec)} cannot be below zero.`,
      expectedFor(spec, info),
    );
  }
  if (min !== undefined && min !== null && v < min) {
    return refuse(
      'below-min',
      `${shown(v, typed, converted, info)} is below the minimum of ${inUnit(min, info)} for ${who(spec)}.`,
      expectedFor(spec, info),
    );
  }
  if (max !== undefined && max !== null && v > max) {
    return refuse(
      'above-max',
      `${shown(v, typed, converted, info)} is above the maximum of ${inUnit(max, info)} for ${who(spec)}.`,
      expectedFor(spec, info),
    );
  }
  if (info.whole && !Number.isInteger(v)) {
    const below = Math.floor(v);
    return refuse(
      'not-whole',
      `${shown(v, typed, converted, info)} is not a whole number, and ${who(spec)} ${measuredIn(info)}: type ${below} or ${below + 1}.`,
      expectedFor(spec, info),
    );
  }
  // `+ 0` turns -0 into 0.
  return note === undefined ? { ok: true, value: v + 0 } : { ok: true, value: v + 0, note };
}

/** A bare fraction typed into a percent indicator is accepted, with a warning: 0.5 may well have meant 50%. */
function withPercentHint(result: Parsed, v: number): Parsed {
  if (!result.ok || !(v !== 0 && v > -1 && v < 1)) return result;
  return { ...result, warning: plainPercentNote(v) };
}
