/**
 * The stages the handlers call, in one place: each handler imports its stage from here, so that the day a stage's
 * module moves, one line changes.
 */
export { syncCentral } from '../../lib/pipeline/central';
export { syncControl } from '../../lib/pipeline/control';
export { type EvaluateDeps, evaluateRun } from '../../lib/pipeline/evaluate';
export { type ReconcileDeps, reconcile } from '../../lib/pipeline/reconcile';
export { acceptSignal, SIGNAL_HTTP_STATUS, type SignalDeps } from '../../lib/pipeline/signal';
export { syncSheet } from '../../lib/pipeline/sync';
