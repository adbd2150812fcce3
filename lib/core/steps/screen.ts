export type ScreenLog = { unit: string; availability: number }[];

/** Share of the indicators each unit has a value for. */
export function availability(cols: Float64Array[], n: number): Float64Array {
  const a = new Float64Array(n);
  if (!cols.length) return a;
  for (const col of cols) for (let i = 0; i < n; i++) if (col[i] === col[i]) a[i]! += 1;
  for (let i = 0; i < n; i++) a[i]! /= cols.length;
  return a;
}

/** Keeps the units whose data availability is at least `minAvailability`; the log lists those dropped. */
export function screen(
  cols: Float64Array[],
  units: string[],
  minAvailability: number,
): { keep: number[]; availability: Float64Array; log: ScreenLog } {
  const avail = availability(cols, units.length);
  const keep: number[] = [];
  const log: ScreenLog = [];
  for (let i = 0; i < units.length; i++) {
    if (avail[i]! >= minAvailability - 1e-12) keep.push(i);
    else log.push({ unit: units[i]!, availability: avail[i]! });
  }
  return { keep, availability: avail, log };
}

/** The rows `keep` of each column. */
export function selectRows(cols: Float64Array[], keep: number[]): Float64Array[] {
  return cols.map((col) => {
    const out = new Float64Array(keep.length);
    for (let k = 0; k < keep.length; k++) out[k] = col[keep[k]!]!;
    return out;
  });
}
