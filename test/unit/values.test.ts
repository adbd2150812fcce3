import fc from 'fast-check';
import {
  expectedForm,
  type IndicatorSpec,
  type Parsed,
  type Problem,
  parseCell,
  parseField,
  parseSheetsCell,
  type SheetCell,
  type SheetsCellData,
  type UnitKind,
  unitScale,
} from '../../lib/core/values';

const E8 = '100 million yuan';

function spec(unit: string | undefined, bounds: { min?: number; max?: number } = {}): IndicatorSpec {
  return { code: 'E1', unit, ...bounds };
}

function acceptedValue(result: Parsed): number | null {
  if (!result.ok) throw new Error(`expected a value, got a refusal: ${result.reason} (${result.problem})`);
  return result.value;
}

function refusalOf(result: Parsed): { problem: Problem; reason: string; expected: string } {
  if (result.ok) throw new Error(`expected a refusal, got the value ${result.value}`);
  return result;
}

describe('unitScale', () => {
  test.each<{ unit: string | undefined; kind: UnitKind; exponent: number; currency?: string | null }>([
    { unit: '100 million yuan', kind: 'scaled', exponent: 8, currency: 'CNY' },
    { unit: '亿元', kind: 'scaled', exponent: 8, currency: 'CNY' },
    { unit: '人民币亿元', kind: 'scaled', exponent: 8, currency: 'CNY' },
    { unit: 'RMB 100 million', kind: 'scaled', exponent: 8, currency: 'CNY' },
    { unit: 'billion yuan', kind: 'scaled', exponent: 9, currency: 'CNY' },
    { unit: '十亿元', kind: 'scaled', exponent: 9, currency: 'CNY' },
    { unit: '10,000 yuan', kind: 'scaled', exponent: 4, currency: 'CNY' },
    { unit: '万元', kind: 'scaled', exponent: 4, currency: 'CNY' },
    { unit: '万元/人', kind: 'scaled', exponent: 4, currency: 'CNY' },
    { unit: 'million USD', kind: 'scaled', exponent: 6, currency: 'USD' },
    { unit: 'USD m', kind: 'scaled', exponent: 6, currency: 'USD' },
    { unit: '亿美元', kind: 'scaled', exponent: 8, currency: 'USD' },
    { unit: 'yuan', kind: 'scaled', exponent: 0, currency: 'CNY' },
    { unit: '万吨', kind: 'scaled', exponent: 4, currency: null },
    { unit: '10,000 sq m', kind: 'scaled', exponent: 4, currency: null },
    { unit: '%', kind: 'percent', exponent: 0 },
    { unit: 'percent', kind: 'percent', exponent: 0 },
    { unit: '百分比', kind: 'percent', exponent: 0 },
    { unit: 'yes/no', kind: 'yesno', exponent: 0 },
    { unit: '是/否', kind: 'yesno', exponent: 0 },
    { unit: 'enterprises', kind: 'count', exponent: 0 },
    { unit: '家', kind: 'count', exponent: 0 },
    { unit: 'enterprises per 10,000 people', kind: 'count', exponent: 0 },
    { unit: 'index', kind: 'plain', exponent: 0 },
    { unit: undefined, kind: 'plain', exponent: 0 },
  ])('reads “$unit” as $kind with exponent $exponent', ({ unit, kind, exponent, currency }) => {
    const info = unitScale(unit);
    expect(info.kind).toBe(kind);
    expect(info.exponent).toBe(exponent);
    expect(info.scale).toBe(10 ** exponent);
    if (currency !== undefined) expect(info.currency).toBe(currency);
  });
});

describe('parseField accepts a number and converts it to the indicator’s unit', () => {
  test.each<{ text: string; unit: string | undefined; min?: number; max?: number; value: number }>([
    { text: '1092.47', unit: E8, value: 1092.47 },
    { text: '1,092.47', unit: E8, value: 1092.47 },
    { text: '1,092.47亿', unit: E8, value: 1092.47 },
    { text: '1,092.47亿', unit: 'billion yuan', value: 109.247 },
    { text: '1,092.47亿', unit: '亿元', value: 1092.47 },
    { text: '1,092.47亿元', unit: 'billion yuan', value: 109.247 },
    { text: '1092.47 亿元', unit: '10,000 yuan', value: 10924700 },
    { text: '12 万元', unit: '亿元', value: 0.0012 },
    { text: '1.2万', unit: 'yuan', value: 12000 },
    { text: '3.5 million', unit: 'million USD', value: 3.5 },
    { text: '3.5 million', unit: 'billion yuan', value: 0.0035 },
    { text: '2.1bn', unit: 'million USD', value: 2100 },
    { text: '500k', unit: 'million USD', value: 0.5 },
    { text: '1.5 thousand', unit: '10,000 yuan', value: 0.15 },
    { text: '5000000元', unit: '万元', value: 500 },
    { text: '¥1,200', unit: 'yuan', value: 1200 },
    { text: '$3.2m', unit: 'million USD', value: 3.2 },
    { text: '5万吨', unit: '万吨', value: 5 },
    { text: '１２３', unit: 'enterprises', value: 123 },
    { text: '１，２３４．５', unit: '万元', value: 1234.5 },
    { text: '１７．３５％', unit: '%', value: 17.35 },
    { text: '17.35%', unit: '%', value: 17.35 },
    { text: '17.35 %', unit: 'percent', value: 17.35 },
    { text: '17.35', unit: '%', value: 17.35 },
    { text: '0.1735', unit: '%', value: 0.1735 },
    { text: '150%', unit: '%', value: 150 },
    { text: '100', unit: '%', max: 100, value: 100 },
    { text: '-3.2%', unit: '%', min: -100, value: -3.2 },
    { text: '－3.2', unit: 'percent', min: -50, value: -3.2 },
    { text: '(1,234)', unit: 'yuan', min: -1e6, value: -1234 },
    { text: ' 42 ', unit: 'enterprises', value: 42 },
    { text: '30家', unit: '家', value: 30 },
    { text: '30 enterprises', unit: 'enterprises', value: 30 },
    { text: '1e3', unit: undefined, value: 1000 },
    { text: '2.50E+02', unit: 'yuan', value: 250 },
    { text: '0', unit: 'enterprises', value: 0 },
    { text: '-0', unit: undefined, value: 0 },
    { text: '.5', unit: 'index', value: 0.5 },
    { text: '85.2', unit: 'index', min: 0, max: 100, value: 85.2 },
  ])('reads “$text” in $unit as $value', ({ text, unit, min, max, value }) => {
    expect(acceptedValue(parseField(text, spec(unit, { min, max })))).toBe(value);
  });
});

describe('parseField reads yes/no answers as 1 or 0', () => {
  test.each<{ text: string; unit: string; value: 0 | 1 }>([
    { text: 'yes', unit: 'yes/no', value: 1 },
    { text: ' Yes ', unit: 'yes/no', value: 1 },
    { text: 'Y', unit: 'yes/no', value: 1 },
    { text: 'TRUE', unit: 'yes/no', value: 1 },
    { text: '是', unit: '是/否', value: 1 },
    { text: '有', unit: '是/否', value: 1 },
    { text: '1', unit: 'yes/no', value: 1 },
    { text: 'no', unit: 'yes/no', value: 0 },
    { text: 'n', unit: 'yes/no', value: 0 },
    { text: 'false', unit: 'yes/no', value: 0 },
    { text: '否', unit: '是/否', value: 0 },
    { text: '无', unit: '是/否', value: 0 },
    { text: '0', unit: 'yes/no', value: 0 },
  ])('reads “$text” as $value', ({ text, unit, value }) => {
    expect(acceptedValue(parseField(text, spec(unit)))).toBe(value);
  });
});

describe('parseField reads the ways of saying “no data” as missing, never zero', () => {
  test.each<{ text: string | null | undefined; unit: string | undefined }>([
    { text: '', unit: E8 },
    { text: '   ', unit: E8 },
    { text: '\u3000', unit: E8 },
    { text: null, unit: E8 },
    { text: undefined, unit: '%' },
    { text: 'N/A', unit: '%' },
    { text: 'n/a', unit: 'enterprises' },
    { text: 'NA', unit: E8 },
    { text: '-', unit: E8 },
    { text: '—', unit: E8 },
    { text: '–', unit: E8 },
    { text: '无数据', unit: E8 },
    { text: 'N/A', unit: 'yes/no' },
    { text: '-', unit: 'yes/no' },
  ])('reads “$text” in $unit as missing', ({ text, unit }) => {
    expect(acceptedValue(parseField(text, spec(unit)))).toBeNull();
  });
});

type RefusalCase = {
  text: string;
  unit: string | undefined;
  min?: number;
  max?: number;
  problem: Problem;
  reason: string | RegExp;
};

const refusals: RefusalCase[] = [
  { text: '12abc', unit: E8, problem: 'not-a-number', reason: '“12abc” is not a number.' },
  { text: 'about 30', unit: undefined, problem: 'not-a-number', reason: '“about 30” is not a number.' },
  { text: '1.2.3', unit: undefined, problem: 'not-a-number', reason: '“1.2.3” is not a number.' },
  { text: '约30', unit: 'enterprises', problem: 'not-a-number', reason: /is not a number/ },
  { text: '30左右', unit: 'enterprises', problem: 'not-a-number', reason: /is not a number/ },
  { text: '10-20', unit: 'index', problem: 'not-a-number', reason: /is not a number/ },
  { text: 'Infinity', unit: undefined, problem: 'not-a-number', reason: /is not a number/ },
  { text: '1e400', unit: undefined, problem: 'not-a-number', reason: /is not a number/ },
  { text: '0x1A', unit: undefined, problem: 'not-a-number', reason: /is not a number/ },
  { text: 'true', unit: 'enterprises', problem: 'not-a-number', reason: /is not a number/ },
  { text: '无', unit: 'enterprises', problem: 'not-a-number', reason: /if the value is zero, type 0/ },
  { text: '17,35', unit: '%', problem: 'decimal-comma', reason: /the decimal mark is a point/ },
  { text: '1,09', unit: E8, problem: 'decimal-comma', reason: /groups of three/ },
  { text: '1234,5', unit: E8, problem: 'decimal-comma', reason: /groups of three/ },
  { text: '1.092,47', unit: E8, problem: 'decimal-comma', reason: /the decimal mark is a point/ },
  { text: '12.345,6', unit: E8, problem: 'decimal-comma', reason: /groups of three/ },
  {
    text: '17.35%',
    unit: 'billion yuan',
    problem: 'percent-not-allowed',
    reason: '“17.35%” is a percentage, but E1 is measured in billion yuan.',
  },
  {
    text: '50%',
    unit: 'enterprises',
    problem: 'percent-not-allowed',
    reason: '“50%” is a percentage, but E1 is a count of enterprises.',
  },
  {
    text: '50%',
    unit: 'count',
    problem: 'percent-not-allowed',
    reason: '“50%” is a percentage, but E1 is a count.',
  },
  {
    text: '1.2万',
    unit: 'enterprises',
    problem: 'scale-not-allowed',
    reason: /type the full number, such as 12000/,
  },
  { text: '3 million', unit: 'index', problem: 'scale-not-allowed', reason: /scale word “million”/ },
  {
    text: '1.2万',
    unit: '%',
    problem: 'scale-not-allowed',
    reason: /E1 is a percentage, which has no scale/,
  },
  {
    text: '$12',
    unit: '亿元',
    problem: 'wrong-currency',
    reason: '“$12” is in US dollars, but E1 is measured in 亿元.',
  },
  { text: '12 USD', unit: '亿元', problem: 'wrong-currency', reason: /in US dollars/ },
  { text: '12元', unit: '万吨', problem: 'wrong-currency', reason: /is an amount of money/ },
  {
    text: '-5',
    unit: 'enterprises',
    problem: 'negative',
    reason: '“-5” is negative, and E1 cannot be below zero.',
  },
  { text: '-0.5%', unit: '%', problem: 'negative', reason: /is negative/ },
  { text: '(1,234)', unit: 'yuan', problem: 'negative', reason: /is negative/ },
  {
    text: '-5',
    unit: '%',
    min: -1,
    problem: 'below-min',
    reason: '“-5” is below the minimum of -1% for E1.',
  },
  {
    text: '3',
    unit: 'index',
    min: 5,
    problem: 'below-min',
    reason: '“3” is below the minimum of 5 index for E1.',
  },
  {
    text: '120',
    unit: '%',
    max: 100,
    problem: 'above-max',
    reason: '“120” is above the maximum of 100% for E1.',
  },
  { text: '120%', unit: '%', max: 100, problem: 'above-max', reason: /above the maximum of 100%/ },
  {
    text: '1,092.47亿',
    unit: 'billion yuan',
    max: 100,
    problem: 'above-max',
    reason: '“1,092.47亿” (109.247 billion yuan) is above the maximum of 100 billion yuan for E1.',
  },
  { text: 'maybe', unit: 'yes/no', problem: 'not-yes-no', reason: '“maybe” is not yes or no.' },
  { text: '2', unit: 'yes/no', problem: 'not-yes-no', reason: /is not yes or no/ },
  { text: '100%', unit: '是/否', problem: 'not-yes-no', reason: /is not yes or no/ },
  {
    text: '#DIV/0!',
    unit: E8,
    problem: 'formula-error',
    reason: /“#DIV\/0!” is a formula error: .*divides by zero/,
  },
  { text: '#REF!', unit: E8, problem: 'formula-error', reason: /refers to a cell that no longer exists/ },
  { text: '#N/A', unit: E8, problem: 'formula-error', reason: /lookup in the formula found nothing/ },
  { text: '#VALUE!', unit: E8, problem: 'formula-error', reason: /given text where it needed a number/ },
  { text: '#NAME?', unit: E8, problem: 'formula-error', reason: /a name Google Sheets does not know/ },
  { text: '#NUM!', unit: E8, problem: 'formula-error', reason: /not a valid number/ },
  { text: '#NULL!', unit: E8, problem: 'formula-error', reason: /ranges that do not meet/ },
  { text: '#ERROR!', unit: E8, problem: 'formula-error', reason: /cannot read the formula/ },
  { text: '#div/0!', unit: '%', problem: 'formula-error', reason: /“#DIV\/0!”/ },
];

describe('parseField refuses what is not a value of the indicator, in a sentence', () => {
  test.each(refusals)('refuses “$text” in $unit as $problem', ({ text, unit, min, max, problem, reason }) => {
    const refusal = refusalOf(parseField(text, spec(unit, { min, max })));
    expect(refusal.problem).toBe(problem);
    if (typeof reason === 'string') expect(refusal.reason).toBe(reason);
    else expect(refusal.reason).toMatch(reason);
  });

  test.each(refusals)(
    'gives a full sentence and the expected form for “$text”',
    ({ text, unit, min, max }) => {
      const refusal = refusalOf(parseField(text, spec(unit, { min, max })));
      expect(refusal.reason).toMatch(/^“.+\.$/);
      expect(refusal.expected.startsWith(expectedForm(spec(unit, { min, max })))).toBe(true);
    },
  );
});

describe('expectedForm', () => {
  test.each<{ unit: string | undefined; min?: number; max?: number; expected: string }>([
    { unit: E8, expected: 'a number in 100 million yuan, such as 1092.47 or 1,092.47亿' },
    { unit: '万元', expected: 'a number in 万元, such as 1092.47 or 1,092.47万' },
    { unit: '%', min: 0, max: 100, expected: 'a percentage from 0 to 100, such as 17.35 or 17.35%' },
    { unit: 'yes/no', expected: 'yes or no (是 or 否), or 1 or 0' },
    { unit: 'enterprises', min: 1, expected: 'a number of enterprises of at least 1, such as 1092 or 1,092' },
    { unit: undefined, expected: 'a number, such as 1092.47 or 1,092.47' },
    { unit: 'count', min: 0, expected: 'a whole number of at least 0, such as 1092 or 1,092' },
    { unit: 'Number', expected: 'a number, such as 1092 or 1,092' },
    { unit: '个数', expected: 'a whole number, such as 1092 or 1,092' },
  ])('describes $unit as “$expected”', ({ unit, min, max, expected }) => {
    expect(expectedForm(spec(unit, { min, max }))).toBe(expected);
  });
});

describe('the percent mapping: an indicator in percent stores percentage points', () => {
  test.each<{ how: string; parse: () => Parsed; note: RegExp }>([
    {
      how: '17.35% typed as text',
      parse: () => parseField('17.35%', spec('%')),
      note: /read as 17.35 percentage points/,
    },
    {
      how: '17.35 typed as a number',
      parse: () => parseCell({ value: 17.35, text: '17.35', formatType: 'NUMBER' }, spec('%')),
      note: /read as 17.35% \(percentage points\)/,
    },
    {
      how: '0.1735 stored with a PERCENT format',
      parse: () => parseCell({ value: 0.1735, text: '17.35%', formatType: 'PERCENT' }, spec('%')),
      note: /formatted as a percentage: its stored 0.1735 \(shown as 17.35%\) is read as 17.35 percentage points/,
    },
  ])('reads $how as 17.35 and says so in the note', ({ parse, note }) => {
    const result = parse();
    expect(acceptedValue(result)).toBe(17.35);
    expect(result.ok && result.note).toMatch(note);
  });

  test('takes a bare fraction literally and notes what to type instead', () => {
    const result = parseCell({ value: 0.1735, text: '0.1735', formatType: 'NUMBER' }, spec('%'));
    expect(acceptedValue(result)).toBe(0.1735);
    expect(result.ok && result.note).toMatch(/if you meant 17.35%, type 17.35/);
  });
});

describe('parseCell reads a cell by its value and its number format', () => {
  test.each<{ name: string; cell: SheetCell; unit: string | undefined; min?: number; value: number | null }>([
    {
      name: 'a number cell',
      cell: { value: 1092.47, text: '1,092.47', formatType: 'NUMBER' },
      unit: E8,
      value: 1092.47,
    },
    {
      name: 'a number cell whose display is rounded',
      cell: { value: 1092.47, text: '1,092', formatType: 'NUMBER' },
      unit: E8,
      value: 1092.47,
    },
    {
      name: 'a percent cell above 100%',
      cell: { value: 1.5, text: '150%', formatType: 'PERCENT' },
      unit: '%',
      value: 150,
    },
    {
      name: 'a percent cell read without its format type',
      cell: { value: 0.1735, text: '17.35%' },
      unit: '%',
      value: 17.35,
    },
    {
      name: 'a custom number format that only prints a % sign',
      cell: { value: 17.35, text: '17.35%', formatType: 'NUMBER' },
      unit: '%',
      value: 17.35,
    },
    {
      name: 'a currency cell',
      cell: { value: 1200, text: '¥1,200.00', formatType: 'CURRENCY' },
      unit: 'yuan',
      value: 1200,
    },
    {
      name: 'a scientific cell',
      cell: { value: 250, text: '2.50E+02', formatType: 'SCIENTIFIC' },
      unit: 'yuan',
      value: 250,
    },
    {
      name: 'a text cell with a scale word',
      cell: { value: '1,092.47亿', text: '1,092.47亿', formatType: 'TEXT' },
      unit: 'billion yuan',
      value: 109.247,
    },
    {
      name: 'a text cell with a % sign',
      cell: { value: '17.35%', formatType: 'TEXT' },
      unit: '%',
      value: 17.35,
    },
    { name: 'a text cell saying N/A', cell: { value: 'N/A', text: 'N/A' }, unit: E8, value: null },
    { name: 'a tick box that is ticked', cell: { value: true, text: 'TRUE' }, unit: 'yes/no', value: 1 },
    { name: 'a tick box that is not ticked', cell: { value: false, text: 'FALSE' }, unit: '是/否', value: 0 },
    { name: 'a number 1 in a yes/no indicator', cell: { value: 1 }, unit: 'yes/no', value: 1 },
    { name: 'an empty cell', cell: {}, unit: E8, value: null },
    { name: 'a cell with null value and text', cell: { value: null, text: null }, unit: '%', value: null },
    { name: 'a cell with only its displayed text', cell: { text: '1,092.47' }, unit: E8, value: 1092.47 },
    { name: 'a zero, which is not missing', cell: { value: 0, text: '0' }, unit: 'enterprises', value: 0 },
    {
      name: 'an allowed negative',
      cell: { value: -2.5, text: '-2.5%', formatType: 'NUMBER' },
      unit: '%',
      min: -10,
      value: -2.5,
    },
  ])('reads $name', ({ cell, unit, min, value }) => {
    expect(acceptedValue(parseCell(cell, spec(unit, { min })))).toBe(value);
  });

  test.each<{ name: string; cell: SheetCell; unit: string | undefined; problem: Problem; reason: RegExp }>([
    {
      name: 'a percent cell in an indicator in billions',
      cell: { value: 0.1735, text: '17.35%', formatType: 'PERCENT' },
      unit: 'billion yuan',
      problem: 'percent-not-allowed',
      reason: /^“17.35%” is a percentage, but E1 is measured in billion yuan\.$/,
    },
    {
      name: 'a #DIV/0! error by its API type',
      cell: { error: 'DIVIDE_BY_ZERO', text: '#DIV/0!' },
      unit: E8,
      problem: 'formula-error',
      reason: /^“#DIV\/0!” is a formula error: the formula divides by zero/,
    },
    {
      name: 'a #REF! error by its display',
      cell: { error: '#REF!' },
      unit: E8,
      problem: 'formula-error',
      reason: /no longer exists/,
    },
    {
      name: 'a #N/A error',
      cell: { error: 'N_A', text: '#N/A' },
      unit: '%',
      problem: 'formula-error',
      reason: /#N\/A/,
    },
    {
      name: 'an unknown error type',
      cell: { error: 'ERROR_TYPE_UNSPECIFIED', text: '#???' },
      unit: E8,
      problem: 'formula-error',
      reason: /does not give a value/,
    },
    {
      name: 'a formula still loading',
      cell: { error: 'LOADING', text: 'Loading...' },
      unit: E8,
      problem: 'calculating',
      reason: /still calculating/,
    },
    {
      name: 'a number Sheets turned into a date',
      cell: { value: 45000, text: '3/14/2023', formatType: 'DATE' },
      unit: E8,
      problem: 'date',
      reason: /^“3\/14\/2023” was turned into a date/,
    },
    {
      name: 'a tick box in a count',
      cell: { value: true, text: 'TRUE' },
      unit: 'enterprises',
      problem: 'not-a-number',
      reason: /tick box/,
    },
    {
      name: 'a 2 in a yes/no indicator',
      cell: { value: 2 },
      unit: 'yes/no',
      problem: 'not-yes-no',
      reason: /“2”/,
    },
    {
      name: 'a negative currency cell',
      cell: { value: -5, text: '-¥5.00', formatType: 'CURRENCY' },
      unit: 'yuan',
      problem: 'negative',
      reason: /“-¥5.00” is negative/,
    },
    {
      name: 'a dollar amount in a currency cell, for yuan',
      cell: { value: 1092.47, text: '$1,092.47', formatType: 'CURRENCY' },
      unit: '10,000 yuan',
      problem: 'wrong-currency',
      reason: /“\$1,092.47” is in US dollars/,
    },
    {
      name: 'a non-finite number',
      cell: { value: Number.NaN },
      unit: E8,
      problem: 'not-a-number',
      reason: /NaN/,
    },
  ])('refuses $name', ({ cell, unit, problem, reason }) => {
    const refusal = refusalOf(parseCell(cell, spec(unit)));
    expect(refusal.problem).toBe(problem);
    expect(refusal.reason).toMatch(reason);
  });
});

describe('parseSheetsCell reads the Sheets API cell shape', () => {
  test.each<{ name: string; data: SheetsCellData; unit: string; expected: number | null | Problem }>([
    {
      name: 'a percent-formatted number',
      data: {
        effectiveValue: { numberValue: 0.1735 },
        formattedValue: '17.35%',
        effectiveFormat: { numberFormat: { type: 'PERCENT' } },
      },
      unit: '%',
      expected: 17.35,
    },
    {
      name: 'an error value',
      data: {
        effectiveValue: {
          errorValue: { type: 'DIVIDE_BY_ZERO', message: 'Function DIVIDE parameter 2 cannot be zero.' },
        },
        formattedValue: '#DIV/0!',
      },
      unit: E8,
      expected: 'formula-error',
    },
    {
      name: 'a boolean',
      data: { effectiveValue: { boolValue: false }, formattedValue: 'FALSE' },
      unit: 'yes/no',
      expected: 0,
    },
    {
      name: 'a zero',
      data: { effectiveValue: { numberValue: 0 }, formattedValue: '0' },
      unit: E8,
      expected: 0,
    },
    {
      name: 'a string',
      data: { effectiveValue: { stringValue: '1,092.47亿' } },
      unit: 'billion yuan',
      expected: 109.247,
    },
    { name: 'an empty cell', data: {}, unit: E8, expected: null },
  ])('reads $name', ({ data, unit, expected }) => {
    const result = parseSheetsCell(data, spec(unit));
    if (typeof expected === 'string') expect(refusalOf(result).problem).toBe(expected);
    else expect(acceptedValue(result)).toBe(expected);
  });
});

describe('properties', () => {
  test('a non-negative number written by JavaScript reads back as itself', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e300, noNaN: true }), (x) => {
        expect(acceptedValue(parseField(String(x), spec(undefined)))).toBe(x + 0);
      }),
    );
  });

  test('a value in 亿 moves the decimal point exactly into billions and into 10,000s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 4 }),
        (digits, decimals) => {
          const typed = (digits / 10 ** decimals).toFixed(decimals);
          expect(acceptedValue(parseField(`${typed}亿`, spec('billion yuan')))).toBe(Number(`${typed}e-1`));
          expect(acceptedValue(parseField(`${typed}亿`, spec('万元')))).toBe(Number(`${typed}e4`));
        },
      ),
    );
  });

  test('thousands separators never change the value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(acceptedValue(parseField(n.toLocaleString('en-US'), spec(E8)))).toBe(n);
      }),
    );
  });
});

describe('warnings: accepted values worth a second look', () => {
  test('a bare fraction in a percent indicator carries a warning for the Feedback tab', () => {
    const r = parseField('0.1735', spec('%'));
    expect(r).toMatchObject({ ok: true, value: 0.1735 });
    expect(r.ok && r.warning).toMatch(/if you meant 17.35%, type 17.35/);
  });
  test('a plain percentage-points number carries no warning', () => {
    const r = parseCell({ value: 17.35, text: '17.35', formatType: 'NUMBER' }, spec('%'));
    expect(r.ok && r.warning).toBeUndefined();
  });
});
