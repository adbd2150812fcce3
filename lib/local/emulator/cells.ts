/**
 * What a cell holds and how it reads back: the entered value, its effective value, the number format and the
 * displayed text, with the en_US parsing that `valueInputOption=USER_ENTERED` applies ("the values will be parsed
 * as if the user typed them into the UI", Sheets API: ValueInputOption).
 */
export type NumberFormatType =
  | 'TEXT'
  | 'NUMBER'
  | 'PERCENT'
  | 'CURRENCY'
  | 'DATE'
  | 'TIME'
  | 'DATE_TIME'
  | 'SCIENTIFIC'
  | 'NUMBER_FORMAT_TYPE_UNSPECIFIED';

export type NumberFormat = { type: NumberFormatType; pattern?: string };

export type ErrorType = 'ERROR' | 'NULL_VALUE' | 'DIVIDE_BY_ZERO' | 'VALUE' | 'REF' | 'NAME' | 'NUM' | 'N_A';

/** Sheets' ExtendedValue: exactly one member is set. */
export type ExtendedValue =
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { formulaValue: string }
  | { errorValue: { type: ErrorType; message: string } };

/** A JSON object as the API passes it through (formats, validation rules, notes). */
export type Json = { [k: string]: unknown };

export type Cell = {
  /** userEnteredValue */
  uv?: ExtendedValue;
  /** effectiveValue: the entered value, or what a formula evaluates to */
  ev?: ExtendedValue;
  /** userEnteredFormat, including numberFormat */
  fmt?: Json;
  dataValidation?: Json;
  note?: string;
};

export const ERROR_TEXT: Record<ErrorType, string> = {
  ERROR: '#ERROR!',
  NULL_VALUE: '#NULL!',
  DIVIDE_BY_ZERO: '#DIV/0!',
  VALUE: '#VALUE!',
  REF: '#REF!',
  NAME: '#NAME?',
  NUM: '#NUM!',
  N_A: '#N/A',
};

export function numberFormatOf(cell: Cell | undefined): NumberFormat | undefined {
  const nf = cell?.fmt?.['numberFormat'];
  if (!nf || typeof nf !== 'object') return undefined;
  const { type, pattern } = nf as { type?: unknown; pattern?: unknown };
  if (typeof type !== 'string') return undefined;
  return typeof pattern === 'string'
    ? { type: type as NumberFormatType, pattern }
    : { type: type as NumberFormatType };
}

export type Parsed = { value: ExtendedValue | undefined; format?: NumberFormat };

/** A JSON value written with valueInputOption=RAW: stored as it is, strings never parsed. */
export function parseRaw(input: unknown): Parsed {
  if (typeof input === 'number') return { value: { numberValue: input } };
  if (typeof input === 'boolean') return { value: { boolValue: input } };
  const text = String(input);
  return { value: text === '' ? undefined : { stringValue: text } };
}

const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
// `\d+(\.\d*)?`, not `\d+\.?\d*`: the latter can split a run of digits in quadratically many ways before failing,
// seconds for a 50,000-digit cell that ends in a letter.
const PLAIN = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const SCIENTIFIC = /^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$/;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function fixedPattern(grouped: boolean, places: number): string {
  return (grouped ? '#,##0' : '0') + (places > 0 ? `.${'0'.repeat(places)}` : '');
}

/** Days since 1899-12-30, the spreadsheet serial number of a calendar date. */
export function dateSerial(y: number, m: number, d: number): number | undefined {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d)
    return undefined;
  return Math.round((t - Date.UTC(1899, 11, 30)) / 86_400_000);
}

/**
 * A value typed by a person, parsed as en_US Sheets does: numbers with thousands separators, percentages (stored
 * as the fraction, shown with a percent format), currency, scientific, dates, TRUE/FALSE, a leading `'` forcing
 * text and a leading `=` making a formula. Anything else stays text (`N/A`, `1,092.47亿`, full-width digits).
 */
export function parseUserEntered(input: unknown): Parsed {
  if (typeof input === 'number') return { value: { numberValue: input } };
  if (typeof input === 'boolean') return { value: { boolValue: input } };
  const text = String(input);
  if (text === '') return { value: undefined };
  if (text.startsWith("'")) return { value: { stringValue: text.slice(1) } };
  if (text.startsWith('=') && text.length > 1) return { value: { formulaValue: text } };
  const t = text.trim();
  const upper = t.toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return { value: { boolValue: upper === 'TRUE' } };
  const number = parseNumberText(t);
  if (number) return number;
  const iso = ISO_DATE.exec(t);
  if (iso) {
    const serial = dateSerial(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (serial !== undefined)
      return { value: { numberValue: serial }, format: { type: 'DATE', pattern: 'yyyy-mm-dd' } };
  }
  const us = US_DATE.exec(t);
  if (us) {
    const serial = dateSerial(Number(us[3]), Number(us[1]), Number(us[2]));
    if (serial !== undefined)
      return { value: { numberValue: serial }, format: { type: 'DATE', pattern: 'M/d/yyyy' } };
  }
  return { value: { stringValue: text } };
}

function parseNumberText(t: string): Parsed | undefined {
  let body = t;
  let percent = false;
  let currency = false;
  let negative = false;
  if (body.endsWith('%')) {
    percent = true;
    body = body.slice(0, -1).trimEnd();
  }
  if (body.startsWith('-$') || body.startsWith('+$')) {
    negative = body.startsWith('-');
    currency = true;
    body = body.slice(2);
  } else if (body.startsWith('$')) {
    currency = true;
    body = body.slice(1);
  }
  if (currency && percent) return undefined;
  const grouped = GROUPED.test(body);
  if (!grouped && !PLAIN.test(body)) {
    if (!percent && !currency && SCIENTIFIC.test(body)) {
      return { value: { numberValue: Number(body) }, format: { type: 'SCIENTIFIC', pattern: '0.00E+00' } };
    }
    return undefined;
  }
  let n = Number(body.replaceAll(',', ''));
  if (!Number.isFinite(n)) return undefined;
  if (negative) n = -n;
  const places = decimals(body);
  if (percent) {
    return {
      // Moving the decimal point in the text keeps 17.35% exactly 0.1735 (17.35 / 100 is 0.17350000000000002).
      value: { numberValue: Number.isFinite(Number(`${n}e-2`)) ? Number(`${n}e-2`) : n / 100 },
      format: { type: 'PERCENT', pattern: `${fixedPattern(false, places)}%` },
    };
  }
  if (currency) {
    return {
      value: { numberValue: n },
      format: { type: 'CURRENCY', pattern: `"$"${fixedPattern(true, 2)}` },
    };
  }
  if (grouped)
    return { value: { numberValue: n }, format: { type: 'NUMBER', pattern: fixedPattern(true, places) } };
  return { value: { numberValue: n } };
}

/** The number as the General format shows it: up to 10 significant decimals, no exponent below 1e15. */
export function formatGeneral(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e15 || abs < 1e-9) return Number(n.toPrecision(10)).toExponential().toUpperCase();
  return Number(n.toPrecision(10)).toString();
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatDate(serial: number, pattern: string): string {
  const d = new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const pad = (x: number) => String(x).padStart(2, '0');
  return pattern
    .replace(/yyyy/i, String(y))
    .replace(/mm/i, pad(m))
    .replace(/dd/i, pad(day))
    .replace(/\bM\b/, String(m))
    .replace(/\bd\b/, String(day));
}

/** en_US patterns for a number format given by its type alone. */
export const DEFAULT_PATTERNS: Partial<Record<NumberFormatType, string>> = {
  NUMBER: '#,##0.00',
  PERCENT: '0.00%',
  CURRENCY: '"$"#,##0.00',
  SCIENTIFIC: '0.00E+00',
  DATE: 'M/d/yyyy',
};

/** Formats a number with a pattern of the forms the emulator writes: `0.00`, `#,##0.00`, `0.00%`, `"$"#,##0.00`. */
export function formatNumber(n: number, nf: NumberFormat | undefined): string {
  const pattern = nf?.pattern ?? (nf ? DEFAULT_PATTERNS[nf.type] : undefined);
  if (!nf || !pattern) return formatGeneral(n);
  if (nf.type === 'DATE' || nf.type === 'DATE_TIME') return formatDate(n, pattern);
  if (nf.type === 'TEXT' || pattern === '@') return formatGeneral(n);
  const sci = /^0(?:\.(0+))?E\+0+$/i.exec(pattern);
  if (sci) {
    const [mant, exp = '0'] = n.toExponential(sci[1]?.length ?? 0).split('e');
    const e = Number(exp);
    return `${mant}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const m = /^(.*?)([#0,]*0)(?:\.(0+))?(%?)(.*)$/.exec(pattern);
  if (!m) return formatGeneral(n);
  const [, prefix = '', intPat = '0', frac = '', pct = '', suffix = ''] = m;
  const value = pct ? n * 100 : n;
  const fixed = Math.abs(value).toFixed(frac.length);
  const [i = '0', f] = fixed.split('.');
  const intText = intPat.includes(',') ? group(i) : i;
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  const unquote = (s: string) => s.replaceAll('"', '');
  return `${sign}${unquote(prefix)}${intText}${f !== undefined ? `.${f}` : ''}${pct}${unquote(suffix)}`;
}

/** formattedValue: what the cell shows. */
export function formatted(cell: Cell | undefined): string | undefined {
  const ev = cell?.ev;
  if (!ev) return undefined;
  if ('numberValue' in ev) return formatNumber(ev.numberValue, numberFormatOf(cell));
  if ('boolValue' in ev) return ev.boolValue ? 'TRUE' : 'FALSE';
  if ('stringValue' in ev) return ev.stringValue;
  if ('errorValue' in ev) return ERROR_TEXT[ev.errorValue.type];
  return undefined;
}

export type RenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

/** One cell in a ValueRange, per valueRenderOption (Sheets API: ValueRenderOption). */
export function rendered(
  cell: Cell | undefined,
  option: RenderOption,
): string | number | boolean | undefined {
  if (!cell?.ev) return undefined;
  if (option === 'FORMATTED_VALUE') return formatted(cell);
  if (option === 'FORMULA' && cell.uv && 'formulaValue' in cell.uv) return cell.uv.formulaValue;
  const ev = cell.ev;
  if ('numberValue' in ev) return ev.numberValue;
  if ('boolValue' in ev) return ev.boolValue;
  if ('stringValue' in ev) return ev.stringValue;
  if ('errorValue' in ev) return ERROR_TEXT[ev.errorValue.type];
  return undefined;
}
