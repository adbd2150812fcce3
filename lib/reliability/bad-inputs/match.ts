/**
 * Matching what a Feedback tab (or a CLI's error output) says against a case's expected outcome. Pure: rows in,
 * mismatches out, each a sentence saying what was expected and what was found.
 */
import type { Acceptance, Refusal } from './cases';

export type Row = readonly unknown[];

/** Which columns of a Feedback tab hold the location and the sentence. */
export type FeedbackColumns = { at: number; message: number };

/** A zone form's Feedback: Cell, Code, Value as typed, Problem, Expected, Last accepted value. */
export const FORM_FEEDBACK: FeedbackColumns = { at: 0, message: 3 };
/** The central spreadsheet's Feedback: Cell, Zone, Code, Value as typed, Problem, Expected, Last accepted. */
export const CENTRAL_FEEDBACK: FeedbackColumns = { at: 0, message: 4 };
/** The control sheet's Feedback: Cell, Severity, Problem. */
export const CONTROL_FEEDBACK: FeedbackColumns = { at: 0, message: 2 };

const shorten = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function includesAll(text: string, fragments: readonly string[]): boolean {
  return fragments.every((f) => text.includes(f));
}

/** The location a refusal names, with the case's own cell put in for `{cell}`. */
export function resolveAt(at: string, cell: string | null): string {
  return cell === null ? at : at.replaceAll('{cell}', cell);
}

/** Mismatches of a refusal against Feedback rows: a row at the place, holding every fragment. */
export function matchRefusal(
  rows: readonly Row[],
  expected: Refusal,
  columns: FeedbackColumns,
  cell: string | null = null,
): string[] {
  const at = resolveAt(expected.at, cell);
  const here = rows.filter((r) => String(r[columns.at] ?? '') === at);
  if (here.length === 0) {
    const places = [...new Set(rows.map((r) => String(r[columns.at] ?? '')).filter((p) => p !== ''))];
    const problems = rows
      .filter((r) => String(r[columns.at] ?? '') !== '' && String(r[columns.message] ?? '') !== '')
      .map((r) => `${String(r[columns.at])}: “${shorten(String(r[columns.message]), 120)}”`);
    return [
      `no Feedback row at ${at} (rows name: ${shorten(places.join(', ') || 'none')}${problems.length ? `; ${problems.slice(0, 3).join('; ')}` : ''})`,
    ];
  }
  const messages = here.map((r) => String(r[columns.message] ?? ''));
  if (messages.some((m) => includesAll(m, expected.messageIncludes))) return [];
  return [
    `the Feedback at ${at} says ${messages.map((m) => `“${shorten(m)}”`).join(' / ')}, expected it to include ${expected.messageIncludes.map((f) => `“${f}”`).join(' and ')}`,
  ];
}

/** Mismatches of an acceptance against Feedback rows: no refusal at the cell, and the note when one is expected. */
export function matchAcceptanceFeedback(
  rows: readonly Row[],
  expected: Acceptance,
  columns: FeedbackColumns,
  cell: string,
): string[] {
  const messages = rows
    .filter((r) => String(r[columns.at] ?? '') === cell)
    .map((r) => String(r[columns.message] ?? ''));
  const refusals = messages.filter((m) => !m.startsWith('Accepted.'));
  if (refusals.length)
    return [`expected ${cell} to be accepted, the Feedback says “${shorten(refusals[0]!)}”`];
  const note = expected.noteIncludes;
  if (note && !messages.some((m) => includesAll(m, note)))
    return [
      `expected a note at ${cell} including ${note.map((f) => `“${f}”`).join(' and ')}, found ${messages.length ? messages.map((m) => `“${shorten(m)}”`).join(' / ') : 'none'}`,
    ];
  return [];
}

/** Whether two stored values are the same number (or both missing). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.abs(a);
  return a === b;
}
