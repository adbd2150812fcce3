/** The data the engine scores: units (zones) as rows, numeric columns with NaN for missing, text columns for groups. */
export type Dataset = {
  units: string[];
  numeric: Map<string, Float64Array>;
  text: Map<string, string[]>;
};

/** A dataset from rows of numbers (null or undefined for missing), for tests and small callers. */
export function datasetFromRows(
  rows: Array<{
    id: string;
    values: Record<string, number | null | undefined>;
    groups?: Record<string, string>;
  }>,
): Dataset {
  const units = rows.map((r) => r.id);
  const numeric = new Map<string, Float64Array>();
  const text = new Map<string, string[]>();
  rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r.values)) {
      let col = numeric.get(k);
      if (!col) {
        col = new Float64Array(rows.length).fill(Number.NaN);
        numeric.set(k, col);
      }
      col[i] = v ?? Number.NaN;
    }
    for (const [k, v] of Object.entries(r.groups ?? {})) {
      let col = text.get(k);
      if (!col) {
        col = new Array<string>(rows.length).fill('');
        text.set(k, col);
      }
      col[i] = v;
    }
  });
  return { units, numeric, text };
}
