import { datasetFromCsv } from '../../../lib/core/csv-dataset';
import { compileMethodology, formatIssues, type Methodology } from '../../../lib/core/methodology';

function spec(input: unknown): Methodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology.spec;
}

const m = spec({ indicators: [{ code: 'a' }, { code: 'b' }] });

function issues(text: string, sep = ',', methodology = m, id = 'id') {
  const r = datasetFromCsv(text, methodology, id, sep);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues;
}

describe('datasetFromCsv', () => {
  test('reads ids, values and missing fields', () => {
    const r = datasetFromCsv('id,a,b\nx,1,2\ny,,3\n', m);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.units).toEqual(['x', 'y']);
    expect([...r.data.numeric.get('a')!]).toEqual([1, Number.NaN]);
    expect([...r.data.numeric.get('b')!]).toEqual([2, 3]);
    expect(r.ignored).toEqual([]);
  });

  test('a row with fewer fields than the header is refused, naming its line and both counts', () => {
    expect(issues('id,a,b\nx,1,2\ny,1\n')).toEqual([
      { line: 3, message: '2 fields, but the header has 3: the row is cut short or a separator is missing' },
    ]);
  });

  test('a row with more fields than the header is refused, naming its line and both counts', () => {
    expect(issues('id,a,b\nx,1,2\ny,1,000,3\n')).toEqual([
      {
        line: 3,
        message: '4 fields, but the header has 3: a value holding a separator must be in double quotes',
      },
    ]);
  });

  test('line numbers are the file’s own: blank lines and quoted fields spanning lines count', () => {
    expect(issues('id,a,b\n\n\nx,1,2\ny,1\n')[0]!.line).toBe(5);
    expect(issues('id,a,b,note\n"x",1,2,"two\nlines"\ny,1,3x,ok\n')).toEqual([
      { line: 4, column: 'b', message: expect.stringMatching(/3x/) },
    ]);
    expect(issues('id,a,b\r\n\r\nx,1,2\r\nx,1,2\r\n')).toEqual([
      { line: 4, column: 'id', message: "'x' repeats line 3" },
    ]);
  });

  test('a header named twice is refused, naming both columns', () => {
    expect(issues('id,a,b,a\nx,1,2,3\n')).toEqual([
      { line: 1, column: 'a', message: "the header names 'a' twice (columns 2 and 4): rename or remove one" },
    ]);
  });

  test('a header-only file says there are no data rows; an empty file says it is empty', () => {
    expect(issues('id,a,b\n\n')).toEqual([
      { line: 1, message: 'no data rows: the file has a header and nothing under it' },
    ]);
    expect(issues('\n \n')).toEqual([{ line: 1, message: 'the file is empty: it needs a header row' }]);
  });

  test('a semicolon- or tab-separated file gets a hint, and --separator reads it', () => {
    expect(issues('id;a;b\nx;1;2\n')[0]!.message).toBe(
      "the header is a single column; the file looks semicolon-separated: use commas, or pass --separator ';'",
    );
    expect(issues('id\ta\tb\nx\t1\t2\n')[0]!.message).toMatch(
      /tab-separated: use commas, or pass --separator tab/,
    );
    expect(issues('id,a,b\nx,1,2\n', ';')[0]!.message).toMatch(/comma-separated: drop --separator/);
    const r = datasetFromCsv(
      'id;a;b\nx;1.5;2\n',
      spec({ indicators: [{ code: 'a' }, { code: 'b' }] }),
      'id',
      ';',
    );
    expect(r.ok && [...r.data.numeric.get('a')!, ...r.data.numeric.get('b')!]).toEqual([1.5, 2]);
  });

  test('an unclosed quote is refused at its line', () => {
    expect(issues('id,a,b\nx,"1,2\n')).toEqual([{ line: 2, message: expect.stringMatching(/never closed/) }]);
  });

  test('a missing id or indicator column names the closest header', () => {
    expect(issues('ID,a,b\nx,1,2\n')[0]).toEqual({
      line: 1,
      column: 'id',
      message: "there is no 'id' column (did you mean 'ID'? pass --id-column 'ID')",
    });
    expect(issues('id,a,bb,zz\nx,1,2,3\n')[0]).toEqual({
      line: 1,
      column: 'b',
      message: "the methodology needs a column 'b', which the file does not have (did you mean 'bb'?)",
    });
  });

  test('columns the methodology does not name are returned, for the caller to tell', () => {
    const r = datasetFromCsv('id,a,b,name,\nx,1,2,X,\n', m);
    expect(r.ok && r.ignored).toEqual(['name']);
  });

  test('lines holding only separators carry no data and are passed over', () => {
    const r = datasetFromCsv('id,a,b\nx,1,2\n,,\n', m);
    expect(r.ok && r.data.units).toEqual(['x']);
  });
});
