/** A tiny evaluation for the results layout and evaluate-decision tests: 5 zones, 3 indicators, 4 grades. */
import { compileMethodology, type MethodologyInput } from '../../lib/core/methodology';
import type { ControlZone } from '../../lib/pipeline/ports';
import { buildResults, type PreviousRun, type ResultsDoc, type ZoneInput } from '../../lib/pipeline/results';

export const TINY_METHODOLOGY: MethodologyInput = {
  name: 'Tiny',
  year: 2025,
  indicators: [
    { code: 'X1', parent: 'D1', nameEn: 'Exports', unit: 'count' },
    { code: 'X2', parent: 'D1', nameEn: 'Firms', unit: 'count', weight: 2 },
    { code: 'X3', parent: 'D2', nameEn: 'Days', unit: 'days', direction: -1, source: 'central:customs' },
  ],
  // The zone without a submission has only central data (one value of three): the screen keeps it out.
  screen: { minAvailability: 0.5 },
  aggregates: [
    { code: 'D1', parent: 'Index', nameEn: 'Trade' },
    { code: 'D2', parent: 'Index' },
    { code: 'Index' },
  ],
  grade: {
    method: 'quota',
    grades: [
      { code: 'A', label: 'Obvious', labelZh: '成效明显', count: 1, colour: '#1a9850' },
      { code: 'B', label: 'Good', count: 1, colour: '#91cf60' },
      { code: 'C', label: 'Initial', count: 1 },
      { code: 'D', label: 'Starting', count: 1 },
    ],
  },
  uncertainty: { runs: 20, seed: 1, weightNoise: { levels: [1], factor: 0.2 } },
};

export function tinyMethodology(extra: Partial<MethodologyInput> = {}) {
  const compiled = compileMethodology({ ...TINY_METHODOLOGY, ...extra });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return compiled.methodology;
}

export const TINY_ZONES: ControlZone[] = ['z1', 'z2', 'z3', 'z4', 'z5'].map((zoneId, k) => ({
  zoneId,
  nameEn: k === 1 ? '=IMPORTXML("http://example.com","//a")' : `Zone ${k + 1}`,
  nameZh: `试验区${k + 1}`,
  province: 'Henan',
  batch: k + 1,
  spreadsheetId: `sheet-${zoneId}`,
  editors: [],
}));

/** Zone k's values: rising with k, except z5, which never submitted. */
export function tinyInputs(): ZoneInput[] {
  return TINY_ZONES.map((zone, k) => ({
    zone,
    submitted: k !== 4,
    values:
      k === 4
        ? { X3: { value: 4, text: '4' } }
        : {
            X1: { value: 10 + k * 5, text: String(10 + k * 5) },
            X2: { value: 3 + k, text: String(3 + k) },
            X3: { value: 9 - k, text: String(9 - k) },
            ...(k === 0 ? { X2: { value: 3, text: '3x', note: 'refused: not a number' } } : {}),
          },
    revision: k === 4 ? null : k + 1,
    updatedAt: k === 4 ? null : '2025-03-01T08:00:00.000Z',
    editor: k === 4 ? null : `official@${zone.zoneId}`,
    unreadable: null,
  }));
}

export function tinyDoc(previous: PreviousRun | null = null): ResultsDoc {
  return buildResults({
    evaluationId: 'tiny',
    runSeq: 3,
    inputHash: 'hash',
    methodologyVersion: 'v1',
    createdAt: '2025-03-02T08:00:00.000Z',
    m: tinyMethodology(),
    inputs: tinyInputs(),
    previous,
  });
}

/**
 * A results document of `n` zones and `m` indicators with varied numbers, built without the engine (the engine's
 * speed at this size is the benchmarks' business): for the storage and publishing tests at scale.
 */
export function syntheticDoc(n: number, m: number, seed = 1): ResultsDoc {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const grades = ['A', 'B', 'C', 'D'];
  const codes = Array.from({ length: m }, (_, j) => `I${j}`);
  const dims = Array.from({ length: 10 }, (_, k) => `D${k}`);
  const base = tinyDoc();
  return {
    ...base,
    runSeq: 1,
    aggregates: dims.map((code) => ({ code, nameEn: `Dimension ${code}`, nameZh: null })),
    indicators: codes.map((code) => ({ code, nameEn: code, nameZh: null, unit: 'count', source: 'zone' })),
    weights: [],
    zones: Array.from({ length: n }, (_, i) => {
      const score = Number((100 - (i * 100) / n).toPrecision(10));
      const grade = grades[Math.min(3, Math.floor((i / n) * 4))]!;
      // Every third zone leaves its first two indicators blank, with their costs, as the engine records them.
      const blank = i % 3 === 0 ? codes.slice(0, 2) : [];
      const vals = Object.fromEntries(
        codes.map((c) => [c, blank.includes(c) ? null : Number((next() * 1e4).toPrecision(10))]),
      );
      return {
        zoneId: `Z${String(i).padStart(4, '0')}`,
        nameEn: `Zone ${i}`,
        nameZh: `试验区${i}`,
        province: `Province ${i % 31}`,
        batch: 1 + (i % 7),
        rank: i + 1,
        score,
        grade,
        previous: { rank: i + 2, score: score - 1, grade },
        dimensions: Object.fromEntries(dims.map((d) => [d, Number((next() * 100).toPrecision(10))])),
        values: vals,
        contributions: Object.fromEntries(codes.map((c) => [c, Number(next().toPrecision(10))])),
        strengths: codes.slice(0, 3),
        weaknesses: codes.slice(-3),
        nextGrade:
          grade === 'A' ? null : { grade: 'A', points: 3.5, indicator: 'I1', current: 10, value: 20 },
        uncertainty: {
          median: i + 1,
          q05: Math.max(1, i - 5),
          q95: i + 6,
          grades: { A: 0.1, B: 0.4, C: 0.4, D: 0.1 },
        },
        quality: {
          status: 'submitted' as const,
          screenedOut: false,
          availability: (m - blank.length) / m,
          missing: blank,
          ...(blank.length && {
            missingCost: {
              values: blank.map((indicator) => ({
                indicator,
                scoredAs: 'bound' as const,
                median: Number((next() * 1e4).toPrecision(10)),
                points: Number((next() * 5).toPrecision(10)),
              })),
              points: Number((next() * 10).toPrecision(10)),
              grade: 'B',
            },
          }),
          refused: [],
          spreadsheetId: `sheet-${i}`,
          revision: 1,
          lastEditAt: '2025-03-01T08:00:00.000Z',
          lastEditor: `official@${i}`,
          reason: null,
        },
        // Most values from the first revision, a few from a later one, as after an official's corrections.
        provenance: [
          {
            revision: 1,
            by: `official@${i}`,
            at: '2025-03-01T08:00:00.000Z',
            indicators: codes.slice(0, m - 4),
          },
          {
            revision: 2,
            by: `checker@${i}`,
            at: '2025-03-02T08:00:00.000Z',
            indicators: codes.slice(m - 4),
          },
        ],
      };
    }),
  };
}
