import type { Indicator } from '../../../lib/core/methodology';
import { indicatorSchema } from '../../../lib/core/methodology';
import type { GridCell, TabGrid } from '../../../lib/sheets/grid';
import type { LayoutCell, TabLayout } from '../../../lib/sheets/layout';

export type Typed = string | number | boolean | null | GridCell;

/** A cell as Sheets returns it for a typed string, number or boolean (general format). */
export function cell(v: Typed): GridCell {
  if (v === null) return {};
  if (typeof v === 'string') return { effectiveValue: { stringValue: v }, formattedValue: v };
  if (typeof v === 'number') return { effectiveValue: { numberValue: v }, formattedValue: String(v) };
  if (typeof v === 'boolean')
    return { effectiveValue: { boolValue: v }, formattedValue: v ? 'TRUE' : 'FALSE' };
  return v;
}

/** A number cell with a PERCENT format, as Sheets stores a typed `17.35%`. */
export const percent = (fraction: number, shown: string): GridCell => ({
  effectiveValue: { numberValue: fraction },
  formattedValue: shown,
  effectiveFormat: { numberFormat: { type: 'PERCENT' } },
});

/** A formula error cell. */
export const formulaError = (type: string, shown: string): GridCell => ({
  effectiveValue: { errorValue: { type, message: shown } },
  formattedValue: shown,
});

export function grid(title: string, rows: Typed[][], tabId = 0): TabGrid {
  return {
    title,
    tabId,
    rowCount: Math.max(1000, rows.length),
    columnCount: 26,
    rows: rows.map((r) => r.map(cell)),
  };
}

/** A layout's cells as a grid (what provisioning writes, read back). */
export function layoutGrid(layout: TabLayout): TabGrid {
  return grid(
    layout.title,
    layout.rows.map((r) => r.map((c: LayoutCell) => c.value)),
  );
}

export function indicator(input: Partial<Indicator> & { code: string }): Indicator {
  return indicatorSchema.parse(input);
}

/** A fake clock: `sleep` moves time forward at once, and records each wait. */
export function fakeClock(start = 0) {
  const waits: number[] = [];
  let now = start;
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}
