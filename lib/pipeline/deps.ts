import type { Logger } from './log';
import type { EvaluationStore, FeedbackWriter, SpreadsheetReader, SubmissionStore } from './ports';

/** What the stages that read a spreadsheet need: the store, the reader, the Feedback writer, a clock and a log. */
export type SheetStageDeps = {
  store: SubmissionStore & EvaluationStore;
  reader: SpreadsheetReader;
  feedback: FeedbackWriter;
  now?: () => Date;
  log?: Logger;
};
