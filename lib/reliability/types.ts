import * as z from 'zod';

/**
 * The figures `npm run reliability -- --json` prints on one line. Each suite fills in the keys it owns;
 * the runner adds them up. `lost` must be 0 for the figures to be worth reporting.
 */
export const ReliabilityFigures = z.strictObject({
  faults_injected: z.number().int().nonnegative(),
  faults_survived: z.number().int().nonnegative(),
  bad_inputs_tried: z.number().int().nonnegative(),
  bad_inputs_handled: z.number().int().nonnegative(),
  forgeries_tried: z.number().int().nonnegative(),
  forgeries_refused: z.number().int().nonnegative(),
  edits_sent: z.number().int().nonnegative(),
  edits_reflected: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
  load_edit_to_publish_p95_ms: z.number().nonnegative().nullable(),
  rss_growth_pct: z.number().nullable(),
});
export type ReliabilityFigures = z.infer<typeof ReliabilityFigures>;

/** What one suite reports: its share of the figures, and a sentence per case that did not end as expected. */
export interface SuiteReport {
  figures: Partial<ReliabilityFigures>;
  /** One line per case whose outcome was not the expected one (empty when every case passed). */
  failures: string[];
}

export interface SuiteOptions {
  /** Progress lines for a person (stderr in the CLI); suites call it at least once per case group. */
  progress: (line: string) => void;
  /** Smaller runs for `npm test`; the CLI runs at full size. */
  scale: 'full' | 'quick';
}

export interface ReliabilitySuite {
  name: 'faults' | 'bad-inputs' | 'security' | 'load';
  run(options: SuiteOptions): Promise<SuiteReport>;
}
