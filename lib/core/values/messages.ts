/**
 * The sentences of a refusal or a note: what was typed, what is wrong, and the form expected instead.
 */
import { shiftDecimal } from './text';
import type { IndicatorSpec, Problem, Refused } from './types';
import { EXAMPLE_SCALE_WORD, type UnitInfo } from './units';

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
export const FORMULA_ERRORS: ReadonlyMap<string, FormulaError> = new Map([
  ...FORMULA_ERROR_LIST,
  ...FORMULA_ERROR_LIST.map(([, e]): [string, FormulaError] => [e.display, e]),
]);

export function plainPercentNote(v: number): string {
  if (v !== 0 && v > -1 && v < 1) {
    return `${v} is read as ${v}% (percentage points); if you meant ${shiftDecimal(v, 2)}%, type ${shiftDecimal(v, 2)}.`;
  }
  return `${v} is read as ${v}% (percentage points).`;
}

export function formulaError(
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

export function notANumber(raw: string, spec: IndicatorSpec, info: UnitInfo): Refused {
  return refuse('not-a-number', `${quote(raw)} is not a number.`, expectedFor(spec, info));
}

export function percentNotAllowed(typed: string, spec: IndicatorSpec, info: UnitInfo): Refused {
  return refuse(
    'percent-not-allowed',
    `${quote(typed)} is a percentage, but ${who(spec)} ${measuredIn(info)}.`,
    expectedFor(spec, info),
  );
}

export function refuse(problem: Problem, reason: string, expected: string): Refused {
  return { ok: false, problem, reason, expected };
}

export function who(spec: IndicatorSpec): string {
  return spec.code === '' ? 'this indicator' : spec.code;
}

/** Count units spelled as the bare word: they name no thing counted ("a count of count" reads as a typo). */
const GENERIC_COUNT = new Set(['', 'count', 'counts', 'number', 'no.', 'items', '个', '项', '个数', '数量']);

export function measuredIn(info: UnitInfo): string {
  switch (info.kind) {
    case 'percent':
      return 'is a percentage';
    case 'yesno':
      return 'is a yes/no indicator';
    case 'count':
      return GENERIC_COUNT.has(info.label.toLowerCase()) ? 'is a count' : `is a count of ${info.label}`;
    default:
      return info.label === '' ? 'is a plain number' : `is measured in ${info.label}`;
  }
}

export function inUnit(x: number, info: UnitInfo): string {
  if (info.kind === 'percent') return `${x}%`;
  return info.label === '' ? String(x) : `${x} ${info.label}`;
}

export function shown(v: number, typed: string | null, converted: boolean, info: UnitInfo): string {
  if (typed === null) return quote(String(v));
  return converted ? `${quote(typed)} (${inUnit(v, info)})` : quote(typed);
}

const QUOTE_LIMIT = 40;

export function quote(text: string): string {
  const t = text.trim();
  return `“${t.length > QUOTE_LIMIT ? `${t.slice(0, QUOTE_LIMIT - 1)}…` : t}”`;
}

export function expectedFor(spec: IndicatorSpec, info: UnitInfo): string {
  const range = rangeText(spec);
  switch (info.kind) {
    case 'yesno':
      return 'yes or no (是 or 否), or 1 or 0';
    case 'percent':
      return `a percentage${range}, such as 17.35 or 17.35%`;
    case 'scaled':
      return `a number in ${info.label}${range}, such as 1092.47 or 1,092.47${EXAMPLE_SCALE_WORD.get(info.exponent) ?? '万'}`;
    case 'count':
      return `${GENERIC_COUNT.has(info.label.trim().toLowerCase()) ? (info.whole ? 'a whole number' : 'a number') : `a number of ${info.label}`}${range}, such as 1092 or 1,092`;
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
