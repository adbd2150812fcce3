/**
 * Errors in Google's JSON shape. Sheets (a One Platform API) answers `{"error":{"code","message","status"}}`;
 * Drive v3 answers `{"error":{"code","message","errors":[{"domain","reason","message"}]}}`. Handlers throw
 * `ApiError`; the server renders it for the API the request was addressed to.
 */
export type ErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
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

export function sheetsBody(e: ApiError): unknown {
  const error: Record<string, unknown> = { code: e.code, message: e.message, status: e.status };
  if (e.details) error['details'] = e.details;
  return { error };
}

export function driveBody(e: ApiError): unknown {
  const reason = e.reason ?? (e.code === 404 ? 'notFound' : e.code === 403 ? 'forbidden' : 'invalid');
  return {
    error: { code: e.code, message: e.message, errors: [{ message: e.message, domain: 'global', reason }] },
  };
}
