import type { MethodologyIssue } from './methodology';

/** Base class of the engine's errors. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/**
 * The methodology cannot be applied to this data (geometric mean over a zero, entropy over negative values,
 * a quota larger than the number of zones, a denominator column that is not in the data). A user's mistake:
 * callers report `issues`, they do not retry.
 */
export class MethodologyError extends EngineError {
  override name = 'MethodologyError';
  constructor(
    readonly issues: MethodologyIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '), options);
  }
}
