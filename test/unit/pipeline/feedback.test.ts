import { feedbackRows, MAX_PROBLEM_ROWS } from '../../../lib/pipeline/feedback';
import type { FormRead, FormRow } from '../../../lib/pipeline/ports';

const row = (k: number, ok: boolean): FormRow => ({
  row: k + 3,
  a1: `Form!D${k + 3}`,
  code: `T${k}`,
  cell: { value: ok ? 1 : 'x', text: ok ? '1' : 'x', formatType: null, error: null },
  parsed: ok
    ? { ok: true, value: 1 }
    : { ok: false, problem: 'not-a-number', reason: '“x” is not a number.', expected: 'a number' },
  status: 'read',
});
const read = (rows: FormRow[]): FormRead => ({
  spreadsheetId: 's',
  tab: 'Form',
  zoneId: 'hangzhou',
  rows,
  problems: [],
  feedbackTab: null,
});

describe('the Feedback tab', () => {
  test('all values accepted: a status line, no problem table', () => {
    const fb = feedbackRows({
      zoneId: 'hangzhou',
      read: read([row(1, true)]),
      accepted: { T1: { value: 1, text: '1' } },
      revision: { seq: 3, at: '2025-03-01T08:00:00.000Z' },
      missingRequired: [],
    });
    expect(fb.problems).toBe(0);
    expect(fb.rows[0]).toEqual(['Status 状态', 'OK 已接受: every value was accepted.']);
    expect(fb.rows[2]).toEqual(['Values in use 当前数值', 'revision 3, accepted 2025-03-01T08:00:00.000Z']);
    expect(fb.rows).toHaveLength(4);
  });

  test('a refused cell lists its cell, the typed text, why, what is expected and the last accepted value', () => {
    const fb = feedbackRows({
      zoneId: 'hangzhou',
      read: read([row(1, false)]),
      accepted: { T1: { value: 7, text: '7' } },
      revision: null,
      missingRequired: ['T9'],
    });
    expect(fb.problems).toBe(2);
    expect(fb.rows).toContainEqual(['Form!D4', 'T1', 'x', '“x” is not a number.', 'a number', 7]);
    expect(fb.rows).toContainEqual([
      '',
      'T9',
      '',
      'This indicator is required and has no value yet.',
      'a value',
      '',
    ]);
    expect(fb.rows[0]![1]).toMatch(/^2 problems/);
  });

  test('thousands of bad rows are listed up to a limit, then summarised', () => {
    const fb = feedbackRows({
      zoneId: 'hangzhou',
      read: read(Array.from({ length: 10_000 }, (_, k) => row(k, false))),
      accepted: null,
      revision: null,
      missingRequired: [],
    });
    expect(fb.problems).toBe(10_000);
    expect(fb.rows.length).toBe(4 + 1 + MAX_PROBLEM_ROWS + 1);
    expect(fb.rows[fb.rows.length - 1]![3]).toMatch(/and 9800 more problems not listed/);
  });
});
