/**
 * An evaluation ready to score on the local stack without syncing sheets: the default methodology with quotas for
 * a few zones, the zones' current values and the customs tab stored as the sync stages would store them, and the
 * results spreadsheet provisioned.
 */

import type { Methodology } from '../../../lib/core/methodology';
import { parseField } from '../../../lib/core/values';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { installMethodology } from '../../../lib/pipeline/control';
import type { ControlZone, CurrentValues, SubmittedValue } from '../../../lib/pipeline/ports';
import { contentHash } from '../../../lib/protocol/hash';

export const ev = loadDefaultEvaluation(7);

/** The local stack these tests score on: no quota, no pacing, and retries quick and few, so a failure shows fast. */
export const startQuickStack = (): Promise<LocalStack> =>
  startLocalStack({
    emulator: { quota: 'off' },
    calls: { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }, pace: false },
  });

/** The default methodology with quotas for `n` zones and a short uncertainty analysis. */
export function smallMethodology(n: number, extra: Partial<Methodology> = {}): Methodology {
  const spec = structuredClone(ev.methodology.spec);
  const a = Math.max(1, Math.round(n * 0.1));
  const d = Math.max(1, Math.round(n * 0.05));
  const b = Math.round((n - a - d) / 2);
  const counts = [a, b, n - a - b - d, d];
  spec.grade.grades = spec.grade.grades.map((g, k) => ({ ...g, count: counts[k]! }));
  if (spec.uncertainty) spec.uncertainty.runs = 50;
  return { ...spec, ...extra };
}

/** A zone's values of `year` as stored by the syncs: its own indicators, and each central tab's. */
export function typedValues(zoneId: string, year = 2025) {
  const zone: Record<string, SubmittedValue> = {};
  const central: Record<string, Record<string, SubmittedValue>> = {};
  for (const ind of ev.methodology.indicators) {
    const typed = ev.demo.values[year]![zoneId]?.[ind.code]?.typed ?? null;
    const parsed = parseField(typed, ind);
    if (!parsed.ok) throw new Error(`${zoneId}/${ind.code}: ${parsed.reason}`);
    const value = { value: parsed.value, text: String(typed ?? '') };
    if (ind.source === 'zone') zone[ind.code] = value;
    else (central[ind.source.slice('central:'.length)] ??= {})[ind.code] = value;
  }
  return { zone, central };
}

export function current(zoneId: string, values: Record<string, SubmittedValue>, revSeq = 1): CurrentValues {
  return {
    zoneId,
    revSeq,
    mappingSeq: 1,
    spreadsheetId: `sheet-${zoneId}`,
    readSeq: revSeq,
    contentHash: contentHash(values),
    values,
    updatedAt: '2025-03-01T08:00:00.000Z',
    editor: `official@${zoneId}.zone-eval.test`,
  };
}

export type Seeded = { resultsId: string; zones: ControlZone[] };

/**
 * Installs `methodology` for `zones` of evaluation `e`, stores every zone's values except those in `without`, the
 * customs tab, and records a fresh results spreadsheet. `rename` replaces zones' English names (formula text).
 */
export async function seedEvaluation(
  stack: LocalStack,
  e: string,
  methodology: Methodology,
  zoneIds: readonly string[],
  options: { without?: string[]; rename?: Record<string, string>; year?: number } = {},
): Promise<Seeded> {
  const { resultsId } = await provisionEvaluation(stack, methodology, [], undefined, undefined, {
    results: true,
  });
  if (resultsId === null) throw new Error('no results spreadsheet was provisioned');
  const zones: ControlZone[] = zoneIds.map((id) => {
    const z = ev.zones.find((x) => x.zoneId === id)!;
    return {
      zoneId: id,
      nameEn: options.rename?.[id] ?? z.nameEn,
      nameZh: z.nameZh,
      province: z.provinceEn,
      batch: z.batch,
      spreadsheetId: `sheet-${id}`,
      editors: [],
    };
  });
  await installMethodology(stack.store, e, {
    methodology: methodology as unknown as Record<string, unknown>,
    zones,
    spreadsheetId: null,
    at: '2025-03-01T08:00:00.000Z',
  });
  const tabs: Record<string, Record<string, Record<string, SubmittedValue>>> = {};
  const currents: CurrentValues[] = [];
  for (const id of zoneIds) {
    const { zone, central } = typedValues(id, options.year);
    for (const [tab, values] of Object.entries(central)) (tabs[tab] ??= {})[id] = values;
    if (!options.without?.includes(id)) currents.push(current(id, zone));
  }
  await stack.store.seedCurrent(e, currents);
  for (const [tab, zones] of Object.entries(tabs))
    await stack.store.putCentralTab(e, {
      tab,
      spreadsheetId: 'central-sheet',
      zones,
      contentHash: contentHash(zones),
      readSeq: 1,
      updatedAt: '2025-03-01T08:00:00.000Z',
    });
  await stack.store.setResultsSpreadsheet(e, resultsId);
  await stack.store.requestEvaluation(e);
  return { resultsId, zones };
}
