/**
 * The results of one run as stored and published: everything the results spreadsheet shows, computed once by the
 * evaluate stage, so that publishing (or re-publishing after a failure) is a pure layout of a stored document.
 *
 * `analyse` is the one place the engine is called (score, explanations, uncertainty): the engine's API is moving
 * (a faster next-grade search, a missing-data policy) and only this function follows it.
 */

import type { Dataset } from '../core/dataset';
import { type Explanation, explain } from '../core/explain';
import type { CompiledMethodology, NormaliseSpec } from '../core/methodology';
import { type ScoreResult, score } from '../core/score';
import { type UncertaintyResult, uncertainty } from '../core/uncertainty';
import * as z from '../core/zod';
import type { ControlZone, SubmittedValue } from './ports';
import { groupProvenance, ProvenanceGroupSchema } from './provenance';

/**
 * Bumped when a change to the engine or to this document can change published results for equal input: it is part
 * of the input hash, so the next evaluation re-runs rather than keep the current run. 2: missing-value costs, and
 * the normalisation described with the parameters it reads.
 */
export const ENGINE_VERSION = 'zone-eval-engine/2';

const num = z.nullable(z.number());

/** What the Data quality tab says of a zone's input. */
export const ZoneStatusSchema = z.enum([
  /** Values were read from the zone's sheet. */
  'submitted',
  /** The zone's sheet exists but nothing was ever stored from it. */
  'no-submission',
  /** The control sheet maps the zone to no spreadsheet. */
  'no-sheet',
  /** The last read of the zone's sheet failed (deleted or no longer shared): the last values stored are used. */
  'unreadable',
]);
export type ZoneStatus = z.infer<typeof ZoneStatusSchema>;

/**
 * What a zone's missing values cost it, as the engine's explanations report it (`MissingCost` of
 * lib/core/explain-missing.ts): each value re-scored alone at the median of the values the scored zones reported,
 * then all of them at once.
 */
export const MissingCostSchema = z.object({
  /** One entry per indicator the zone has no value for once denominated, in the methodology's order. */
  values: z.array(
    z.object({
      indicator: z.string(),
      /**
       * How the engine scored the blank (`ScoreResult.missing`): at the indicator's declared bound, at the bottom
       * of the normalised range, imputed, or left out with its siblings re-weighted.
       */
      scoredAs: z.nullable(z.enum(['bound', 'worst', 'imputed', 'left out'])),
      /** The value tried in its place, in the data's units (null: no zone reported one, or no denominator). */
      median: num,
      /** Index points the zone would gain with this value alone at the median: positive when the blank cost it. */
      points: num,
    }),
  ),
  /** Index points every missing value at its median at once would add (null: none has a median). */
  points: num,
  /** The zone's grade in that re-score. */
  grade: z.nullable(z.string()),
});
export type MissingCost = z.infer<typeof MissingCostSchema>;

export const ZoneResultSchema = z.object({
  zoneId: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
  province: z.string(),
  batch: z.nullable(z.int()),
  rank: num,
  score: num,
  grade: z.nullable(z.string()),
  /** The same zone in the previous year's published run, when there is one and the zone was in it. */
  previous: z.nullable(z.object({ rank: num, score: num, grade: z.nullable(z.string()) })),
  /** Aggregate code to its value (every aggregate but the root). */
  dimensions: z.record(z.string(), num),
  /** Indicator code to the value scored (in the indicator's unit, before any step). */
  values: z.record(z.string(), num),
  contributions: z.record(z.string(), num),
  strengths: z.array(z.string()),
  weaknesses: z.array(z.string()),
  nextGrade: z.nullable(
    z.object({
      grade: z.string(),
      points: z.number(),
      indicator: z.string(),
      current: num,
      value: z.number(),
    }),
  ),
  /** True when the next-grade search ran out of its time (`NEXT_GRADE_BUDGET_MS`) before this zone: not computed. */
  nextGradeNotComputed: z.optional(z.boolean()),
  uncertainty: z.nullable(
    z.object({ median: num, q05: num, q95: num, grades: z.record(z.string(), z.number()) }),
  ),
  quality: z.object({
    status: ZoneStatusSchema,
    /** Kept out of scoring by the availability screen. */
    screenedOut: z.boolean(),
    availability: z.number(),
    missing: z.array(z.string()),
    /**
     * What the missing values cost, when the zone was scored and lacks any (absent otherwise, and in runs stored
     * before it was recorded).
     */
    missingCost: z.optional(MissingCostSchema),
    refused: z.array(z.string()),
    spreadsheetId: z.nullable(z.string()),
    revision: z.nullable(z.int()),
    lastEditAt: z.nullable(z.string()),
    lastEditor: z.nullable(z.string()),
    reason: z.nullable(z.string()),
  }),
  /**
   * Who entered each value scored: the values grouped by the revision (or central tab) that entered them
   * (lib/pipeline/provenance.ts). Absent in runs stored before it was recorded.
   */
  provenance: z.optional(z.array(ProvenanceGroupSchema)),
});
export type ZoneResult = z.infer<typeof ZoneResultSchema>;

export const ResultsDocSchema = z.object({
  evaluationId: z.string(),
  name: z.nullable(z.string()),
  year: z.nullable(z.int()),
  runSeq: z.int().check(z.nonnegative()),
  inputHash: z.string(),
  methodologyVersion: z.string(),
  engineVersion: z.string(),
  createdAt: z.string(),
  grades: z.array(
    z.object({
      code: z.string(),
      label: z.nullable(z.string()),
      labelZh: z.nullable(z.string()),
      colour: z.nullable(z.string()),
    }),
  ),
  aggregates: z.array(
    z.object({ code: z.string(), nameEn: z.nullable(z.string()), nameZh: z.nullable(z.string()) }),
  ),
  indicators: z.array(
    z.object({
      code: z.string(),
      nameEn: z.nullable(z.string()),
      nameZh: z.nullable(z.string()),
      unit: z.nullable(z.string()),
      source: z.string(),
    }),
  ),
  /** Every step's method as a methodologist reads it: step name and a sentence. */
  steps: z.array(z.object({ step: z.string(), method: z.string() })),
  /** Every node's weight within its parent as used (data-driven weights included). */
  weights: z.array(
    z.object({ code: z.string(), kind: z.string(), parent: z.nullable(z.string()), weight: num }),
  ),
  uncertainty: z.nullable(z.object({ runs: z.int(), completed: z.int(), seed: z.int() })),
  previous: z.nullable(z.object({ evaluationId: z.string(), runSeq: z.int(), year: num })),
  notes: z.array(z.string()),
  /** Zones best first; unscored zones last, in the control sheet's order. */
  zones: z.array(ZoneResultSchema),
});
export type ResultsDoc = z.infer<typeof ResultsDocSchema>;

/** A zone's stored input: its current values (null when nothing was ever stored) and how its sheet stands. */
export type ZoneInput = {
  zone: ControlZone;
  /** Zone and central values merged; null when there are none at all. */
  values: Record<string, SubmittedValue> | null;
  /** Whether the zone's own sheet ever gave values (central data alone is no submission). */
  submitted: boolean;
  revision: number | null;
  updatedAt: string | null;
  editor: string | null;
  unreadable: string | null;
  /** Per indicator, the revision (or central tab) that entered the value in use, when worked out (evaluate.ts). */
  entered?: ReadonlyMap<string, { revision: number | null; by: string | null; at: string | null }>;
};

/** The previous year's published results, by zone. */
export type PreviousRun = {
  evaluationId: string;
  runSeq: number;
  year: number | null;
  zones: Map<string, { rank: number | null; score: number | null; grade: string | null }>;
};

/** Ten significant digits: far below what any tab shows, and a third smaller gzipped than full doubles. */
const round = (x: number | undefined): number | null =>
  x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(10));

/** The dataset the engine scores: every mapped zone (none dropped), zone values merged with central data. */
export function datasetOf(m: CompiledMethodology, inputs: readonly ZoneInput[]): Dataset {
  const units = inputs.map((x) => x.zone.zoneId);
  const numeric = new Map<string, Float64Array>();
  const column = (code: string) => {
    let col = numeric.get(code);
    if (!col) {
      col = new Float64Array(units.length).fill(Number.NaN);
      numeric.set(code, col);
    }
    return col;
  };
  for (const ind of m.indicators) column(ind.code);
  inputs.forEach((x, i) => {
    for (const [code, v] of Object.entries(x.values ?? {})) if (v.value !== null) column(code)[i] = v.value;
  });
  const text = new Map<string, string[]>([
    ['province', inputs.map((x) => x.zone.province ?? '')],
    ['batch', inputs.map((x) => (x.zone.batch === undefined ? '' : String(x.zone.batch)))],
  ]);
  return { units, numeric, text };
}

/**
 * The next-grade searches' time in one evaluation. Each zone's search re-scores every zone to confirm its answer,
 * so all of them together grow with the square of the zones: under 1 s at 105 zones under every weighting
 * method (0.2-0.9 s measured), minutes at 2,000. Past this the remaining zones are published without one, marked,
 * and the results' notes say so. 60 s leaves ample room at 105 zones on a busy machine.
 */
export const NEXT_GRADE_BUDGET_MS = 60_000;

/**
 * Scores, explains and (when the methodology asks) runs the uncertainty analysis: the engine's one call site.
 * The explanations include what each zone's missing values cost (`Explanation.missing`), which the Data quality
 * tab publishes: about 25-130 ms more at 105 zones, one re-score per zone with a blank (quadratic: 8-16 s at 2,000).
 */
export function analyse(m: CompiledMethodology, data: Dataset, nextGradeBudgetMs = NEXT_GRADE_BUDGET_MS) {
  const r = score(m, data);
  const explanations = explain(m, data, r, { missing: true, nextGradeBudgetMs });
  const unc: UncertaintyResult | null = m.spec.uncertainty ? uncertainty(m, data) : null;
  return { r, explanations, unc };
}

/**
 * A normalisation with the parameters it reads (as methodology.ts's check of unused settings has them): a range
 * for the bounded methods, a mean and a standard deviation for z-scores, none for `vector` and `none`.
 */
export function describeNormalise(n: NormaliseSpec): string {
  const range = `[${n.range.join(', ')}]`;
  switch (n.method) {
    case 'zscore':
      return `zscore to mean ${n.mean}, sd ${n.sd}`;
    case 'minmax':
    case 'rank':
      return `${n.method} to ${range}`;
    case 'goalposts':
      return `goalposts (each indicator's) to ${range}`;
    case 'target':
      return `target (each indicator's) to ${range}`;
    case 'distmax':
      return `distmax (share of the best value) to ${range}`;
    case 'vector':
      return 'vector (each column divided by its Euclidean norm)';
    case 'none':
      return 'none (values as they are, direction applied)';
  }
}

function describeSteps(m: CompiledMethodology): ResultsDoc['steps'] {
  const s = m.spec;
  const steps: ResultsDoc['steps'] = [
    { step: 'impute', method: s.impute.method + (s.impute.group ? ` within ${s.impute.group}` : '') },
    { step: 'screen', method: `minimum availability ${s.screen.minAvailability} (${s.screen.basis})` },
    {
      step: 'treat',
      method:
        s.treat.method === 'none'
          ? 'none'
          : `${s.treat.method} (winmax ${s.treat.winmax}, |skew| ${s.treat.skew}, kurtosis ${s.treat.kurtosis})`,
    },
    { step: 'normalise', method: describeNormalise(s.normalise) },
    { step: 'weight', method: s.weight.method },
    {
      step: 'aggregate',
      method: s.aggregate.method + (s.aggregate.method === 'genmean' ? ` (p = ${s.aggregate.p})` : ''),
    },
    {
      step: 'grade',
      method: `${s.grade.method}: ${s.grade.grades
        .map(
          (g) =>
            `${g.code}${g.count !== undefined ? ` ${g.count}` : g.share !== undefined ? ` ${g.share}` : g.minScore !== undefined ? ` >= ${g.minScore}` : ''}`,
        )
        .join(', ')}${s.grade.gates.length ? `; ${s.grade.gates.length} gate(s)` : ''}`,
    },
  ];
  if (s.uncertainty)
    steps.push({
      step: 'uncertainty',
      method: `${s.uncertainty.runs} replications, seed ${s.uncertainty.seed}`,
    });
  return steps;
}

export type BuildInput = {
  evaluationId: string;
  runSeq: number;
  inputHash: string;
  methodologyVersion: string;
  createdAt: string;
  m: CompiledMethodology;
  inputs: readonly ZoneInput[];
  previous: PreviousRun | null;
};

/** Builds the results document of a run (pure). Throws core's `MethodologyError` when the method cannot apply. */
export function buildResults(input: BuildInput): ResultsDoc {
  const { m, inputs } = input;
  const data = datasetOf(m, inputs);
  const { r, explanations, unc } = analyse(m, data);
  const position = new Map(r.units.map((u, i) => [u, i]));
  const codes = m.indicators.map((i) => i.code);
  const aggregates = m.nodes.filter((n) => n.kind === 'aggregate' && n.index !== m.root);
  const aggSpec = new Map(m.spec.aggregates.map((a) => [a.code, a]));

  const zones: ZoneResult[] = inputs.map((x, k) => {
    const i = position.get(x.zone.zoneId);
    const values = Object.fromEntries(codes.map((c) => [c, round(data.numeric.get(c)?.[k])]));
    const missing = codes.filter((c) => values[c] === null);
    const refused = codes.filter((c) => x.values?.[c]?.note?.startsWith('refused:'));
    const ex = i === undefined ? undefined : explanations[i];
    const u = i === undefined ? undefined : unc?.perUnit[i];
    const prev = input.previous?.zones.get(x.zone.zoneId) ?? null;
    const nextGrade = ex?.nextGrade
      ? {
          ...ex.nextGrade,
          points: round(ex.nextGrade.points) ?? 0,
          value: round(ex.nextGrade.value) ?? 0,
          current: values[ex.nextGrade.indicator] ?? null,
        }
      : null;
    return {
      zoneId: x.zone.zoneId,
      nameEn: x.zone.nameEn ?? '',
      nameZh: x.zone.nameZh ?? '',
      province: x.zone.province ?? '',
      batch: x.zone.batch ?? null,
      rank: i === undefined ? null : round(r.rank[i]),
      score: i === undefined ? null : round(r.score[i]),
      grade: i === undefined ? null : (r.grade[i] ?? null),
      previous: prev,
      dimensions: Object.fromEntries(
        aggregates.map((n) => [n.code, i === undefined ? null : round(r.values[n.index]?.[i])]),
      ),
      values,
      contributions: Object.fromEntries(
        codes.map((c) => [c, ex === undefined ? null : round(ex.contributions[c])]),
      ),
      strengths: ex?.strengths ?? [],
      weaknesses: ex?.weaknesses ?? [],
      nextGrade,
      ...(ex?.nextGradeNotComputed ? { nextGradeNotComputed: true } : {}),
      uncertainty: u
        ? {
            median: round(u.median),
            q05: round(u.q05),
            q95: round(u.q95),
            grades: Object.fromEntries(Object.entries(u.grades).map(([g, p]) => [g, round(p) ?? 0])),
          }
        : null,
      quality: {
        status: x.unreadable
          ? 'unreadable'
          : x.submitted
            ? 'submitted'
            : x.zone.spreadsheetId
              ? 'no-submission'
              : 'no-sheet',
        screenedOut: i === undefined,
        availability: round(codes.length ? (codes.length - missing.length) / codes.length : 0) ?? 0,
        missing,
        ...(ex?.missing && i !== undefined && { missingCost: missingCostOf(ex.missing, r.missing[i] ?? []) }),
        refused,
        spreadsheetId: x.zone.spreadsheetId ?? null,
        revision: x.revision,
        lastEditAt: x.updatedAt,
        lastEditor: x.editor,
        reason: x.unreadable,
      },
      ...(x.entered && {
        provenance: groupProvenance(
          x.entered,
          codes.filter((c) => values[c] !== null),
        ),
      }),
    };
  });
  // Best first; unscored zones keep the control sheet's order after every scored one.
  const order = zones
    .map((z, k) => ({ z, k }))
    .sort(
      (a, b) => (a.z.rank ?? Number.POSITIVE_INFINITY) - (b.z.rank ?? Number.POSITIVE_INFINITY) || a.k - b.k,
    )
    .map((x) => x.z);

  const parentCode = (p: number) => (p < 0 ? null : (m.nodes[p]?.code ?? null));
  return {
    evaluationId: input.evaluationId,
    name: m.spec.name ?? null,
    year: m.spec.year ?? null,
    runSeq: input.runSeq,
    inputHash: input.inputHash,
    methodologyVersion: input.methodologyVersion,
    engineVersion: ENGINE_VERSION,
    createdAt: input.createdAt,
    grades: m.spec.grade.grades.map((g) => ({
      code: g.code,
      label: g.label ?? null,
      labelZh: g.labelZh ?? null,
      colour: g.colour ?? null,
    })),
    aggregates: aggregates.map((n) => ({
      code: n.code,
      nameEn: aggSpec.get(n.code)?.nameEn ?? null,
      nameZh: aggSpec.get(n.code)?.nameZh ?? null,
    })),
    indicators: m.indicators.map((i) => ({
      code: i.code,
      nameEn: i.nameEn ?? null,
      nameZh: i.nameZh ?? null,
      unit: i.unit ?? null,
      source: i.source,
    })),
    steps: describeSteps(m),
    weights: m.nodes.map((n) => ({
      code: n.code,
      kind: n.kind,
      parent: parentCode(n.parent),
      weight: round(r.weights[n.index]),
    })),
    uncertainty: unc ? { runs: unc.runs, completed: unc.completed, seed: unc.seed } : null,
    previous: input.previous
      ? {
          evaluationId: input.previous.evaluationId,
          runSeq: input.previous.runSeq,
          year: input.previous.year,
        }
      : null,
    notes: [...(r.log.grade?.notes ?? []), ...budgetNote(explanations)],
    zones: order,
  };
}

/** A zone's missing-value costs as published: the engine's, rounded, with how each blank was scored. */
function missingCostOf(
  cost: NonNullable<Explanation['missing']>,
  scored: ScoreResult['missing'][number],
): MissingCost {
  const scoredAs = new Map(scored.map((v) => [v.indicator, v.scoredAs]));
  return {
    values: cost.values.map((v) => ({
      indicator: v.indicator,
      scoredAs: scoredAs.get(v.indicator) ?? null,
      median: round(v.median ?? undefined),
      points: round(v.points ?? undefined),
    })),
    points: round(cost.points ?? undefined),
    grade: cost.grade,
  };
}

/** The previous year's zones from its published results document. */
export function previousRunOf(evaluationId: string, runSeq: number, results: unknown): PreviousRun {
  const doc = ResultsDocSchema.parse(results);
  return {
    evaluationId,
    runSeq,
    year: doc.year,
    zones: new Map(doc.zones.map((z) => [z.zoneId, { rank: z.rank, score: z.score, grade: z.grade }])),
  };
}

/** The note saying how many zones' next grade the search's time budget left out, if any. */
function budgetNote(explanations: ReadonlyArray<{ nextGradeNotComputed: boolean }>): string[] {
  const left = explanations.filter((x) => x.nextGradeNotComputed).length;
  return left
    ? [
        `the next-grade search stopped after ${NEXT_GRADE_BUDGET_MS / 1000} s: ${left} zones have no next grade computed (time budget), not that none is in reach`,
      ]
    : [];
}
