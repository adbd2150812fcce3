/**
 * The copy every emulator write works on (lib/local/emulator/grid.ts `cloneSpreadsheet`): deep, the holes of rows and
 * cells never written kept as holes, and a key named `__proto__` copied as data.
 */
import { cellFor, cloneSpreadsheet } from '../../../lib/local/emulator/grid';
import type { Spreadsheet } from '../../../lib/local/emulator/model';
import { newSheet } from '../../../lib/local/emulator/store';

function spreadsheet(): Spreadsheet {
  const sheet = newSheet({ sheetId: 0, title: 'Form', index: 0 });
  cellFor(sheet, 2, 3).uv = { numberValue: 42 };
  cellFor(sheet, 5, 0).fmt = { textFormat: { bold: true } };
  sheet.protectedRanges.push({ protectedRangeId: 7, editors: { users: ['a@example.org'] } });
  return {
    properties: { title: 'Zone', locale: 'en_US', timeZone: 'Etc/GMT', autoRecalc: 'ON_CHANGE' },
    sheets: [sheet],
    nextObjectId: 3,
  };
}

test('a copy equals the spreadsheet and shares no object with it', () => {
  const ss = spreadsheet();
  const copy = cloneSpreadsheet(ss);
  expect(copy).toEqual(ss);
  copy.sheets[0]!.rows[2]![3]!.uv = { numberValue: 1 };
  copy.sheets[0]!.protectedRanges.push({ protectedRangeId: 8 });
  copy.properties.title = 'Other';
  expect(ss.sheets[0]!.rows[2]![3]!.uv).toEqual({ numberValue: 42 });
  expect(ss.sheets[0]!.protectedRanges).toHaveLength(1);
  expect(ss.properties.title).toBe('Zone');
});

test('rows and cells never written stay holes in the copy', () => {
  const copy = cloneSpreadsheet(spreadsheet());
  const rows = copy.sheets[0]!.rows;
  expect(rows).toHaveLength(6);
  expect(0 in rows).toBe(false);
  expect(2 in rows).toBe(true);
  expect(0 in rows[2]!).toBe(false);
  expect(Object.keys(rows)).toEqual(['2', '5']);
});

test('a key named __proto__ is copied as data, not as the prototype', () => {
  const ss = spreadsheet();
  ss.sheets[0]!.charts.push(JSON.parse('{"__proto__": {"polluted": true}, "chartId": 1}'));
  const copy = cloneSpreadsheet(ss);
  const chart = copy.sheets[0]!.charts[0]!;
  expect(Object.getPrototypeOf(chart)).toBe(Object.prototype);
  expect(Object.keys(chart)).toEqual(['__proto__', 'chartId']);
  expect(JSON.stringify(chart)).toBe('{"__proto__":{"polluted":true},"chartId":1}');
});
