/** A mistake in how the command was called or in the files it was given: printed without a stack trace (one line, or one per problem of a file), exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The `code` of a Node.js system error (ENOENT, EADDRINUSE...), or ''. Read structurally, not by `instanceof`:
 * errors raised by Node's own modules may come from another realm (under jest, for one).
 */
export function errnoCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}
