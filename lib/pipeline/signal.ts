/**
 * The webhook's work as a plain function over ports (DESIGN section 2, step 1): verify a signed signal, find the
 * spreadsheet's evaluation in the index, count the signal (`ADD requested 1`) and send a sync message. No HTTP
 * framework here: the Lambda handler and the local runtime pass headers and body and map the outcome to a status
 * with `SIGNAL_HTTP_STATUS`.
 *
 * A signal is a hint: it never reads a sheet. Every refusal happens before anything is written or sent, so a
 * forged, replayed or malformed signal leaves no trace but its log line.
 */
import {
  DEFAULT_WINDOW_SECONDS,
  deriveSheetKey,
  MAX_SIGNAL_BODY_BYTES,
  parseSignalHeaders,
  SignalBodySchema,
  type SignalHeaders,
  signatureMatches,
  withinWindow,
} from '../protocol/signature';
import { jsonLogger, type Logger } from './log';
import { type MessageQueue, type SyncMessage, SyncMessageSchema } from './messages';
import type { SheetKind, SpreadsheetIndex, SubmissionStore } from './ports';
import { sendSync } from './send';

/** What `requestSync` needs: the sheet's counter and the sync queue. */
export type RequestSyncDeps = {
  store: Pick<SubmissionStore, 'requestSheet'>;
  queue: MessageQueue;
  now?: () => Date;
  log?: Logger;
};

export type RequestSyncInput = {
  evaluationId: string;
  spreadsheetId: string;
  /** What asks: `trigger` (a signal), `manual` (the admin's recompute), `reconcile`, `control`. */
  caller: string;
  /** The sync that reads it, when the caller knows (from the index); the sync stage looks it up otherwise. */
  kind?: Exclude<SheetKind, 'results'>;
  /** The person whose edit fired the signal, when known: it ends up in the revision. */
  editor?: string | null;
  /** When the chain started (the webhook's receipt of the signal); the request's own time otherwise. */
  signalledAt?: Date;
};

export type RequestSyncResult = { requested: number; dedupId: string; message: SyncMessage };

/**
 * Asks for a sync of one spreadsheet: `ADD requested 1` returns r, then the message goes to the sync queue with
 * group = spreadsheet id and dedup id `<spreadsheetId>#<r>` (never the id alone: SQS would drop the next edit for
 * 5 minutes). The signal, the admin's recompute and the reconcile poll all come through here.
 *
 * A crash between the two steps leaves `requested` above `synced` with no message: the reconcile poll re-sends it
 * after two minutes without progress.
 */
export async function requestSync(deps: RequestSyncDeps, req: RequestSyncInput): Promise<RequestSyncResult> {
  const log = deps.log ?? jsonLogger;
  const at = (deps.now ?? (() => new Date()))();
  const requested = await deps.store.requestSheet(req.evaluationId, req.spreadsheetId, at);
  const message = SyncMessageSchema.parse({
    evaluationId: req.evaluationId,
    spreadsheetId: req.spreadsheetId,
    requested,
    caller: req.caller,
    editor: req.editor ?? null,
    ...(req.kind && { kind: req.kind }),
    signalledAt: (req.signalledAt ?? at).toISOString(),
  });
  const dedupId = await sendSync(deps.queue, message);
  log.info('sync.requested', {
    evaluationId: req.evaluationId,
    spreadsheetId: req.spreadsheetId,
    caller: req.caller,
    requested,
    ...(req.kind && { kind: req.kind }),
  });
  return { requested, dedupId, message };
}

/** What the webhook needs: the counters, the index, the sync queue, and the master secret (fetched, cached). */
export type SignalDeps = RequestSyncDeps & {
  store: Pick<SubmissionStore, 'requestSheet'> & Pick<SpreadsheetIndex, 'findSpreadsheet'>;
  /** The master secret the per-spreadsheet keys derive from; the Lambda reads it from Secrets Manager via a cache. */
  masterSecret: () => Promise<string>;
  /** The replay window; 5 minutes unless a test says otherwise. */
  windowSeconds?: number;
};

export type SignalInput = {
  headers: SignalHeaders;
  /** The raw body as received (already base64-decoded by the handler when the event says so). */
  body: string;
  /** When the request arrived; `deps.now()` otherwise. */
  receivedAt?: Date;
};

/** Why a signal was refused; each has its own log line (`signal.<status>`). */
export type SignalRefusal =
  | 'missing-headers'
  | 'malformed-headers'
  | 'too-large'
  | 'stale'
  | 'bad-body'
  | 'bad-signature'
  | 'unknown-spreadsheet'
  | 'not-an-input';

export type SignalOutcome =
  | {
      status: 'accepted';
      evaluationId: string;
      spreadsheetId: string;
      kind: Exclude<SheetKind, 'results'>;
      /** The sheet's `requested` value after this signal: the sync message's dedup id is `<spreadsheetId>#<r>`. */
      requested: number;
      editor: string | null;
    }
  | { status: SignalRefusal; message: string; spreadsheetId?: string };

/**
 * The HTTP status for each outcome. 202: counted and queued, not yet read. A spreadsheet no evaluation knows is
 * 404 only after its signature checked out, so the index cannot be probed without a key.
 */
export const SIGNAL_HTTP_STATUS: Record<SignalOutcome['status'], number> = {
  accepted: 202,
  'missing-headers': 400,
  'malformed-headers': 400,
  'too-large': 413,
  stale: 401,
  'bad-body': 400,
  'bad-signature': 401,
  'unknown-spreadsheet': 404,
  'not-an-input': 422,
};

/**
 * Verifies a signal and, when it holds, asks for a sync of the spreadsheet it names. Order of the checks: headers,
 * size, replay window, body shape, signature (the body names the spreadsheet whose key checks it), then the index.
 * Throws only for system faults (the secret or the store unavailable), which the handler turns into a 5xx.
 */
export async function acceptSignal(deps: SignalDeps, input: SignalInput): Promise<SignalOutcome> {
  const log = deps.log ?? jsonLogger;
  const receivedAt = input.receivedAt ?? (deps.now ?? (() => new Date()))();
  const refuse = (status: SignalRefusal, message: string, spreadsheetId?: string): SignalOutcome => {
    log.warn(`signal.${status}`, { message, ...(spreadsheetId !== undefined && { spreadsheetId }) });
    return spreadsheetId === undefined ? { status, message } : { status, message, spreadsheetId };
  };

  const headers = parseSignalHeaders(input.headers);
  if (!headers.ok) return refuse(headers.reason, headers.message);

  const bytes = Buffer.byteLength(input.body, 'utf8');
  if (bytes > MAX_SIGNAL_BODY_BYTES)
    return refuse('too-large', `the body has ${bytes} bytes; at most ${MAX_SIGNAL_BODY_BYTES} are read`);

  const window = deps.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  if (!withinWindow(headers.timestamp, receivedAt.getTime(), window)) {
    const skew = Math.round(receivedAt.getTime() / 1000 - headers.timestamp);
    return refuse('stale', `the timestamp is ${skew} s from now; at most ${window} s are accepted`);
  }

  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch {
    return refuse('bad-body', 'the body is not JSON');
  }
  const parsed = SignalBodySchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return refuse('bad-body', `the body must be {"spreadsheetId", "editor"?}: ${issues}`.slice(0, 500));
  }
  const { spreadsheetId, editor } = parsed.data;

  const key = deriveSheetKey(await deps.masterSecret(), spreadsheetId);
  if (!signatureMatches(key, headers.timestampText, input.body, headers.signature))
    return refuse(
      'bad-signature',
      'the signature does not match the body under this spreadsheet’s key',
      spreadsheetId,
    );

  const entry = await deps.store.findSpreadsheet(spreadsheetId);
  if (entry === null)
    return refuse('unknown-spreadsheet', 'no evaluation has registered this spreadsheet', spreadsheetId);
  if (entry.kind === 'results')
    return refuse(
      'not-an-input',
      'a results spreadsheet is written by the system, never read',
      spreadsheetId,
    );

  const { requested } = await requestSync(deps, {
    evaluationId: entry.evaluationId,
    spreadsheetId,
    caller: 'trigger',
    kind: entry.kind,
    editor: editor ?? null,
    signalledAt: receivedAt,
  });
  log.info('signal.accepted', {
    evaluationId: entry.evaluationId,
    spreadsheetId,
    kind: entry.kind,
    requested,
  });
  return {
    status: 'accepted',
    evaluationId: entry.evaluationId,
    spreadsheetId,
    kind: entry.kind,
    requested,
    editor: editor ?? null,
  };
}
