/** The methodology in force for an evaluation, read from the store and compiled once per version. */
import { type CompiledMethodology, compileMethodology, formatIssues } from '../core/methodology';
import { NoMethodologyError, PipelineError } from './errors';
import type { EvaluationStore, MethodologyRecord, SubmissionStore } from './ports';

type CompiledVersion = { version: string; record: MethodologyRecord; compiled: CompiledMethodology };

export type MethodologyInForce = CompiledVersion & {
  /** The evaluation's count of version changes when this was read: the sync's `mappingSeq`. */
  seq: number;
};

const cache = new Map<string, CompiledVersion>();

/** Loads and compiles the evaluation's current methodology version (cached: versions are immutable). */
export async function methodologyInForce(
  store: Pick<EvaluationStore, 'getEvaluationState'> & Pick<SubmissionStore, 'getMethodology'>,
  evaluationId: string,
): Promise<MethodologyInForce> {
  const state = await store.getEvaluationState(evaluationId);
  const version = state?.methodologyVersion;
  if (!version)
    throw new NoMethodologyError(
      `evaluation ${evaluationId} has no methodology in force: sync its control spreadsheet first`,
    );
  const seq = state.methodologySeq;
  const key = `${evaluationId}#${version}`;
  const hit = cache.get(key);
  if (hit) return { ...hit, seq };
  const record = await store.getMethodology(evaluationId, version);
  if (!record)
    throw new PipelineError(
      `evaluation ${evaluationId} points at methodology ${version}, which is not stored`,
    );
  // A stored version was accepted when stored: a setting it holds that its methods do not read is ignored, not
  // refused (the rule came later, and refusing would stop every sync and evaluation of a running evaluation).
  const compiled = compileMethodology(record.methodology, { unused: 'ignore' });
  // Only valid methodologies are ever stored, so this means the engine's rules changed under a stored version.
  if (!compiled.ok)
    throw new PipelineError(
      `stored methodology ${version} no longer compiles: ${formatIssues(compiled.issues)}`,
    );
  const entry = { version, record, compiled: compiled.methodology };
  cache.set(key, entry);
  return { ...entry, seq };
}
