/** Base class of the pipeline's system faults (thrown, retried, dead-lettered); users' mistakes are data instead. */
export class PipelineError extends Error {
  override name = 'PipelineError';
}

/** The evaluation has no valid methodology in force yet: sync the control spreadsheet first. */
export class NoMethodologyError extends PipelineError {
  override name = 'NoMethodologyError';
}
