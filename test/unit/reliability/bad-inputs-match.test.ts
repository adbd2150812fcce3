/** Matching a Feedback tab against a bad-input case's expected outcome. */

import { result } from '../../../lib/reliability/bad-inputs/cases';
import { placeCells } from '../../../lib/reliability/bad-inputs/form';
import {
  CONTROL_FEEDBACK,
  FORM_FEEDBACK,
  matchAcceptanceFeedback,
  matchRefusal,
  sameValue,
} from '../../../lib/reliability/bad-inputs/match';

const rows = [
  ['Status 状态', '1 problem 个问题: ...'],
  [],
  ['Cell 单元格', 'Code 指标代码', 'Value as typed 填报内容', 'Problem 问题', 'Expected 应填写', 'Last'],
  ['Form!D5', 'T03', '12abc', '“12abc” is not a number.', 'a number', 6],
  ['Form!D3', 'T01', '0.5', 'Accepted. 0.5 is read as 0.5%; if you meant 50%, type 50.', '', 0.5],
];

test('a refusal matches a row at its cell holding every fragment', () => {
  expect(
    matchRefusal(
      rows,
      { refused: true, at: '{cell}', messageIncludes: ['“12abc”', 'not a number'] },
      FORM_FEEDBACK,
      'Form!D5',
    ),
  ).toEqual([]);
});

test('a refusal at another cell, or with another sentence, is a mismatch naming what was found', () => {
  const elsewhere = matchRefusal(
    rows,
    { refused: true, at: 'Form!D6', messageIncludes: ['not a number'] },
    FORM_FEEDBACK,
  );
  expect(elsewhere[0]).toMatch(/no Feedback row at Form!D6.*Form!D5/);
  const vague = matchRefusal(
    rows,
    { refused: true, at: 'Form!D5', messageIncludes: ['negative'] },
    FORM_FEEDBACK,
  );
  expect(vague[0]).toMatch(/says “.*12abc.*”, expected it to include “negative”/);
});

test('an acceptance fails on a refusal at its cell and needs the note it expects', () => {
  expect(
    matchAcceptanceFeedback(
      rows,
      { refused: false, value: 0.5, noteIncludes: ['if you meant 50%'] },
      FORM_FEEDBACK,
      'Form!D3',
    ),
  ).toEqual([]);
  expect(
    matchAcceptanceFeedback(
      rows,
      { refused: false, value: 0.5, noteIncludes: ['other'] },
      FORM_FEEDBACK,
      'Form!D3',
    ),
  ).toHaveLength(1);
  expect(matchAcceptanceFeedback(rows, { refused: false, value: 6 }, FORM_FEEDBACK, 'Form!D5')[0]).toMatch(
    /expected Form!D5 to be accepted/,
  );
});

test('the control sheet’s Feedback keeps its sentence in the third column', () => {
  const control = [['Indicators!G6', 'error', 'indicators[4] (T05).weight: must not be negative']];
  expect(
    matchRefusal(
      control,
      { refused: true, at: 'Indicators!G6', messageIncludes: ['must not be negative'] },
      CONTROL_FEEDBACK,
    ),
  ).toEqual([]);
});

test('values compare as numbers, missing equal to missing', () => {
  expect(sameValue(null, undefined)).toBe(true);
  expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
  expect(sameValue(0, null)).toBe(false);
  expect(sameValue(5, 6)).toBe(false);
});

test('cases are placed on free cells of their unit, a pinned code on its own row, never a cell twice', () => {
  const inds = [
    { code: 'T01', unit: '%' },
    { code: 'T02', unit: 'count' },
    { code: 'T03', unit: '%' },
  ] as never[];
  const c = (name: string, unit: string, code?: string) => ({
    name,
    unit,
    ...(code && { code }),
    input: 'x',
    expect: { refused: true as const, messageIncludes: [], at: '{cell}' },
  });
  const { placed, unplaced } = placeCells(
    [c('a', '%'), c('b', '%', 'T03'), c('c', '%'), c('d', '%'), c('e', 'yes/no')],
    ['z1', 'z2'],
    inds,
  );
  expect(placed.map((p) => `${p.c.name}:${p.zone}/${p.code}@${p.row}`)).toEqual([
    'a:z1/T01@3',
    'b:z1/T03@5',
    'c:z2/T01@3',
    'd:z2/T03@5',
  ]);
  expect(unplaced.map((u) => u.name)).toEqual(['e']);
});

test('a case is handled only without mismatches, and counts what it lost', () => {
  expect(result('n', 'csv', [])).toEqual({ name: 'n', where: 'csv', handled: true, lost: 0 });
  const r = result('n', 'form cell', [], ['T01 gone']);
  expect(r).toMatchObject({ handled: true, lost: 1, failure: 'form cell: n: lost: T01 gone' });
});
