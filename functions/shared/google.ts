/**
 * Google's clients on AWS, authenticated with the credentials secret (a service-account key or a Workload Identity
 * Federation configuration, told by its `type`). A rotated secret takes effect when the secret cache expires: the
 * clients are rebuilt when its text changes, and so is everything made over them (`perClients`).
 *
 * Only the functions that call Google import this file: it brings the Google clients (googleapis, the auth
 * library) into the bundle, several hundred KB the webhook must not carry (test/infra/bundles.test.ts).
 */
import { createGoogleClients, type GoogleClients, type GoogleCredentials } from '../../lib/sheets/client';
import { type CallerOptions, shareOf } from '../../lib/sheets/retry';
import { secretText } from './aws-secrets';
import { invocationDeadline, invocationStart } from './lambda';

/**
 * A Google call's retries: waits of at most 1, 2, 4, 8, 16, 16 s between 7 attempts (47 s of backoff; a Retry-After
 * hint can stretch one to 32 s). The attempts themselves (up to 10 s each) come on top, and a sync makes two to four
 * calls, so these numbers alone do not bound an invocation: its Google deadline does (`lambdaGoogleDeadline`, about a
 * minute for a sync, `SYNC_GOOGLE_BUDGET_MS`). Past it the record fails and comes back after RETRY_DELAY_SECONDS,
 * instead of the message waiting out the queue's whole visibility timeout.
 */
export const LAMBDA_GOOGLE_RETRY = { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 16_000 } as const;

/**
 * Each HTTP attempt's timeout on Lambda (the clients' default is 30 s). Sheets answers a form read or a results
 * write in a few seconds; one that has not answered in 10 is better retried, and seven of 30 s could not fit the
 * function's timeout at all.
 */
export const LAMBDA_GOOGLE_TIMEOUT_MS = 10_000;

/**
 * Time kept after Google's last attempt, before the function's timeout: the record is failed cleanly (logged,
 * counted, named in the partial batch response, its message made visible again for SQS's retry) instead of the
 * invocation being killed mid-write. No attempt starts, and no backoff wait begins, that could end inside it.
 */
export const LAMBDA_GOOGLE_RESERVE_MS = 10_000;

/**
 * Test-only: a local base URL for Google's APIs and token endpoint (the emulator's), so the shipped bundles can be
 * run against it (test/infra/bundles.test.ts). The stack never sets it (the infra tests check the template); it is
 * honoured only when present, and only for a loopback address, so a stray value cannot send the service account's
 * signed grant anywhere else.
 */
export const GOOGLE_ROOT_URL_SETTING = 'ZONE_EVAL_GOOGLE_ROOT_URL';

/** The test-only root URL of `GOOGLE_ROOT_URL_SETTING`, or undefined (Google's) when not set. */
export function googleRootUrl(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const value = env[GOOGLE_ROOT_URL_SETTING];
  if (value === undefined || value === '') return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new Error(
      `${GOOGLE_ROOT_URL_SETTING} is for tests against a local emulator: it must be an http:// URL on 127.0.0.1, localhost or [::1], not ${value} (unset it to call Google)`,
    );
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** Which kind of Google credentials a secret holds, from its JSON `type`. */
export function googleCredentials(text: string): GoogleCredentials {
  return /"type"\s*:\s*"external_account"/.test(text)
    ? { kind: 'external-account', config: text }
    : { kind: 'service-account', key: text };
}

let google: { text: string; clients: GoogleClients } | undefined;

/** Google's clients for the credentials secret, rebuilt only when the secret's text changed. */
export async function awsGoogle(
  config: { GOOGLE_SECRET_ID: string; SECRET_MAX_AGE_SECONDS: number; SHEETS_CONCURRENCY: number },
  calls: CallerOptions = {},
): Promise<GoogleClients> {
  const text = await secretText(config.GOOGLE_SECRET_ID, config.SECRET_MAX_AGE_SECONDS);
  if (google?.text !== text) {
    const rootUrl = googleRootUrl();
    google = {
      text,
      clients: createGoogleClients({
        credentials: googleCredentials(text),
        timeoutMs: LAMBDA_GOOGLE_TIMEOUT_MS,
        ...(rootUrl !== undefined && { rootUrl }),
        calls: {
          pace: shareOf(config.SHEETS_CONCURRENCY),
          retry: LAMBDA_GOOGLE_RETRY,
          deadline: () => lambdaGoogleDeadline(),
          ...calls,
        },
      }),
    };
  }
  return google.clients;
}

/**
 * How long a sync invocation retries Google, from its start: an outage of Google (or a quota spent by another
 * program) fails the sheet's record after about a minute, and it comes back after RETRY_DELAY_SECONDS, rather than
 * holding the sheet's FIFO group for most of the 3-minute timeout.
 */
export const SYNC_GOOGLE_BUDGET_MS = 60_000;

/**
 * When the running invocation's Google calls must have ended: its deadline less the reserve, and, given a
 * `budgetMs`, no later than that long after the invocation started; none outside Lambda. The caller starts no
 * attempt (nor a wait) that could end past it (lib/sheets/retry.ts).
 * Example: the sync function's `lambdaGoogleDeadline(SYNC_GOOGLE_BUDGET_MS)`, the evaluate function's
 * `lambdaGoogleDeadline()`.
 */
export function lambdaGoogleDeadline(budgetMs?: number): number | undefined {
  const deadline = invocationDeadline();
  if (deadline === undefined) return undefined;
  const reserved = deadline - LAMBDA_GOOGLE_RESERVE_MS;
  const started = invocationStart();
  return budgetMs === undefined || started === undefined ? reserved : Math.min(reserved, started + budgetMs);
}

/**
 * Deps rebuilt only when Google's clients were (a rotated secret): keyed by the clients object. The configuration is
 * passed through to `make` (it is the container's, read once at cold start, so it is not part of the key).
 */
export function perClients<D, C>(
  make: (clients: GoogleClients, config: C) => D,
): (clients: GoogleClients, config: C) => D {
  let last: { clients: GoogleClients; deps: D } | undefined;
  return (clients, config) => {
    if (last?.clients !== clients) last = { clients, deps: make(clients, config) };
    return last.deps;
  };
}
