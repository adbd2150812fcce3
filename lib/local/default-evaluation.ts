/**
 * The default evaluation, ready to score: the 105 zones, the default methodology compiled, and a year of the
 * synthetic demo data turned into a Dataset through the same value parser officials' cells go through.
 */
import type { Dataset } from '../core/dataset';
import type { CompiledMethodology } from '../core/methodology';
import { parseField } from '../core/values';
import {
  compileDefaultMethodology,
  type DemoData,
  generateDemoData,
  loadZones,
  type Zone,
} from './demo-data';

export const DEMO_YEARS = [2024, 2025] as const;

export type DefaultEvaluation = { methodology: CompiledMethodology; zones: Zone[]; demo: DemoData };

/** Loads the default methodology and zones and generates the demo data for `seed`. */
export function loadDefaultEvaluation(seed = 2025): DefaultEvaluation {
  const methodology = compileDefaultMethodology();
  const zones = loadZones();
  const demo = generateDemoData({ seed, years: DEMO_YEARS, methodology, zones });
  return { methodology, zones, demo };
}

/** One year of demo data as a Dataset, every typed cell parsed as an official's would be. */
export function demoDataset(ev: DefaultEvaluation, year: number): Dataset {
  const byZone = ev.demo.values[year];
  if (!byZone) throw new Error(`the demo data has no year ${year}`);
  const units = ev.zones.map((z) => z.zoneId);
  const numeric = new Map<string, Float64Array>();
  for (const ind of ev.methodology.indicators) {
    const col = new Float64Array(units.length);
    units.forEach((u, i) => {
      const parsed = parseField(byZone[u]?.[ind.code]?.typed ?? null, ind);
      if (!parsed.ok) throw new Error(`demo data for ${u}/${ind.code} does not parse: ${parsed.reason}`);
      col[i] = parsed.value ?? Number.NaN;
    });
    numeric.set(ind.code, col);
  }
  return { units, numeric, text: new Map() };
}
