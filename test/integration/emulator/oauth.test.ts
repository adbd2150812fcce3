/**
 * The emulator's OAuth token endpoint, through Google's own auth library: a service-account key the emulator issued
 * is exchanged for an access token (a JWT-bearer grant signed with the key, posted to `<root>token`), and the calls
 * made with it are the service account's. A key the emulator did not issue, or a grant that is not a signed JWT, is
 * refused as Google refuses them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { type Emulator, GOOGLE_TOKEN_URL, startEmulator } from '../../../lib/local/emulator';
import { createGoogleClients } from '../../../lib/sheets/client';
import { SheetsRequestError } from '../../../lib/sheets/errors';
import { ALICE } from './helpers';

const ROBOT = 'zone-eval@project.iam.gserviceaccount.com';

let emu: Emulator;
let id: string;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  id = emu.createSpreadsheetAs(ALICE, { title: 'Zone form' }).spreadsheetId;
  emu.share(id, ROBOT, 'writer');
});
afterAll(() => emu.close());
afterEach(() => emu.resetRequests());

const clientsWith = (key: object) =>
  createGoogleClients({
    credentials: { kind: 'service-account', key: JSON.stringify(key) },
    rootUrl: emu.url,
    calls: { pace: false, retry: { maxAttempts: 1 } },
  });

const title = (c: ReturnType<typeof clientsWith>) =>
  c.calls.call({ name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: id }, async () => {
    const r = await c.sheets.spreadsheets.get({ spreadsheetId: id, fields: 'properties.title' });
    return r.data.properties?.title;
  });

test('a key the emulator issued is exchanged for a token once, and the calls are the service account’s', async () => {
  const key = emu.serviceAccountKey(ROBOT);
  expect(key).toMatchObject({ type: 'service_account', client_email: ROBOT, token_uri: `${emu.url}token` });
  const c = clientsWith(key);

  expect(await title(c)).toBe('Zone form');
  expect(await title(c)).toBe('Zone form');

  expect(emu.requestCount({ route: 'oauth.token' })).toBe(1);
  expect(emu.requestCount({ route: 'sheets.spreadsheets.get', caller: ROBOT })).toBe(2);
});

test('a key with the same address that the emulator did not issue is refused: invalid signature', async () => {
  const forged = emu.serviceAccountKey(ROBOT);
  forged.private_key = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  const failure = await title(clientsWith(forged)).catch((e: unknown) => e);

  expect(failure).toBeInstanceOf(SheetsRequestError);
  expect(String((failure as Error).message)).toMatch(/invalid_grant.*Invalid JWT Signature/);
  expect(emu.requestCount({ route: 'sheets.*' })).toBe(0);
});

test('a service account the emulator never issued a key for is not found', async () => {
  const other = emu.serviceAccountKey('other@project.iam.gserviceaccount.com');
  const failure = await title(
    clientsWith({ ...other, client_email: 'ghost@project.iam.gserviceaccount.com' }),
  ).catch((e: unknown) => e);

  expect(String((failure as Error).message)).toMatch(/account not found/);
});

test('the endpoint answers in the shape of Google’s: a grant that is not a JWT bearer, or not a JWT', async () => {
  const post = (body: string) =>
    fetch(`${emu.url}token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  const wrongGrant = await post('grant_type=client_credentials');
  expect(wrongGrant.status).toBe(400);
  expect(await wrongGrant.json()).toEqual({
    error: 'unsupported_grant_type',
    error_description: 'Invalid grant_type: client_credentials',
  });

  const notJwt = await post(
    new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: 'abc',
    }).toString(),
  );
  expect(notJwt.status).toBe(400);
  expect(await notJwt.json()).toMatchObject({ error: 'invalid_grant' });
});

test('an assertion for another audience is refused; Google’s token URL is the audience the library signs for', async () => {
  const key = emu.serviceAccountKey(ROBOT);
  const { createSign } = await import('node:crypto');
  const jwt = (claims: object) => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
    return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url')}`;
  };
  const now = Math.floor(Date.now() / 1000);
  const grant = (aud: string) =>
    fetch(`${emu.url}token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwt({
          iss: ROBOT,
          aud,
          scope: 'https://www.googleapis.com/auth/drive',
          iat: now,
          exp: now + 3600,
        }),
      }),
    });

  const elsewhere = await grant('https://example.org/token');
  expect(elsewhere.status).toBe(400);
  expect(await elsewhere.json()).toMatchObject({ error: 'invalid_grant' });

  const google = await grant(GOOGLE_TOKEN_URL);
  expect(google.status).toBe(200);
  expect(await google.json()).toEqual({ access_token: ROBOT, expires_in: 3599, token_type: 'Bearer' });
});
