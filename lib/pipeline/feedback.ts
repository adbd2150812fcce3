/**
 * The Feedback tab of a zone's spreadsheet: a status line, then one row per problem with its cell, the value as
 * typed, why it was refused, what is expected and the last accepted value. Pure: rows in, rows out.
 *
 * The tab deliberately shows the time of the last accepted change, not of the last read: a read that finds
 * nothing new must leave the Feedback unchanged, or every read would write, every write would move the Drive
 * version, and the reconcile poll would read again, forever.
 */
import type { FeedbackCell, FormRead, SheetProblem, SubmittedValue } from './ports';

export type FeedbackInput = {
  zoneId: string | null;
  read: FormRead;
  /** Values stored as current after this sync (what scoring uses), keyed by indicator code. */
  accepted: Record<string, SubmittedValue> | null;
  /** Revision and time of the last accepted change. */
  revision: { seq: number; at: string } | null;
  /** Why nothing was stored, when the form as a whole was refused. */
  refusal?: string;
  /** Required indicators with no value. */
  missingRequired: string[];
};

/**
 * The Feedback tab's own words, beside the problems of kinds `PROBLEMS` (lib/core/values) and `SheetProblemKind`
 * (ports.ts): the status of each outcome and the rows that are not a problem of a cell. The officials' guides
 * (docs/officials.*.md) quote each, and a test holds them to this list.
 */
export const FEEDBACK_WORDS = {
  ok: 'OK 已接受',
  problems: '个问题',
  notAccepted: 'NOT ACCEPTED 未接受',
  accepted: 'Accepted.',
  required: 'This indicator is required and has no value yet.',
  more: 'more problems not listed',
  late: 'Late 逾期',
} as const;

/** A form pasted with thousands of bad rows gets a readable Feedback tab (and a write of bounded size). */
export const MAX_PROBLEM_ROWS = 200;

const HEADER: FeedbackCell[] = [
  'Cell 单元格',
  'Code 指标代码',
  'Value as typed 填报内容',
  'Problem 问题',
  'Expected 应填写',
  'Last accepted value 上次接受的数值',
];

function lastAccepted(v: SubmittedValue | undefined): FeedbackCell {
  if (!v || v.value === null) return '';
  return v.value;
}

/** Builds the rows of the Feedback tab, and counts the problems on it (values to check included). */
export function feedbackRows(input: FeedbackInput): { rows: FeedbackCell[][]; problems: number } {
  const { read } = input;
  const problems: FeedbackCell[][] = [];
  const sheetProblem = (p: SheetProblem): FeedbackCell[] => [p.at, p.code ?? '', '', p.message, '', ''];
  for (const p of read.problems) problems.push(sheetProblem(p));
  let refused = 0;
  let notes = 0;
  for (const row of read.rows) {
    if (row.status !== 'read' || !row.parsed) continue;
    if (!row.parsed.ok) {
      refused++;
      problems.push([
        row.a1,
        row.code,
        row.cell.text ?? '',
        row.parsed.reason,
        row.parsed.expected,
        lastAccepted(input.accepted?.[row.code]),
      ]);
    } else if (row.parsed.note) {
      notes++;
      problems.push([
        row.a1,
        row.code,
        row.cell.text ?? '',
        `${FEEDBACK_WORDS.accepted} ${row.parsed.note}`,
        '',
        row.parsed.value ?? '',
      ]);
    }
  }
  for (const code of input.missingRequired)
    problems.push(['', code, '', FEEDBACK_WORDS.required, 'a value', '']);

  const errors =
    read.problems.filter((p) => p.severity === 'error').length + refused + input.missingRequired.length;
  const status = input.refusal
    ? `${FEEDBACK_WORDS.notAccepted}: ${input.refusal}`
    : errors === 0
      ? `${FEEDBACK_WORDS.ok}: every value was accepted${notes ? ` (${notes} to check below)` : ''}.`
      : `${errors} problem${errors > 1 ? 's' : ''} ${FEEDBACK_WORDS.problems}: the values below were not accepted; the last accepted value is kept until they are fixed.`;
  const rows: FeedbackCell[][] = [
    ['Status 状态', status],
    ['Zone 试验区', input.zoneId ?? ''],
    [
      'Values in use 当前数值',
      input.revision ? `revision ${input.revision.seq}, accepted ${input.revision.at}` : 'none yet',
    ],
    [],
  ];
  if (problems.length) rows.push(HEADER, ...problems.slice(0, MAX_PROBLEM_ROWS));
  if (problems.length > MAX_PROBLEM_ROWS)
    rows.push([
      '',
      '',
      '',
      `…and ${problems.length - MAX_PROBLEM_ROWS} ${FEEDBACK_WORDS.more}: fix the ones above and they will show.`,
      '',
      '',
    ]);
  return { rows, problems: problems.length };
}
