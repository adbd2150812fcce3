/** The Google Sheets v4 / Drive v3 emulator: see server.ts for the programmatic API. */
export { columnLetters, parseA1 } from './a1';
export type { FaultHandle, FaultOptions, Faults, Hold } from './faults';
export { SPREADSHEET_MIME } from './model';
export { GOOGLE_TOKEN_URL, type ServiceAccountKey } from './oauth';
export { DEFAULT_QUOTA, type QuotaConfig } from './quota';
export {
  Emulator,
  type EmulatorOptions,
  type FileSnapshot,
  type RequestFilter,
  type RequestRecord,
  type SheetInit,
  startEmulator,
} from './server';
export type { SignalRecord, WebhookConfig } from './trigger';
