import type { GovernanceStore } from './governance';
import type { Logger } from './log';
import type {
  CentralStore,
  EvaluationStore,
  FeedbackWriter,
  ResultsSettingsStore,
  SpreadsheetFiles,
  SpreadsheetIndex,
  SpreadsheetReader,
  SubmissionStore,
} from './ports';

/** What the stages that read a spreadsheet need: the store, the reader, the Feedback writer, Drive, a clock and a log. */
export type SheetStageDeps = {
  store: SubmissionStore &
    EvaluationStore &
    SpreadsheetIndex &
    CentralStore &
    ResultsSettingsStore &
    GovernanceStore;
  reader: SpreadsheetReader;
  feedback: FeedbackWriter;
  /**
   * Drive metadata, to record the version each read saw and the version after the system's own Feedback write,
   * so that the reconcile poll does not read again for the system's own writes. Without it no version is recorded
   * (the poll then reads every sheet whose version it has not seen).
   */
  files?: Pick<SpreadsheetFiles, 'getFile'>;
  now?: () => Date;
  log?: Logger;
};
