/**
 * Scanning typed text: the fast path for a plain number, the full scan of a number with thousands commas, sign,
 * currency, percent sign or scale word, and the words that mean "no data" or yes/no.
 */
import { CURRENCY_WORDS, EN_SCALE_WORDS, type UnitInfo, ZH_SCALE_WORDS } from './units';

/** Typed forms of "no data". Keys are normalised (half-width) and lower-cased. */
export const MISSING_WORDS: ReadonlySet<string> = new Set([
  'n/a',
  'na',
  'n.a.',
  'n.a',
  'not available',
  '-',
  '--',
  '---',
  '—',
  '——',
  '–',
  '/',
  '无数据',
  '暂无数据',
  '不适用',
]);

export const YES_NO_WORDS: ReadonlyMap<string, 0 | 1> = new Map([
  ['yes', 1],
  ['y', 1],
  ['true', 1],
  ['是', 1],
  ['有', 1],
  ['1', 1],
  ['no', 0],
  ['n', 0],
  ['false', 0],
  ['否', 0],
  ['无', 0],
  ['没有', 0],
  ['0', 0],
]);

/** The number when `s` is only ASCII digits with at most one point and a leading minus, else NaN. */
export function plainNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 24) return Number.NaN;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let points = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && points === 0) points = 1;
    else return Number.NaN;
  }
  return digits === 0 ? Number.NaN : Number(s);
}

/** What a scan of a numeric text found; the value is as typed, before any scale is applied. */
export type Scan =
  | {
      ok: true;
      value: number;
      percent: boolean;
      /** Power of ten of a typed scale word, or of the base unit when a unit without scale word was typed. */
      exponent: number | null;
      scaleWord: string | null;
      currency: string | null;
    }
  | { ok: false; decimalComma: boolean };

const JUNK: Scan = Object.freeze({ ok: false, decimalComma: false });
const DECIMAL_COMMA: Scan = Object.freeze({ ok: false, decimalComma: true });

/**
 * Reads `[(] [sign] [currency symbol] [sign] digits[,ddd]*[.digits][e±d] [% | scale word] [unit] [)]` from a
 * trimmed, half-width string. Parentheses are the accounting form of a negative.
 */
export function scanNumber(s: string, info: UnitInfo): Scan {
  let i = 0;
  let end = s.length;
  let negative = false;
  if (s.charCodeAt(0) === 40 && s.charCodeAt(end - 1) === 41) {
    negative = true;
    i = 1;
    end--;
  }
  i = skipSpaces(s, i, end);
  let signed = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    negative = negative !== (c === 45);
    signed = true;
    i++;
  }
  let currency: string | null = null;
  c = s.charCodeAt(i);
  if (c === 0xa5 || c === 0x24 || c === 0x20ac || c === 0xa3) {
    currency = CURRENCY_WORDS.get(s[i] ?? '') ?? null;
    i = skipSpaces(s, i + 1, end);
    c = s.charCodeAt(i);
    if (!signed && (c === 45 || c === 43)) {
      negative = c === 45;
      i++;
    }
  }

  const start = i;
  let intDigits = 0;
  let group = 0;
  let commas = false;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      intDigits++;
      group++;
    } else if (c === 44) {
      if (intDigits === 0) return JUNK;
      if (commas ? group !== 3 : group > 3) return DECIMAL_COMMA;
      commas = true;
      group = 0;
    } else break;
  }
  if (commas && group !== 3) return DECIMAL_COMMA;
  let fracDigits = 0;
  if (s.charCodeAt(i) === 46) {
    for (i++; i < end; i++) {
      c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) fracDigits++;
      else break;
    }
    // 1.092,47: a point grouping thousands and a comma for the decimals, as typed in much of Europe.
    if (fracDigits === 3 && !commas && s.charCodeAt(i) === 44) return DECIMAL_COMMA;
  }
  if (intDigits + fracDigits === 0) return JUNK;
  c = s.charCodeAt(i);
  if (c === 101 || c === 69) {
    let j = i + 1;
    const sign = s.charCodeAt(j);
    if (sign === 45 || sign === 43) j++;
    let expDigits = 0;
    for (; j < end; j++) {
      const d = s.charCodeAt(j);
      if (d >= 48 && d <= 57) expDigits++;
      else break;
    }
    if (expDigits > 0) i = j;
  }
  const numberText = commas ? s.slice(start, i).replaceAll(',', '') : s.slice(start, i);
  const magnitude = Number(numberText);
  const value = negative ? -magnitude : magnitude;

  i = skipSpaces(s, i, end);
  let percent = false;
  let exponent: number | null = null;
  let scaleWord: string | null = null;
  c = s.charCodeAt(i);
  if (c === 37) {
    percent = true;
    i++;
  } else if (isZhScaleChar(c)) {
    let j = i + 1;
    while (j < end && isZhScaleChar(s.charCodeAt(j))) j++;
    const word = s.slice(i, j);
    exponent = ZH_SCALE_WORDS.get(word) ?? null;
    if (exponent === null) return JUNK;
    scaleWord = word;
    i = j;
  } else if (isAsciiLetter(c)) {
    let j = i + 1;
    while (j < end && isAsciiLetter(s.charCodeAt(j))) j++;
    const word = s.slice(i, j).toLowerCase();
    const exp = EN_SCALE_WORDS.get(word);
    if (exp !== undefined) {
      exponent = exp;
      scaleWord = s.slice(i, j);
      i = j;
    } else if (word === 'percent' || word === 'pct') {
      percent = true;
      i = j;
    }
  }

  // The rest may repeat the unit (`1,092.47亿元`, `30 enterprises`); with a currency it fixes the scale.
  const rest = s.slice(i, end).trim().toLowerCase();
  if (rest !== '') {
    if (percent) return JUNK;
    const restCurrency = CURRENCY_WORDS.get(rest);
    if (restCurrency !== undefined) {
      if (currency !== null && currency !== restCurrency) return JUNK;
      currency = restCurrency;
    } else if (rest !== info.base || info.base === '') {
      return JUNK;
    }
    if (exponent === null && info.kind === 'scaled') exponent = 0;
  } else if (currency !== null && exponent === null && info.kind === 'scaled') {
    exponent = 0;
  }
  return { ok: true, value, percent, exponent, scaleWord, currency };
}

function skipSpaces(s: string, i: number, end: number): number {
  while (i < end && s.charCodeAt(i) === 32) i++;
  return i;
}

function isZhScaleChar(c: number): boolean {
  // 十 百 千 万 亿
  return c === 0x5341 || c === 0x767e || c === 0x5343 || c === 0x4e07 || c === 0x4ebf;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
