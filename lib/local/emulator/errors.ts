/**
 * Errors in Google's JSON shape. Sheets (a One Platform API) answers `{"error":{"code","message","status"}}`, and
 * adds the legacy `errors: [{message, domain: 'global', reason}]` array when the request selects the v1 error
 * envelope with the system parameter `$.xgafv=1`; Drive v3 always answers with the array. Handlers throw
 * `ApiError`; the server renders it for the API the request was addressed to.
 *
 * Sources for the two Sheets envelopes: bodies with the array in googleworkspace/java-samples#42 and
 * invokable/laravel-google-sheets#13 (`"errors": [{"domain": "global", "reason": "badRequest", ...}]` beside code,
 * message and status), bodies without it from clients that do not send `$.xgafv` (asweigart/ezsheets#8 for a 429,
 * google-api-python-client's "Details" falling back to the message in xing5/mcp-google-sheets#24), and the
 * measurement in brekkylab/backlot#172 that `$.xgafv=1` adds the array while `2` or no value leaves it off.
 * Google's Node clients send no `$.xgafv` unless asked.
 */
export type ErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'UNIMPLEMENTED';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: number,
    readonly status: ErrorStatus,
    message: string,
    readonly details?: unknown[],
    /** Drive's `errors[0].reason`, e.g. notFound, insufficientFilePermissions. */
    readonly reason?: string,
    /** Drive's `errors[0].domain`: `global` unless said otherwise (`usageLimits` for quota refusals). */
    readonly domain?: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) =>
  new ApiError(400, 'INVALID_ARGUMENT', message, undefined, 'invalid');

export const unableToParseRange = (range: string) => invalid(`Unable to parse range: ${range}`);

export const sheetsNotFound = () => new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');

export const callerDenied = () =>
  new ApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission', undefined, 'forbidden');

/** The legacy `errors[0].reason` of a Sheets error, by status (Google's "Standard error responses" reasons). */
export function sheetsReason(e: ApiError): string {
  if (e.code === 400) return 'badRequest';
  if (e.code === 401) return e.reason === 'required' ? 'required' : 'authError';
  if (e.code === 403) return 'forbidden';
  if (e.code === 404) return 'notFound';
  if (e.code === 413) return 'badRequest';
  if (e.code === 429) return 'rateLimitExceeded';
  if (e.code >= 500) return 'backendError';
  return e.reason ?? 'failedPrecondition';
}

/** A Sheets error body; `legacy` (the request said `$.xgafv=1`) adds the `errors` array. */
export function sheetsBody(e: ApiError, legacy = false): unknown {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (legacy) error['errors'] = [{ message: e.message, domain: 'global', reason: sheetsReason(e) }];
  error['status'] = e.status;
  if (e.details) error['details'] = e.details;
  return { error };
}

export function driveBody(e: ApiError): unknown {
  const reason = e.reason ?? (e.code === 404 ? 'notFound' : e.code === 403 ? 'forbidden' : 'invalid');
  return {
    error: {
      code: e.code,
      message: e.message,
      errors: [{ message: e.message, domain: e.domain ?? 'global', reason }],
    },
  };
}

/**
 * A file a service account would own outside a shared drive. "Service accounts don't have storage quota and can't
 * own any files. Instead, they must upload files and folders into shared drives" (Drive API: shared drives guide,
 * quoted in n8n-io/n8n#26050); the answer is 403 "The user's Drive storage quota has been exceeded." with reason
 * storageQuotaExceeded in domain usageLimits (burnash/gspread#1592, kopia/kopia#2656), from Drive's files.create
 * and copy and from Sheets' spreadsheets.create alike (xing5/mcp-google-sheets#40).
 */
export const storageQuotaExceeded = () =>
  new ApiError(
    403,
    'PERMISSION_DENIED',
    "The user's Drive storage quota has been exceeded.",
    undefined,
    'storageQuotaExceeded',
    'usageLimits',
  );
