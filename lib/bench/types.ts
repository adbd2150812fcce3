import { fnv1a } from '../core/random';

/** One measured figure: `key` is the name in `npm run bench -- --json`. */
export type Figure = {
  key: string;
  value: number;
  unit: string;
  /** A digest of the results the timed work produced, so the work cannot be skipped or faked. */
  checksum?: string;
  /** The budget from DESIGN section 8, in the same unit, when there is one. */
  budget?: number;
  note?: string;
};

export type Suite = { name: string; run: (log: (line: string) => void) => Promise<Figure[]> };

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A short, order-sensitive digest of numbers (FNV-1a over their 6-decimal text). */
export function checksum(values: Iterable<number | string>): string {
  let h: number | undefined;
  for (const v of values) {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(6) : String(v)) : v;
    h = fnv1a(`${s},`, h);
  }
  return (h ?? fnv1a('')).toString(16).padStart(8, '0');
}
