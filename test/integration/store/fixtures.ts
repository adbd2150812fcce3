import { createHash } from 'node:crypto';
import type { CurrentValues, RevisionDraft, ZoneValues } from '../../../lib/pipeline/ports';

export const EVAL = '2024';
export const AT = '2024-11-05T08:00:00.000Z';

/** Values of n indicators, each derived from seed so that different seeds give different content. */
export function values(seed: number, n = 45, noteBytes = 0): ZoneValues {
  const out: ZoneValues = {};
  for (let i = 1; i <= n; i++) {
    const value = Math.round((seed * 7.31 + i * 1.7) * 100) / 100;
    out[`I${String(i).padStart(2, '0')}`] = {
      value,
      text: value.toLocaleString('en-US'),
      ...(noteBytes > 0 ? { note: 'x'.repeat(noteBytes) } : {}),
    };
  }
  return out;
}

export function hashOf(v: ZoneValues): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex');
}

/** Current values from revision `revSeq` of a read of `sheet-hangzhou`; by default the read's snapshot is `revSeq`. */
export function current(
  zoneId: string,
  revSeq: number,
  seed = revSeq,
  noteBytes = 0,
  read: { spreadsheetId?: string | null; readSeq?: number; mappingSeq?: number } = {},
): CurrentValues {
  const v = values(seed, 45, noteBytes);
  return {
    zoneId,
    revSeq,
    mappingSeq: read.mappingSeq ?? 1,
    spreadsheetId: read.spreadsheetId === undefined ? 'sheet-hangzhou' : read.spreadsheetId,
    readSeq: read.readSeq ?? revSeq,
    contentHash: hashOf(v),
    values: v,
    updatedAt: AT,
  };
}

export function draft(seed: number, overrides: Partial<RevisionDraft> = {}): RevisionDraft {
  const v = values(seed);
  return {
    values: v,
    contentHash: hashOf(v),
    spreadsheetId: 'sheet-hangzhou',
    driveVersion: String(100 + seed),
    readSeq: seed,
    caller: 'trigger',
    editor: 'official@hangzhou.example',
    at: AT,
    ...overrides,
  };
}
