/**
 * `zone-eval preview [--method DRAFT.json]` without `--against`/`--data`: the draft beside the evaluation's
 * methodology in force, scored on the zones' values as stored (AWS, or the local stack with `--local --data-dir`),
 * by the same function that writes the control sheet's Preview tab (`previewComparison`), so the two agree.
 */
import type { Comparison } from '../core/compare';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../core/methodology';
import { NoMethodologyError } from '../pipeline/errors';
import { methodologyInForce } from '../pipeline/methodology';
import { previewComparison } from '../pipeline/preview';
import { type Backend, type BackendChoice, withBackend } from './backend';
import { UsageError } from './errors';
import { comparisonNotes, resultNotes } from './notes';

/**
 * The comparison the Preview tab would show for this draft now, or a UsageError saying why there is none. Without
 * a draft, the one stored from the control sheet (the Preview tab's own).
 */
export async function storedComparison(
  choice: BackendChoice,
  given?: CompiledMethodology,
): Promise<{ comparison: Comparison; notes: string[] }> {
  return withBackend(choice, async (b) => {
    const e = b.evaluationId;
    const draft = given ?? (await storedDraft(b.store, e));
    const inForce = await methodologyInForce(b.store, e).catch((err: unknown) => {
      if (err instanceof NoMethodologyError)
        throw new UsageError(`${err.message} (zone-eval provision does it)`);
      throw err;
    });
    const got = previewComparison(
      {
        inForce: { compiled: inForce.compiled, zones: inForce.record.zones },
        currents: await b.store.listCurrent(e),
        central: await b.store.listCentralTabs(e),
      },
      draft,
    );
    if (got.status === 'no-values')
      throw new UsageError(
        `evaluation ${e}: no zone has values stored yet, so there is nothing to compare on`,
      );
    if (got.status === 'cannot-compare')
      throw new UsageError(`evaluation ${e}: on the ${got.zones} zones with values stored: ${got.message}`);
    return {
      comparison: got.comparison,
      notes: comparisonNotes(resultNotes(draft, got.draft), resultNotes(inForce.compiled, got.inForce)),
    };
  });
}

/** The draft the control sheet holds now, compiled; a UsageError when there is none. */
async function storedDraft(store: Backend['store'], e: string): Promise<CompiledMethodology> {
  const draft = (await store.getGovernance(e)).draft;
  if (draft === null)
    throw new UsageError(
      `evaluation ${e} has no draft: the control sheet is the methodology in force (give --method FILE.json to try one)`,
    );
  const record = await store.getMethodology(e, draft.version);
  if (!record) throw new Error(`evaluation ${e}: its draft ${draft.version} is not stored`);
  // Accepted when stored: settings its methods do not read are ignored, as for the version in force.
  const compiled = compileMethodology(record.methodology, { unused: 'ignore' });
  // Only valid methodologies are stored: a refusal here means the engine's rules changed under a stored version.
  if (!compiled.ok)
    throw new Error(`stored draft ${draft.version} no longer compiles: ${formatIssues(compiled.issues)}`);
  return compiled.methodology;
}
