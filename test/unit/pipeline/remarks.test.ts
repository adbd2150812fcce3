import { historyOf, remarkCell } from '../../../lib/cli/history';
import { oneLine } from '../../../lib/cli/text';
import type { FormRead, FormRow, Revision } from '../../../lib/pipeline/ports';
import { RevisionSchema, SubmittedValueSchema } from '../../../lib/pipeline/ports';
import { MAX_REMARK_CHARS, MAX_REMARKS_BYTES, remarksOf } from '../../../lib/pipeline/remarks';
import { valuesFromRead } from '../../../lib/pipeline/sync';
import { contentHash } from '../../../lib/protocol/hash';
import { itemBytes, MAX_ITEM_BYTES } from '../../../lib/store/item-size';

const row = (k: number, note?: string, ok = true): FormRow => ({
  row: k + 3,
  a1: `Form!D${k + 3}`,
  code: `T${k}`,
  cell: { value: ok ? 1 : 'x', text: ok ? '1' : 'x', formatType: null, error: null },
  parsed: ok
    ? { ok: true, value: 1 }
    : { ok: false, problem: 'not-a-number', reason: '“x” is not a number.', expected: 'a number' },
  status: 'read',
  ...(note !== undefined && { note, noteA1: `Form!E${k + 3}` }),
});
const read = (rows: FormRow[]): FormRead => ({
  spreadsheetId: 's',
  tab: 'Form',
  zoneId: 'hangzhou',
  rows,
  problems: [],
  feedbackTab: null,
});

describe('the values stored from a form read', () => {
  test("carry the official's Note as the remark, apart from the parser's note", () => {
    const values = valuesFromRead(read([row(1, 'source: 2025 statistical yearbook')]), undefined);
    expect(values['T1']).toEqual({ value: 1, text: '1', remark: 'source: 2025 statistical yearbook' });
  });

  test('keep the remark of a refused value, with the refusal as the note', () => {
    const values = valuesFromRead(read([row(1, 'estimate, final figure in May', false)]), {
      T1: { value: 7, text: '7' },
    });
    expect(values['T1']).toEqual({
      value: 7,
      text: 'x',
      note: 'refused: “x” is not a number.',
      remark: 'estimate, final figure in May',
    });
  });

  test('without a Note hash as they did before remarks were stored (no new revision on upgrade)', () => {
    const values = valuesFromRead(read([row(1), row(2)]), undefined);
    expect(Object.keys(values['T1']!)).toEqual(['value', 'text']);
    expect(contentHash(values)).toBe(
      contentHash({ T1: { value: 1, text: '1' }, T2: { value: 1, text: '1' } }),
    );
  });

  test('hash differently when only a remark changed: a remark changed alone is a new revision', () => {
    const a = valuesFromRead(read([row(1, 'first figure')]), undefined);
    const b = valuesFromRead(read([row(1, 'revised by the bureau')]), undefined);
    expect(contentHash(a)).not.toBe(contentHash(b));
  });

  test('keep a formula or markup typed in Note as its characters', () => {
    const typed = ['=HYPERLINK("http://example.com","click")', '<script>alert(1)</script>', "'=1+1"];
    const values = valuesFromRead(read(typed.map((t, k) => row(k, t))), undefined);
    expect(typed.map((_, k) => values[`T${k}`]?.remark)).toEqual(typed);
  });
});

describe('the bounds on remarks', () => {
  test('a note longer than a remark keeps is cut, its length kept, and a long-note warning names its cell', () => {
    const long = 'x'.repeat(50_000);
    const { byCode, problems } = remarksOf(read([row(1, long)]));
    expect(byCode.get('T1')).toEqual({ remark: 'x'.repeat(MAX_REMARK_CHARS), remarkLength: 50_000 });
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'long-note', severity: 'warning', at: 'Form!E4', code: 'T1' }),
    ]);
    expect(problems[0]!.message).toMatch(/50,000 characters long and only its first 2,000 are kept/);
  });

  test('a note of exactly the limit is kept whole, with no warning', () => {
    const { byCode, problems } = remarksOf(read([row(1, '字'.repeat(MAX_REMARK_CHARS))]));
    expect(byCode.get('T1')).toEqual({ remark: '字'.repeat(MAX_REMARK_CHARS) });
    expect(problems).toEqual([]);
  });

  test("the form's remarks together stay within their budget; the notes past it are cut and said to be", () => {
    // 45 notes of 50,000 Chinese characters: 6.75 MB as typed.
    const rows = Array.from({ length: 45 }, (_, k) => row(k, '备'.repeat(50_000)));
    const { byCode, problems } = remarksOf(read(rows));
    const kept = [...byCode.values()].reduce((n, r) => n + Buffer.byteLength(r.remark, 'utf8'), 0);
    expect(kept).toBeLessThanOrEqual(MAX_REMARKS_BYTES);
    expect(problems).toHaveLength(45);
    expect(byCode.get('T44')).toEqual({ remark: '', remarkLength: 50_000 });
    expect(problems.at(-1)!.message).toMatch(/the form's notes together keep at most 100 KB/);
  });

  test('a cut never splits a character made of two UTF-16 units', () => {
    const { byCode } = remarksOf(read([row(1, '😀'.repeat(MAX_REMARK_CHARS + 5))]));
    expect(byCode.get('T1')!.remark).toBe('😀'.repeat(MAX_REMARK_CHARS));
  });

  test('a revision of 100 indicators with the longest remarks stays under DynamoDB’s item limit', () => {
    const rows = Array.from({ length: 100 }, (_, k) => row(k, '备'.repeat(50_000)));
    const values = valuesFromRead(read(rows), undefined);
    const revision: Revision = RevisionSchema.parse({
      zoneId: 'hangzhou',
      seq: 9_999_999,
      values,
      contentHash: contentHash(values),
      spreadsheetId: '1'.repeat(44),
      driveVersion: '123456',
      readSeq: 99,
      caller: 'trigger',
      editor: 'official.of.a.long.zone.name@example.gov.cn',
      at: '2025-03-01T08:00:00.000Z',
    });
    const item = { PK: 'HIST#eval2025#hangzhou', SK: 'REV#0009999999', ...revision };
    expect(itemBytes(item)).toBeLessThan(MAX_ITEM_BYTES);
  });
});

describe('the stored shape', () => {
  test('a value stored before remarks existed still parses, without a remark', () => {
    expect(SubmittedValueSchema.parse({ value: 1, text: '1', note: 'converted from 亿' })).toEqual({
      value: 1,
      text: '1',
      note: 'converted from 亿',
    });
  });

  test('a remark and its full length round-trip', () => {
    const v = { value: null, text: '', remark: 'n/a this year', remarkLength: 9000 };
    expect(SubmittedValueSchema.parse(v)).toEqual(v);
  });
});

describe('the history of a zone', () => {
  const rev = (seq: number, remark?: string): Revision => ({
    zoneId: 'hangzhou',
    seq,
    values: { T1: { value: 1, text: '1', ...(remark !== undefined && { remark }) } },
    contentHash: `h${seq}`,
    spreadsheetId: 's',
    driveVersion: null,
    readSeq: seq,
    caller: 'trigger',
    editor: 'li@example.gov.cn',
    at: `2025-03-0${seq}T08:00:00.000Z`,
  });

  test('lists a value again when only its remark changed, with the remark', () => {
    const entries = historyOf([rev(1), rev(2, 'from the yearbook'), rev(3, 'from the yearbook')]);
    expect(entries.map((x) => [x.revision, x.text, x.remark])).toEqual([
      [1, '1', null],
      [2, '1', 'from the yearbook'],
    ]);
  });

  test('a remark is shown on one line, control codes shown rather than acted on, and a cut said', () => {
    expect(remarkCell({ remark: 'line one\nline two\u001b[31m', remarkLength: null })).toBe(
      'line one ⏎ line two\\u{1b}[31m',
    );
    expect(remarkCell({ remark: 'abc', remarkLength: 5000 })).toBe('abc … (first 3 of 5000 characters kept)');
    expect(remarkCell({ remark: null, remarkLength: null })).toBe('');
    expect(oneLine('=HYPERLINK("x")\u202e')).toBe('=HYPERLINK("x")\\u{202e}');
  });
});
