/** The Google Sheets and Drive adapter: the pipeline's spreadsheet ports over `@googleapis/*`, and the tab layouts. */
export { cellA1, columnLetters, quoteTab } from './a1';
export { readCentralGrid } from './central';
export {
  authFor,
  type ClientOptions,
  createGoogleClients,
  type GoogleClients,
  type GoogleCredentials,
  SCOPES,
} from './client';
export { type ControlGrids, locateIssue, readControlGrids } from './control';
export { driveQuery, GoogleSpreadsheetFiles } from './drive';
export {
  DeadlineError,
  DriveStorageError,
  QuotaExhaustedError,
  SheetsAuthError,
  SheetsError,
  SheetsRequestError,
  SheetsUnavailableError,
  SpreadsheetAccessError,
  SpreadsheetNotFoundError,
} from './errors';
export { readFormGrid } from './form';
export type { GridCell, TabGrid } from './grid';
export { type ColumnSpec, matchHeaders, normaliseHeader } from './headers';
export * from './layout';
export { createSpreadsheet, ensureFolder, findByKey, KEY_PROPERTY } from './provision';
export { GoogleSpreadsheetReader, GRID_FIELDS } from './reader';
export * from './results';
export { GoogleResultsPublisher } from './results-publisher';
export {
  ApiCaller,
  type CallerOptions,
  DEFAULT_PACE,
  DEFAULT_RETRY,
  minTotalBackoffMs,
  Pacer,
  type RetryPolicy,
  shareOf,
} from './retry';
export { GoogleFeedbackWriter } from './writer';
