/**
 * Units: how an indicator's `unit` string is read (its kind, its scale, its currency), in English or Chinese.
 */
import { normaliseWidth } from './text';

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
  /**
   * Whether a value must be a whole number: a count of things or people (`count`, `people`, `enterprises`, `家`)
   * with no denominator. `Number` and `Number of …` are not held to it: international data sets (COINr's ASEM
   * among them) use them for averages and amounts in millions.
   */
  readonly whole: boolean;
};

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
/** `Number`, `No.`: a count noun in name only (see `UnitInfo.whole`). */
const GENERIC_NUMBER = /(?:^|[^a-z])(?:number|no\.)(?![a-z])/;
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
export const CURRENCY_WORDS: ReadonlyMap<string, string> = new Map([
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

export const CURRENCY_NAMES: ReadonlyMap<string, string> = new Map([
  ['CNY', 'yuan'],
  ['USD', 'US dollars'],
  ['EUR', 'euros'],
  ['HKD', 'Hong Kong dollars'],
  ['JPY', 'yen'],
  ['GBP', 'pounds'],
]);

export const EN_SCALE_WORDS: ReadonlyMap<string, number> = new Map([
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

export const ZH_SCALE_WORDS: ReadonlyMap<string, number> = new Map([
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
export const EXAMPLE_SCALE_WORD: ReadonlyMap<number, string> = new Map([
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
  whole = false,
): UnitInfo {
  return Object.freeze({ kind, exponent, scale: 10 ** exponent, label, base, currency, whole });
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
    const whole = numerator === u && !GENERIC_NUMBER.test(numerator);
    return makeUnit('count', 0, label, base, null, whole);
  }
  return makeUnit('plain', 0, label, base, null);
}

function currencyInUnit(u: string): string | null {
  for (const [pattern, code] of CURRENCY_IN_UNIT) if (pattern.test(u)) return code;
  return null;
}
