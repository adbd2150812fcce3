/**
 * Signing of the edit signal (DESIGN section 2): the Apps Script trigger, the emulator's simulated trigger and the
 * webhook share these functions, so a signature made by one is checked by the same code that made it. Protocol
 * code, not scoring: it lives apart from lib/core.
 *
 * Keys and secrets are used as UTF-8 text, not decoded from hex, because Apps Script's
 * `Utilities.computeHmacSha256Signature(value, key)` takes the key as a string: the script stores the hex key in
 * its properties and signs with that text.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../core/zod';

export const TIMESTAMP_HEADER = 'x-zone-eval-timestamp';
export const SIGNATURE_HEADER = 'x-zone-eval-signature';
export const SIGNATURE_VERSION = 'v1';
export const DEFAULT_WINDOW_SECONDS = 300;
/** Larger bodies are refused before they are parsed or hashed: a real signal is under 200 bytes. */
export const MAX_SIGNAL_BODY_BYTES = 64 * 1024;

/**
 * The body of a signal: the spreadsheet, and the editor's email where the trigger knows it. Strict: a body with
 * any other key was not made by our trigger. Spreadsheet ids are Drive ids (letters, digits, `-`, `_`), which also
 * keeps them usable in store keys and SQS group ids.
 */
export const SignalBodySchema = z.strictObject({
  spreadsheetId: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'a Drive file id (letters, digits, - and _)')),
  editor: z.optional(z.email().check(z.maxLength(320))),
});
export type SignalBody = z.infer<typeof SignalBodySchema>;

/** The per-spreadsheet key: hex HMAC-SHA256(masterSecret, spreadsheetId). */
export function deriveSheetKey(masterSecret: string, spreadsheetId: string): string {
  return createHmac('sha256', masterSecret).update(spreadsheetId, 'utf8').digest('hex');
}

/** `v1=<hex HMAC-SHA256(key, timestamp + "." + body)>`; `timestamp` in unix seconds. */
export function signSignal(key: string, timestamp: number | string, body: string): string {
  const mac = createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/** The body of a signal: it names a spreadsheet, and the editor when the trigger knows who edited. */
export function signalBody(spreadsheetId: string, editor?: string | null): string {
  return JSON.stringify(editor ? { spreadsheetId, editor } : { spreadsheetId });
}

/** The headers a signal carries, ready for `fetch`. */
export function signalHeaders(key: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestampSeconds),
    [SIGNATURE_HEADER]: signSignal(key, timestampSeconds, body),
  };
}

export type SignalHeaders = Record<string, string | string[] | undefined>;

/** A header by name, whatever its case (HTTP header names are case-insensitive; Function URLs lower-case them). */
export function headerValue(headers: SignalHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = new RegExp(`^${SIGNATURE_VERSION}=[0-9a-f]{64}$`);

export type ParsedSignalHeaders =
  /** `timestampText` as sent: the signature covers the header's text, not the number. */
  | { ok: true; timestamp: number; timestampText: string; signature: string }
  | { ok: false; reason: 'missing-headers' | 'malformed-headers'; message: string };

/** Both headers present and well formed: unix seconds, and `v1=` with 64 lower-case hex digits. */
export function parseSignalHeaders(headers: SignalHeaders): ParsedSignalHeaders {
  const ts = headerValue(headers, TIMESTAMP_HEADER)?.trim();
  const sig = headerValue(headers, SIGNATURE_HEADER)?.trim();
  if (!ts || !sig) {
    const missing = [!ts && TIMESTAMP_HEADER, !sig && SIGNATURE_HEADER].filter(Boolean).join(' and ');
    return { ok: false, reason: 'missing-headers', message: `missing ${missing}` };
  }
  if (!TIMESTAMP.test(ts))
    return {
      ok: false,
      reason: 'malformed-headers',
      message: `${TIMESTAMP_HEADER} '${ts.slice(0, 20)}' is not unix seconds`,
    };
  if (!SIGNATURE.test(sig))
    return {
      ok: false,
      reason: 'malformed-headers',
      message: `${SIGNATURE_HEADER} is not ${SIGNATURE_VERSION}=<64 hex digits>`,
    };
  return { ok: true, timestamp: Number(ts), timestampText: ts, signature: sig };
}

/** True when `timestampSeconds` is within `windowSeconds` of `nowMs` (either side: clocks drift both ways). */
export function withinWindow(
  timestampSeconds: number,
  nowMs: number,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
) {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= windowSeconds;
}

/** Compares a given signature with the expected one in constant time; never throws on hostile input. */
export function signatureMatches(
  key: string,
  timestamp: number | string,
  body: string,
  given: string,
): boolean {
  const expected = Buffer.from(signSignal(key, timestamp, body), 'utf8');
  const actual = Buffer.from(given.trim(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals only the (public) length of a signature.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
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

export type VerifyInput = {
  /** The spreadsheet's own key, or the master secret from which it is derived with the body's spreadsheetId. */
  secret: { key: string } | { masterSecret: string };
  headers: SignalHeaders;
  body: string;
  /** Milliseconds since the epoch, as `Date.now()`. */
  now: number;
  windowSeconds?: number;
};

function fail(reason: VerifyFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}

/**
 * Checks a signal's timestamp window and signature in constant time; never throws on hostile input. The webhook
 * uses the finer steps (`acceptSignal` in lib/pipeline/signal.ts); this one-call form serves tests and tools.
 */
export function verifySignal(input: VerifyInput): VerifyResult {
  const ts = headerValue(input.headers, TIMESTAMP_HEADER);
  const sig = headerValue(input.headers, SIGNATURE_HEADER);
  if (!ts || !sig)
    return fail('missing-headers', `both ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required`);
  if (!TIMESTAMP.test(ts)) return fail('bad-timestamp', `timestamp '${ts.slice(0, 20)}' is not unix seconds`);
  const timestamp = Number(ts);
  const window = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  if (!withinWindow(timestamp, input.now, window)) {
    return fail('outside-window', `timestamp is more than ${window} s away from now`);
  }
  let key: string;
  let spreadsheetId: string | undefined;
  if ('key' in input.secret) key = input.secret.key;
  else {
    spreadsheetId = parseSignalBody(input.body)?.spreadsheetId;
    if (!spreadsheetId)
      return fail('bad-body', 'the body must be {"spreadsheetId": "...", "editor"?: "..."}');
    key = deriveSheetKey(input.secret.masterSecret, spreadsheetId);
  }
  if (!signatureMatches(key, ts, input.body, sig))
    return fail('bad-signature', 'the signature does not match');
  return spreadsheetId === undefined ? { ok: true, timestamp } : { ok: true, timestamp, spreadsheetId };
}

/** The body as `SignalBodySchema` says, or null for anything else (not JSON, another shape). */
export function parseSignalBody(body: string): SignalBody | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = SignalBodySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
