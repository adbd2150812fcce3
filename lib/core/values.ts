/**
 * Reading one value as an official typed it (DESIGN section 3): a Sheets cell (its effective value, displayed text
 * and number format type) or a CSV field, turned into a number in the indicator's unit, a missing value, or a
 * refusal that says in a plain sentence what is wrong and what is expected.
 *
 * Pure: no I/O, no AWS, no Google types. Called 105 x 45 times per sync and millions of times in benchmarks, so
 * every regular expression is compiled once at module load, units are parsed once and cached, and a plain number
 * (`1092.47`, a number cell) takes a path that allocates nothing but the result (and, for a percent indicator,
 * its note).
 *
 * Percentages. An indicator whose unit is percent stores percentage points: 17.35 means 17.35 %.
 * - `17.35%` typed as text (or in a CSV) is 17.35: the sign only confirms the unit.
 * - `17.35` typed as a number (a number cell, or text without a sign) is 17.35: a bare number is taken as points.
 * - A number cell storing 0.1735 with a PERCENT number format (Sheets shows `17.35%`) is 17.35: the format type,
 *   not the size of the number, says it is a fraction, so the stored value is multiplied by 100 (decimally, so
 *   0.1735 gives exactly 17.35). When the format type is absent (a field mask without it), a displayed text
 *   ending in `%` stands in for it. A custom format that merely prints a `%` (type NUMBER) is taken at its value.
 * - A bare fraction such as 0.1735 typed as a plain number is taken literally, as 0.1735 points: guessing "they
 *   meant 17.35" would silently turn a true 0.5 % into 50 %. The note returned with it says how it was read and
 *   what to type instead, and the Feedback tab shows that note.
 * - A percentage (a `%` sign or a PERCENT-formatted cell) for an indicator that is not in percent is refused.
 * Values above 100 are accepted unless the indicator's `max` says otherwise (growth rates exceed 100 %).
 *
 * Scales. An indicator's unit declares its scale (`亿元` and `100 million yuan` are 1e8 yuan); a value typed with a
 * scale word (`1,092.47亿`, `1.2 million`, `500k`) is converted to it exactly, by moving the decimal point of the
 * number as typed rather than multiplying binary floats. A value typed with its currency but no scale word
 * (`5000000元` into 万元) is taken literally and converted; a bare number is already in the indicator's unit.
 * Scale words are refused for units without a scale (counts, indices, percent): `1.2万` enterprises is more
 * likely a typing slip than a count, and the refusal shows the full number to type instead.
 *
 * Bounds (`min`, `max`) are in the indicator's unit and apply after conversion. Without a `min`, negatives are
 * refused; an indicator that can fall (a growth rate) declares a negative `min`.
 */

/** How an indicator's unit is read. `scaled` covers money and any amount with a magnitude (万吨, 10,000 parcels). */
export type UnitKind = 'percent' | 'yesno' | 'scaled' | 'count' | 'plain';

/** An indicator's unit as understood: its kind and, for `scaled`, the power of ten one unit stands for. */
export type UnitInfo = {
  readonly kind: UnitKind;
  /** One unit is 10^exponent of the base: 8 for `亿元`, 9 for `billion yuan`, 0 for `yuan` and for other kinds. */
  readonly exponent: number;
  /** 10^exponent. */
  readonly scale: number;
  /** The unit as the methodologist wrote it, for messages. */
  readonly label: string;
  /** The unit without its scale, normalised and lower-cased (`元`, `yuan`, `enterprises`), for typed echoes. */
  readonly base: string;
  /** ISO code of the unit's currency (`CNY`, `USD`), or null when the unit is not money. */
  readonly currency: string | null;
};

export type IndicatorSpec = { code: string; unit?: string | null; min?: number | null; max?: number | null };

/** One cell as read with `includeGridData`: the effective value, its error, its displayed text and format type. */
export type SheetCell = {
  value?: number | string | boolean | null;
  /** The error type (`DIVIDE_BY_ZERO`) or its display (`#DIV/0!`). */
  error?: string | null;
  /** `formattedValue`: what the official sees. */
  text?: string | null;
  /** `effectiveFormat.numberFormat.type`: NUMBER, PERCENT, CURRENCY, TEXT, DATE, TIME, DATE_TIME, SCIENTIFIC. */
  formatType?: string | null;
};

/** The part of a Sheets API `CellData` this module reads; `Schema$CellData` from @googleapis/sheets fits it. */
export type SheetsCellData = {
  effectiveValue?: {
    numberValue?: number | null;
    stringValue?: string | null;
    boolValue?: boolean | null;
    errorValue?: { type?: string | null; message?: string | null } | null;
  } | null;
  formattedValue?: string | null;
  effectiveFormat?: { numberFormat?: { type?: string | null } | null } | null;
};

/** What kind of mistake a refusal reports, for grouping and tests; the sentence is in `reason`. */
export type Problem =
  | 'formula-error'
  | 'calculating'
  | 'not-a-number'
  | 'decimal-comma'
  | 'date'
  | 'percent-not-allowed'
  | 'scale-not-allowed'
  | 'wrong-currency'
  | 'not-yes-no'
  | 'negative'
  | 'below-min'
  | 'above-max';

/**
 * `note` explains how the value was read (always safe to show); `warning` flags an accepted value the person
 * should look at again (a bare fraction in a percent indicator), and belongs on the Feedback tab.
 */
export type Accepted = { ok: true; value: number | null; note?: string; warning?: string };
export type Refused = { ok: false; problem: Problem; reason: string; expected: string };
export type Parsed = Accepted | Refused;

/** Shared result for a blank cell, the most common missing value; frozen because it is shared. */
const BLANK: Accepted = Object.freeze({ ok: true, value: null });

// ---------------------------------------------------------------------------------------------------------------
// Units

const YESNO_UNIT =
  /yes ?\/ ?no|是 ?\/ ?否|^(?:no ?\/ ?yes|y ?\/ ?n|否 ?\/ ?是|是否|有 ?\/ ?无|0 ?\/ ?1|1 ?\/ ?0|yes or no|boolean|bool|binary|true ?\/ ?false)$/;
const PERCENT_UNIT = /%|(?:^|[^a-z])(?:percent(?:age)?s?|per cent|pct|pp)(?![a-z])|百分比|百分点/;
/** Where a rate's denominator starts (`yuan per capita`, `元/人`, `每万人`): its scale is not the value's. */
const DENOMINATOR = /\s+per\s+|\/|每/;
const EN_UNIT_SCALE =
  /(?:^|[^a-z0-9])(?:(10|ten|100|one hundred|a hundred|hundred)\s*)?(thousands?|millions?|mn|mln|billions?|bn|trillions?|k|m)(?![a-z])/;
const DIGIT_GROUP_SEPARATOR = /(\d)[, ](?=\d{3}(?!\d))/g;
const DIGIT_UNIT_SCALE = /(?:^|[^\d.])1(0+)(?![\d.])/;
const ZH_UNIT_SCALE = /[十百千万亿]+/;
/** Characters after 千/百 that make them part of another unit (千瓦 kW, 千米 km, 千克 kg, 百分 percent). */
const ZH_NOT_SCALE_AFTER = /^[瓦米克分秒位]/;
const BRACKETS = /[()（）[\]]/g;
const SPACES = /\s+/g;
const MEASURE_UNIT =
  /(?:^|[^a-z])(?:tons?|tonnes?|teu|kg|sq ?m|square met(?:re|er)s?|m2|kwh)(?![a-z])|吨|标箱|平方米|㎡|千克|公斤|千瓦时/;
const COUNT_UNIT_EN =
  /(?:^|[^a-z])(?:enterprises?|compan(?:y|ies)|firms?|businesses|people|persons?|individuals?|items?|zones?|platforms?|projects?|parcels?|packages?|orders?|shipments?|cases?|employees?|workers?|jobs?|units?|count|number|no\.|pcs|pieces?|times|visits?|events?|brands?|stores?|shops?|warehouses?|merchants?|sellers?|trainees?|students?|patents?|countries|products?|declarations?|entries)(?![a-z])/;
const COUNT_UNIT_ZH = /^[个家人项件次单票座所名户条批场笔种款]{1,2}数?$|数量|个数|家数/;

const CURRENCY_IN_UNIT: ReadonlyArray<readonly [RegExp, string]> = [
  [/美元|美金|(?:^|[^a-z])(?:usd|us\$|dollars?)(?![a-z])|\$/, 'USD'],
  [/欧元|(?:^|[^a-z])(?:eur|euros?)(?![a-z])|€/, 'EUR'],
  [/港元|港币|(?:^|[^a-z])hkd(?![a-z])/, 'HKD'],
  [/日元|(?:^|[^a-z])(?:jpy|yen)(?![a-z])/, 'JPY'],
  [/英镑|(?:^|[^a-z])gbp(?![a-z])|£/, 'GBP'],
  [/元|人民币|(?:^|[^a-z])(?:yuan|rmb|cny)(?![a-z])|¥/, 'CNY'],
];

/** Currency words an official may type after a value, and the symbols they may type before it. */
const CURRENCY_WORDS: ReadonlyMap<string, string> = new Map([
  ['元', 'CNY'],
  ['人民币', 'CNY'],
  ['人民币元', 'CNY'],
  ['yuan', 'CNY'],
  ['rmb', 'CNY'],
  ['cny', 'CNY'],
  ['¥', 'CNY'],
  ['美元', 'USD'],
  ['美金', 'USD'],
  ['usd', 'USD'],
  ['us$', 'USD'],
  ['dollar', 'USD'],
  ['dollars', 'USD'],
  ['$', 'USD'],
  ['欧元', 'EUR'],
  ['eur', 'EUR'],
  ['euro', 'EUR'],
  ['euros', 'EUR'],
  ['€', 'EUR'],
  ['港元', 'HKD'],
  ['港币', 'HKD'],
  ['hkd', 'HKD'],
  ['日元', 'JPY'],
  ['jpy', 'JPY'],
  ['yen', 'JPY'],
  ['英镑', 'GBP'],
  ['gbp', 'GBP'],
  ['£', 'GBP'],
]);

const CURRENCY_NAMES: ReadonlyMap<string, string> = new Map([
  ['CNY', 'yuan'],
  ['USD', 'US dollars'],
  ['EUR', 'euros'],
  ['HKD', 'Hong Kong dollars'],
  ['JPY', 'yen'],
  ['GBP', 'pounds'],
]);

const EN_SCALE_WORDS: ReadonlyMap<string, number> = new Map([
  ['k', 3],
  ['thousand', 3],
  ['thousands', 3],
  ['m', 6],
  ['mn', 6],
  ['mln', 6],
  ['million', 6],
  ['millions', 6],
  ['bn', 9],
  ['billion', 9],
  ['billions', 9],
  ['trillion', 12],
  ['trillions', 12],
]);

const ZH_SCALE_WORDS: ReadonlyMap<string, number> = new Map([
  ['千', 3],
  ['万', 4],
  ['十万', 5],
  ['百万', 6],
  ['千万', 7],
  ['亿', 8],
  ['十亿', 9],
  ['百亿', 10],
  ['千亿', 11],
  ['万亿', 12],
]);

/** The scale word shown in examples of the expected form, by the unit's exponent. */
const EXAMPLE_SCALE_WORD: ReadonlyMap<number, string> = new Map([
  [3, ' thousand'],
  [4, '万'],
  [6, ' million'],
  [7, '千万'],
  [8, '亿'],
  [9, ' billion'],
  [12, '万亿'],
]);

const unitCache = new Map<string, UnitInfo>();
const UNIT_CACHE_LIMIT = 1024;

/**
 * How an indicator's unit string is read, in English or Chinese: `unitScale('亿元')` is
 * `{ kind: 'scaled', exponent: 8, scale: 1e8, currency: 'CNY', ... }`. Results are cached per spelling.
 */
export function unitScale(unit: string | null | undefined): UnitInfo {
  const key = unit ?? '';
  let info = unitCache.get(key);
  if (info === undefined) {
    info = readUnit(key);
    if (unitCache.size >= UNIT_CACHE_LIMIT) unitCache.clear();
    unitCache.set(key, info);
  }
  return info;
}

function makeUnit(
  kind: UnitKind,
  exponent: number,
  label: string,
  base: string,
  currency: string | null,
): UnitInfo {
  return Object.freeze({ kind, exponent, scale: 10 ** exponent, label, base, currency });
}

function readUnit(raw: string): UnitInfo {
  const label = raw.trim();
  const u = normaliseWidth(label).toLowerCase().replace(SPACES, ' ').trim();
  if (u === '') return makeUnit('plain', 0, label, '', null);
  if (YESNO_UNIT.test(u)) return makeUnit('yesno', 0, label, '', null);
  if (PERCENT_UNIT.test(u)) return makeUnit('percent', 0, label, '%', null);

  const numerator = (u.split(DENOMINATOR)[0] ?? '').trim();
  const currency = currencyInUnit(numerator);
  let exponent: number | null = null;
  let base = numerator;

  const zh = ZH_UNIT_SCALE.exec(numerator);
  if (zh !== null) {
    const exp = ZH_SCALE_WORDS.get(zh[0]);
    const after = numerator.slice(zh.index + zh[0].length);
    if (exp !== undefined && !ZH_NOT_SCALE_AFTER.test(after)) {
      exponent = exp;
      base = numerator.slice(0, zh.index) + after;
    }
  }
  if (exponent === null) {
    const en = EN_UNIT_SCALE.exec(numerator);
    const word = en?.[2];
    // A bare `m` or `k` is a metre or a kilo unless the unit is money (`USD m`, `$k`).
    if (en !== null && word !== undefined && ((word !== 'm' && word !== 'k') || currency !== null)) {
      const prefix = en[1];
      const lift = prefix === undefined ? 0 : prefix === '10' || prefix === 'ten' ? 1 : 2;
      exponent = (EN_SCALE_WORDS.get(word.endsWith('s') ? word.slice(0, -1) : word) ?? 0) + lift;
      base = numerator.replace(en[0], ' ');
    }
  }
  if (exponent === null) {
    const grouped = numerator.replace(DIGIT_GROUP_SEPARATOR, '$1');
    const digits = DIGIT_UNIT_SCALE.exec(grouped);
    if (digits !== null && digits[1] !== undefined) {
      exponent = digits[1].length;
      base = grouped.replace(digits[0], ' ');
    }
  }
  base = base.replace(BRACKETS, ' ').replace(SPACES, ' ').trim();

  if (exponent !== null || currency !== null || MEASURE_UNIT.test(numerator)) {
    return makeUnit('scaled', exponent ?? 0, label, base, currency);
  }
  if (COUNT_UNIT_EN.test(numerator) || COUNT_UNIT_ZH.test(numerator.replace(SPACES, ''))) {
    return makeUnit('count', 0, label, base, null);
  }
  return makeUnit('plain', 0, label, base, null);
}

function currencyInUnit(u: string): string | null {
  for (const [pattern, code] of CURRENCY_IN_UNIT) if (pattern.test(u)) return code;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Words that are not numbers

/** Typed forms of "no data". Keys are normalised (half-width) and lower-cased. */
const MISSING_WORDS: ReadonlySet<string> = new Set([
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

const YES_NO_WORDS: ReadonlyMap<string, 0 | 1> = new Map([
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

type FormulaError = { display: string; meaning: string };

const FORMULA_ERROR_LIST: ReadonlyArray<readonly [string, FormulaError]> = [
  [
    'DIVIDE_BY_ZERO',
    { display: '#DIV/0!', meaning: 'the formula divides by zero, so the cell has no value' },
  ],
  [
    'REF',
    {
      display: '#REF!',
      meaning: 'the formula refers to a cell that no longer exists, for example in a deleted row or column',
    },
  ],
  [
    'N_A',
    {
      display: '#N/A',
      meaning:
        'a lookup in the formula found nothing (if there is no data, leave the cell blank or type N/A as text)',
    },
  ],
  ['VALUE', { display: '#VALUE!', meaning: 'the formula was given text where it needed a number' }],
  [
    'NAME',
    {
      display: '#NAME?',
      meaning: 'the formula uses a name Google Sheets does not know, such as a misspelt function',
    },
  ],
  [
    'NUM',
    {
      display: '#NUM!',
      meaning: 'the formula’s result is not a valid number, for example too large or the root of a negative',
    },
  ],
  ['NULL_VALUE', { display: '#NULL!', meaning: 'the formula combines ranges that do not meet' }],
  [
    'ERROR',
    { display: '#ERROR!', meaning: 'Google Sheets cannot read the formula, usually because of a typo in it' },
  ],
];

/** Formula errors by API error type and by the text Sheets displays. */
const FORMULA_ERRORS: ReadonlyMap<string, FormulaError> = new Map([
  ...FORMULA_ERROR_LIST,
  ...FORMULA_ERROR_LIST.map(([, e]): [string, FormulaError] => [e.display, e]),
]);

// ---------------------------------------------------------------------------------------------------------------
// Entry points

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

/** The number when `s` is only ASCII digits with at most one point and a leading minus, else NaN. */
function plainNumber(s: string): number {
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
type Scan =
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

  if (scan.currency !== null && scan.currency !== info.currency) {
    const what =
      info.currency === null
        ? 'an amount of money'
        : `in ${CURRENCY_NAMES.get(scan.currency) ?? scan.currency}`;
    return refuse(
      'wrong-currency',
      `${quote(raw)} is ${what}, but ${who(spec)} ${measuredIn(info)}.`,
      expectedFor(spec, info),
    );
  }
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

/**
 * Reads `[(] [sign] [currency symbol] [sign] digits[,ddd]*[.digits][e±d] [% | scale word] [unit] [)]` from a
 * trimmed, half-width string. Parentheses are the accounting form of a negative.
 */
function scanNumber(s: string, info: UnitInfo): Scan {
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

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return true;
  return false;
}

/** Full-width forms to ASCII (`１，２３４．５％`), the other spaces to a space, typographic minus to `-`. */
function normaliseWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000 || c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f || c === 0x09)
      out += ' ';
    else if (c === 0x200b || c === 0xfeff) continue;
    else if (c === 0xffe5) out += '¥';
    else if (c === 0x2212) out += '-';
    else if (c === 0xfe6a) out += '%';
    else out += s[i];
  }
  return out;
}

/** `v` x 10^k computed on the decimal digits, so 0.1735 x 10^2 is exactly 17.35 and 1092.47 x 10^-1 is 109.247. */
function shiftDecimal(v: number, k: number): number {
  if (k === 0 || v === 0 || !Number.isFinite(v)) return v;
  const s = String(v);
  const e = s.indexOf('e');
  return e < 0 ? Number(`${s}e${k}`) : Number(`${s.slice(0, e)}e${Number(s.slice(e + 1)) + k}`);
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
  // `+ 0` turns -0 into 0.
  return note === undefined ? { ok: true, value: v + 0 } : { ok: true, value: v + 0, note };
}

/** A bare fraction typed into a percent indicator is accepted, with a warning: 0.5 may well have meant 50%. */
function withPercentHint(result: Parsed, v: number): Parsed {
  if (!result.ok || !(v !== 0 && v > -1 && v < 1)) return result;
  return { ...result, warning: plainPercentNote(v) };
}

function plainPercentNote(v: number): string {
  if (v !== 0 && v > -1 && v < 1) {
    return `${v} is read as ${v}% (percentage points); if you meant ${shiftDecimal(v, 2)}%, type ${shiftDecimal(v, 2)}.`;
  }
  return `${v} is read as ${v}% (percentage points).`;
}

function formulaError(
  error: string,
  text: string | null | undefined,
  spec: IndicatorSpec,
  info: UnitInfo,
): Refused {
  if (error === 'LOADING') {
    return refuse(
      'calculating',
      'The cell was still calculating (Loading…) when it was read.',
      `${expectedFor(spec, info)}; the cell is read again at the next sync`,
    );
  }
  const known =
    FORMULA_ERRORS.get(error) ?? (text ? FORMULA_ERRORS.get(text.trim().toUpperCase()) : undefined);
  const expected = `${expectedFor(spec, info)}; correct the formula or type the value itself`;
  if (known !== undefined)
    return refuse('formula-error', `${quote(known.display)} is a formula error: ${known.meaning}.`, expected);
  return refuse(
    'formula-error',
    `${quote(text || error)} is a formula error: the formula in this cell does not give a value.`,
    expected,
  );
}

function notANumber(raw: string, spec: IndicatorSpec, info: UnitInfo): Refused {
  return refuse('not-a-number', `${quote(raw)} is not a number.`, expectedFor(spec, info));
}

function percentNotAllowed(typed: string, spec: IndicatorSpec, info: UnitInfo): Refused {
  return refuse(
    'percent-not-allowed',
    `${quote(typed)} is a percentage, but ${who(spec)} ${measuredIn(info)}.`,
    expectedFor(spec, info),
  );
}

function refuse(problem: Problem, reason: string, expected: string): Refused {
  return { ok: false, problem, reason, expected };
}

function who(spec: IndicatorSpec): string {
  return spec.code === '' ? 'this indicator' : spec.code;
}

function measuredIn(info: UnitInfo): string {
  switch (info.kind) {
    case 'percent':
      return 'is a percentage';
    case 'yesno':
      return 'is a yes/no indicator';
    case 'count':
      return `is a count of ${info.label}`;
    default:
      return info.label === '' ? 'is a plain number' : `is measured in ${info.label}`;
  }
}

function inUnit(x: number, info: UnitInfo): string {
  if (info.kind === 'percent') return `${x}%`;
  return info.label === '' ? String(x) : `${x} ${info.label}`;
}

function shown(v: number, typed: string | null, converted: boolean, info: UnitInfo): string {
  if (typed === null) return quote(String(v));
  return converted ? `${quote(typed)} (${inUnit(v, info)})` : quote(typed);
}

const QUOTE_LIMIT = 40;

function quote(text: string): string {
  const t = text.trim();
  return `“${t.length > QUOTE_LIMIT ? `${t.slice(0, QUOTE_LIMIT - 1)}…` : t}”`;
}

function expectedFor(spec: IndicatorSpec, info: UnitInfo): string {
  const range = rangeText(spec);
  switch (info.kind) {
    case 'yesno':
      return 'yes or no (是 or 否), or 1 or 0';
    case 'percent':
      return `a percentage${range}, such as 17.35 or 17.35%`;
    case 'scaled':
      return `a number in ${info.label}${range}, such as 1092.47 or 1,092.47${EXAMPLE_SCALE_WORD.get(info.exponent) ?? '万'}`;
    case 'count':
      return `a number of ${info.label}${range}, such as 1092 or 1,092`;
    default:
      return `a number${info.label === '' ? '' : ` in ${info.label}`}${range}, such as 1092.47 or 1,092.47`;
  }
}

function rangeText(spec: IndicatorSpec): string {
  const min = spec.min ?? null;
  const max = spec.max ?? null;
  if (min !== null && max !== null) return ` from ${min} to ${max}`;
  if (min !== null) return ` of at least ${min}`;
  if (max !== null) return ` of at most ${max}`;
  return '';
}
