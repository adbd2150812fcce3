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
export { cellFromSheets, expectedForm, parseCell, parseField, parseSheetsCell } from './parse';
export type {
  Accepted,
  IndicatorSpec,
  Parsed,
  Problem,
  Refused,
  SheetCell,
  SheetsCellData,
} from './types';
export { PROBLEMS } from './types';
export { type UnitInfo, type UnitKind, unitScale } from './units';
export { UNIT_WORDS, unitProblem, ZH_UNITS } from './vocabulary';
