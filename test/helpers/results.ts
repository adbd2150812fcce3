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
