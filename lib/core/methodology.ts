/**
 * The methodology model: what a methodologist edits (indicators, the hierarchy, every step's method) as zod
 * schemas, and `compileMethodology`, which checks the whole (unique codes, known parents, no cycles) and returns
 * the hierarchy ready for the engine. Every problem names the row and the field.
 */

import { didYouMean } from './suggest';
import { unitProblem } from './values';
import * as z from './zod';

/**
 * An object of the format that refuses keys it does not know: a typo (`directon`) must not silently fall back to a
 * default. Each unknown key gets its own line, naming the closest known key, or listing the keys when none is close.
 * New keys go in the shape as usual; the list of known keys follows it.
 */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys
            .map((key) => {
              const hint = didYouMean(key, known);
              return `unknown key \`${key}\`${hint || `; the keys are ${known.join(', ')}`}`;
            })
            .join('\n')
        : undefined,
  });
}

/**
 * One of a fixed set of names (a method, a rule): a name outside it is refused with the closest known one, so a
 * typo such as `minmaxx` reads "did you mean `minmax`?" rather than zod's bare list.
 */
function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.code === 'invalid_value'
        ? `must be one of ${values.join(', ')}${typeof issue.input === 'string' ? `, not \`${issue.input}\`${didYouMean(issue.input, values)}` : ''}`
        : undefined,
  });
}

const code = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(64, 'must be at most 64 characters'),
    z.regex(/^[^\s#,]+$/, 'must not contain spaces, commas or #'),
  );

export const directionSchema = z.union([z.literal(1), z.literal(-1)], {
  error: 'must be 1 (more is better) or -1 (less is better)',
});

/** A misspelt unit would be read as another one (`100 milion yuan` as hundreds of yuan): it is refused. */
const unit = z.string().check(
  z.superRefine((u, ctx) => {
    const problem = unitProblem(u);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/**
 * The years an evaluation may carry: the methodology's `year` and every command's `--year` (export, sign-off) take
 * the same range, so a year one of them accepts is never refused by another.
 */
export const YEAR_RANGE = { min: 2000, max: 2100 } as const;

/** The seeds of the uncertainty analysis (used modulo 2^32): the methodology's `uncertainty.seed` and `--seed`. */
export const SEED_RANGE = { min: 0, max: 4_294_967_295 } as const;

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
const weight = finite.check(z.gte(0, 'must not be negative'));

export const aggregateMethodSchema = choice([
  'arithmetic',
  'geometric',
  'harmonic',
  'genmean',
  'topsis',
  'copeland',
]);
export type AggregateMethod = z.infer<typeof aggregateMethodSchema>;

/**
 * How a value a unit did not report is scored: `impute` by the impute step's method (with `none`, left out and the
 * siblings re-weighted); `worst` at the bottom of the normalised range (no better than the worst value reported);
 * `bound` as the indicator's declared bound on its worse side (`min` when more is better, `max` when less is
 * better), which also anchors the normalisation, so that blanking the worst value reported cannot pay either.
 */
export const missingRuleSchema = choice(['impute', 'worst', 'bound']);
export type MissingRule = z.infer<typeof missingRuleSchema>;

export const indicatorSchema = strictObject({
  code,
  nameEn: z.optional(z.string()),
  nameZh: z.optional(z.string()),
  unit: z.optional(unit),
  definition: z.optional(z.string()),
  direction: z._default(directionSchema, 1),
  weight: z._default(weight, 1),
  parent: z.optional(code),
  denominator: z.optional(code),
  min: z.optional(finite),
  max: z.optional(finite),
  required: z._default(z.boolean(), false),
  goalposts: z.optional(z.tuple([finite, finite])),
  target: z.optional(finite),
  /** Overrides `impute.missing` for this indicator. */
  missing: z.optional(missingRuleSchema),
  source: z._default(
    z.string().check(z.regex(/^(zone|central:[A-Za-z0-9_ -]+)$/, "must be 'zone' or 'central:<tab name>'")),
    'zone',
  ),
}).check(
  z.refine((i) => i.min === undefined || i.max === undefined || i.min <= i.max, {
    message: 'min must not be greater than max',
    path: ['max'],
  }),
  z.refine((i) => !i.goalposts || i.goalposts[0] < i.goalposts[1], {
    message: 'goalposts must be [low, high] with low < high',
    path: ['goalposts'],
  }),
);
export type Indicator = z.infer<typeof indicatorSchema>;

export const aggregateSchema = strictObject({
  code,
  nameEn: z.optional(z.string()),
  nameZh: z.optional(z.string()),
  parent: z.optional(code),
  weight: z._default(weight, 1),
  method: z.optional(aggregateMethodSchema),
});
export type Aggregate = z.infer<typeof aggregateSchema>;

export const imputeSchema = strictObject({
  method: z._default(choice(['none', 'mean', 'median', 'groupMean', 'zero']), 'none'),
  group: z.optional(z.string()),
  /** The rule for values not reported, for every indicator that does not declare its own `missing`. */
  missing: z._default(missingRuleSchema, 'impute'),
});

export const screenSchema = strictObject({
  minAvailability: z._default(finite.check(z.gte(0), z.lte(1, 'must be a share between 0 and 1')), 0),
  /** The data the availability is measured on: after imputation (the default, COINr's order) or as reported. */
  basis: z._default(choice(['imputed', 'raw']), 'imputed'),
});

export const treatSchema = strictObject({
  method: z._default(choice(['none', 'winsorise', 'boxcox']), 'none'),
  winmax: z._default(z.int().check(z.gte(0)), 5),
  skew: z._default(finite.check(z.positive()), 2),
  kurtosis: z._default(finite, 3.5),
  lambda: z.optional(finite),
});

export const normaliseMethodSchema = choice([
  'minmax',
  'zscore',
  'rank',
  'vector',
  'goalposts',
  'target',
  'distmax',
  'none',
]);
export const normaliseSchema = strictObject({
  method: z._default(normaliseMethodSchema, 'minmax'),
  range: z._default(
    z
      .tuple([finite, finite])
      .check(z.refine(([lo, hi]) => lo < hi, 'range must be [low, high] with low < high')),
    [0, 100],
  ),
  mean: z._default(finite, 0),
  sd: z._default(finite.check(z.positive()), 1),
});
export type NormaliseSpec = z.infer<typeof normaliseSchema>;

export const weightSchema = strictObject({
  method: z._default(choice(['explicit', 'equal', 'entropy', 'critic', 'pca']), 'explicit'),
});

export const aggregateSpecSchema = strictObject({
  method: z._default(aggregateMethodSchema, 'arithmetic'),
  /** The power of the generalised mean. */
  p: z._default(finite, 1),
  /** Share of children (by count) that must be present, below which the aggregate is missing. */
  minAvailability: z._default(finite.check(z.gte(0), z.lte(1)), 0),
});
export type AggregateSpec = z.infer<typeof aggregateSpecSchema>;

export const gradeSchema = strictObject({
  code,
  label: z.optional(z.string()),
  labelZh: z.optional(z.string()),
  count: z.optional(z.int().check(z.gte(0))),
  share: z.optional(finite.check(z.gte(0), z.lte(1))),
  minScore: z.optional(finite),
  colour: z.optional(z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a9850'))),
});
export type Grade = z.infer<typeof gradeSchema>;

export const gateSchema = strictObject({
  minAvailability: z.optional(finite.check(z.gte(0), z.lte(1))),
  required: z.optional(z.boolean()),
  maxGrade: code,
});

export const gradingSchema = strictObject({
  method: z._default(choice(['quota', 'share', 'thresholds', 'jenks']), 'quota'),
  grades: z._default(z.array(gradeSchema), []),
  gates: z._default(z.array(gateSchema), []),
});
export type Grading = z.infer<typeof gradingSchema>;

export const uncertaintySchema = strictObject({
  runs: z._default(z.int().check(z.gte(1), z.lte(100000)), 1000),
  seed: z._default(
    z
      .int()
      .check(
        z.gte(SEED_RANGE.min, `must be a whole number from ${SEED_RANGE.min} to ${SEED_RANGE.max}`),
        z.lte(SEED_RANGE.max, `must be a whole number from ${SEED_RANGE.min} to ${SEED_RANGE.max}`),
      ),
    1,
  ),
  weightNoise: z.optional(
    strictObject({
      levels: z._default(z.array(z.int().check(z.gte(1))), []),
      factor: z._default(finite.check(z.gte(0), z.lte(1)), 0),
    }),
  ),
  winmax: z.optional(z.array(z.int().check(z.gte(0)))),
  normalise: z.optional(z.array(normaliseSchema)),
  aggregate: z.optional(z.array(aggregateSpecSchema)),
});
export type UncertaintySpec = z.infer<typeof uncertaintySchema>;

export const methodologySchema = strictObject({
  name: z.optional(z.string()),
  nameZh: z.optional(z.string()),
  year: z.optional(
    z
      .int()
      .check(
        z.gte(YEAR_RANGE.min, `must be a year from ${YEAR_RANGE.min} to ${YEAR_RANGE.max}`),
        z.lte(YEAR_RANGE.max, `must be a year from ${YEAR_RANGE.min} to ${YEAR_RANGE.max}`),
      ),
  ),
  /** The evaluation whose published results are this one's previous year (the change columns of the ranking). */
  previousEvaluation: z.optional(z.string().check(z.minLength(1))),
  indicators: z._default(z.array(indicatorSchema), []),
  aggregates: z._default(z.array(aggregateSchema), []),
  impute: z._default(imputeSchema, { method: 'none', missing: 'impute' }),
  screen: z._default(screenSchema, { minAvailability: 0, basis: 'imputed' }),
  treat: z._default(treatSchema, { method: 'none', winmax: 5, skew: 2, kurtosis: 3.5 }),
  normalise: z._default(normaliseSchema, { method: 'minmax', range: [0, 100], mean: 0, sd: 1 }),
  weight: z._default(weightSchema, { method: 'explicit' }),
  aggregate: z._default(aggregateSpecSchema, { method: 'arithmetic', p: 1, minAvailability: 0 }),
  grade: z._default(gradingSchema, { method: 'quota', grades: [], gates: [] }),
  uncertainty: z.optional(uncertaintySchema),
});
export type Methodology = z.infer<typeof methodologySchema>;
export type MethodologyInput = z.input<typeof methodologySchema>;

/** A problem with a methodology: where it is (e.g. `indicators[3] (LPI).direction`) and what is wrong. */
export type MethodologyIssue = { path: string; message: string };

/** A node of the compiled hierarchy: indicators are level 1, an aggregate one more than its highest child. */
export type HierarchyNode = {
  code: string;
  kind: 'indicator' | 'aggregate';
  index: number;
  parent: number;
  children: number[];
  level: number;
  weight: number;
  method?: AggregateMethod;
};

/** A methodology checked as a whole, with the hierarchy resolved into arrays for the engine. */
export type CompiledMethodology = {
  spec: Methodology;
  indicators: Indicator[];
  /** Indicators first (same order as `indicators`), then aggregates from the lowest level up; the root last. */
  nodes: HierarchyNode[];
  nodeIndex: Map<string, number>;
  root: number;
  maxLevel: number;
};

export type Compiled =
  | { ok: true; methodology: CompiledMethodology }
  | { ok: false; issues: MethodologyIssue[] };

function describePath(input: unknown, path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  let node: unknown = input;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      if (node && typeof node === 'object' && 'code' in node && typeof node.code === 'string') {
        out += ` (${node.code})`;
      }
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
  }
  return out || '(top level)';
}

/**
 * How to treat a setting the chosen methods do not read (and a gate with no condition). A person's new input is
 * refused for it (`'refuse'`, the default). A version already accepted and stored is compiled with `'ignore'`:
 * such settings change nothing, and refusing them would stop an evaluation whose version was stored before the rule.
 */
export type CompileOptions = { unused?: 'refuse' | 'ignore' };

/** Parses and checks a methodology (the JSON interchange format); never throws for a user's mistake. */
export function compileMethodology(input: unknown, options: CompileOptions = {}): Compiled {
  const parsed = methodologySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      // An object with several unknown keys is one issue of zod's; each key is reported on its own line.
      issues: parsed.error.issues.flatMap((i) =>
        i.message.split('\n').map((message) => ({ path: describePath(input, i.path), message })),
      ),
    };
  }
  return checkStructure(parsed.data, options.unused ?? 'refuse');
}

function checkStructure(spec: Methodology, unused: 'refuse' | 'ignore'): Compiled {
  const issues: MethodologyIssue[] = [];
  const where = (section: 'indicators' | 'aggregates', i: number, c: string, field?: string) =>
    `${section}[${i}] (${c})${field ? `.${field}` : ''}`;
  if (spec.indicators.length === 0)
    issues.push({ path: 'indicators', message: 'at least one indicator is needed' });

  const seen = new Map<string, string>();
  spec.indicators.forEach((ind, i) => {
    const prev = seen.get(ind.code);
    if (prev) issues.push({ path: where('indicators', i, ind.code, 'code'), message: `duplicates ${prev}` });
    else seen.set(ind.code, where('indicators', i, ind.code));
  });
  spec.aggregates.forEach((agg, i) => {
    const prev = seen.get(agg.code);
    if (prev) issues.push({ path: where('aggregates', i, agg.code, 'code'), message: `duplicates ${prev}` });
    else seen.set(agg.code, where('aggregates', i, agg.code));
  });
  const aggCodes = new Set(spec.aggregates.map((a) => a.code));
  const indCodes = new Set(spec.indicators.map((a) => a.code));

  // With no aggregates at all, the index is the mean of the indicators under an implicit root.
  const aggregates: Aggregate[] =
    spec.aggregates.length > 0 ? spec.aggregates : [{ code: 'Index', weight: 1, nameEn: 'Index' }];
  const roots = aggregates.filter((a) => a.parent === undefined);
  if (roots.length !== 1) {
    issues.push({
      path: 'aggregates',
      message:
        roots.length === 0
          ? 'no aggregate is the root: exactly one aggregate must have no parent'
          : `exactly one aggregate may have no parent (the index), found ${roots.length}: ${roots.map((r) => r.code).join(', ')}`,
    });
  }
  const rootCode = roots[0]?.code ?? 'Index';
  spec.indicators.forEach((ind, i) => {
    if (ind.parent === undefined) {
      if (spec.aggregates.length > 0)
        issues.push({
          path: where('indicators', i, ind.code, 'parent'),
          message: 'is missing: name an aggregate',
        });
    } else if (indCodes.has(ind.parent)) {
      issues.push({
        path: where('indicators', i, ind.code, 'parent'),
        message: `'${ind.parent}' is an indicator; the parent must be an aggregate`,
      });
    } else if (!aggCodes.has(ind.parent)) {
      issues.push({
        path: where('indicators', i, ind.code, 'parent'),
        message: `names an unknown aggregate '${ind.parent}'`,
      });
    }
  });
  spec.aggregates.forEach((agg, i) => {
    if (agg.parent === undefined) return;
    if (indCodes.has(agg.parent))
      issues.push({
        path: where('aggregates', i, agg.code, 'parent'),
        message: `'${agg.parent}' is an indicator; the parent must be an aggregate`,
      });
    else if (!aggCodes.has(agg.parent))
      issues.push({
        path: where('aggregates', i, agg.code, 'parent'),
        message: `names an unknown aggregate '${agg.parent}'`,
      });
  });
  if (issues.length) return { ok: false, issues };

  // Cycles: walk up from each aggregate; a walk longer than the number of aggregates has looped.
  const parentOf = new Map(aggregates.map((a) => [a.code, a.parent]));
  for (const [i, agg] of aggregates.entries()) {
    let cur: string | undefined = agg.code;
    const path: string[] = [];
    while (cur !== undefined && path.length <= aggregates.length) {
      path.push(cur);
      cur = parentOf.get(cur);
    }
    if (cur !== undefined) {
      issues.push({
        path: where('aggregates', i, agg.code, 'parent'),
        message: `the hierarchy has a cycle: ${path.slice(0, path.indexOf(path[path.length - 1]!) + 2).join(' -> ')}`,
      });
      return { ok: false, issues };
    }
  }

  // Levels: 1 for indicators, one more than the highest child for an aggregate.
  const level = new Map<string, number>();
  const childrenOf = new Map<string, string[]>(aggregates.map((a) => [a.code, []]));
  for (const ind of spec.indicators) childrenOf.get(ind.parent ?? rootCode)!.push(ind.code);
  for (const agg of aggregates) if (agg.parent !== undefined) childrenOf.get(agg.parent)!.push(agg.code);
  for (const ind of spec.indicators) level.set(ind.code, 1);
  const levelOf = (c: string): number => {
    const known = level.get(c);
    if (known !== undefined) return known;
    const kids = childrenOf.get(c) ?? [];
    const l = kids.length === 0 ? 2 : 1 + Math.max(...kids.map(levelOf));
    level.set(c, l);
    return l;
  };
  aggregates.forEach((agg, i) => {
    if ((childrenOf.get(agg.code) ?? []).length === 0)
      issues.push({
        path: where('aggregates', i, agg.code),
        message: 'has no children: no indicator or aggregate names it as parent',
      });
  });
  if (issues.length) return { ok: false, issues };

  const orderedAggs = [...aggregates].sort((a, b) => levelOf(a.code) - levelOf(b.code));
  // Keep the root last even if a sibling chain is as deep (it is strictly deeper, but make it explicit).
  const nodes: HierarchyNode[] = [];
  const nodeIndex = new Map<string, number>();
  spec.indicators.forEach((ind, i) => {
    nodes.push({
      code: ind.code,
      kind: 'indicator',
      index: i,
      parent: -1,
      children: [],
      level: 1,
      weight: ind.weight,
    });
    nodeIndex.set(ind.code, i);
  });
  for (const agg of orderedAggs) {
    const idx = nodes.length;
    nodes.push({
      code: agg.code,
      kind: 'aggregate',
      index: idx,
      parent: -1,
      children: [],
      level: levelOf(agg.code),
      weight: agg.weight,
      method: agg.method,
    });
    nodeIndex.set(agg.code, idx);
  }
  for (const node of nodes) {
    const parentCode =
      node.kind === 'indicator' ? (spec.indicators[node.index]!.parent ?? rootCode) : parentOf.get(node.code);
    if (parentCode === undefined) continue;
    const p = nodeIndex.get(parentCode)!;
    node.parent = p;
    nodes[p]!.children.push(node.index);
  }
  const root = nodeIndex.get(rootCode)!;

  // Grading rules that can be checked without the data.
  const g = spec.grade;
  const gradeCodes = new Set<string>();
  g.grades.forEach((gr, i) => {
    if (gradeCodes.has(gr.code))
      issues.push({ path: `grade.grades[${i}] (${gr.code}).code`, message: 'is a duplicate' });
    gradeCodes.add(gr.code);
    const need =
      g.method === 'quota'
        ? 'count'
        : g.method === 'share'
          ? 'share'
          : g.method === 'thresholds'
            ? 'minScore'
            : null;
    if (need && gr[need] === undefined && !(g.method === 'thresholds' && i === g.grades.length - 1))
      issues.push({
        path: `grade.grades[${i}] (${gr.code}).${need}`,
        message: `is required by grade method '${g.method}'`,
      });
  });
  if (g.method === 'share') {
    const total = g.grades.reduce((s, gr) => s + (gr.share ?? 0), 0);
    if (Math.abs(total - 1) > 1e-9)
      issues.push({ path: 'grade.grades', message: `shares must sum to 1, they sum to ${total}` });
  }
  if (g.method === 'thresholds') {
    for (let i = 1; i < g.grades.length; i++) {
      const a = g.grades[i - 1]!.minScore;
      const b = g.grades[i]!.minScore;
      if (a !== undefined && b !== undefined && b >= a)
        issues.push({
          path: `grade.grades[${i}] (${g.grades[i]!.code}).minScore`,
          message: "must be lower than the better grade's minScore (grades are listed best first)",
        });
    }
  }
  if (unused === 'refuse') issues.push(...unusedSettings(spec));
  g.gates.forEach((gate, i) => {
    if (!gradeCodes.has(gate.maxGrade))
      issues.push({
        path: `grade.gates[${i}].maxGrade`,
        message: `names an unknown grade '${gate.maxGrade}'`,
      });
  });
  if (spec.impute.method === 'groupMean' && !spec.impute.group)
    issues.push({
      path: 'impute.group',
      message: "is required by impute method 'groupMean': name the data column holding the groups",
    });
  spec.indicators.forEach((ind, i) => {
    if ((ind.missing ?? spec.impute.missing) !== 'bound') return;
    const field = ind.direction === 1 ? 'min' : 'max';
    if (ind[field] === undefined)
      issues.push({
        path: where('indicators', i, ind.code, ind.missing ? 'missing' : field),
        message: `missing rule 'bound' scores a value not reported as the indicator's ${field} (its worse end, ${ind.direction === 1 ? 'more' : 'less'} being better), and it declares none: declare \`${field}\` or use 'worst'`,
      });
  });
  if (spec.normalise.method === 'goalposts')
    spec.indicators.forEach((ind, i) => {
      if (!ind.goalposts)
        issues.push({
          path: where('indicators', i, ind.code, 'goalposts'),
          message: "is required by normalise method 'goalposts'",
        });
    });
  if (spec.normalise.method === 'target')
    spec.indicators.forEach((ind, i) => {
      if (ind.target === undefined)
        issues.push({
          path: where('indicators', i, ind.code, 'target'),
          message: "is required by normalise method 'target'",
        });
    });
  // The uncertainty analysis's alternative normalisations need the same per-indicator settings.
  spec.uncertainty?.normalise?.forEach((alt, k) => {
    const field = alt.method === 'goalposts' ? 'goalposts' : alt.method === 'target' ? 'target' : null;
    if (!field) return;
    const lacking = spec.indicators
      .map((ind, i) => (ind[field] === undefined ? `${ind.code} (indicators[${i}])` : null))
      .filter((x): x is string => x !== null);
    if (lacking.length)
      issues.push({
        path: `uncertainty.normalise[${k}]`,
        message: `normalise method '${alt.method}' needs ${field === 'goalposts' ? 'goalposts' : 'a target'} on every indicator, and ${lacking.length === 1 ? 'this one has' : 'these have'} none: ${lacking.join(', ')}`,
      });
  });
  for (const node of nodes) {
    if (node.kind !== 'aggregate') continue;
    const total = node.children.reduce((s, c) => s + nodes[c]!.weight, 0);
    if (total <= 0 && (spec.weight.method === 'explicit' || nodes[node.children[0]!]!.kind === 'aggregate'))
      issues.push({ path: `aggregates (${node.code})`, message: 'the weights of its children sum to zero' });
  }
  if (issues.length) return { ok: false, issues };

  const maxLevel = nodes[root]!.level;
  return { ok: true, methodology: { spec, indicators: spec.indicators, nodes, nodeIndex, root, maxLevel } };
}

/** A list of method names as a sentence reads them: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
function either(methods: readonly string[]): string {
  const q = methods.map((m) => `'${m}'`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
}

/** "only 'boxcox' reads it; remove it, or choose that method", for a setting the methods `by` read. */
function readBy(by: readonly string[]): string {
  return by.length > 1
    ? `only ${either(by)} read it; remove it, or choose one of those methods`
    : `only ${either(by)} reads it; remove it, or choose that method`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Which methods read each setting that only some methods read. A setting given under a method that does not
 * read it would change nothing, in silence: it is refused, naming the methods that would read it. A setting
 * with a default counts as given when it differs from its default, so a methodology written back with its
 * defaults filled in (the control sheet's Settings tab, a stored version) stays valid.
 */
const TREAT_READS = {
  winmax: { by: ['winsorise'], default: 5 },
  skew: { by: ['winsorise', 'boxcox'], default: 2 },
  kurtosis: { by: ['winsorise', 'boxcox'], default: 3.5 },
  lambda: { by: ['boxcox'], default: undefined },
} as const;
const NORMALISE_READS = {
  range: { by: ['minmax', 'rank', 'goalposts', 'target', 'distmax'], default: [0, 100] },
  mean: { by: ['zscore'], default: 0 },
  sd: { by: ['zscore'], default: 1 },
} as const;
const GRADE_READS = { count: 'quota', share: 'share', minScore: 'thresholds' } as const;

/** The settings given that the methods chosen do not read, and gates with no condition: one issue each. */
function unusedSettings(spec: Methodology): MethodologyIssue[] {
  const issues: MethodologyIssue[] = [];
  const t = spec.treat;
  for (const [field, r] of Object.entries(TREAT_READS)) {
    const given = t[field as keyof typeof TREAT_READS];
    if (given !== undefined && !same(given, r.default) && !(r.by as readonly string[]).includes(t.method))
      issues.push({
        path: `treat.${field}`,
        message: `is not used by treat method '${t.method}': ${readBy(r.by)}`,
      });
  }
  if (spec.uncertainty?.winmax !== undefined && t.method !== 'winsorise')
    issues.push({
      path: 'uncertainty.winmax',
      message: `is not used by treat method '${t.method}': the winmax alternatives only change 'winsorise'; remove them, or choose that method`,
    });
  const normalisations: [string, NormaliseSpec][] = [
    ['normalise', spec.normalise],
    ...(spec.uncertainty?.normalise ?? []).map((alt, k): [string, NormaliseSpec] => [
      `uncertainty.normalise[${k}]`,
      alt,
    ]),
  ];
  for (const [where, n] of normalisations)
    for (const [field, r] of Object.entries(NORMALISE_READS)) {
      const given = n[field as keyof typeof NORMALISE_READS];
      if (!same(given, r.default) && !(r.by as readonly string[]).includes(n.method))
        issues.push({
          path: `${where}.${field}`,
          message: `is not used by normalise method '${n.method}': ${readBy(r.by)}`,
        });
    }
  // Per indicator: goalposts and a target are read by the normalisation of that name, here or as an alternative.
  const methods = new Set(normalisations.map(([, n]) => n.method));
  spec.indicators.forEach((ind, i) => {
    for (const field of ['goalposts', 'target'] as const)
      if (ind[field] !== undefined && !methods.has(field))
        issues.push({
          path: `indicators[${i}] (${ind.code}).${field}`,
          message: `is not used by normalise method '${spec.normalise.method}': only normalise method '${field}' reads it (here or in uncertainty.normalise); remove it, or normalise by '${field}'`,
        });
  });
  const g = spec.grade;
  g.grades.forEach((gr, i) => {
    for (const [field, method] of Object.entries(GRADE_READS) as [keyof typeof GRADE_READS, string][])
      if (gr[field] !== undefined && method !== g.method) {
        const own = Object.entries(GRADE_READS).find(([, m]) => m === g.method)?.[0];
        issues.push({
          path: `grade.grades[${i}] (${gr.code}).${field}`,
          message: `is not used by grade method '${g.method}': only '${method}' reads it; ${own ? `under '${g.method}' a grade takes \`${own}\`` : `'${g.method}' draws the boundaries from the scores and takes none of count, share or minScore`}`,
        });
      }
  });
  g.gates.forEach((gate, i) => {
    if (gate.required !== true && !(gate.minAvailability !== undefined && gate.minAvailability > 0))
      issues.push({
        path: `grade.gates[${i}]`,
        message: `has no condition, so it would hold no zone at ${gate.maxGrade}: give \`minAvailability\` (a share above 0) or \`required: true\``,
      });
  });
  if (spec.impute.group !== undefined && spec.impute.method !== 'groupMean')
    issues.push({
      path: 'impute.group',
      message: `is not used by impute method '${spec.impute.method}': only 'groupMean' reads it; remove it, or choose that method`,
    });
  const genmean = spec.aggregate.method === 'genmean' || spec.aggregates.some((a) => a.method === 'genmean');
  if (spec.aggregate.p !== 1 && !genmean)
    issues.push({
      path: 'aggregate.p',
      message: `is not used by aggregate method '${spec.aggregate.method}': only 'genmean' reads it (here or as an aggregate's own method); remove it, or choose that method`,
    });
  return issues;
}

/** Formats issues as one line each, for a terminal or a Feedback tab. */
export function formatIssues(issues: MethodologyIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
