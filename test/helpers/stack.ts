/** What the integration tests of the pipeline's stages take from a local stack. */
import type { LocalStack } from '../../lib/local/stack';
import { silentLogger } from '../../lib/pipeline/log';

/** A sync stage's dependencies on the local stack (store, reader, feedback writer), with a silent log. */
export const syncDeps = (stack: LocalStack) => ({
  store: stack.store,
  reader: stack.reader,
  feedback: stack.feedback,
  log: silentLogger,
});

/** A tab's values as text, through Google's client: a line a row, cells joined by ` | `. */
export async function tabText(stack: LocalStack, spreadsheetId: string, range: string): Promise<string> {
  const res = await stack.google.sheets.spreadsheets.values.get({ spreadsheetId, range });
  return (res.data.values ?? []).map((r) => r.join(' | ')).join('\n');
}
