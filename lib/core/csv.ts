/**
 * A small RFC 4180 CSV reader: quoted fields (with separators, doubled quotes and line breaks inside), CRLF, LF
 * or CR line ends, a BOM at the start. Each row keeps the file line it starts on, so that a message points at
 * the line a text editor shows, counting blank lines and quoted fields that span lines.
 */

/** One record of the file: its fields and the 1-based line it starts on. */
export type CsvRow = { line: number; fields: string[] };

export type CsvRead = { ok: true; rows: CsvRow[] } | { ok: false; line: number; message: string };

/** Reads CSV text into rows; refuses a quoted field that is never closed (it would swallow the rest). */
export function readCsv(text: string, separator = ','): CsvRead {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push({ line: rowLine, fields: row });
      row = [];
      field = '';
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (quoted)
    return {
      ok: false,
      line: quoteLine,
      message:
        'a quoted field opens here and is never closed: add the closing double quote (a quote inside a quoted value is written twice, "")',
    };
  if (field !== '' || row.length) {
    row.push(field);
    rows.push({ line: rowLine, fields: row });
  }
  return { ok: true, rows };
}

/** The fields of every row of a file the project ships (fixtures, data): a broken one is a fault, thrown. */
export function parseCsv(text: string): string[][] {
  const read = readCsv(text);
  if (!read.ok) throw new Error(`line ${read.line}: ${read.message}`);
  return read.rows.map((r) => r.fields);
}

/** Quotes a field for CSV output when it needs it. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The first bytes of a zip archive (an .xlsx, .ods or .docx) and of an OLE compound file (an .xls). */
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

/** Zero bytes at even and odd offsets, and 16-bit words that are all zero (a NUL character). */
function zeroBytes(head: Uint8Array): { total: number; even: number; odd: number; words: number } {
  let even = 0;
  let odd = 0;
  let words = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else {
      odd++;
      if (head[i - 1] === 0) words++;
    }
  }
  return { total: even + odd, even, odd, words };
}

/**
 * UTF-16 without a BOM: ASCII characters (the commas, digits and line ends a CSV is full of) put a zero byte in
 * every other place, on one side only (odd offsets for little endian, even for big endian). Zero bytes on both
 * sides, or a zero word (a NUL character, which text does not hold), are binary data rather than text.
 */
function looksLikeUtf16(head: Uint8Array, z: ReturnType<typeof zeroBytes>): boolean {
  if (head.length < 4 || z.words > 0) return false;
  const main = Math.max(z.even, z.odd);
  const other = Math.min(z.even, z.odd);
  // A CJK character whose code ends in 00 (一 is U+4E00) gives the other side an occasional zero.
  return main * 16 >= head.length && other * 8 <= main;
}

const SAVE_AS_UTF8 = 'save it as CSV UTF-8 (in Excel: File > Save As > "CSV UTF-8 (Comma delimited)")';

/**
 * The text of a file a person saved: UTF-8 (a BOM is dropped), or a sentence saying which encoding it looks
 * like instead and how to save it right. Excel on a Chinese system saves "CSV" in GBK, and "Unicode text" in
 * UTF-16: both would otherwise be read as replacement characters and refused cell by cell, or worse, not at all.
 */
export function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  // A workbook handed over as it is: its zip or OLE container would otherwise read as UTF-16 or as bytes.
  if (startsWith(bytes, ZIP_SIGNATURE))
    return {
      ok: false,
      message: `this is an Excel workbook (.xlsx) or another zip archive, not CSV text: open it and ${SAVE_AS_UTF8}`,
    };
  if (startsWith(bytes, OLE_SIGNATURE))
    return {
      ok: false,
      message: `this is an Excel 97-2003 workbook (.xls), not CSV text: open it and ${SAVE_AS_UTF8}`,
    };
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))
    return { ok: false, message: `the file is UTF-16 text, not UTF-8: ${SAVE_AS_UTF8}` };
  const head = bytes.subarray(0, 4096);
  const zeros = zeroBytes(head);
  if (zeros.total > 0) {
    if (looksLikeUtf16(head, zeros))
      return { ok: false, message: `the file looks like UTF-16 text, not UTF-8: ${SAVE_AS_UTF8}` };
    // Text never holds a zero byte: a program, an image or an archive was named in place of the CSV.
    return {
      ok: false,
      message: `the file holds binary data, not text (is it the CSV file?): name the CSV, saved as CSV UTF-8`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let chinese = false;
    try {
      chinese = /[\u4e00-\u9fff]/.test(new TextDecoder('gb18030', { fatal: true }).decode(bytes));
    } catch {
      // Not GB18030 either: the generic sentence below.
    }
    return {
      ok: false,
      message: chinese
        ? `the file is not UTF-8; it looks like GBK/GB18030 (what Excel saves as "CSV" on a Chinese system): ${SAVE_AS_UTF8}`
        : `the file is not UTF-8 text: ${SAVE_AS_UTF8}`,
    };
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
