import { readFormGrid } from '../../../lib/sheets/form';
import type { TabGrid } from '../../../lib/sheets/grid';
import { formulaError, grid, indicator, percent, type Typed } from './helpers';

const methodology = {
  indicators: [
    indicator({ code: 'T01', unit: '%', max: 100, nameEn: 'Tasks completed' }),
    indicator({ code: 'T02', unit: 'count' }),
    indicator({ code: 'T03', unit: '亿元' }),
    indicator({ code: 'C01', unit: 'count', source: 'central:customs' }),
  ],
};

const HEADER: Typed[] = ['Code', 'Indicator', 'Unit', 'Value', 'Note'];

function form(rows: Typed[][], zone: Typed[] = ['Zone ID', 'hangzhou']): TabGrid {
  return grid('Form', [zone, HEADER, ...rows]);
}

function read(g: TabGrid | null, extra: { expectedZoneId?: string; tabTitles?: string[] } = {}) {
  return readFormGrid({
    spreadsheetId: 'sheet-1',
    grid: g,
    tabTitles: extra.tabTitles ?? ['Form'],
    feedbackTab: null,
    methodology,
    ...(extra.expectedZoneId === undefined ? {} : { expectedZoneId: extra.expectedZoneId }),
  });
}

const FULL: Typed[][] = [
  ['T01', 'Tasks', '%', 12, null],
  ['T02', 'Firms', 'count', 30, null],
  ['T03', 'Exports', '亿元', '1,092.47', 'estimate'],
];

describe('reading a zone form', () => {
  test('reads every row with its A1 reference, raw cell and parsed value', () => {
    const out = read(form(FULL));

    expect(out.problems).toEqual([]);
    expect(out.zoneId).toBe('hangzhou');
    expect(out.rows.map((r) => [r.a1, r.code, r.parsed?.ok && r.parsed.value])).toEqual([
      ['Form!D3', 'T01', 12],
      ['Form!D4', 'T02', 30],
      ['Form!D5', 'T03', 1092.47],
    ]);
    expect(out.rows[2]?.note).toBe('estimate');
    expect(out.rows[2]?.noteA1).toBe('Form!E5');
    expect(out.rows[2]?.cell).toEqual({ value: '1,092.47', text: '1,092.47', formatType: null, error: null });
  });

  test('finds the columns by header whatever their order', () => {
    const g = grid('Form', [
      ['note', 'VALUE', 'code'],
      [null, 5, 'T02'],
    ]);

    const out = read(g);

    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]).toMatchObject({ a1: 'Form!B2', code: 'T02', parsed: { ok: true, value: 5 } });
  });

  test('reads 17.35% typed as text, as a percent-formatted number and as a bare number alike', () => {
    const out = read(form([['T01', '', '%', '17.35%']]));
    const cellOut = read(form([['T01', '', '%', percent(0.1735, '17.35%')]]));
    const plain = read(form([['T01', '', '%', 17.35]]));

    expect(out.rows[0]?.parsed).toMatchObject({ ok: true, value: 17.35 });
    expect(cellOut.rows[0]?.parsed).toMatchObject({ ok: true, value: 17.35 });
    expect(cellOut.rows[0]?.cell).toMatchObject({ value: 0.1735, formatType: 'PERCENT', text: '17.35%' });
    expect(plain.rows[0]?.parsed).toMatchObject({ ok: true, value: 17.35 });
  });

  test('a formula error is a refused value on its row, not a sheet problem', () => {
    const out = read(form([['T02', '', '', formulaError('DIVIDE_BY_ZERO', '#DIV/0!')]]));

    expect(out.rows[0]?.cell.error).toBe('DIVIDE_BY_ZERO');
    expect(out.rows[0]?.parsed).toMatchObject({ ok: false, problem: 'formula-error' });
    expect(out.problems.filter((p) => p.kind !== 'missing-row')).toEqual([]);
  });

  test('a blank value is missing, never zero', () => {
    const out = read(form([['T02', 'Firms', 'count', null]]));

    expect(out.rows[0]?.parsed).toEqual({ ok: true, value: null });
  });

  test('matches a code typed in another case to its indicator', () => {
    const out = read(form([['t02', '', '', 4]]));

    expect(out.rows[0]).toMatchObject({ code: 'T02', status: 'read' });
  });
});

describe('problems on a form', () => {
  test('a missing Form tab is one error naming the tabs found', () => {
    const out = read(null, { tabTitles: ['Form (copy)', 'Feedback'] });

    expect(out.tab).toBeNull();
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatchObject({ kind: 'missing-tab', severity: 'error', at: 'Form' });
    expect(out.problems[0]?.message).toContain('“Form (copy)”');
  });

  test('a deleted Code header is reported as a missing column', () => {
    const out = read(
      grid('Form', [
        ['', 'Indicator', 'Unit', 'Value'],
        ['T01', 'x', '%', 3],
      ]),
    );

    expect(out.rows).toEqual([]);
    expect(out.problems).toEqual([expect.objectContaining({ kind: 'missing-column', at: 'Form!1:1' })]);
  });

  test('a form without a header row is one error and no rows', () => {
    const out = read(grid('Form', [['T01', 'x', '%', 3]]));

    expect(out.rows).toEqual([]);
    expect(out.problems.map((p) => p.kind)).toEqual(['missing-header']);
  });

  test('a missing value column is an error at the header row', () => {
    const out = read(
      grid('Form', [
        ['Code', 'Indicator', 'Amount'],
        ['T01', 'x', 3],
      ]),
    );

    expect(out.rows).toEqual([]);
    expect(out.problems).toContainEqual(expect.objectContaining({ kind: 'missing-column', at: 'Form!1:1' }));
    expect(out.problems.find((p) => p.kind === 'missing-column')?.message).toContain('“Value”');
  });

  test('a column of the official’s own is kept, not scored, and the Feedback says so once', () => {
    const g = grid('Form', [
      ['Code', 'Value', 'Checked by'],
      ['T02', 3, 'Li'],
      ['T03', 4, 'Wang'],
    ]);

    const out = read(g);

    const extra = out.problems.filter((p) => p.kind === 'extra-column');
    expect(extra).toEqual([expect.objectContaining({ severity: 'warning', at: 'Form!C1' })]);
    expect(extra[0]?.message).toMatch(/“Checked by”.*kept for your own use and not scored/);
    expect(out.rows.map((r) => r.parsed)).toEqual([
      expect.objectContaining({ ok: true, value: 3 }),
      expect.objectContaining({ ok: true, value: 4 }),
    ]);
  });

  test('a misspelt column is an error naming the closest known one, and is not read', () => {
    const g = grid('Form', [
      ['Code', 'Value', 'Nots'],
      ['T02', 3, 'estimate'],
    ]);

    const out = read(g);

    expect(out.problems.filter((p) => p.kind !== 'missing-row')).toEqual([
      expect.objectContaining({
        kind: 'extra-column',
        severity: 'error',
        at: 'Form!C1',
        message: expect.stringMatching(/^unknown column “Nots” \(did you mean “Note”\?\)/),
      }),
    ]);
    expect(out.rows[0]).toMatchObject({ parsed: { ok: true, value: 3 } });
    expect(out.rows[0]?.note).toBeUndefined();
  });

  test('a misspelt Value column refuses the form as a whole, naming the closest name', () => {
    const g = grid('Form', [
      ['Code', 'Indicator', 'Unit', 'Note', 'Misc', 'Vlaue'],
      ['T02', 'Firms', 'count', null, null, 3],
    ]);

    const out = read(g);

    expect(out.rows).toEqual([]);
    const missing = out.problems.find((p) => p.kind === 'missing-column');
    expect(missing).toMatchObject({ severity: 'error', at: 'Form!1:1' });
    expect(missing?.message).toMatch(
      /no “Value” column.*column F is headed “Vlaue” \(did you mean “Value”\?\)/,
    );
    expect(out.problems).toContainEqual(
      expect.objectContaining({
        at: 'Form!F1',
        severity: 'error',
        message: expect.stringMatching(/^unknown column “Vlaue” \(did you mean “Value”\?\)/),
      }),
    );
    expect(out.problems).toContainEqual(expect.objectContaining({ at: 'Form!E1', severity: 'warning' }));
  });

  test('a second Value column refuses the form: neither copy wins', () => {
    const g = grid('Form', [
      ['Code', 'Value', 'Value'],
      ['T02', 3, 30],
    ]);

    const out = read(g);

    expect(out.rows).toEqual([]);
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'repeated-column', severity: 'error', at: 'Form!C1' }),
    ]);
    expect(out.problems[0]?.message).toMatch(/second “Value” column, after column B/);
  });

  test('a second Note column is an error and leaves the notes out, the values still read', () => {
    const g = grid('Form', [
      ['Code', 'Value', 'Note', '备注'],
      ['T02', 3, 'one', 'two'],
    ]);

    const out = read(g);

    expect(out.problems.filter((p) => p.kind !== 'missing-row')).toEqual([
      expect.objectContaining({ kind: 'extra-column', severity: 'error', at: 'Form!D1' }),
    ]);
    expect(out.rows[0]).toMatchObject({ status: 'read', parsed: { ok: true, value: 3 } });
    expect(out.rows[0]?.note).toBeUndefined();
  });

  test('an indicator on two rows is an error and neither row is read', () => {
    const out = read(form([...FULL, ['T02', 'Firms', 'count', 99]]));

    expect(out.rows.filter((r) => r.status === 'duplicate')).toEqual([
      expect.objectContaining({ row: 4, code: 'T02', parsed: null }),
      expect.objectContaining({ row: 6, code: 'T02', parsed: null }),
    ]);
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'duplicate-row', severity: 'error', at: 'Form!A6', code: 'T02' }),
    ]);
    expect(out.problems[0]?.message).toMatch(/of row 4: neither row is read/);
  });

  test('an unknown code is reported and its value not read', () => {
    const out = read(form([...FULL, ['X99', 'Mystery', '', 5]]));

    expect(out.rows.at(-1)).toMatchObject({ code: 'X99', status: 'unknown-code', parsed: null });
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'unknown-code', at: 'Form!A6', code: 'X99' }),
    ]);
  });

  test('blank rows in the middle are one problem per run, and trailing blanks none', () => {
    const out = read(form([FULL[0]!, [], [null, null, null, ''], FULL[1]!, FULL[2]!, [], []]));

    expect(out.rows.map((r) => r.code)).toEqual(['T01', 'T02', 'T03']);
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'blank-rows', at: 'Form!4:5', severity: 'warning' }),
    ]);
  });

  test('a value for an indicator another sheet supplies is reported and ignored', () => {
    const out = read(form([...FULL, ['C01', 'Customs', 'count', 7]]));

    expect(out.rows.at(-1)).toMatchObject({ code: 'C01', status: 'other-source', parsed: null });
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'other-source', at: 'Form!D6', code: 'C01' }),
    ]);
    expect(out.problems[0]?.message).toContain('customs');
  });

  test('a note on the row of an indicator another sheet supplies is said not to be kept', () => {
    const out = read(form([...FULL, ['C01', 'Customs', 'count', null, 'our own count is 9']]));

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'other-source', at: 'Form!E6', code: 'C01' }),
    ]);
    expect(out.problems[0]?.message).toContain('the note in Form!E6 typed here is ignored');
  });

  test('an empty row for an indicator another sheet supplies is no problem', () => {
    const out = read(form([...FULL, ['C01', 'Customs', 'count', null]]));

    expect(out.problems).toEqual([]);
  });

  test('an indicator without a row is reported as missing', () => {
    const out = read(form([FULL[0]!, FULL[2]!]));

    expect(out.problems).toEqual([expect.objectContaining({ kind: 'missing-row', code: 'T02' })]);
  });

  test('a value without a code is reported', () => {
    const out = read(form([...FULL, [null, 'something', '', 12]]));

    expect(out.problems).toEqual([expect.objectContaining({ kind: 'missing-code', at: 'Form!D6' })]);
  });

  test('a zone id that disagrees with the control sheet is an error at its cell', () => {
    const out = read(form(FULL, ['Zone ID', 'ningbo']), { expectedZoneId: 'hangzhou' });

    expect(out.zoneId).toBe('ningbo');
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'zone-mismatch', severity: 'error', at: 'Form!B1' }),
    ]);
  });

  test('a matching zone id is no problem, and a form showing none is not checked', () => {
    expect(read(form(FULL), { expectedZoneId: 'Hangzhou' }).problems).toEqual([]);
    expect(read(form(FULL, []), { expectedZoneId: 'ningbo' }).problems).toEqual([]);
  });
});

describe('a 10,000-row form', () => {
  test('is read in linear time, with one problem per run of blank rows', () => {
    const rows: Typed[][] = [...FULL];
    for (let i = 0; i < 10_000; i++) rows.push(i % 1000 === 999 ? [] : [`X${i}`, '', '', i]);
    const g = form(rows);

    const t0 = performance.now();
    const out = read(g);
    const ms = performance.now() - t0;

    expect(out.rows).toHaveLength(3 + 10_000 - 10);
    // Ten blank rows, the last of them trailing (the end of the form, not a gap).
    expect(out.problems.filter((p) => p.kind === 'blank-rows')).toHaveLength(9);
    expect(out.problems.filter((p) => p.kind === 'unknown-code')).toHaveLength(9_990);
    // Generous: the read is linear and takes a few tens of milliseconds; a quadratic one would take seconds.
    expect(ms).toBeLessThan(2000);
  });
});
