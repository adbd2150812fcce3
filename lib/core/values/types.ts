/** The shapes the value reader takes and returns. */

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

/**
 * Every kind of mistake a refusal reports, for grouping and tests; the sentence is in `reason`. The officials'
 * guides (docs/officials.*.md) explain each, and a test holds them to this list.
 */
export const PROBLEMS = [
  'formula-error',
  'calculating',
  'not-a-number',
  'decimal-comma',
  'date',
  'percent-not-allowed',
  'scale-not-allowed',
  'wrong-currency',
  'not-yes-no',
  'negative',
  'not-whole',
  'below-min',
  'above-max',
] as const;
export type Problem = (typeof PROBLEMS)[number];

/**
 * `note` explains how the value was read (always safe to show); `warning` flags an accepted value the person
 * should look at again (a bare fraction in a percent indicator), and belongs on the Feedback tab.
 */
export type Accepted = { ok: true; value: number | null; note?: string; warning?: string };
export type Refused = { ok: false; problem: Problem; reason: string; expected: string };
export type Parsed = Accepted | Refused;
