/**
 * Google's OAuth 2.0 token endpoint for service accounts (`POST /token`, the JWT-bearer grant of RFC 7523), so a
 * real service-account key can be used against the emulator: google-auth-library signs a JWT with the key's private
 * key and posts it here, as it posts it to `https://oauth2.googleapis.com/token` in production ("Using OAuth 2.0 for
 * Server to Server Applications"). The emulator issues keys itself (`Emulator.serviceAccountKey`), keeps their
 * public halves, and checks the assertion's signature, issuer, audience and lifetime as Google does; the access
 * token it answers is the service account's email, which is how every other route knows its caller.
 *
 * Keys live in memory only: after a restart a key issued before it is refused (`invalid_grant`), like a deleted key.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, verify } from 'node:crypto';
import { ApiError } from './errors';
import { isServiceAccount, path, type Route } from './http';

/** Google's token endpoint: the audience gtoken signs for, whatever URL it posts to. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google refuses an assertion valid for longer than an hour, and allows a few minutes of clock skew. */
const MAX_LIFETIME_S = 3600;
const SKEW_S = 300;

/** A service-account key as Google's console downloads it. */
export type ServiceAccountKey = {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  universe_domain: 'googleapis.com';
};

/** An OAuth error in the token endpoint's shape (`{"error", "error_description"}`), answered with 400. */
export const grantError = (error: string, description: string) =>
  new ApiError(400, 'INVALID_ARGUMENT', description, undefined, error);

/** The public halves of the keys the emulator issued, by service account. */
export class ServiceAccountKeys {
  private readonly keys = new Map<string, { id: string; publicKey: KeyObject }[]>();

  /** A new key for `email` (a service account's address), whose `token_uri` is the emulator's `/token`. */
  issue(email: string, emulatorUrl: string): ServiceAccountKey {
    if (!isServiceAccount(email))
      throw new Error(`${email} is not a service account's address (name@project.iam.gserviceaccount.com)`);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = randomUUID().replaceAll('-', '');
    const list = this.keys.get(email.toLowerCase()) ?? [];
    list.push({ id, publicKey });
    this.keys.set(email.toLowerCase(), list);
    return {
      type: 'service_account',
      project_id: email.split('@')[1]?.split('.')[0] ?? 'emulator',
      private_key_id: id,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(Math.floor(Math.random() * 1e20)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${emulatorUrl.replace(/\/$/, '')}/token`,
      universe_domain: 'googleapis.com',
    };
  }

  /**
   * The service account a JWT-bearer assertion authenticates; throws the token endpoint's `invalid_grant` for a bad
   * signature, an unknown issuer, another audience, or a lifetime Google would refuse.
   */
  verify(assertion: string, audiences: readonly string[], nowS = Math.floor(Date.now() / 1000)): string {
    const parts = assertion.split('.');
    if (parts.length !== 3) throw grantError('invalid_grant', 'Invalid JWT: not three dot-separated parts.');
    const [h = '', p = '', s = ''] = parts;
    let header: { alg?: unknown; kid?: unknown };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      throw grantError('invalid_grant', 'Invalid JWT: the header or the claims are not JSON.');
    }
    if (header.alg !== 'RS256')
      throw grantError('invalid_grant', 'Invalid JWT: the algorithm must be RS256.');
    const iss = typeof claims['iss'] === 'string' ? claims['iss'].toLowerCase() : '';
    const known = this.keys.get(iss) ?? [];
    // gtoken sends no `kid`: every key of the issuer is tried, as Google does.
    const candidates = typeof header.kid === 'string' ? known.filter((k) => k.id === header.kid) : known;
    if (candidates.length === 0) throw grantError('invalid_grant', 'Invalid grant: account not found');
    const signed = Buffer.from(`${h}.${p}`);
    const signature = Buffer.from(s, 'base64url');
    if (!candidates.some((k) => verify('RSA-SHA256', signed, k.publicKey, signature)))
      throw grantError('invalid_grant', 'Invalid JWT Signature.');
    if (typeof claims['aud'] !== 'string' || !audiences.includes(claims['aud']))
      throw grantError('invalid_grant', `Invalid JWT: the audience must be ${GOOGLE_TOKEN_URL}.`);
    const iat = claims['iat'];
    const exp = claims['exp'];
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      iat > nowS + SKEW_S ||
      exp < nowS - SKEW_S ||
      exp - iat > MAX_LIFETIME_S
    )
      throw grantError(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    if (typeof claims['scope'] !== 'string' || claims['scope'].trim() === '')
      throw grantError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    return iss;
  }
}

async function readForm(ctx: { req: NodeJS.ReadableStream }): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of ctx.req) text += chunk.toString();
  return new URLSearchParams(text);
}

export const oauthRoutes: Route[] = [
  {
    name: 'oauth.token',
    api: 'oauth',
    method: 'POST',
    pattern: path('/token'),
    anonymous: true,
    async handle(ctx) {
      const form = await readForm(ctx);
      const grant = form.get('grant_type');
      if (grant !== JWT_BEARER)
        throw grantError('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
      const ownUrl = `http://${ctx.req.headers.host ?? ''}/token`;
      const email = ctx.serviceAccounts.verify(form.get('assertion') ?? '', [GOOGLE_TOKEN_URL, ownUrl]);
      return { access_token: email, expires_in: 3599, token_type: 'Bearer' };
    },
  },
];
