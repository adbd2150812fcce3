/**
 * A minimal .xlsx writer: one worksheet of typed cells (numbers as numbers, text as inline strings), a bold
 * header row, in an Office Open XML package (ECMA-376) zipped with `node:zlib`.
 *
 * Hand-written rather than a package such as exceljs: the project adds no npm package without review, and what
 * `export` needs (one sheet, two cell types, no formulas, no styles past a bold header) is a few XML parts and the
 * zip container (PKWARE APPNOTE 6.3: local headers, deflate, a central directory), which `zlib.deflateRawSync`
 * and a CRC-32 cover.
 *
 * Text is written as inline strings (`t="inlineStr"`), never as formulas: a zone named `=IMPORTXML(...)` stays
 * text in Excel without the apostrophe the CSV needs.
 */
import * as zlib from 'node:zlib';
import { columnLetters } from '../sheets/a1';

/** A cell: a finite number is a number cell, a string a text cell, null or undefined an empty cell. */
export type Cell = number | string | null | undefined;

/** One worksheet: its tab name (at most 31 characters, none of `[]:*?/\`) and its rows, the first the header. */
export type Sheet = { name: string; rows: readonly (readonly Cell[])[] };

/**
 * Text as XML character data: the five markup characters escaped, and the characters XML 1.0 cannot hold at all
 * (control codes other than tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF) dropped, since
 * Excel refuses a file holding one and a zone's name is whatever a person typed.
 */
export function xmlText(s: string): string {
  return (
    s
      // Under the u flag a surrogate range matches only a lone surrogate; a pair is one code point.
      .replace(/[\p{Cc}\ud800-\udfff\ufffe\uffff]/gu, (c) =>
        c === '\t' || c === '\n' || c === '\r' ? c : '',
      )
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function cellXml(value: Cell, ref: string, header: boolean): string {
  const style = header ? ' s="1"' : '';
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'number') {
    // Excel has no NaN or infinity: such a number is left empty rather than written as text it cannot read.
    if (!Number.isFinite(value)) return '';
    return `<c r="${ref}"${style}><v>${value}</v></c>`;
  }
  return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
}

/** The worksheet part: the header row frozen, so it stays in view while a leader scrolls 105 zones. */
export function sheetXml(rows: readonly (readonly Cell[])[]): string {
  const body = rows
    .map((row, r) => {
      const cells = row.map((v, c) => cellXml(v, `${columnLetters(c)}${r + 1}`, r === 0)).join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<sheetData>${body}</sheetData></worksheet>`
  );
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The package's parts, by path: content types, relationships, workbook, styles and the sheets. */
export function workbookParts(sheets: readonly Sheet[]): [string, string][] {
  for (const s of sheets)
    if (s.name.length === 0 || s.name.length > 31 || /[[\]:*?/\\]/.test(s.name))
      throw new Error(`xlsx: sheet name '${s.name}' is not one Excel accepts`);
  return [
    [
      '[Content_Types].xml',
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheets
          .map(
            (_, k) =>
              `<Override PartName="/xl/worksheets/sheet${k + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>` +
        sheets
          .map((s, k) => `<sheet name="${xmlText(s.name)}" sheetId="${k + 1}" r:id="rId${k + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        sheets
          .map(
            (_, k) =>
              `<Relationship Id="rId${k + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${k + 1}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    ],
    [
      'xl/styles.xml',
      // Style 0 the default, style 1 bold (the header row).
      `${XML}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
        '</styleSheet>',
    ],
    ...sheets.map((s, k): [string, string] => [`xl/worksheets/sheet${k + 1}.xml`, sheetXml(s.rows)]),
  ];
}

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the zip's), by table: for a Node before 20.15, which has no `zlib.crc32`. */
export function crc32ByTable(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** `zlib.crc32` where Node has it (20.15 and later; package.json allows any Node 20). */
const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data)
    : crc32ByTable;

/** An MS-DOS date and time, as a zip entry stores its modification time (local fields; UTC is written). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * A zip archive of the given files, each deflated, with UTF-8 names (flag bit 11). No ZIP64: the results of an
 * evaluation are far below its 4 GiB and 65,535-entry limits, and a larger input is refused rather than corrupted.
 */
export function zip(files: readonly [string, Uint8Array | string][], modified = new Date(0)): Buffer {
  const { time, date } = dosTime(modified);
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const packed = zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    if (data.length >= 0xffffffff || offset + packed.length + 30 + nameBytes.length >= 0xffffffff)
      throw new Error('xlsx: the workbook is too large for a zip without ZIP64');
    // The local header and the central directory's entry share their fields from "version needed" to the name's
    // length; the central one has "made by" (2.0, MS-DOS attributes) in front, hence written 2 bytes further on.
    const fields = (b: Buffer, at: number) => {
      b.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
      b.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      b.writeUInt16LE(8, at + 4); // deflate
      b.writeUInt16LE(time, at + 6);
      b.writeUInt16LE(date, at + 8);
      b.writeUInt32LE(crc, at + 10);
      b.writeUInt32LE(packed.length, at + 14);
      b.writeUInt32LE(data.length, at + 18);
      b.writeUInt16LE(nameBytes.length, at + 22);
      return b;
    };
    const local = fields(Buffer.alloc(30), 4);
    local.writeUInt32LE(0x04034b50, 0);
    const head = fields(Buffer.alloc(46), 6);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(20, 4);
    // extra, comment, disk, internal and external attributes: all zero
    head.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    central.push(head, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  if (files.length > 0xffff) throw new Error('xlsx: too many parts for a zip without ZIP64');
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An .xlsx workbook of the given sheets; `modified` stamps the zip entries (the run's time, so it is reproducible). */
export function xlsx(sheets: readonly Sheet[], modified?: Date): Buffer {
  return zip(workbookParts(sheets), modified);
}
