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
export { createSpreadsheet } from './provision';
export { GoogleSpreadsheetReader, GRID_FIELDS } from './reader';
export { ApiCaller, type CallerOptions, DEFAULT_PACE, DEFAULT_RETRY, Pacer, type RetryPolicy } from './retry';
export { GoogleFeedbackWriter } from './writer';
