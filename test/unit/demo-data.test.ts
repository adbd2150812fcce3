import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compileDefaultMethodology,
  DEFAULT_METHODOLOGY_PATH,
  DEFAULT_PARAMETERS_PATH,
  DEMO_DATA_NOTICE,
  type DemoData,
  generateDemoData,
  loadDemoParameters,
  loadZones,
} from '../../lib/local/demo-data';

const UNITS = [
  '100 million yuan',
  '10,000 yuan',
  'billion yuan',
  '%',
  'count',
  'yes/no',
  'score 0-100',
  'days',
  'hours',
  'square metres',
  '10,000 square metres',
  'people',
];

interface RawIndicator {
  code: string;
  nameEn: string;
  nameZh: string;
  parent: string;
  unit: string;
  direction: number;
  weight: number;
  definition?: string;
  min?: number;
  max?: number;
  required?: boolean;
  source?: string;
}
interface RawAggregate {
  code: string;
  nameEn: string;
  nameZh: string;
  parent?: string;
  weight?: number;
}
interface RawMethodology {
  name: string;
  nameZh: string;
  year: number;
  indicators: RawIndicator[];
  aggregates: RawAggregate[];
  grade: { method: string; grades: Array<{ code: string; count: number; colour: string }> };
}

// The file as written, for the checks of its content below; the generator takes the compiled methodology.
const raw = JSON.parse(readFileSync(DEFAULT_METHODOLOGY_PATH, 'utf8')) as RawMethodology;
const methodology = compileDefaultMethodology();
const zones = loadZones();
const YEARS = [2024, 2025];

/** What the sheet-value parser must make of each typed form the generator produces. */
function referenceParse(typed: string, unit: string): number {
  const t = typed
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/,/g, '');
  if (unit === 'yes/no') {
    if (/^(是|yes)$/i.test(t)) return 1;
    if (/^(否|no)$/i.test(t)) return 0;
    return Number.NaN;
  }
  const stripped =
    unit === '100 million yuan' ? t.replace(/亿$/, '') : unit === '%' ? t.replace(/\s*%$/, '') : t;
  return /^-?\d+(\.\d+)?$/.test(stripped) ? Number(stripped) : Number.NaN;
}

function cells(
  data: DemoData,
): Array<{ year: number; zoneId: string; code: string; typed: string | null; value: number | null }> {
  const out = [];
  for (const year of data.years) {
    for (const [zoneId, byCode] of Object.entries(data.values[year] ?? {})) {
      for (const [code, cell] of Object.entries(byCode)) out.push({ year, zoneId, code, ...cell });
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  order.forEach(([, i], k) => {
    r[i] = k;
  });
  return r;
}

function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = (ra[i] ?? 0) - mean;
    const y = (rb[i] ?? 0) - mean;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return num / Math.sqrt(da * db);
}

/** Values of one indicator in one year, for zones where both requested indicators are present. */
function paired(data: DemoData, year: number, a: string, b: string): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const z of zones) {
    const x = data.values[year]?.[z.zoneId]?.[a]?.value;
    const y = data.values[year]?.[z.zoneId]?.[b]?.value;
    if (x != null && y != null) {
      xs.push(x);
      ys.push(y);
    }
  }
  return [xs, ys];
}

function codeOf(nameEn: string): string {
  const ind = raw.indicators.find((i) => i.nameEn === nameEn);
  if (!ind) throw new Error(`no indicator named ${nameEn}`);
  return ind.code;
}

const VOLUME = codeOf('Cross-border e-commerce import and export value');
const GROWTH = codeOf('Growth of import and export value');
const CLEARANCE = codeOf('Average customs clearance time');
const BIG_ENTERPRISES = codeOf('Enterprises with sales above 100 million yuan');

describe('data/zones-105.csv', () => {
  it('lists 105 zones with unique ids in batches 1 to 5', () => {
    expect(zones).toHaveLength(105);
    expect(new Set(zones.map((z) => z.zoneId)).size).toBe(105);
    expect(new Set(zones.map((z) => z.batch))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(zones.find((z) => z.zoneId === 'zhengzhou')).toMatchObject({ nameZh: '郑州', batch: 2 });
  });

  it('is read with the project CSV reader: quoted fields, CRLF and a BOM', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zones-')), 'zones.csv');
    writeFileSync(
      file,
      '\uFEFFzone_id,name_en,name_zh,province_en,province_zh,batch,approved\r\n"x","Ürümqi, west",乌鲁木齐,Xinjiang,新疆,4,2018-07\r\n\r\n',
    );
    expect(loadZones(file)).toEqual([
      {
        zoneId: 'x',
        nameEn: 'Ürümqi, west',
        nameZh: '乌鲁木齐',
        provinceEn: 'Xinjiang',
        provinceZh: '新疆',
        batch: 4,
        approved: '2018-07',
      },
    ]);
  });

  it('is refused by loadZones when a row has the wrong number of fields', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zones-')), 'zones.csv');
    writeFileSync(
      file,
      'zone_id,name_en,name_zh,province_en,province_zh,batch,approved\nx,A, B,C,D,E,1,2015-03\n',
    );
    expect(() => loadZones(file)).toThrow(/expected 7 fields/);
  });
});

describe('data/default-methodology.json', () => {
  const dimensions = raw.aggregates.filter((a) => a.parent === 'Index');

  it('has at least 44 indicators in at least 10 dimensions', () => {
    expect(raw.indicators.length).toBeGreaterThanOrEqual(44);
    expect(dimensions.length).toBeGreaterThanOrEqual(10);
    for (const d of dimensions) expect(raw.indicators.some((i) => i.parent === d.code)).toBe(true);
  });

  it('uses each code once across indicators and aggregates', () => {
    const codes = [...raw.indicators, ...raw.aggregates].map((x) => x.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has one root and a parent that exists for every other node', () => {
    const aggregateCodes = new Set(raw.aggregates.map((a) => a.code));
    expect(raw.aggregates.filter((a) => a.parent === undefined).map((a) => a.code)).toEqual(['Index']);
    for (const i of raw.indicators) expect(aggregateCodes.has(i.parent)).toBe(true);
    for (const a of raw.aggregates)
      if (a.parent !== undefined) expect(aggregateCodes.has(a.parent)).toBe(true);
  });

  it('spells every unit the way the value parser expects', () => {
    for (const i of raw.indicators) expect(UNITS).toContain(i.unit);
  });

  it('gives every indicator names, a direction, a positive weight, a definition and a valid source', () => {
    for (const i of raw.indicators) {
      expect(i.nameEn.length).toBeGreaterThan(0);
      expect(i.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect([1, -1]).toContain(i.direction);
      expect(i.weight).toBeGreaterThan(0);
      expect(i.definition?.length ?? 0).toBeGreaterThan(10);
      expect(i.source ?? 'zone').toMatch(/^(zone|central:[a-z]+)$/);
      if (i.min !== undefined && i.max !== undefined) expect(i.min).toBeLessThan(i.max);
    }
  });

  it('requires import and export volume, takes some indicators from customs, and has cost indicators', () => {
    expect(raw.indicators.find((i) => i.code === VOLUME)?.required).toBe(true);
    expect(raw.indicators.filter((i) => i.source === 'central:customs').length).toBeGreaterThanOrEqual(3);
    expect(raw.indicators.find((i) => i.code === CLEARANCE)).toMatchObject({ unit: 'hours', direction: -1 });
    expect(raw.indicators.filter((i) => i.unit === 'yes/no').length).toBeGreaterThanOrEqual(3);
  });

  it('weighs trade scale and growth above every other dimension', () => {
    const weightOf = (name: string) => dimensions.find((d) => d.nameEn === name)?.weight ?? 0;
    const others = dimensions.filter((d) => d.nameEn !== 'Trade scale' && d.nameEn !== 'Growth');
    const heaviestOther = Math.max(...others.map((d) => d.weight ?? 0));
    expect(weightOf('Trade scale')).toBeGreaterThan(heaviestOther);
    expect(weightOf('Growth')).toBeGreaterThan(heaviestOther);
  });

  it('grades by quota with counts summing to the 105 zones', () => {
    expect(raw.grade.method).toBe('quota');
    expect(raw.grade.grades.map((g) => g.count)).toEqual([10, 50, 40, 5]);
    expect(raw.grade.grades.reduce((s, g) => s + g.count, 0)).toBe(zones.length);
  });
});

describe('data/demo-parameters.json', () => {
  it('holds parameters for indicators of the default methodology, in the units the methodology gives them', () => {
    const params = loadDemoParameters();
    const unitOf = new Map(methodology.indicators.map((i) => [i.code, i.unit]));
    expect(params.size).toBe(methodology.indicators.length);
    for (const [code, p] of params) expect([code, p.unit]).toEqual([code, unitOf.get(code)]);
  });

  it('refuses a parameter file with a misspelt field, naming the indicator', () => {
    const doc = JSON.parse(readFileSync(DEFAULT_PARAMETERS_PATH, 'utf8'));
    doc.indicators.T01.meen = doc.indicators.T01.mean;
    delete doc.indicators.T01.mean;
    const file = join(mkdtempSync(join(tmpdir(), 'params-')), 'p.json');
    writeFileSync(file, JSON.stringify(doc));
    expect(() => loadDemoParameters(file)).toThrow(/indicators\.T01/);
  });
});

describe('generateDemoData', () => {
  const data = generateDemoData({ seed: 2025, years: YEARS, methodology, zones });
  const all = cells(data);

  it('labels the data as synthetic', () => {
    expect(data.notice).toBe(DEMO_DATA_NOTICE);
    expect(DEMO_DATA_NOTICE).toBe(
      'Synthetic demo data: generated, not real figures, except where a public source is cited',
    );
  });

  it('is identical for the same seed and different for another', () => {
    expect(generateDemoData({ seed: 2025, years: YEARS, methodology, zones })).toEqual(data);
    const other = generateDemoData({ seed: 2026, years: YEARS, methodology, zones });
    expect(other.values[2025]?.['hangzhou']).not.toEqual(data.values[2025]?.['hangzhou']);
  });

  it('does not depend on the order of the zones', () => {
    const reversed = generateDemoData({ seed: 2025, years: YEARS, methodology, zones: [...zones].reverse() });
    expect(reversed.values).toEqual(data.values);
  });

  it('covers every zone, indicator and year', () => {
    expect(all).toHaveLength(105 * methodology.indicators.length * 2);
    for (const year of YEARS) {
      for (const z of zones) {
        expect(Object.keys(data.values[year]?.[z.zoneId] ?? {}).sort()).toEqual(
          methodology.indicators.map((i) => i.code).sort(),
        );
      }
    }
  });

  it('leaves between 1% and 3% of cells blank, never a required one', () => {
    const blank = all.filter((c) => c.value === null);
    expect(blank.length / all.length).toBeGreaterThanOrEqual(0.01);
    expect(blank.length / all.length).toBeLessThanOrEqual(0.03);
    for (const c of blank) expect(c.typed).toBeNull();
    const required = new Set(methodology.indicators.filter((i) => i.required).map((i) => i.code));
    expect(blank.some((c) => required.has(c.code))).toBe(false);
  });

  it('types text that parses back to exactly the stated value', () => {
    const unitOf = new Map(methodology.indicators.map((i) => [i.code, i.unit]));
    for (const c of all) {
      if (c.typed === null) continue;
      expect({ ...c, parsed: referenceParse(c.typed, unitOf.get(c.code) ?? '') }).toEqual({
        ...c,
        parsed: c.value,
      });
    }
  });

  it('includes the messy forms officials type', () => {
    const typed = all.map((c) => c.typed ?? '');
    expect(typed.some((t) => /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t))).toBe(true);
    expect(typed.some((t) => t.endsWith('亿'))).toBe(true);
    expect(typed.some((t) => /\d%$/.test(t))).toBe(true);
    expect(typed.some((t) => /[０-９]/.test(t))).toBe(true);
    expect(typed.some((t) => t !== t.trim())).toBe(true);
    expect(typed).toEqual(expect.arrayContaining(['是', '否', 'yes', 'no']));
  });

  it('keeps yes/no values to 0 and 1', () => {
    const flags = new Set(methodology.indicators.filter((i) => i.unit === 'yes/no').map((i) => i.code));
    const values = new Set(all.filter((c) => flags.has(c.code) && c.value !== null).map((c) => c.value));
    expect(values).toEqual(new Set([0, 1]));
  });

  it('keeps values within the indicators’ min and max', () => {
    const byCode = new Map(methodology.indicators.map((i) => [i.code, i]));
    for (const c of all) {
      if (c.value === null) continue;
      const ind = byCode.get(c.code);
      expect(c.value).toBeGreaterThanOrEqual(ind?.min ?? Number.NEGATIVE_INFINITY);
      expect(c.value).toBeLessThanOrEqual(ind?.max ?? Number.POSITIVE_INFINITY);
    }
  });

  it.each([1, 2, 3, 4, 5])('makes earlier batches larger on median trade volume (seed %i)', (seed) => {
    const d = generateDemoData({ seed, years: YEARS, methodology, zones });
    // Batch 1 is Hangzhou alone, too small a group for a median; the other four batches must be ordered.
    const medians = [2, 3, 4, 5].map((batch) =>
      median(
        zones.filter((z) => z.batch === batch).map((z) => d.values[2024]?.[z.zoneId]?.[VOLUME]?.value ?? 0),
      ),
    );
    expect(medians).toEqual([...medians].sort((a, b) => b - a));
  });

  it('correlates indicators through zone strength, with cost indicators falling as strength rises', () => {
    expect(spearman(...paired(data, 2024, VOLUME, BIG_ENTERPRISES))).toBeGreaterThan(0.3);
    expect(spearman(...paired(data, 2024, VOLUME, CLEARANCE))).toBeLessThan(-0.1);
  });

  it('grows the second year out of the first', () => {
    const [y1, y2] = [2024, 2025].map((year) =>
      zones.map((z) => data.values[year]?.[z.zoneId]?.[VOLUME]?.value ?? 0),
    ) as [number[], number[]];
    expect(spearman(y1, y2)).toBeGreaterThan(0.9);
    const z1 = data.values[2024]?.['zhengzhou']?.[VOLUME]?.value ?? 0;
    const z2 = data.values[2025]?.['zhengzhou']?.[VOLUME]?.value ?? 0;
    const g2 = data.values[2025]?.['zhengzhou']?.[GROWTH]?.value;
    expect(g2).toBeCloseTo((z2 / z1 - 1) * 100, 1);
  });

  it("places Zhengzhou's cited 2021 figures in the first year", () => {
    expect(data.values[2024]?.['zhengzhou']?.[VOLUME]).toEqual({ typed: '1,092.47亿', value: 1092.47 });
    expect(data.values[2024]?.['zhengzhou']?.[GROWTH]).toEqual({ typed: '17.35%', value: 17.35 });
    expect(data.cited.map((c) => [c.zoneId, c.code, c.year, c.referenceYear])).toEqual([
      ['zhengzhou', VOLUME, 2024, 2021],
      ['zhengzhou', GROWTH, 2024, 2021],
    ]);
    for (const c of data.cited) expect(c.source).toMatch(/Zhengzhou/);
  });

  it('falls back to unit-based values for a methodology it has no hints for', () => {
    const d = generateDemoData({
      seed: 1,
      years: [2030],
      zones,
      methodology: { indicators: [{ code: 'X1', unit: 'billion yuan', direction: 1, required: true }] },
    });
    const values = zones.map((z) => d.values[2030]?.[z.zoneId]?.['X1']?.value ?? -1);
    expect(values.every((v) => v > 0)).toBe(true);
    expect(d.cited).toEqual([]);
  });
});
