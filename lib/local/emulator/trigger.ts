/**
 * The Apps Script installable onChange trigger, simulated: after an edit made as a person, a signed POST naming the
 * spreadsheet goes to the webhook, with the headers, body and per-spreadsheet key of DESIGN section 2. Edits made
 * through the API never fire it ("installable triggers ... do not fire for changes made by the API"). The body
 * names the editor, as a trigger does where `e.user` gives an email.
 */
import { deriveSheetKey, signalBody, signalHeaders } from '../../protocol/signature';

export type WebhookConfig = { url: string; masterSecret: string; timeoutMs?: number };

export type SignalRecord = { spreadsheetId: string; at: number; status?: number; error?: string };

export async function fireSignal(
  cfg: WebhookConfig,
  spreadsheetId: string,
  now = Date.now(),
  editor?: string,
): Promise<SignalRecord> {
  const body = signalBody(spreadsheetId, editor);
  const key = deriveSheetKey(cfg.masterSecret, spreadsheetId);
  const headers = signalHeaders(key, Math.floor(now / 1000), body);
  const record: SignalRecord = { spreadsheetId, at: now };
  try {
    const res = await fetch(cfg.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(cfg.timeoutMs ?? 10_000),
    });
    record.status = res.status;
    await res.arrayBuffer();
  } catch (e) {
    // Apps Script logs a failed UrlFetch and moves on; the reconcile poll is what catches a lost signal.
    record.error = (e as Error).message;
  }
  return record;
}
