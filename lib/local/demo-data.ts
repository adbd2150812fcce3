/**
 * Synthetic indicator values for the 105 pilot zones, shaped like what officials type into their sheets.
 *
 * The numbers are invented, with two cited exceptions (see {@link DEMO_CITED_FIGURES}). They are built to exercise
 * the engine and the value parser realistically: log-normal volumes that shrink from the first approval batch to
 * the fifth, a latent zone "strength" that correlates the indicators, a second year that grows out of the first,
 * a few blanks, and typed text as messy as real sheets but always parsing to the stated value.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { parseCsv } from '../core/csv';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../core/methodology';
import { hashSeed, Random, type Seed } from '../core/random';

export const DEMO_DATA_NOTICE =
  'Synthetic demo data: generated, not real figures, except where a public source is cited';

/** The repository's data directory (data/), next to lib/. */
export const DATA_DIR = join(__dirname, '..', '..', 'data');
export const DEFAULT_ZONES_PATH = join(DATA_DIR, 'zones-105.csv');
export const DEFAULT_METHODOLOGY_PATH = join(DATA_DIR, 'default-methodology.json');
export const DEFAULT_PARAMETERS_PATH = join(DATA_DIR, 'demo-parameters.json');

/** One pilot zone, a row of data/zones-105.csv. */
export interface Zone {
  readonly zoneId: string;
  readonly nameEn: string;
  readonly nameZh: string;
  readonly provinceEn: string;
  readonly provinceZh: string;
  /** Approval batch, 1 (2015) to 5 (2020); the first batches are the largest markets. */
  readonly batch: number;
  /** Month of approval, `YYYY-MM`. */
  readonly approved: string;
}

/** What the generator needs of an indicator; the compiled methodology's indicators satisfy it. */
export interface DemoIndicator {
  readonly code: string;
  readonly unit?: string | undefined;
  readonly direction: number;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly required?: boolean | undefined;
  readonly source?: string | undefined;
}

export interface DemoMethodology {
  readonly indicators: readonly DemoIndicator[];
}

/** One cell as an official would leave it: the text typed (null when blank) and the number it means. */
export interface DemoCell {
  readonly typed: string | null;
  readonly value: number | null;
}

/** A figure taken from public reporting rather than generated. */
export interface DemoCitation {
  readonly zoneId: string;
  readonly code: string;
  readonly unit: string;
  readonly value: number;
  readonly typed: string;
  /** The year the figure describes, which may differ from the demo year it stands in for. */
  readonly referenceYear: number;
  readonly source: string;
}

export interface DemoData {
  readonly notice: string;
  readonly seed: Seed;
  readonly years: readonly number[];
  /** `values[year][zoneId][indicatorCode]`, every zone and indicator present. */
  readonly values: Record<number, Record<string, Record<string, DemoCell>>>;
  /** Cells holding cited public figures, with the demo year they were placed in. */
  readonly cited: ReadonlyArray<DemoCitation & { readonly year: number }>;
}

export interface DemoDataOptions {
  readonly seed: Seed;
  readonly years: readonly number[];
  readonly methodology: DemoMethodology;
  readonly zones: readonly Pick<Zone, 'zoneId' | 'batch'>[];
  /** Share of cells of non-required indicators left blank; 0.016 unless given. */
  readonly missingRate?: number;
  /** Share of numeric cells typed in a messy but valid way; 0.15 unless given. */
  readonly messyRate?: number;
  /** Per-indicator parameters; data/demo-parameters.json unless given. */
  readonly parameters?: DemoParameters;
}

// Source: Henan Provincial Department of Commerce and Zhengzhou municipal government reporting on 2021
// (e.g. the Zhengzhou pilot zone's 2021 work summary, early 2022): Zhengzhou's cross-border e-commerce
// transactions reached 109.247 billion yuan (1,092.47亿元), up 17.35% year on year. The 2021 figure stands in
// for the demo's first year; the later year is generated from it.
export const DEMO_CITED_FIGURES: readonly DemoCitation[] = [
  {
    zoneId: 'zhengzhou',
    code: 'T16',
    unit: '100 million yuan',
    value: 1092.47,
    typed: '1,092.47亿',
    referenceYear: 2021,
    source:
      'Henan/Zhengzhou official 2021 reporting: cross-border e-commerce transactions 109.247 billion yuan',
  },
  {
    zoneId: 'zhengzhou',
    code: 'T22',
    unit: '%',
    value: 17.35,
    typed: '17.35%',
    referenceYear: 2021,
    source:
      'Henan/Zhengzhou official 2021 reporting: cross-border e-commerce transactions +17.35% year on year',
  },
];

const n = z.number();
const decimals = z.number().int().min(0).max(10);

/**
 * How one indicator's values are drawn. `load` is the effect of one standard deviation of zone strength (in log
 * units for volumes and durations, in the indicator's unit for levels); `batch` scales the batch size effect.
 */
const specSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('volume'), median: n, sigma: n, load: n, batch: n, decimals }),
  z.strictObject({ kind: z.literal('duration'), median: n, sigma: n, load: n, decimals }),
  z.strictObject({ kind: z.literal('poisson'), mean: n, load: n, batch: n }),
  z.strictObject({ kind: z.literal('level'), mean: n, sd: n, load: n, lo: n, hi: n, decimals }),
  z.strictObject({ kind: z.literal('flag'), intercept: n, load: n }),
  z.strictObject({ kind: z.literal('part'), of: z.string(), share: n, sd: n, decimals }),
  z.strictObject({ kind: z.literal('growth'), of: z.string(), mean: n, sd: n, load: n, decimals }),
]);
type Spec = z.infer<typeof specSchema>;

const parametersSchema = z.strictObject({
  notice: z.string(),
  indicators: z.record(z.string(), z.record(z.string(), z.unknown())),
});

export type DemoParameters = ReadonlyMap<string, { readonly unit: string; readonly spec: Spec }>;

/**
 * The per-indicator parameters (data/demo-parameters.json unless another file is given), tuned to the default
 * methodology so the demo looks like a plausible year. An indicator they do not cover, or whose unit differs,
 * falls back to the per-unit defaults below. A malformed file is a fault of the repository: it throws.
 */
export function loadDemoParameters(file: string = DEFAULT_PARAMETERS_PATH): DemoParameters {
  const doc = parametersSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const out = new Map<string, { unit: string; spec: Spec }>();
  for (const [code, raw] of Object.entries(doc.indicators)) {
    // A spec applies only while the indicator's unit is the one it was tuned for, so each names that unit.
    const { unit, ...rest } = raw;
    const parsed = specSchema.safeParse(rest);
    if (typeof unit !== 'string' || !parsed.success) {
      const why = parsed.success ? 'unit must be text' : z.prettifyError(parsed.error).replaceAll('\n', ' ');
      throw new Error(`${file}: indicators.${code}: ${why}`);
    }
    out.set(code, { unit, spec: parsed.data });
  }
  return out;
}

const vol = (median: number, sigma: number, load: number, batch: number, decimals: number): Spec => ({
  kind: 'volume',
  median,
  sigma,
  load,
  batch,
  decimals,
});
const lvl = (mean: number, sd: number, load: number, lo: number, hi: number, decimals: number): Spec => ({
  kind: 'level',
  mean,
  sd,
  load,
  lo,
  hi,
  decimals,
});
const dur = (median: number, sigma: number, load: number, decimals: number): Spec => ({
  kind: 'duration',
  median,
  sigma,
  load,
  decimals,
});
const flag = (intercept: number, load: number): Spec => ({ kind: 'flag', intercept, load });

/** A plausible spec from the unit alone, for indicators the hints do not cover. */
function specForUnit(unit: string | undefined, direction: number): Spec {
  const d = direction < 0 ? -1 : 1;
  switch (unit) {
    case '100 million yuan':
      return vol(50, 0.9, 0.5 * d, 1, 2);
    case '10,000 yuan':
      return vol(2000, 0.9, 0.5 * d, 0.6, 1);
    case 'billion yuan':
      return vol(3, 0.9, 0.5 * d, 1, 2);
    case 'count':
      return vol(20, 0.8, 0.4 * d, 0.6, 0);
    case 'people':
      return vol(5000, 0.8, 0.4 * d, 0.6, 0);
    case 'square metres':
      return vol(50_000, 0.8, 0.4 * d, 0.6, 0);
    case '10,000 square metres':
      return vol(5, 0.8, 0.4 * d, 0.6, 2);
    case 'days':
      return dur(5, 0.3, 0.2 * d, 1);
    case 'hours':
      return dur(24, 0.3, 0.2 * d, 1);
    case 'yes/no':
      return flag(1, d);
    case 'score 0-100':
      return lvl(70, 10, 6 * d, 0, 100, 1);
    default:
      return lvl(50, 15, 8 * d, 0, 100, 2);
  }
}

function specFor(
  ind: DemoIndicator,
  byCode: ReadonlyMap<string, DemoIndicator>,
  hints: DemoParameters,
): Spec {
  const hint = hints.get(ind.code);
  if (hint && hint.unit === ind.unit) {
    const s = hint.spec;
    if (s.kind !== 'part' && s.kind !== 'growth') return s;
    // A derived indicator needs its base drawn the way the hint assumes; otherwise treat it on its own.
    const base = byCode.get(s.of);
    if (base && base.code !== ind.code && hints.get(base.code)?.unit === base.unit) return s;
  }
  return specForUnit(ind.unit, ind.direction);
}

// Log-scale size shift by approval batch: the 2015-2016 zones are the big coastal and hub markets.
const BATCH_LOG_SHIFT: Readonly<Record<number, number>> = { 1: 1.9, 2: 1.2, 3: 0.4, 4: -0.3, 5: -0.9 };

function batchShift(batch: number): number {
  return BATCH_LOG_SHIFT[batch] ?? -0.9;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

function roundTo(x: number, decimals: number): number {
  const r = Number(x.toFixed(decimals));
  // -0 would type as "0" but compare unequal under Object.is; keep it a plain zero.
  return r === 0 ? 0 : r;
}

function poisson(rng: Random, lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Generates the true (unrounded) series of one indicator for one zone over the years. */
function drawSeries(
  spec: Spec,
  rng: Random,
  zone: { strength: number; batch: number },
  years: number,
  series: ReadonlyMap<string, number[]>,
): number[] {
  const z = zone.strength;
  const out: number[] = [];
  switch (spec.kind) {
    case 'volume': {
      let v = Math.exp(
        Math.log(spec.median) +
          spec.batch * batchShift(zone.batch) +
          spec.load * z +
          rng.normal(0, spec.sigma),
      );
      for (let y = 0; y < years; y++) {
        if (y > 0) v *= Math.exp(rng.normal(0.1 + 0.05 * Math.sign(spec.load) * z, 0.12));
        out.push(v);
      }
      return out;
    }
    case 'duration': {
      let v = spec.median * Math.exp(spec.load * z + rng.normal(0, spec.sigma));
      for (let y = 0; y < years; y++) {
        // Procedures get faster year by year, as the evaluation expects of every zone.
        if (y > 0) v *= Math.exp(rng.normal(-0.06, 0.1));
        out.push(v);
      }
      return out;
    }
    case 'poisson': {
      const lambda = spec.mean * Math.exp(spec.load * z + spec.batch * batchShift(zone.batch));
      for (let y = 0; y < years; y++) out.push(poisson(rng, lambda));
      return out;
    }
    case 'level': {
      const load = clamp(spec.load, -spec.sd, spec.sd);
      const rest = Math.sqrt(spec.sd * spec.sd - load * load);
      let v = spec.mean + load * z + rng.normal(0, rest);
      for (let y = 0; y < years; y++) {
        if (y > 0) v += rng.normal(0, spec.sd * 0.25);
        out.push(clamp(v, spec.lo, spec.hi));
      }
      return out;
    }
    case 'flag': {
      let v = rng.bernoulli(logistic(spec.intercept + spec.load * z)) ? 1 : 0;
      for (let y = 0; y < years; y++) {
        // Mechanisms, once set up, mostly stay; some zones set theirs up the next year.
        if (y > 0) v = v === 1 ? (rng.bernoulli(0.97) ? 1 : 0) : rng.bernoulli(0.3) ? 1 : 0;
        out.push(v);
      }
      return out;
    }
    case 'part': {
      const whole = series.get(spec.of) ?? [];
      const share = clamp(rng.normal(spec.share, spec.sd), 0.02, 0.98);
      for (let y = 0; y < years; y++) {
        out.push((whole[y] ?? 0) * clamp(share + rng.normal(0, 0.02), 0.01, 0.99));
      }
      return out;
    }
    case 'growth': {
      const base = series.get(spec.of) ?? [];
      for (let y = 0; y < years; y++) {
        const now = base[y];
        const before = y > 0 ? base[y - 1] : undefined;
        // The first year has no previous value here, so its growth is drawn; later years are computed.
        if (now !== undefined && before !== undefined && before > 0) out.push((now / before - 1) * 100);
        else out.push(Math.max(-90, spec.mean + spec.load * z + rng.normal(0, spec.sd)));
      }
      return out;
    }
  }
}

function decimalsOf(spec: Spec): number {
  return spec.kind === 'poisson' || spec.kind === 'flag' ? 0 : spec.decimals;
}

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

function toFullWidth(digits: string): string {
  return digits.replace(/[0-9]/g, (d) => FULL_WIDTH_DIGITS[Number(d)] ?? d);
}

function withThousands(text: string): string {
  const [int = '', frac] = text.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const grouped = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac === undefined ? '' : '.' + frac);
}

const YES_WORDS = ['是', 'yes', 'Yes', 'YES', '是 '] as const;
const NO_WORDS = ['否', 'no', 'No', 'NO', '否 '] as const;

/** The text an official might type for `value`; every variant parses back to exactly `value`. */
function typeValue(value: number, unit: string | undefined, rng: Random, messyRate: number): string {
  if (unit === 'yes/no') {
    // Officials mix Chinese and English answers; both are common.
    const words = value === 1 ? YES_WORDS : NO_WORDS;
    return rng.bernoulli(0.45) ? words[0] : rng.bernoulli(0.7) ? words[1] : rng.pick(words);
  }
  const plain = String(value);
  if (!rng.bernoulli(messyRate)) return plain;
  const options: Array<() => string> = [() => plain + ' ', () => ' ' + plain];
  if (Math.abs(value) >= 1000) options.push(() => withThousands(plain));
  if (unit === '100 million yuan') {
    options.push(() => plain + '亿');
    if (Math.abs(value) >= 1000) options.push(() => withThousands(plain) + '亿');
  }
  if (unit === '%')
    options.push(
      () => plain + '%',
      () => plain + '%',
      () => plain + ' %',
    );
  if (/^\d+$/.test(plain)) options.push(() => toFullWidth(plain));
  return rng.pick(options)();
}

/**
 * Synthetic values for every zone, indicator and year, deterministic for a seed.
 *
 * @example
 * const data = generateDemoData({ seed: 1, years: [2024, 2025], methodology, zones: loadZones() });
 * data.values[2024]?.['zhengzhou']?.['T16']; // { typed: '1,092.47亿', value: 1092.47 }
 */
export function generateDemoData(options: DemoDataOptions): DemoData {
  const { seed, years, methodology, zones } = options;
  const missingRate = options.missingRate ?? 0.016;
  const messyRate = options.messyRate ?? 0.15;
  const indicators = methodology.indicators;
  const byCode = new Map(indicators.map((i) => [i.code, i]));
  const hints = options.parameters ?? loadDemoParameters();
  const specs = new Map(indicators.map((i) => [i.code, specFor(i, byCode, hints)]));
  // Derived indicators need the series they derive from, so draw them after it.
  const depth = (code: string, seen = 0): number => {
    const s = specs.get(code);
    return (s?.kind === 'part' || s?.kind === 'growth') && seen < indicators.length
      ? 1 + depth(s.of, seen + 1)
      : 0;
  };
  const order = [...indicators].sort((a, b) => depth(a.code) - depth(b.code));
  const seedText = String(seed);

  const values: Record<number, Record<string, Record<string, DemoCell>>> = {};
  for (const year of years) values[year] = {};
  const cited: Array<DemoCitation & { year: number }> = [];

  for (const zone of zones) {
    // One stream per zone and per cell, so a zone's values do not depend on the other zones or on the order
    // of the indicators in the methodology.
    const zoneRng = new Random(hashSeed(`${seedText}|${zone.zoneId}`));
    const strength = zoneRng.normal(0, 0.9) + 0.2 * (3 - zone.batch);
    const citations = DEMO_CITED_FIGURES.filter(
      (c) => c.zoneId === zone.zoneId && byCode.get(c.code)?.unit === c.unit && years.length > 0,
    );

    const series = new Map<string, number[]>();
    for (const ind of order) {
      const spec = specs.get(ind.code)!;
      const rng = new Random(hashSeed(`${seedText}|${zone.zoneId}|${ind.code}|series`));
      const s = drawSeries(spec, rng, { strength, batch: zone.batch }, years.length, series);
      const lo = ind.min ?? Number.NEGATIVE_INFINITY;
      const hi = ind.max ?? Number.POSITIVE_INFINITY;
      const decimals = decimalsOf(spec);
      const rounded = s.map((v) => roundTo(clamp(v, lo, hi), decimals));
      const citation = citations.find((c) => c.code === ind.code);
      const first = rounded[0];
      if (citation && first !== undefined) {
        // Keep the drawn growth after the cited year, rather than a jump from the cited level to a drawn one.
        const ratio = spec.kind === 'volume' && first > 0 ? citation.value / first : 1;
        for (let y = 1; y < rounded.length; y++) rounded[y] = roundTo((rounded[y] ?? 0) * ratio, decimals);
        rounded[0] = citation.value;
      }
      series.set(ind.code, rounded);
    }

    for (const ind of indicators) {
      const s = series.get(ind.code)!;
      const rng = new Random(hashSeed(`${seedText}|${zone.zoneId}|${ind.code}|typed`));
      years.forEach((year, y) => {
        const citation = y === 0 ? citations.find((c) => c.code === ind.code) : undefined;
        let cell: DemoCell;
        if (citation) {
          cell = { typed: citation.typed, value: citation.value };
          cited.push({ ...citation, year });
        } else if (!ind.required && rng.bernoulli(missingRate)) {
          cell = { typed: null, value: null };
        } else {
          const value = s[y] ?? 0;
          cell = { typed: typeValue(value, ind.unit, rng, messyRate), value };
        }
        const yearValues = values[year]!;
        const zoneValues = yearValues[zone.zoneId] ?? (yearValues[zone.zoneId] = {});
        zoneValues[ind.code] = cell;
      });
    }
  }
  return { notice: DEMO_DATA_NOTICE, seed, years: [...years], values, cited };
}

const ZONE_COLUMNS = [
  'zone_id',
  'name_en',
  'name_zh',
  'province_en',
  'province_zh',
  'batch',
  'approved',
] as const;

/** Reads the list of pilot zones (data/zones-105.csv unless another file is given) with the project's CSV reader. */
export function loadZones(file: string = DEFAULT_ZONES_PATH): Zone[] {
  // Blank lines (a trailing newline, a gap) are no rows.
  const rows = parseCsv(readFileSync(file, 'utf8')).filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  const header = rows[0];
  if (!header || header.join(',') !== ZONE_COLUMNS.join(',')) {
    throw new Error(
      `${file}: expected header ${ZONE_COLUMNS.join(',')}, got ${header?.join(',') ?? 'nothing'}`,
    );
  }
  const seen = new Set<string>();
  return rows.slice(1).map((row, i) => {
    const where = `${file}: data row ${i + 1}`;
    if (row.length !== ZONE_COLUMNS.length) {
      throw new Error(`${where}: expected ${ZONE_COLUMNS.length} fields, got ${row.length}`);
    }
    const [
      zoneId = '',
      nameEn = '',
      nameZh = '',
      provinceEn = '',
      provinceZh = '',
      batchText = '',
      approved = '',
    ] = row;
    const batch = Number(batchText);
    if (!/^[a-z0-9_-]+$/.test(zoneId)) throw new Error(`${where}: bad zone_id "${zoneId}"`);
    if (seen.has(zoneId)) throw new Error(`${where}: duplicate zone_id "${zoneId}"`);
    seen.add(zoneId);
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`${where}: bad batch "${batchText}"`);
    if (!/^\d{4}-\d{2}$/.test(approved)) throw new Error(`${where}: bad approved month "${approved}"`);
    return { zoneId, nameEn, nameZh, provinceEn, provinceZh, batch, approved };
  });
}

/** The default methodology as parsed JSON, for callers that derive variants of it before compiling. */
export function loadDefaultMethodology(file: string = DEFAULT_METHODOLOGY_PATH): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The default methodology, compiled by the methodology module (data/default-methodology.json unless another file is
 * given). The file ships with the project, so an invalid one is a fault: it throws, listing the issues.
 */
export function compileDefaultMethodology(file: string = DEFAULT_METHODOLOGY_PATH): CompiledMethodology {
  const compiled = compileMethodology(loadDefaultMethodology(file));
  if (!compiled.ok) throw new Error(`${file} is invalid:\n${formatIssues(compiled.issues)}`);
  return compiled.methodology;
}
