/**
 * The shapes of the bad-input corpus: each case is data (where the input goes, what is typed or done, and the
 * outcome expected), so the corpus reads as a table and the runners stay generic.
 */

/** Where a bad input enters the system. */
export type Where =
  | 'form cell'
  | 'form sheet'
  | 'control tab'
  | 'central'
  | 'csv'
  | 'methodology json'
  | 'emulator'
  | 'results text';

/** A refusal: a sentence holding every fragment of `messageIncludes`, shown at `at` (`{cell}`: the case's cell). */
export type Refusal = { refused: true; messageIncludes: readonly string[]; at: string };

/** A value taken: the number stored (null: missing), and a note the official is shown, if any. */
export type Acceptance = { refused: false; value: number | null; noteIncludes?: readonly string[] };

/** What one case ended as, for the figures. */
export type CaseResult = {
  name: string;
  where: Where;
  /** The outcome matched the expected one exactly. */
  handled: boolean;
  /** Previously accepted values that are gone after the case (must be 0). */
  lost: number;
  /** Why the case is not handled, or what was lost; absent when it passed. */
  failure?: string;
};

/** A case's result from its mismatches: handled when there are none. */
export function result(
  name: string,
  where: Where,
  mismatches: readonly string[],
  lost: readonly string[] = [],
): CaseResult {
  const problems = [...mismatches, ...lost.map((l) => `lost: ${l}`)];
  return {
    name,
    where,
    handled: mismatches.length === 0,
    lost: lost.length,
    ...(problems.length > 0 && { failure: `${where}: ${name}: ${problems.join('; ')}` }),
  };
}

/** A case that threw: a crash is never handled. */
export function crashed(name: string, where: Where, error: unknown): CaseResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name, where, handled: false, lost: 0, failure: `${where}: ${name}: crashed: ${message}` };
}
