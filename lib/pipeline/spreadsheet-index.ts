/**
 * Indexing the spreadsheets that the control sheet does not list. The control sync indexes the zone sheets and
 * the control sheet itself (`installMethodology`); the central-data and results spreadsheets are made by
 * provisioning, which indexes them here, together with the control sheet so that its very first edit already
 * finds the evaluation.
 */
import { mapLimit } from './concurrency';
import type { SpreadsheetIndex, SpreadsheetIndexEntry } from './ports';

export type ProvisionedSpreadsheets = {
  control?: string;
  /** The central departments' data spreadsheets. */
  central?: readonly string[];
  /** The results spreadsheet the evaluate stage publishes to. */
  results?: string;
};

/** Writes the index entries of an evaluation's non-zone spreadsheets; returns what it wrote. */
export async function indexProvisioned(
  index: Pick<SpreadsheetIndex, 'indexSpreadsheet'>,
  evaluationId: string,
  sheets: ProvisionedSpreadsheets,
): Promise<SpreadsheetIndexEntry[]> {
  const entry = (spreadsheetId: string, kind: SpreadsheetIndexEntry['kind']): SpreadsheetIndexEntry => ({
    spreadsheetId,
    evaluationId,
    kind,
    zoneId: null,
  });
  const entries = [
    ...(sheets.control ? [entry(sheets.control, 'control')] : []),
    ...(sheets.central ?? []).map((id) => entry(id, 'central')),
    ...(sheets.results ? [entry(sheets.results, 'results')] : []),
  ];
  await mapLimit(entries, 8, (e) => index.indexSpreadsheet(e));
  return entries;
}
