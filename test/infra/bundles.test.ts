/**
 * The bundles `cdk synth` writes are what ships: each is loaded in a fresh Node process (not the TypeScript source)
 * with its configuration as the template gives it on AWS, and invoked with a Lambda-shaped event and context. AWS
 * is the local stack: dynalite for DynamoDB, and a small HTTP endpoint speaking the SQS and Secrets Manager JSON
 * protocols (the SDK's own endpoint settings point the bundle at them). Google is the emulator over HTTP: the
 * credentials secret holds a service-account key the emulator issued, which the bundle's own auth library
 * exchanges for a token at the emulator's token endpoint, and the test-only `ZONE_EVAL_GOOGLE_ROOT_URL` (never in
 * the template) points the APIs there. A bundle that cannot load (a dynamic require, a missing dependency, the CDK
 * or the emulator bundled by mistake), or whose Google path breaks (the auth library, gaxios, fetch), fails here.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GOOGLE_ROOT_URL_SETTING } from '../../functions/shared/google';
import {
  bundleBreakdown,
  bundleKb,
  bundleSources,
  type SynthesisedBundles,
  synthBundles,
} from '../../lib/infra/bundles';
import { FUNCTION_KEYS, type FunctionKey } from '../../lib/infra/contract';
import { scanAssembly } from '../../lib/infra/secret-scan';
import { TIMEOUTS } from '../../lib/infra/service-stack';
import { type EmbeddedDynamo, startDynamo } from '../../lib/local/dynamo';
import { type Emulator, startEmulator } from '../../lib/local/emulator';
import { officialOf, type Provisioned, provisionEvaluation } from '../../lib/local/seed';
import { SERVICE_ACCOUNT } from '../../lib/local/stack';
import { syncControl } from '../../lib/pipeline/control';
import { silentLogger } from '../../lib/pipeline/log';
import { SyncMessageSchema } from '../../lib/pipeline/messages';
import { syncSheet } from '../../lib/pipeline/sync';
import { contentHash } from '../../lib/protocol/hash';
import { deriveSheetKey, signalBody, signalHeaders } from '../../lib/protocol/signature';
import {
  createGoogleClients,
  GoogleFeedbackWriter,
  GoogleSpreadsheetFiles,
  GoogleSpreadsheetReader,
  RESULTS_TABS,
} from '../../lib/sheets';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { ev, smallMethodology, typedValues } from '../integration/pipeline/evaluate-fixture';

jest.setTimeout(600_000);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const MASTER = 'k'.repeat(8) + randomUUID().replaceAll('-', '');

type Sent = { QueueUrl: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string };
type VisibilityChange = { QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number };

/**
 * SQS (SendMessage, ChangeMessageVisibility) and Secrets Manager (GetSecretValue) over their JSON protocols,
 * recording what was sent.
 */
async function startFakeAws(secrets: Map<string, string>) {
  const sent: Sent[] = [];
  const visibility: VisibilityChange[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, string>);
      const answer = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(json));
      };
      if (target === 'AmazonSQS.SendMessage') {
        sent.push(body as unknown as Sent);
        const md5 = createHash('md5')
          .update(body.MessageBody ?? '')
          .digest('hex');
        return answer(200, { MessageId: randomUUID(), MD5OfMessageBody: md5 });
      }
      if (target === 'AmazonSQS.ChangeMessageVisibility') {
        visibility.push(body as unknown as VisibilityChange);
        return answer(200, {});
      }
      if (target === 'secretsmanager.GetSecretValue') {
        const id = body.SecretId ?? '';
        const value = secrets.get(id);
        if (value === undefined)
          return answer(400, { __type: 'ResourceNotFoundException', message: `no secret ${id}` });
        return answer(200, {
          ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`,
          Name: id,
          SecretString: value,
          VersionId: 'v1',
        });
      }
      answer(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, sent, visibility, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Runs `handler(event, context)` of a bundle in a fresh Node process; resolves with what it returned or threw. The
 * context counts down from `remainingMs` (the function's timeout, as at the start of an invocation on AWS).
 */
function invoke(
  path: string,
  env: Record<string, string>,
  event: unknown,
  remainingMs: number,
): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
  const script = `
    const m = require(${JSON.stringify(path)});
    const end = Date.now() + ${remainingMs};
    const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'test', getRemainingTimeInMillis: () => end - Date.now() };
    m.handler(JSON.parse(process.env.TEST_EVENT), context).then(
      (result) => { process.stdout.write('\\n@@RESULT ' + JSON.stringify({ ok: true, result })); },
      (e) => { process.stdout.write('\\n@@RESULT ' + JSON.stringify({ ok: false, error: String(e && e.message || e) })); },
    );`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, ...env, TEST_EVENT: JSON.stringify(event) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (!line)
        return reject(new Error(`the bundle did not answer:\n${err.slice(0, 3000)}\n${out.slice(0, 2000)}`));
      resolve(JSON.parse(line.slice('@@RESULT '.length)));
    });
  });
}

/** The evaluation the Google-using bundles work on, provisioned in the emulator as an admin would. */
const E = 'eval2026';
/** Four zones: the fewest for which the methodology's quotas give every grade a zone. */
const ZONES = ev.zones.slice(0, 4);
const [first, second, third, fourth] = ZONES.map((z) => z.zoneId) as [string, string, string, string];
const typedFor = (zoneId: string) =>
  Object.fromEntries(
    Object.entries(ev.demo.values[2025]![zoneId]!).map(([code, cell]) => [code, cell.typed]),
  );

describe('the synthesised bundles', () => {
  let synth: SynthesisedBundles;
  let dynamo: EmbeddedDynamo;
  let emulator: Emulator;
  let aws: Awaited<ReturnType<typeof startFakeAws>>;
  let store: DynamoStore;
  let prov: Provisioned;
  const secrets = new Map<string, string>();
  const sheetOf = (zoneId: string) => prov.sheets.get(zoneId)!;

  beforeAll(async () => {
    emulator = await startEmulator({ quota: 'off' });
    dynamo = await startDynamo({ tableName: 'zone-eval-test', region: REGION });
    store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
    aws = await startFakeAws(secrets);
    secrets.set('zone-eval/test/trigger-master-secret', MASTER);
    // The credentials secret as the admin fills it in: the service account's key, as Google's console gives it.
    secrets.set(
      'zone-eval/test/google-credentials',
      JSON.stringify(emulator.serviceAccountKey(SERVICE_ACCOUNT)),
    );

    // Arrange, in this process: the evaluation provisioned in a shared drive, its control sheet and three of its four
    // zones synced, the central departments' data stored, the results spreadsheet recorded. The bundles do the rest.
    const google = createGoogleClients({
      credentials: { kind: 'bearer', token: SERVICE_ACCOUNT },
      rootUrl: emulator.url,
      calls: { pace: false },
    });
    prov = await provisionEvaluation(
      { google, emulator },
      smallMethodology(ZONES.length),
      ZONES,
      typedFor,
      undefined,
      {
        results: true,
      },
    );
    const deps = {
      store,
      reader: new GoogleSpreadsheetReader(google),
      feedback: new GoogleFeedbackWriter(google),
      files: new GoogleSpreadsheetFiles(google),
      log: silentLogger,
    };
    await store.requestSheet(E, prov.controlId);
    const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps);
    if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
    for (const zoneId of [second, third, fourth]) {
      await store.requestSheet(E, sheetOf(zoneId));
      const synced = await syncSheet(
        { evaluationId: E, spreadsheetId: sheetOf(zoneId), caller: 'control' },
        deps,
      );
      if (synced.status !== 'synced') throw new Error(`sync of ${zoneId}: ${JSON.stringify(synced)}`);
    }
    const tabs: Record<string, Record<string, ReturnType<typeof typedValues>['zone']>> = {};
    for (const { zoneId } of ZONES)
      for (const [tab, values] of Object.entries(typedValues(zoneId).central))
        (tabs[tab] ??= {})[zoneId] = values;
    for (const [tab, zones] of Object.entries(tabs))
      await store.putCentralTab(E, {
        tab,
        spreadsheetId: 'central-sheet',
        zones,
        contentHash: contentHash(zones),
        readSeq: 1,
        updatedAt: new Date().toISOString(),
      });
    await store.setResultsSpreadsheet(E, prov.resultsId!);

    // The stage's settings name the evaluation's folder (and shared drive) for the reconcile poll.
    const meta = await google.drive.files.get({
      fileId: prov.controlId,
      fields: 'parents,driveId',
      supportsAllDrives: true,
    });
    synth = synthBundles({
      stage: 'test',
      evaluations: `${E}=${meta.data.parents![0]}@${meta.data.driveId}`,
    });
  });
  afterAll(async () => {
    await aws?.close();
    await emulator?.close();
    await dynamo?.close();
    if (synth) rmSync(synth.outdir, { recursive: true, force: true });
  });
  afterEach(() => {
    aws.sent.length = 0;
    aws.visibility.length = 0;
    emulator.faults.clear();
  });

  /**
   * The function's environment as the template gives it, with the stack's references made local, and the
   * test-only setting that points Google's clients at the emulator.
   */
  function envOf(fn: FunctionKey): Record<string, string> {
    const queueUrl = (name: string) => `${aws.endpoint}/${ACCOUNT}/zone-eval-test-${name}.fifo`;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(synth.bundles[fn].environment)) {
      if (typeof v === 'string') env[k] = v;
      else if (k === 'SYNC_QUEUE_URL') env[k] = queueUrl('sync');
      else if (k === 'EVALUATE_QUEUE_URL') env[k] = queueUrl('evaluate');
      else throw new Error(`${fn}: no local value for ${k} = ${JSON.stringify(v)}`);
    }
    return {
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: `zone-eval-test-${fn}`,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: aws.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      [GOOGLE_ROOT_URL_SETTING]: emulator.url,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
  }

  /** Invokes a function's bundle with the whole of its timeout ahead, as Lambda starts an invocation. */
  const run = (fn: FunctionKey, event: unknown, remainingMs = TIMEOUTS[fn].toMilliseconds()) =>
    invoke(synth.bundles[fn].path, envOf(fn), event, remainingMs);

  /** An SQS FIFO event of one record, as Lambda delivers it. */
  const sqsEvent = (fn: 'sync' | 'evaluate', group: string, body: object) => ({
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: `receipt-${randomUUID()}`,
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          MessageGroupId: group,
          MessageDeduplicationId: `${group}#1`,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:zone-eval-test-${fn}.fifo`,
        awsRegion: REGION,
      },
    ],
  });

  test.each(FUNCTION_KEYS)('the %s bundle holds neither the CDK nor the local stack', (fn) => {
    const map = JSON.parse(readFileSync(`${synth.bundles[fn].path}.map`, 'utf8')) as { sources: string[] };
    const forbidden = map.sources.filter((s) =>
      /node_modules\/(aws-cdk-lib|constructs|cdk-nag|dynalite|esbuild|typescript|jest)\/|\/lib\/local\/|\/lib\/infra\/(?!contract\.ts)|\/lib\/bench\//.test(
        s,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  /** Google's clients and the project's adapter over them: what a function that never calls Google must not carry. */
  const GOOGLE =
    /node_modules\/(@googleapis\/[^/]+|googleapis|googleapis-common|google-auth-library|gaxios|gtoken)\/|^lib\/sheets\//;

  test('the webhook bundle holds no Google client (its source map lists every file it was made from)', () => {
    const sources = bundleSources(synth.bundles.webhook.path);
    expect(sources).toContain('functions/webhook.ts');
    expect(sources.filter((s) => GOOGLE.test(s))).toEqual([]);
  });

  test.each(['sync', 'evaluate', 'reconcile'] as const)(
    'the %s bundle does hold the Google client (so the check of the webhook can fail)',
    (fn) => {
      const sources = bundleSources(synth.bundles[fn].path);
      expect(sources).toEqual(expect.arrayContaining(['lib/sheets/client.ts']));
      expect(sources.some((s) => /node_modules\/google-auth-library\//.test(s))).toBe(true);
    },
  );

  test.each(FUNCTION_KEYS)(
    'the %s bundle has the environment credentials alone, no event streams, and zod/mini with no locale but English',
    (fn) => {
      const sources = bundleSources(synth.bundles[fn].path);
      // The alias of lib/infra/function.ts (LAMBDA_ALIASES) took effect: the chain's other providers are absent.
      expect(sources).toContain('functions/shared/env-credentials.ts');
      expect(sources.filter((s) => /@aws-sdk\/(credential-provider-(?!env)|nested-clients)/.test(s))).toEqual(
        [],
      );
      // And the SDK's event-stream support, which none of the handlers' operations uses, is the stub.
      expect(sources).toContain('functions/shared/no-event-streams.ts');
      expect(sources.filter((s) => /@smithy\/core\/dist-es\/submodules\/event-streams\//.test(s))).toEqual(
        [],
      );
      // `import { z } from 'zod'` anywhere on the path would bring every locale (biome refuses it; this proves it).
      expect(sources.filter((s) => /zod\/v4\/locales\/(?!en\.)/.test(s))).toEqual([]);
      expect(sources.some((s) => /zod\/v4\/locales\/en\./.test(s))).toBe(true);
      // Every schema on the path is zod/mini (lib/core/zod.ts): an `import * as z from 'zod'` there would bring classic
      // zod back (about 60 KB, and its heavier schema construction at every cold start).
      expect(sources.some((s) => /zod\/v4\/mini\//.test(s))).toBe(true);
      expect(sources.filter((s) => /zod\/v4\/classic\//.test(s))).toEqual([]);
    },
  );

  test('the metafile breakdown is of the bundle that ships: its total is the shipped size, its parts add up', async () => {
    const { total, parts } = await bundleBreakdown('webhook');
    const shipped = bundleKb(synth.bundles.webhook.path) * 1024;
    // The shipped file adds only its sourceMappingURL comment.
    expect(Math.abs(shipped - total)).toBeLessThan(200);
    const sum = parts.reduce((a, p) => a + p.bytes, 0);
    expect(sum).toBeLessThanOrEqual(total);
    expect(sum).toBeGreaterThan(total * 0.95);
    expect(parts.map((p) => p.what)).toEqual(expect.arrayContaining(['zod', '@smithy/core', 'lib/store']));
    expect(parts.some((p) => GOOGLE.test(`node_modules/${p.what}/`))).toBe(false);
  });

  test('no secret value in any bundle or template', () => {
    expect(scanAssembly(synth.outdir)).toEqual([]);
  });

  test('the webhook bundle counts a signed signal and queues its sync; a forged one leaves nothing', async () => {
    const spreadsheetId = 'sheet-zhengzhou';
    await store.indexSpreadsheet({
      spreadsheetId,
      evaluationId: 'signal2026',
      kind: 'zone',
      zoneId: 'zhengzhou',
    });
    const body = signalBody(spreadsheetId, 'official@example.org');
    const now = Math.floor(Date.now() / 1000);
    const event = (headers: Record<string, string>) => ({
      version: '2.0',
      rawPath: '/',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/' }, timeEpoch: Date.now() },
    });

    const forged = await run('webhook', event(signalHeaders('0'.repeat(64), now, body)));
    expect(forged).toMatchObject({ ok: true, result: { statusCode: 401 } });
    expect(aws.sent).toEqual([]);
    expect(await store.getSheetState('signal2026', spreadsheetId)).toBeNull();

    const key = deriveSheetKey(MASTER, spreadsheetId);
    const accepted = await run('webhook', event(signalHeaders(key, now, body)));
    expect(accepted).toMatchObject({ ok: true, result: { statusCode: 202 } });
    expect((await store.getSheetState('signal2026', spreadsheetId))?.requested).toBe(1);
    expect(aws.sent).toEqual([
      expect.objectContaining({
        QueueUrl: expect.stringMatching(/zone-eval-test-sync\.fifo$/),
        MessageGroupId: spreadsheetId,
        MessageDeduplicationId: `${spreadsheetId}#1`,
      }),
    ]);
    expect(JSON.parse(aws.sent[0]?.MessageBody ?? '{}')).toMatchObject({
      evaluationId: 'signal2026',
      spreadsheetId,
      requested: 1,
      editor: 'official@example.org',
    });
  });

  test('the template sets no Google root URL: on AWS the bundles call Google', () => {
    for (const fn of FUNCTION_KEYS)
      expect(Object.keys(synth.bundles[fn].environment)).not.toContain(GOOGLE_ROOT_URL_SETTING);
    const templates = readdirSync(synth.outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(0);
    for (const f of templates)
      expect(readFileSync(join(synth.outdir, f), 'utf8')).not.toContain(GOOGLE_ROOT_URL_SETTING);
  });

  test('the sync bundle reads a zone form as the service account (its key exchanged for a token) and stores it', async () => {
    const s = sheetOf(first);
    const requested = await store.requestSheet(E, s);

    const outcome = await run(
      'sync',
      sqsEvent('sync', s, {
        evaluationId: E,
        spreadsheetId: s,
        requested,
        caller: 'trigger',
        editor: officialOf(first),
      }),
    );

    expect(outcome).toEqual({ ok: true, result: { batchItemFailures: [] } });
    // The bundle's auth library signed a grant with the key and the emulator's token endpoint took it.
    expect(emulator.requestCount({ route: 'oauth.token' })).toBeGreaterThanOrEqual(1);
    expect(
      emulator.requestCount({ route: 'sheets.spreadsheets.get', caller: SERVICE_ACCOUNT, spreadsheetId: s }),
    ).toBeGreaterThanOrEqual(1);
    const current = await store.getCurrent(E, first);
    expect(current?.values['T16']?.value).toBe(ev.demo.values[2025]![first]!['T16']!.value);
    expect((await store.getSheetState(E, s))?.synced).toBe(requested);
    // Its Feedback was written, and the evaluation it owes was queued.
    expect(
      emulator.requestCount({
        route: 'sheets.spreadsheets.batchUpdate',
        caller: SERVICE_ACCOUNT,
        spreadsheetId: s,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(aws.sent).toEqual([
      expect.objectContaining({
        QueueUrl: expect.stringMatching(/zone-eval-test-evaluate\.fifo$/),
        MessageGroupId: E,
      }),
    ]);
  });

  test('the evaluate bundle scores the evaluation and publishes the results spreadsheet', async () => {
    const resultsId = prov.resultsId!;
    const requested = await store.requestEvaluation(E);
    const writes = () =>
      emulator.requestCount({
        route: 'sheets.spreadsheets.batchUpdate',
        caller: SERVICE_ACCOUNT,
        spreadsheetId: resultsId,
      });
    const before = writes();

    const outcome = await run(
      'evaluate',
      sqsEvent('evaluate', E, { evaluationId: E, requested, caller: 'sync' }),
    );

    expect(outcome).toEqual({ ok: true, result: { batchItemFailures: [] } });
    const state = await store.getEvaluationState(E);
    expect(state).toMatchObject({ scored: requested, currentRun: 1, publishedRun: 1 });
    expect(writes() - before).toBe(1);
    const ranking = await createGoogleClients({
      credentials: { kind: 'bearer', token: SERVICE_ACCOUNT },
      rootUrl: emulator.url,
      calls: { pace: false },
    }).sheets.spreadsheets.values.get({ spreadsheetId: resultsId, range: `'${RESULTS_TABS.ranking.title}'` });
    expect(ranking.data.values).toHaveLength(ZONES.length + 1);
  });

  test("the reconcile bundle lists the evaluation's folder and signals the sheet edited without a trigger", async () => {
    const s = sheetOf(second);
    const official = createGoogleClients({
      credentials: { kind: 'bearer', token: officialOf(second) },
      rootUrl: emulator.url,
      calls: { pace: false },
    });
    await official.sheets.spreadsheets.values.update({
      spreadsheetId: s,
      range: 'Form!D4',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['77']] },
    });
    const listings = emulator.requestCount({ route: 'drive.files.list', caller: SERVICE_ACCOUNT });

    const outcome = await run('reconcile', {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    });

    expect(outcome).toEqual({ ok: true, result: { evaluations: 1 } });
    expect(emulator.requestCount({ route: 'drive.files.list', caller: SERVICE_ACCOUNT })).toBeGreaterThan(
      listings,
    );
    expect(aws.sent).toEqual([
      expect.objectContaining({
        QueueUrl: expect.stringMatching(/zone-eval-test-sync\.fifo$/),
        MessageGroupId: s,
      }),
    ]);
    expect(SyncMessageSchema.parse(JSON.parse(aws.sent[0]!.MessageBody))).toMatchObject({
      evaluationId: E,
      spreadsheetId: s,
      caller: 'reconcile',
      kind: 'zone',
    });
  });

  test("a Google call that hangs fails the record before the invocation's time is up, and SQS is asked to retry it soon", async () => {
    const s = sheetOf(third);
    // An edit, so that the sync has to read the form (an unchanged Drive version costs no read).
    await createGoogleClients({
      credentials: { kind: 'bearer', token: officialOf(third) },
      rootUrl: emulator.url,
      calls: { pace: false },
    }).sheets.spreadsheets.values.update({
      spreadsheetId: s,
      range: 'Form!D4',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['78']] },
    });
    const requested = await store.requestSheet(E, s);
    const hold = emulator.faults.hold('sheets.spreadsheets.get', {
      stage: 'before',
      spreadsheetId: s,
      times: Number.POSITIVE_INFINITY,
    });
    // Time for one attempt (a token and a read, 10 s each at most) and the reserve, not for a second.
    const remainingMs = 35_000;
    const event = sqsEvent('sync', s, { evaluationId: E, spreadsheetId: s, requested, caller: 'trigger' });
    const started = Date.now();

    const outcome = await run('sync', event, remainingMs);

    expect(outcome).toEqual({
      ok: true,
      result: { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] },
    });
    // Ended inside the invocation, with the reserve still ahead when Google was given up on.
    expect(Date.now() - started).toBeLessThan(remainingMs);
    expect(aws.visibility).toEqual([
      expect.objectContaining({ ReceiptHandle: event.Records[0]!.receiptHandle, VisibilityTimeout: 10 }),
    ]);
    // The read was sent and held (a held request is answered only once released).
    expect(hold.hits).toBe(1);
    expect((await store.getSheetState(E, s))?.synced).toBeLessThan(requested);
  });
});
