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

/**
 * A sync or evaluate invocation retries Google for at most about a minute (backoffs of at most 1, 2, 4, 8, 16, 16 s:
 * 47 s in all); past that the record fails and comes back after RETRY_DELAY_SECONDS, instead of the invocation
 * outliving its timeout and the message waiting out the queue's whole visibility timeout.
 */
export const LAMBDA_GOOGLE_RETRY = { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 16_000 } as const;

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
    google = {
      text,
      clients: createGoogleClients({
        credentials: googleCredentials(text),
        calls: { pace: shareOf(config.SHEETS_CONCURRENCY), retry: LAMBDA_GOOGLE_RETRY, ...calls },
      }),
    };
  }
  return google.clients;
}

/** Deps rebuilt only when Google's clients were (a rotated secret): keyed by the clients object. */
export function perClients<D>(make: (clients: GoogleClients) => D): (clients: GoogleClients) => D {
  let last: { clients: GoogleClients; deps: D } | undefined;
  return (clients) => {
    if (last?.clients !== clients) last = { clients, deps: make(clients) };
    return last.deps;
  };
}
