/** The .xlsx writer: a valid zip of the OOXML parts, typed cells, escaped text, a bold header row. */
import { crc32 } from 'node:zlib';
import { crc32ByTable, sheetXml, xlsx, xmlText, zip } from '../../../lib/cli/xlsx';
import { columnLetters as columnName } from '../../../lib/sheets/a1';
import { unzip } from '../../helpers/unzip';

const text = (files: ReturnType<typeof unzip>, name: string) => files.get(name)!.data.toString('utf8');

test('the archive is a valid zip of every part a workbook needs, each deflated with a UTF-8 name', () => {
  const book = xlsx([{ name: 'Results 2025', rows: [['a'], [1]] }], new Date('2025-12-31T23:59:58Z'));
  const files = unzip(book);
  expect([...files.keys()].sort()).toEqual([
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/_rels/workbook.xml.rels',
    'xl/styles.xml',
    'xl/workbook.xml',
    'xl/worksheets/sheet1.xml',
  ]);
  expect([...files.values()].every((f) => f.method === 8 && f.flags === 0x0800)).toBe(true);
  expect(text(files, 'xl/workbook.xml')).toContain('<sheet name="Results 2025" sheetId="1" r:id="rId1"/>');
  expect(text(files, 'xl/_rels/workbook.xml.rels')).toContain('Target="worksheets/sheet1.xml"');
  expect(text(files, '[Content_Types].xml')).toContain('PartName="/xl/worksheets/sheet1.xml"');
});

test('numbers are number cells, text inline strings, empty cells left out, the header bold', () => {
  const xml = sheetXml([
    ['rank', 'name_zh', 'score'],
    [1, '郑州', 61.25],
    [null, '', undefined],
    [Number.NaN, '=IMPORTXML("x")', -0.5],
  ]);
  expect(xml).toContain(
    '<row r="1"><c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">rank</t></is></c>',
  );
  expect(xml).toContain(
    '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">郑州</t></is></c><c r="C2"><v>61.25</v></c></row>',
  );
  expect(xml).toContain('<row r="3"></row>');
  // Not a number Excel can hold: left empty. A formula's text stays text (an inline string is never a formula).
  expect(xml).toContain(
    '<row r="4"><c r="B4" t="inlineStr"><is><t xml:space="preserve">=IMPORTXML(&quot;x&quot;)</t></is></c><c r="C4"><v>-0.5</v></c></row>',
  );
  expect(xml).not.toContain('<f>');
});

test('markup is escaped and characters XML cannot hold are dropped', () => {
  expect(xmlText('<b>&"\'')).toBe("&lt;b&gt;&amp;&quot;'");
  expect(xmlText('a\u0001b\tc\nd\ud800e😀\uffff')).toBe('ab\tc\nde😀');
});

test('columns are lettered as Excel letters them', () => {
  expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
});

test('the table CRC-32 (for a Node without zlib.crc32) agrees with zlib', () => {
  for (const s of ['', 'a', '123456789', '郑州 zone-eval'.repeat(40)]) {
    const b = Buffer.from(s, 'utf8');
    expect(crc32ByTable(b)).toBe(crc32(b) >>> 0);
  }
  expect(crc32ByTable(Buffer.from('123456789'))).toBe(0xcbf43926);
});

test('a sheet name Excel refuses is refused, and a zip of many parts keeps every one', () => {
  expect(() => xlsx([{ name: 'a/b', rows: [] }])).toThrow(/sheet name 'a\/b'/);
  expect(() => xlsx([{ name: 'x'.repeat(32), rows: [] }])).toThrow(/not one Excel accepts/);
  const parts = Array.from({ length: 50 }, (_, k): [string, string] => [`p${k}.txt`, `part ${k}`.repeat(k)]);
  const files = unzip(zip(parts));
  expect(files.size).toBe(50);
  expect(text(files, 'p49.txt')).toBe('part 49'.repeat(49));
});
