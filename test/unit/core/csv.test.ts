import fc from 'fast-check';
import { csvField, decodeText, parseCsv, readCsv } from '../../../lib/core/csv';

const rows = (text: string, sep = ',') => {
  const r = readCsv(text, sep);
  if (!r.ok) throw new Error(r.message);
  return r.rows;
};

describe('readCsv', () => {
  test('a quoted field keeps its commas, doubled quotes and line breaks', () => {
    expect(rows('id,name,note\nx,"Zhengzhou, Henan","said ""yes""\nthen left"\ny,b,c\n')).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['x', 'Zhengzhou, Henan', 'said "yes"\nthen left'] },
      { line: 4, fields: ['y', 'b', 'c'] },
    ]);
  });

  test('CRLF, LF and a lone CR each end a line; CRLF inside quotes is kept and counted once', () => {
    expect(rows('a,b\r\n1,"x\r\ny"\r\n2,3\r4,5')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\r\ny'] },
      { line: 4, fields: ['2', '3'] },
      { line: 5, fields: ['4', '5'] },
    ]);
  });

  test('a BOM at the start is not part of the first header', () => {
    expect(rows('\uFEFFid,a\nx,1')[0]!.fields).toEqual(['id', 'a']);
  });

  test('blank lines keep their place in the line count', () => {
    expect(rows('id,a\n\n\nx,1\n').map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(rows('id,a\n\n\nx,1\n')[3]).toEqual({ line: 4, fields: ['x', '1'] });
  });

  test('empty fields and a final line without a line break', () => {
    expect(rows('a,,c\n,,')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['', '', ''] },
    ]);
  });

  test('another separator splits, and a comma is then plain text', () => {
    expect(rows('id;a\nx;1,5', ';')[1]!.fields).toEqual(['x', '1,5']);
    expect(rows('id\ta\nx\t"1\t2"', '\t')[1]!.fields).toEqual(['x', '1\t2']);
  });

  test('a quote that is never closed is refused at the line it opens on', () => {
    expect(readCsv('id,a\nx,1\ny,"2\nz,3\n')).toEqual({
      ok: false,
      line: 3,
      message: expect.stringMatching(/never closed/),
    });
  });

  test('parseCsv gives the fields and throws on a broken file (a shipped file is the project’s fault)', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => parseCsv('a,"b\n')).toThrow(/line 1: a quoted field/);
  });
});

describe('csvField', () => {
  test('quotes only what needs it, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(2.5)).toBe('2.5');
  });

  test('any table written with csvField, with LF or CRLF line ends, reads back field for field', () => {
    const field = fc.string({ minLength: 1, unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '郑') });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (table, crlf) => {
          const text = table.map((r) => r.map(csvField).join(',')).join(crlf ? '\r\n' : '\n');
          expect(rows(text).map((r) => r.fields)).toEqual(table);
        },
      ),
    );
  });

  test('what csvField writes, readCsv reads back', () => {
    const values = ['a,b', 'say "hi"', 'two\r\nlines', '', '郑州'];
    expect(rows(values.map(csvField).join(','))[0]!.fields).toEqual(values);
  });
});

describe('decodeText', () => {
  const utf16le = (s: string) => Buffer.from(`\uFEFF${s}`, 'utf16le');
  test('UTF-8, with or without a BOM', () => {
    expect(decodeText(Buffer.from('id,名称\n'))).toEqual({ ok: true, text: 'id,名称\n' });
    expect(decodeText(Buffer.from('\uFEFFid,a\n'))).toEqual({ ok: true, text: 'id,a\n' });
  });

  test('UTF-16 (little or big endian, with a BOM, or without one) is named, with the remedy', () => {
    const le = decodeText(utf16le('id,a\nx,1\n'));
    expect(le).toEqual({ ok: false, message: expect.stringMatching(/UTF-16.*save it as CSV UTF-8/) });
    const be = Buffer.from(utf16le('id,a\n')).swap16();
    expect(decodeText(be)).toEqual({ ok: false, message: expect.stringMatching(/UTF-16/) });
    expect(decodeText(Buffer.from('id,a\nx,1\n', 'utf16le'))).toEqual({
      ok: false,
      message: expect.stringMatching(/looks like UTF-16/),
    });
  });

  test('GBK / GB18030 (Excel "CSV" on a Chinese system) is named, with the remedy', () => {
    // "id,名称\n" in GBK: 名 = C3FB, 称 = B3C6.
    const gbk = Buffer.from([0x69, 0x64, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a]);
    expect(decodeText(gbk)).toEqual({
      ok: false,
      message: expect.stringMatching(/GBK\/GB18030.*save it as CSV UTF-8/),
    });
  });

  test('UTF-16 without a BOM is told by its zero bytes on one side only, Chinese text included', () => {
    expect(decodeText(Buffer.from('id,名称,一\nx,1,2\n', 'utf16le'))).toEqual({
      ok: false,
      message: expect.stringMatching(/^the file looks like UTF-16 text.*save it as CSV UTF-8/),
    });
    expect(decodeText(Buffer.from('id,名称\nx,1\n', 'utf16le').swap16())).toEqual({
      ok: false,
      message: expect.stringMatching(/^the file looks like UTF-16 text/),
    });
  });

  test('an Excel workbook (.xlsx, a zip; .xls, an OLE file) is named as one, not as UTF-16', () => {
    // A zip's local file header, then the zeros of its version, flags and sizes, as a small .xlsx begins.
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]),
      Buffer.alloc(40),
    ]);
    expect(decodeText(xlsx)).toEqual({
      ok: false,
      message: expect.stringMatching(/^this is an Excel workbook \(\.xlsx\).*save it as CSV UTF-8/),
    });
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(40),
    ]);
    expect(decodeText(xls)).toEqual({
      ok: false,
      message: expect.stringMatching(/^this is an Excel 97-2003 workbook \(\.xls\).*save it as CSV UTF-8/),
    });
  });

  test('binary data (zero bytes on both sides, or a zero word) is called binary, not UTF-16', () => {
    // An ELF header as /bin/ls begins, and a PNG's: neither is text in any encoding.
    const elf = Buffer.from([
      0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0, 0,
    ]);
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    for (const bytes of [elf, png])
      expect(decodeText(bytes)).toEqual({
        ok: false,
        message: expect.stringMatching(/^the file holds binary data, not text/),
      });
  });

  test('other bytes that are not UTF-8 get the generic sentence', () => {
    expect(decodeText(Buffer.from([0x69, 0x64, 0xff, 0x0a]))).toEqual({
      ok: false,
      message: expect.stringMatching(/^the file is not UTF-8 text/),
    });
  });
});
