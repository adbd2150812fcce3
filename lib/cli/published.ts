/**
 * The parts of a stored run the admin commands read: the evaluate stage's results document (lib/pipeline/results
 * `ResultsDoc`), parsed loosely so that fields the stage adds later pass through, and the run a leader sees (the
 * published one) or, before the first publish, the latest.
 */
import * as z from 'zod';
import type { RunRecord } from '../pipeline/ports';
import { SUPERSEDED_RUN_DAYS } from '../pipeline/run-retention';
import type { DynamoStore } from '../store/dynamo-store';
import { UsageError } from './errors';

const num = z.number().nullable();

export const PublishedZoneSchema = z.looseObject({
  zoneId: z.string(),
  nameEn: z.string().default(''),
  nameZh: z.string().default(''),
  province: z.string().default(''),
  batch: z.number().int().nullable().default(null),
  rank: num,
  score: num,
  grade: z.string().nullable(),
  previous: z.looseObject({ rank: num, score: num, grade: z.string().nullable() }).nullable().default(null),
  dimensions: z.record(z.string(), num).default({}),
  values: z.record(z.string(), num).default({}),
  uncertainty: z.looseObject({ median: num, q05: num, q95: num }).nullable().default(null),
  quality: z
    .looseObject({
      revision: z.number().int().nullable().default(null),
      spreadsheetId: z.string().nullable().default(null),
      lastEditAt: z.string().nullable().default(null),
      lastEditor: z.string().nullable().default(null),
    })
    .optional(),
});
export type PublishedZone = z.infer<typeof PublishedZoneSchema>;

export const PublishedDocSchema = z.looseObject({
  evaluationId: z.string().optional(),
  name: z.string().nullable().default(null),
  year: z.number().int().nullable().default(null),
  grades: z
    .array(z.looseObject({ code: z.string(), label: z.string().nullable(), labelZh: z.string().nullable() }))
    .default([]),
  aggregates: z.array(z.looseObject({ code: z.string() })).default([]),
  indicators: z
    .array(z.looseObject({ code: z.string(), unit: z.string().nullable().optional() }))
    .default([]),
  zones: z.array(PublishedZoneSchema),
});
export type PublishedDoc = z.infer<typeof PublishedDocSchema>;

/** A run with its results read. */
export type ReadRun = { run: RunRecord; doc: PublishedDoc; published: boolean };

/** The results of a stored run; a run whose results are not a results document is a fault of the store. */
export function readDoc(run: RunRecord): PublishedDoc {
  const parsed = PublishedDocSchema.safeParse(run.results);
  if (!parsed.success)
    throw new Error(
      `run ${run.seq} holds results this version cannot read: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/**
 * The run `seq`, or the published run, or (with `fallback`) the latest; a UsageError with the remedy when there
 * is none.
 */
export async function chooseRun(
  store: Pick<DynamoStore, 'getEvaluationState' | 'getRun' | 'latestRun'>,
  evaluationId: string,
  options: { seq?: number; fallbackToLatest: boolean },
): Promise<ReadRun> {
  const state = await store.getEvaluationState(evaluationId);
  if (state === null)
    throw new UsageError(
      `evaluation '${evaluationId}' has no state in the store: check --evaluation, or provision it`,
    );
  const publishedRun = state.publishedRun;
  let run: RunRecord | null;
  if (options.seq !== undefined) {
    run = await store.getRun(evaluationId, options.seq);
    if (run === null)
      throw new UsageError(
        options.seq < state.lastRunSeq
          ? // Superseded runs expire (lib/pipeline/run-retention.ts); the monthly backups still hold them.
            `evaluation '${evaluationId}' has no run ${options.seq} any more (its latest is ${state.lastRunSeq}): a run replaced within an hour expires ${SUPERSEDED_RUN_DAYS} days later; restore the monthly backup taken after it to a new table and read it there (README: Restoring from a backup)`
          : `evaluation '${evaluationId}' has no run ${options.seq} (its latest is ${state.lastRunSeq})`,
      );
  } else if (publishedRun !== null) {
    run = await store.getRun(evaluationId, publishedRun);
    if (run === null)
      throw new Error(`the published run ${publishedRun} of '${evaluationId}' is missing from the store`);
  } else if (options.fallbackToLatest) {
    run = await store.latestRun(evaluationId);
    if (run === null)
      throw new UsageError(`evaluation '${evaluationId}' has no run yet: zone-eval recompute asks for one`);
  } else {
    throw new UsageError(
      `evaluation '${evaluationId}' has published no results yet: zone-eval recompute asks for a run`,
    );
  }
  return {
    run,
    doc: readDoc(run),
    published: run.seq === publishedRun,
  };
}
