/** A mistake in how the command was called or in the files it was given: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
