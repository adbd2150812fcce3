/**
 * System faults of the Sheets and Drive adapter, thrown (never returned) so that the sync Lambda fails, SQS retries
 * and, after five receives, the DLQ alarm fires. A person's mistake in a sheet is never one of these: it is a
 * `SheetProblem` in what the reader returns.
 */

/** What an HTTP failure looked like, kept on every error for logs. */
export type FaultDetail = {
  /** The API method, e.g. `sheets.spreadsheets.get`. */
  operation: string;
  /** The file concerned, when there is one. */
  fileId?: string;
  /** HTTP status, or undefined for a network failure. */
  status?: number;
  /** Google's status (`RESOURCE_EXHAUSTED`) or Drive's reason (`notFound`), when the body said. */
  reason?: string;
  /** How many attempts were made before giving up. */
  attempts: number;
};

/** Base of every error the Sheets adapter throws. */
export class SheetsError extends Error {
  override name = 'SheetsError';
  readonly detail: FaultDetail;
  /** Whether trying again later may succeed (quota, 5xx, network); false for 403/404/400. */
  readonly transient: boolean;

  constructor(message: string, detail: FaultDetail, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.detail = detail;
    this.transient = transient;
  }
}

/** The spreadsheet (or file) does not exist or was deleted: 404. */
export class SpreadsheetNotFoundError extends SheetsError {
  override name = 'SpreadsheetNotFoundError';
  /** The pipeline's marker (`isSpreadsheetUnavailable`): retrying will not bring the file back. */
  readonly unavailable = 'not-found' as const;
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `Spreadsheet ${detail.fileId ?? ''} was not found: it was deleted, or its id is wrong (${detail.operation}).`,
      detail,
      false,
      options,
    );
  }
}

/** The service account may not read or write it (no longer shared, or shared read-only): 403. */
export class SpreadsheetAccessError extends SheetsError {
  override name = 'SpreadsheetAccessError';
  /** The pipeline's marker (`isSpreadsheetUnavailable`): sharing the file again is what brings it back. */
  readonly unavailable = 'no-access' as const;
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `No permission for spreadsheet ${detail.fileId ?? ''}: it is no longer shared with the service account, or not as an editor (${detail.operation}).`,
      detail,
      false,
      options,
    );
  }
}

/**
 * Drive refused to create a file the service account would own: service accounts have no Drive storage, so
 * spreadsheets must be created in a shared drive where the service account is a content manager (DESIGN section 9).
 */
export class DriveStorageError extends SheetsError {
  override name = 'DriveStorageError';
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `Drive refused to store a file owned by the service account (${detail.operation}): service accounts have no Drive storage. Create spreadsheets in a shared drive folder where the service account is a content manager.`,
      detail,
      false,
      options,
    );
  }
}

/** The credentials were refused: 401. */
export class SheetsAuthError extends SheetsError {
  override name = 'SheetsAuthError';
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(`The Google credentials were refused (${detail.operation}).`, detail, false, options);
  }
}

/** 429 (or Drive's 403 rate limit) on every attempt: the quota stayed exhausted for the whole retry budget. */
export class QuotaExhaustedError extends SheetsError {
  override name = 'QuotaExhaustedError';
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `The Google API quota stayed exhausted after ${detail.attempts} attempts (${detail.operation}).`,
      detail,
      true,
      options,
    );
  }
}

/** 5xx, a timeout or a dropped connection on every attempt. */
export class SheetsUnavailableError extends SheetsError {
  override name = 'SheetsUnavailableError';
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `The Google API was unavailable after ${detail.attempts} attempts (${detail.operation}${detail.status ? `, HTTP ${detail.status}` : ', no response'}).`,
      detail,
      true,
      options,
    );
  }
}

/**
 * The call was given up before its retries were spent, because the caller's deadline (a Lambda invocation's
 * remaining time) left no room for another wait and attempt. Transient: the message is retried later. Its cause is
 * the last failure, when there was one.
 */
export class DeadlineError extends SheetsError {
  override name = 'DeadlineError';
  constructor(detail: FaultDetail, options?: { cause?: unknown }) {
    const last = options?.cause instanceof Error ? ` (last: ${options.cause.message})` : '';
    super(
      `Gave up on ${detail.operation} after ${detail.attempts} attempt${detail.attempts === 1 ? '' : 's'}: the time left to the caller's deadline was too short for another${last}.`,
      detail,
      true,
      options,
    );
  }
}

/** Any other refusal (400 and friends): a bug in the request we built, not something a retry fixes. */
export class SheetsRequestError extends SheetsError {
  override name = 'SheetsRequestError';
  constructor(message: string, detail: FaultDetail, options?: { cause?: unknown }) {
    super(
      `${detail.operation} was refused (HTTP ${detail.status ?? '?'}): ${message}`,
      detail,
      false,
      options,
    );
  }
}

/** How a failed call is treated: retried, or turned into one of the errors above. */
export type FailureClass =
  | { kind: 'rate-limit'; status: number; reason?: string }
  | { kind: 'unavailable'; status?: number; reason?: string }
  | { kind: 'not-found'; status: number; reason?: string }
  | { kind: 'forbidden'; status: number; reason?: string }
  | { kind: 'no-storage'; status: number; reason?: string }
  | { kind: 'unauthenticated'; status: number; reason?: string }
  | { kind: 'refused'; status: number; reason?: string; message: string };

/** Drive reports some rate limits as 403 with these reasons (Drive API: "Resolve errors"). */
const DRIVE_RATE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'sharingRateLimitExceeded',
]);

/** Network error codes after which the request may simply be sent again. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' && key in o ? (o as Record<string, unknown>)[key] : undefined;
}

/** Reads the status, reason and message of a failure in gaxios' shape (or a plain one from a test transport). */
export function describeFailure(err: unknown): {
  status?: number;
  reason?: string;
  message: string;
  code?: string;
} {
  const response = field(err, 'response');
  const rawStatus = field(response, 'status') ?? field(err, 'status');
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const body = field(response, 'data');
  const apiError = field(body, 'error');
  const errors = field(apiError, 'errors');
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const reasonValue = field(first, 'reason') ?? field(apiError, 'status');
  const messageValue = field(apiError, 'message') ?? field(err, 'message');
  const codeValue = field(err, 'code') ?? field(field(err, 'cause'), 'code');
  const out: { status?: number; reason?: string; message: string; code?: string } = {
    message: typeof messageValue === 'string' ? messageValue : String(err),
  };
  if (status !== undefined) out.status = status;
  if (typeof reasonValue === 'string') out.reason = reasonValue;
  if (typeof codeValue === 'string') out.code = codeValue;
  return out;
}

/** Sorts a failure into what the retry loop does with it. */
export function classifyFailure(err: unknown): FailureClass {
  const d = describeFailure(err);
  const r = d.reason === undefined ? {} : { reason: d.reason };
  const s = d.status;
  if (s === undefined) {
    // No HTTP answer: a dropped connection or a timeout. An abort we asked for is not retried by the caller's loop.
    return { kind: 'unavailable', ...r };
  }
  if (s === 429) return { kind: 'rate-limit', status: s, ...r };
  if (s === 403 && d.reason !== undefined && DRIVE_RATE_REASONS.has(d.reason))
    return { kind: 'rate-limit', status: s, ...r };
  if (s >= 500 || s === 408) return { kind: 'unavailable', status: s, ...r };
  if (s === 404) return { kind: 'not-found', status: s, ...r };
  if (
    s === 403 &&
    (d.reason === 'storageQuotaExceeded' || /storage quota has been exceeded/i.test(d.message))
  )
    return { kind: 'no-storage', status: s, ...r };
  if (s === 403) return { kind: 'forbidden', status: s, ...r };
  if (s === 401) return { kind: 'unauthenticated', status: s, ...r };
  return { kind: 'refused', status: s, ...r, message: d.message };
}

/** Whether a failure without an HTTP status is a network fault (retried) rather than a bug in our code. */
export function isNetworkFailure(err: unknown): boolean {
  if (describeFailure(err).status !== undefined) return false;
  // gaxios wraps fetch's `TypeError: fetch failed` (whose cause carries the socket error) in a GaxiosError, so
  // the chain of causes is searched; a GaxiosError caused by anything else (a failed import) is not a network fault.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const code = field(e, 'code');
    const name = field(e, 'name');
    const message = field(e, 'message');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    if (
      typeof message === 'string' &&
      /fetch failed|socket hang up|other side closed|timed? ?out/i.test(message)
    )
      return true;
    e = field(e, 'cause');
  }
  return false;
}

/** The error to throw for a final failure. */
export function toSheetsError(err: unknown, cls: FailureClass, detail: FaultDetail): SheetsError {
  const full: FaultDetail = { ...detail };
  if ('status' in cls && cls.status !== undefined) full.status = cls.status;
  if (cls.reason !== undefined) full.reason = cls.reason;
  const options = { cause: err };
  switch (cls.kind) {
    case 'rate-limit':
      return new QuotaExhaustedError(full, options);
    case 'unavailable':
      return new SheetsUnavailableError(full, options);
    case 'not-found':
      return new SpreadsheetNotFoundError(full, options);
    case 'forbidden':
      return new SpreadsheetAccessError(full, options);
    case 'no-storage':
      return new DriveStorageError(full, options);
    case 'unauthenticated':
      return new SheetsAuthError(full, options);
    case 'refused':
      return new SheetsRequestError(cls.message, full, options);
  }
}
