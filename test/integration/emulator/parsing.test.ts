/** The emulator's pure parts: column letters, A1 parsing, field masks, number formats and the small formula engine. */
import { columnIndex, columnLetters, parseA1 } from '../../../lib/local/emulator/a1';
import { formatNumber, parseUserEntered } from '../../../lib/local/emulator/cells';
import { parseMask, project } from '../../../lib/local/emulator/fields';
import { evaluate } from '../../../lib/local/emulator/formula';

describe('column letters', () => {
  it('round-trips every column Sheets allows (A..ZZZ)', () => {
    for (let i = 0; i < 18278; i++) expect(columnIndex(columnLetters(i))).toBe(i);
    expect([
      columnLetters(0),
      columnLetters(25),
      columnLetters(26),
      columnLetters(701),
      columnLetters(702),
    ]).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
});

describe('parseA1', () => {
  it('splits a quoted sheet name with an exclamation mark inside from its cells', () => {
    expect(parseA1("'Q1! data'!B2:C")).toEqual({
      sheet: 'Q1! data',
      rect: { startRow: 1, endRow: undefined, startCol: 1, endCol: 3 },
    });
  });

  it('normalises a reversed range', () => {
    expect(parseA1('C3:A1').rect).toEqual({ startRow: 0, endRow: 3, startCol: 0, endCol: 3 });
  });

  it('reads a bare word as a sheet name', () => {
    expect(parseA1('Feedback')).toEqual({ sheet: 'Feedback', rect: undefined });
  });
});

describe('field masks', () => {
  it('selects nested fields through arrays, with groups and dotted paths', () => {
    const value = {
      sheets: [{ properties: { sheetId: 1, title: 'A', index: 0 }, data: [{ rowData: [] }] }],
      spreadsheetId: 'x',
    };
    expect(project(value, parseMask('spreadsheetId,sheets(properties(title))'))).toEqual({
      spreadsheetId: 'x',
      sheets: [{ properties: { title: 'A' } }],
    });
    expect(project(value, parseMask('sheets.properties.sheetId'))).toEqual({
      sheets: [{ properties: { sheetId: 1 } }],
    });
  });

  it('keeps a whole field selected both whole and narrowly', () => {
    expect(project({ a: { b: 1, c: 2 } }, parseMask('a,a.b'))).toEqual({ a: { b: 1, c: 2 } });
  });

  it('refuses an unbalanced mask', () => {
    expect(() => parseMask('sheets(properties')).toThrow();
  });
});

describe('number formats', () => {
  it.each([
    [1092.47, { type: 'NUMBER', pattern: '#,##0.00' }, '1,092.47'],
    [0.1735, { type: 'PERCENT', pattern: '0.00%' }, '17.35%'],
    [0.5, { type: 'PERCENT', pattern: '0%' }, '50%'],
    [-1234.5, { type: 'CURRENCY', pattern: '"$"#,##0.00' }, '-$1,234.50'],
    [12345, { type: 'SCIENTIFIC', pattern: '0.00E+00' }, '1.23E+04'],
    [45000, { type: 'DATE', pattern: 'yyyy-mm-dd' }, '2023-03-15'],
    [1 / 3, undefined, '0.3333333333'],
  ] as const)('%p with %j shows %p', (n, nf, text) => {
    expect(formatNumber(n, nf)).toBe(text);
  });

  it('parses a typed date to its serial number with a date format', () => {
    expect(parseUserEntered('2023-03-15')).toEqual({
      value: { numberValue: 45000 },
      format: { type: 'DATE', pattern: 'yyyy-mm-dd' },
    });
  });

  it('parses a typed currency amount', () => {
    expect(parseUserEntered('$1,234.50')).toMatchObject({
      value: { numberValue: 1234.5 },
      format: { type: 'CURRENCY' },
    });
  });
});

describe('formulas', () => {
  const cells: Record<string, number | string> = { A1: 1, A2: 2, A3: 'text' };
  const lookup = (_sheet: string | undefined, row: number, col: number) => {
    const v = cells[`${columnLetters(col)}${row + 1}`];
    if (v === undefined) return undefined;
    return typeof v === 'number' ? { numberValue: v } : { stringValue: v };
  };

  it.each([
    ['=1+2*3', { numberValue: 7 }],
    ['=(1+2)*3', { numberValue: 9 }],
    ['=-2^2', { numberValue: 4 }],
    ['=50%', { numberValue: 0.5 }],
    ['=SUM(A1:A3, 10)', { numberValue: 13 }],
    ['=A1+A2', { numberValue: 3 }],
    ['="a"&"b"', { stringValue: 'ab' }],
  ])('%s evaluates to %j', (f, v) => {
    expect(evaluate(f, lookup)).toEqual(v);
  });

  it.each([
    ['=1/0', 'DIVIDE_BY_ZERO'],
    ['=A3*2', 'VALUE'],
    ['=VLOOKUP(1, A1:A2, 1)', 'NAME'],
    ['=1+', 'ERROR'],
  ])('%s is the error %s', (f, type) => {
    expect(evaluate(f, lookup)).toMatchObject({ errorValue: { type } });
  });
});
