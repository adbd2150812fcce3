/**
 * Signing of the edit signal (DESIGN section 2): the Apps Script trigger, the emulator's simulated trigger and the
 * webhook Lambda share these functions, so a signature made by one is checked by the same code that made it.
 *
 * Keys and secrets are used as UTF-8 text, not decoded from hex, because Apps Script's
 * `Utilities.computeHmacSha256Signature(value, key)` takes the key as a string: the script stores the hex key in
 * its properties and signs with that text.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-zone-eval-timestamp';
export const SIGNATURE_HEADER = 'x-zone-eval-signature';
export const SIGNATURE_VERSION = 'v1';
export const DEFAULT_WINDOW_SECONDS = 300;

/** The per-spreadsheet key: hex HMAC-SHA256(masterSecret, spreadsheetId). */
export function deriveSheetKey(masterSecret: string, spreadsheetId: string): string {
  return createHmac('sha256', masterSecret).update(spreadsheetId, 'utf8').digest('hex');
}

/** `v1=<hex HMAC-SHA256(key, timestamp + "." + body)>`; `timestamp` in unix seconds. */
export function signSignal(key: string, timestamp: number | string, body: string): string {
  const mac = createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/** The body of a signal: it names a spreadsheet and nothing else. */
export function signalBody(spreadsheetId: string): string {
  return JSON.stringify({ spreadsheetId });
}

/** The headers a signal carries, ready for `fetch`. */
export function signalHeaders(key: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestampSeconds),
    [SIGNATURE_HEADER]: signSignal(key, timestampSeconds, body),
  };
}

export type VerifyFailure =
  | 'missing-headers'
  | 'bad-timestamp'
  | 'outside-window'
  | 'bad-body'
  | 'bad-signature';

export type VerifyResult =
  | { ok: true; timestamp: number; spreadsheetId?: string }
  | { ok: false; reason: VerifyFailure; message: string };

type Headers = Record<string, string | string[] | undefined>;

export type VerifyInput = {
  /** The spreadsheet's own key, or the master secret from which it is derived with the body's spreadsheetId. */
  secret: { key: string } | { masterSecret: string };
  headers: Headers;
  body: string;
  /** Milliseconds since the epoch, as `Date.now()`. */
  now: number;
  windowSeconds?: number;
};

function header(headers: Headers, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function fail(reason: VerifyFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}

/** Checks a signal's timestamp window and signature in constant time; never throws on hostile input. */
export function verifySignal(input: VerifyInput): VerifyResult {
  const ts = header(input.headers, TIMESTAMP_HEADER);
  const sig = header(input.headers, SIGNATURE_HEADER);
  if (!ts || !sig)
    return fail('missing-headers', `both ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required`);
  if (!/^\d{1,12}$/.test(ts))
    return fail('bad-timestamp', `timestamp '${ts.slice(0, 20)}' is not unix seconds`);
  const timestamp = Number(ts);
  const window = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  if (Math.abs(input.now / 1000 - timestamp) > window) {
    return fail('outside-window', `timestamp is more than ${window} s away from now`);
  }
  let key: string;
  let spreadsheetId: string | undefined;
  if ('key' in input.secret) key = input.secret.key;
  else {
    spreadsheetId = spreadsheetIdOf(input.body);
    if (!spreadsheetId) return fail('bad-body', 'the body must be {"spreadsheetId": "..."}');
    key = deriveSheetKey(input.secret.masterSecret, spreadsheetId);
  }
  const expected = Buffer.from(signSignal(key, ts, input.body), 'utf8');
  const given = Buffer.from(sig.trim(), 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of where they differ.
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  if (!same) return fail('bad-signature', 'the signature does not match');
  return spreadsheetId === undefined ? { ok: true, timestamp } : { ok: true, timestamp, spreadsheetId };
}

function spreadsheetIdOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'spreadsheetId' in parsed) {
      const id = (parsed as { spreadsheetId: unknown }).spreadsheetId;
      if (typeof id === 'string' && id.length > 0 && id.length <= 200) return id;
    }
  } catch {
    // A body that is not JSON is reported as bad-body below.
  }
  return undefined;
}
