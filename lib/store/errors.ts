/** Base of every failure raised by the DynamoDB store; `cause` keeps the SDK error when there is one. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An item would exceed DynamoDB's 400 KB item limit; raised before sending, with the sizes involved. */
export class ItemTooLargeError extends StoreError {
  override name = 'ItemTooLargeError';
  constructor(
    message: string,
    readonly itemBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** A history item already exists under this key: history is append-only and never overwritten. */
export class ItemExistsError extends StoreError {
  override name = 'ItemExistsError';
  constructor(
    message: string,
    readonly key: { PK: string; SK: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Revision numbering kept colliding with concurrent writers beyond the retry budget. */
export class RevisionConflictError extends StoreError {
  override name = 'RevisionConflictError';
}

/** An identifier cannot be used in a key (empty, or containing the `#` separator). */
export class InvalidKeyError extends StoreError {
  override name = 'InvalidKeyError';
}

/** An item read back from the table does not have the shape this code writes. */
export class CorruptItemError extends StoreError {
  override name = 'CorruptItemError';
}

/** Data handed to the store does not fit the port's schema (a non-finite number, an empty hash...). */
export class InvalidInputError extends StoreError {
  override name = 'InvalidInputError';
}

/** BatchWriteItem still left unprocessed items after every retry. */
export class BatchWriteIncompleteError extends StoreError {
  override name = 'BatchWriteIncompleteError';
  constructor(
    message: string,
    readonly unprocessed: number,
  ) {
    super(message);
  }
}

/** A DynamoDB request failed for a reason the store does not handle (throttling, network, validation). */
export class StoreRequestError extends StoreError {
  override name = 'StoreRequestError';
}

/** True when `error` is DynamoDB's answer to a failed ConditionExpression. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
