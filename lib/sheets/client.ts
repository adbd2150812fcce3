/**
 * The Google clients, created once per Lambda container: Sheets v4 and Drive v3 from `@googleapis/*`, authenticated
 * with a service-account key (from a secret), a Workload Identity Federation config (no key at all: the Lambda's
 * AWS role is exchanged for a Google token), or a bearer token for the emulator. The clients' own retries are off:
 * `ApiCaller` retries every method, POST included, with pacing.
 */
import { drive, type drive_v3 } from '@googleapis/drive';
import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import * as z from '../core/zod';
import { isCredentialsPlaceholder } from '../infra/contract';
import { ApiCaller, type CallerOptions } from './retry';

export const SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/drive',
] as const;

/** A service-account key as the JSON Google issues (only the fields used are checked). */
const serviceAccountKeySchema = z.looseObject({
  type: z.literal('service_account', { error: "a service-account key has type 'service_account'" }),
  client_email: z.string().check(z.minLength(1)),
  private_key: z.string().check(z.minLength(1)),
  private_key_id: z.optional(z.string()),
  project_id: z.optional(z.string()),
});

/** An external-account (Workload Identity Federation) configuration, as `gcloud iam workload-identity-pools create-cred-config` writes it. */
const externalAccountSchema = z.looseObject({
  type: z.literal('external_account', {
    error: "a Workload Identity Federation config has type 'external_account'",
  }),
  audience: z.string().check(z.minLength(1)),
  subject_token_type: z.string().check(z.minLength(1)),
  token_url: z.string().check(z.minLength(1)),
  service_account_impersonation_url: z.optional(z.string()),
});

export type GoogleCredentials =
  /** The key's JSON text (as stored in Secrets Manager) or the parsed object. */
  | { kind: 'service-account'; key: string | Record<string, unknown> }
  /** The credential configuration's JSON text or object. */
  | { kind: 'external-account'; config: string | Record<string, unknown> }
  /** A ready access token; the emulator takes the caller's email address as the token. */
  | { kind: 'bearer'; token: string };

export type ClientOptions = {
  credentials: GoogleCredentials;
  /**
   * Base URL of both APIs and of the OAuth token endpoint (`<rootUrl>token`, where a service-account key's signed
   * grant goes), e.g. the emulator's `http://127.0.0.1:8085/`; Google's when absent.
   */
  rootUrl?: string;
  /** Per-request timeout; a timed-out request counts as a network fault and is retried. 30 s when absent. */
  timeoutMs?: number;
  /** Retries and pacing. */
  calls?: CallerOptions;
  /** Transport override for tests. */
  fetchImplementation?: typeof fetch;
};

export type GoogleClients = { sheets: sheets_v4.Sheets; drive: drive_v3.Drive; calls: ApiCaller };

/** One spreadsheets.batchUpdate through the caller (its retries, pacing and errors), answering only the id. */
export async function batchUpdate(
  clients: Pick<GoogleClients, 'sheets' | 'calls'>,
  spreadsheetId: string,
  requests: sheets_v4.Schema$Request[],
): Promise<void> {
  await clients.calls.call(
    { name: 'sheets.spreadsheets.batchUpdate', kind: 'sheets.write', fileId: spreadsheetId },
    () =>
      clients.sheets.spreadsheets.batchUpdate({
        spreadsheetId,
        fields: 'spreadsheetId',
        requestBody: { requests },
      }),
  );
}

/** Reads JSON text or an object through a schema; a clear error names what is wrong with the secret. */
function parseSecret<S extends z.core.$ZodType>(
  what: string,
  value: string | Record<string, unknown>,
  schema: S,
): z.output<S> {
  let json: unknown = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch (e) {
      throw new Error(`The ${what} is not valid JSON`, { cause: e });
    }
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The ${what} is not usable: ${issue?.path.join('.') || '(top level)'} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

type AuthClient = sheets_v4.Options['auth'];

/** Google's OAuth token endpoint, where google-auth-library posts a service account's signed grant. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** How the auth library's token requests are sent: `createGoogleClients`' root URL, fetch and timeout. */
type TokenTransport = { rootUrl?: string; fetchImplementation?: typeof fetch; timeoutMs?: number };

/**
 * Token requests an access token costs at most (one a service-account key, the STS exchange and the impersonation
 * for Workload Identity Federation), each bounded by the timeout: an attempt that needs a new token takes longer.
 */
const TOKEN_REQUESTS: Record<GoogleCredentials['kind'], number> = {
  bearer: 0,
  'service-account': 1,
  'external-account': 2,
};

/**
 * The fetch of the auth library's own requests (the token exchange). Node's fetch, as for the API calls (gaxios
 * would otherwise import node-fetch); with a root URL, Google's token endpoint is replaced by `<rootUrl>token`. The
 * auth library (gtoken) posts to Google's token URL whatever the key's `token_uri` says, so this is where it moves.
 */
function tokenFetch(transport: TokenTransport): typeof fetch {
  const fetchImpl = transport.fetchImplementation ?? fetch;
  if (transport.rootUrl === undefined) return fetchImpl;
  const moved = new URL('token', transport.rootUrl).toString();
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return fetchImpl(url === GOOGLE_TOKEN_URL ? moved : input, init);
  };
}

/**
 * The auth client for a set of credentials. Throws when the credentials cannot be used at all (a deploy bug).
 * `transport` is `createGoogleClients`' root URL and fetch, for the token requests of a service-account key.
 */
export function authFor(
  credentials: GoogleCredentials,
  transport: TokenTransport = {},
): NonNullable<AuthClient> {
  // gaxios sets no timeout of its own: a token request that hangs would hold the call without one.
  const timeout = transport.timeoutMs === undefined ? {} : { timeout: transport.timeoutMs };
  // The secret as the deployment created it: a step of the admin guide not done yet, said as such.
  const secret =
    credentials.kind === 'service-account'
      ? credentials.key
      : credentials.kind === 'external-account'
        ? credentials.config
        : null;
  if (
    secret !== null &&
    isCredentialsPlaceholder(typeof secret === 'string' ? secret : JSON.stringify(secret))
  )
    throw new Error(
      'Google credentials not filled in: the secret still holds the placeholder the deployment created; put a service-account key or a Workload Identity Federation configuration in it (README: the admin guide)',
    );
  switch (credentials.kind) {
    case 'service-account': {
      const key = parseSecret('service-account key', credentials.key, serviceAccountKeySchema);
      return new auth.GoogleAuth({
        credentials: key,
        scopes: [...SCOPES],
        clientOptions: { transporterOptions: { fetchImplementation: tokenFetch(transport), ...timeout } },
      });
    }
    case 'external-account': {
      const config = parseSecret(
        'Workload Identity Federation config',
        credentials.config,
        externalAccountSchema,
      );
      return new auth.GoogleAuth({
        credentials: config,
        scopes: [...SCOPES],
        clientOptions: { transporterOptions: { ...timeout } },
      });
    }
    case 'bearer': {
      const client = new auth.OAuth2();
      // No expiry and no refresh token: the token is used as it is, which is what the emulator and a CLI need.
      client.setCredentials({ access_token: credentials.token });
      return client;
    }
  }
}

/** Creates the Sheets and Drive clients and the caller that paces and retries their requests. */
export function createGoogleClients(options: ClientOptions): GoogleClients {
  const timeout = options.timeoutMs ?? 30_000;
  const authClient = authFor(options.credentials, {
    ...(options.rootUrl !== undefined && { rootUrl: options.rootUrl }),
    ...(options.fetchImplementation && { fetchImplementation: options.fetchImplementation }),
    timeoutMs: timeout,
  });
  const common = {
    auth: authClient,
    // Retries are ApiCaller's: with both, a 429 on a GET would be retried 3 x 7 times, and a POST not at all.
    retry: false,
    timeout,
    ...(options.rootUrl === undefined ? {} : { rootUrl: options.rootUrl }),
    // Node's own fetch: gaxios would otherwise import node-fetch dynamically, which fails under jest's VM.
    fetchImplementation: options.fetchImplementation ?? fetch,
  };
  return {
    sheets: sheets({ version: 'v4', ...common }),
    drive: drive({ version: 'v3', ...common }),
    // The caller's deadline (if any) leaves room for a whole attempt: the request, and the token it may need first.
    calls: new ApiCaller({
      attemptTimeoutMs: timeout * (1 + TOKEN_REQUESTS[options.credentials.kind]),
      ...options.calls,
    }),
  };
}
