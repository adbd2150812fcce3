import { findHeaderRow, matchHeaders, normaliseHeader, suggestColumn } from '../../../lib/sheets/headers';
import { CENTRAL_ZONE_COLUMN, FORM_COLUMNS } from '../../../lib/sheets/layout';

describe('header normalisation', () => {
  test('ignores case, spaces, underscores and full-width forms', () => {
    expect(normaliseHeader(' Zone  ID ')).toBe(normaliseHeader('zone_id'));
    expect(normaliseHeader('ＶＡＬＵＥ')).toBe('value');
  });
});

describe('matching a header row', () => {
  test('finds columns in any order, whatever their case and spacing', () => {
    const m = matchHeaders(['VALUE', ' note ', 'Code', 'unit'], FORM_COLUMNS);

    expect(Object.fromEntries(m.columns)).toEqual({ value: 0, note: 1, code: 2, unit: 3 });
    expect(m.missing).toEqual([]);
  });

  test('accepts the Chinese name, and a header holding both languages', () => {
    const m = matchHeaders(['指标代码', 'Value 数值', '备注（选填）'], FORM_COLUMNS);

    expect(m.columns.get('code')).toBe(0);
    expect(m.columns.get('value')).toBe(1);
    expect(m.unknown).toEqual([{ col: 2, text: '备注（选填）' }]);
  });

  test('reports unknown columns with their text', () => {
    const m = matchHeaders(['code', 'value', null, 'Checked by'], FORM_COLUMNS);

    expect(m.unknown).toEqual([{ col: 3, text: 'Checked by' }]);
  });

  test('reports a repeated header after its first column', () => {
    const m = matchHeaders(['code', 'value', 'Value'], FORM_COLUMNS);

    expect(m.columns.get('value')).toBe(1);
    expect(m.repeated).toEqual([{ col: 2, key: 'value', first: 1, text: 'Value' }]);
  });

  test('lists required columns that are absent', () => {
    const m = matchHeaders(['code', 'indicator', 'unit'], FORM_COLUMNS);

    expect(m.missing.map((c) => c.key)).toEqual(['value']);
  });
});

describe('suggesting the column a header meant', () => {
  test('names the closest column of any accepted spelling, or none', () => {
    expect(suggestColumn('Vlaue', FORM_COLUMNS)?.header).toBe('Value');
    expect(suggestColumn('Nots', FORM_COLUMNS)?.header).toBe('Note');
    expect(suggestColumn('zone di', [CENTRAL_ZONE_COLUMN])?.key).toBe('zone_id');
    expect(suggestColumn('Checked by', FORM_COLUMNS)).toBeNull();
  });
});

describe('finding the header row', () => {
  test('skips title rows above the header', () => {
    const rows = [
      ['Zone ID', 'hangzhou'],
      [],
      ['Code', 'Indicator', 'Unit', 'Value'],
      ['T01', 'x', '%', '3'],
    ];

    expect(findHeaderRow(rows, FORM_COLUMNS)).toBe(2);
  });

  test('takes a row naming two columns but no required one, so the missing one can be reported', () => {
    expect(
      findHeaderRow(
        [
          ['Indicator', 'Unit'],
          ['T01', '%'],
        ],
        FORM_COLUMNS,
      ),
    ).toBe(0);
  });

  test('gives -1 when no row looks like a header', () => {
    expect(findHeaderRow([['Tasks'], ['T01', 'x', '%', '3']], FORM_COLUMNS)).toBe(-1);
  });
});
