/**
 * The handlers see a filled-in or rotated secret without a redeploy: secrets come through the Powertools cache
 * (`getSecret`, maxAge SECRET_MAX_AGE_SECONDS), and the Google clients, and the handler made over them, are rebuilt
 * when the secret's text changes. Secrets Manager is replaced by a stub of the SDK client's `send` (no network); the
 * clock is jest's, which Powertools' cache reads.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsEvaluateDeps } from '../../../functions/evaluate';
import { awsReconcileDeps } from '../../../functions/reconcile';
import { CONFIG_SCHEMAS } from '../../../functions/shared/config';
import { lambdaEntry } from '../../../functions/shared/lambda';
import { awsWebhookDeps, makeHandler as makeWebhook } from '../../../functions/webhook';
import { GOOGLE_CREDENTIALS_PLACEHOLDER } from '../../../lib/infra/contract';
import { SECRET_MAX_AGE_SECONDS } from '../../../lib/infra/service-stack';
import { silentLogger } from '../../../lib/pipeline/log';
import { noMetrics } from '../../../lib/pipeline/metrics';
import { deriveSheetKey, signalBody, signalHeaders } from '../../../lib/protocol/signature';

const T0 = Date.parse('2026-11-28T09:00:00.000Z');
const MAX_AGE_MS = SECRET_MAX_AGE_SECONDS * 1000;
const GOOGLE_ID = 'zone-eval/test/google-credentials';
const TRIGGER_ID = 'zone-eval/test/trigger-master-secret';

/** What Secrets Manager holds now, by secret id, and how often it was asked. */
const stored = new Map<string, string>();
const fetches: string[] = [];

/** A service-account key as Google issues it (the clients are made, never used: no call goes out). */
const key = (id: string) =>
  JSON.stringify({
    type: 'service_account',
    client_email: 'zone-eval@project.iam.gserviceaccount.com',
    private_key_id: id,
    private_key: `-----BEGIN PRIVATE KEY-----\nkey ${id}\n-----END PRIVATE KEY-----\n`,
  });

beforeAll(() => {
  jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof GetSecretValueCommand)) throw new Error('only GetSecretValue is expected');
    const id = command.input.SecretId ?? '';
    fetches.push(id);
    const text = stored.get(id);
    if (text === undefined) throw new Error(`no secret ${id}`);
    return { $metadata: {}, Name: id, SecretString: text };
  });
});
afterAll(() => jest.restoreAllMocks());
beforeEach(() => {
  jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  fetches.length = 0;
});
afterEach(() => jest.useRealTimers());

const at = (ms: number) => jest.setSystemTime(T0 + ms);
const fetchesOf = (id: string) => fetches.filter((f) => f === id).length;

describe('the Google credentials secret, filled in after the deploy', () => {
  // The evaluate function's configuration as the stack sets it (its adapters read it from the environment).
  const env = {
    TABLE_NAME: 'zone-eval-test',
    AWS_REGION: 'eu-west-1',
    GOOGLE_SECRET_ID: GOOGLE_ID,
    SECRET_MAX_AGE_SECONDS: String(SECRET_MAX_AGE_SECONDS),
    SHEETS_CONCURRENCY: '5',
    RETRY_DELAY_SECONDS: '10',
  };
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, env));
  afterAll(() => {
    for (const name of Object.keys(env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });
  // The evaluate function's entry point over its real adapters; the handler hands back the dependencies it was
  // made over, so the test sees when it is made again.
  const entry = lambdaEntry('evaluate', CONFIG_SCHEMAS.evaluate, awsEvaluateDeps, (deps) => async () => deps);

  test('is reported as not filled in, then used within maxAge of being filled, and the handler is made over new clients at a rotation', async () => {
    stored.set(GOOGLE_ID, GOOGLE_CREDENTIALS_PLACEHOLDER);
    await expect(entry({})).rejects.toThrow(/^Google credentials not filled in: .*README: the admin guide/);

    // The admin fills the secret (put-secret-value); the cached placeholder stands until its maxAge ends.
    stored.set(GOOGLE_ID, key('a'));
    at(MAX_AGE_MS - 1000);
    await expect(entry({})).rejects.toThrow(/not filled in/);
    expect(fetchesOf(GOOGLE_ID)).toBe(1);

    at(MAX_AGE_MS + 1000);
    const first = await entry({});
    expect(fetchesOf(GOOGLE_ID)).toBe(2);
    expect(first.stage.publisher).toBeDefined();

    // Cached: the same clients and the same handler, no fetch.
    at(MAX_AGE_MS + 2000);
    expect(await entry({})).toBe(first);
    expect(fetchesOf(GOOGLE_ID)).toBe(2);

    // Past maxAge again with the text unchanged: fetched, but nothing is rebuilt.
    at(2 * MAX_AGE_MS + 2000);
    expect(await entry({})).toBe(first);
    expect(fetchesOf(GOOGLE_ID)).toBe(3);

    // A rotated key: new clients, new dependencies, a new handler, once the cache expires.
    stored.set(GOOGLE_ID, key('b'));
    at(2 * MAX_AGE_MS + 3000);
    expect(await entry({})).toBe(first);
    at(3 * MAX_AGE_MS + 3000);
    const rotated = await entry({});
    expect(rotated).not.toBe(first);
    expect(rotated.stage.publisher).not.toBe(first.stage.publisher);
    expect(await entry({})).toBe(rotated);
  });

  test("the reconcile function's adapters need no credentials to be built: its Drive listing reports the placeholder", async () => {
    stored.set(GOOGLE_ID, GOOGLE_CREDENTIALS_PLACEHOLDER);
    at(10 * MAX_AGE_MS);
    const deps = await awsReconcileDeps({
      TABLE_NAME: 'zone-eval-test',
      AWS_REGION: 'eu-west-1',
      GOOGLE_SECRET_ID: GOOGLE_ID,
      SECRET_MAX_AGE_SECONDS,
      SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-test-sync.fifo',
      EVALUATE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-test-evaluate.fifo',
      EVALUATIONS: [{ evaluationId: 'e2026', folder: 'f' }],
    });
    expect(fetchesOf(GOOGLE_ID)).toBe(0);
    await expect(deps.files(undefined).listFiles('f')).rejects.toThrow(/^Google credentials not filled in/);
    expect(fetchesOf(GOOGLE_ID)).toBe(1);
  });
});

describe('the trigger master secret, rotated', () => {
  const SHEET = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
  const OLD = 'o'.repeat(64);
  const NEW = 'n'.repeat(64);

  /** A webhook over the AWS adapters' own master secret (Powertools cache), with an in-memory index and queue. */
  async function webhook() {
    const aws = await awsWebhookDeps({
      TABLE_NAME: 'zone-eval-test',
      AWS_REGION: 'eu-west-1',
      SECRET_MAX_AGE_SECONDS,
      SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/zone-eval-test-sync.fifo',
      TRIGGER_SECRET_ID: TRIGGER_ID,
      SIGNALS_PER_SECOND: 10,
    });
    let requested = 0;
    const handler = makeWebhook({
      signal: {
        store: {
          requestSheet: async () => ++requested,
          findSpreadsheet: async (id) =>
            id === SHEET ? { spreadsheetId: SHEET, evaluationId: 'e2026', kind: 'zone', zoneId: 'z' } : null,
        },
        queue: { send: async () => {} },
        masterSecret: aws.signal.masterSecret,
        log: silentLogger,
      },
      log: silentLogger,
      counters: noMetrics,
    });
    /** The status a signal signed with the key derived from `master` is answered, sent now. */
    return async (master: string) => {
      const now = Date.now();
      const body = signalBody(SHEET, 'official@example.org');
      const res = await handler({
        headers: signalHeaders(deriveSheetKey(master, SHEET), Math.floor(now / 1000), body),
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST' }, timeEpoch: now },
      });
      return typeof res === 'string' ? 200 : res.statusCode;
    };
  }

  test('for up to maxAge the old keys are still accepted and the new ones refused; then the reverse', async () => {
    stored.set(TRIGGER_ID, OLD);
    const signal = await webhook();
    expect(await signal(OLD)).toBe(202);

    // put-secret-value: this instance keeps the secret it fetched until its maxAge ends.
    stored.set(TRIGGER_ID, NEW);
    at(MAX_AGE_MS - 1000);
    expect(await signal(OLD)).toBe(202);
    expect(await signal(NEW)).toBe(401);

    at(MAX_AGE_MS + 1000);
    expect(await signal(OLD)).toBe(401);
    expect(await signal(NEW)).toBe(202);
    expect(fetchesOf(TRIGGER_ID)).toBe(2);
  });
});
