/**
 * The bundles `cdk synth` writes are what ships: each is loaded in a fresh Node process (not the TypeScript source)
 * with its configuration as the template gives it on AWS, and invoked with a Lambda-shaped event. AWS is the local
 * stack: dynalite for DynamoDB, and a small HTTP endpoint speaking the SQS and Secrets Manager JSON protocols (the
 * SDK's own endpoint settings point the bundle at them). A bundle that cannot load (a dynamic require, a missing
 * dependency, the CDK or the emulator bundled by mistake) fails here.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bundleBreakdown,
  bundleKb,
  bundleSources,
  type SynthesisedBundles,
  synthBundles,
} from '../../lib/infra/bundles';
import { FUNCTION_KEYS, type FunctionKey, GOOGLE_CREDENTIALS_PLACEHOLDER } from '../../lib/infra/contract';
import { scanAssembly } from '../../lib/infra/secret-scan';
import { type EmbeddedDynamo, startDynamo } from '../../lib/local/dynamo';
import { deriveSheetKey, signalBody, signalHeaders } from '../../lib/protocol/signature';
import { DynamoStore } from '../../lib/store/dynamo-store';

jest.setTimeout(600_000);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const MASTER = 'k'.repeat(8) + randomUUID().replaceAll('-', '');

type Sent = { QueueUrl: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string };

/** SQS (SendMessage) and Secrets Manager (GetSecretValue) over their JSON protocols, recording what was sent. */
async function startFakeAws(secrets: Map<string, string>) {
  const sent: Sent[] = [];
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
  return { endpoint, sent, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Runs `handler(event)` of a bundle in a fresh Node process; resolves with what it returned or threw. */
function invoke(
  path: string,
  env: Record<string, string>,
  event: unknown,
): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
  const script = `
    const m = require(${JSON.stringify(path)});
    const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'test', getRemainingTimeInMillis: () => 60000 };
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

describe('the synthesised bundles', () => {
  let synth: SynthesisedBundles;
  let dynamo: EmbeddedDynamo;
  let aws: Awaited<ReturnType<typeof startFakeAws>>;
  let store: DynamoStore;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    synth = synthBundles({ stage: 'test', evaluations: 'eval2026=folderA' });
    dynamo = await startDynamo({ tableName: 'zone-eval-test', region: REGION });
    store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
    aws = await startFakeAws(secrets);
    secrets.set('zone-eval/test/trigger-master-secret', MASTER);
    secrets.set('zone-eval/test/google-credentials', GOOGLE_CREDENTIALS_PLACEHOLDER);
  });
  afterAll(async () => {
    await aws?.close();
    await dynamo?.close();
    if (synth) rmSync(synth.outdir, { recursive: true, force: true });
  });

  /** The function's environment as the template gives it, with the stack's references made local. */
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
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
  }

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
      evaluationId: 'eval2026',
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

    const forged = await invoke(
      synth.bundles.webhook.path,
      envOf('webhook'),
      event(signalHeaders('0'.repeat(64), now, body)),
    );
    expect(forged).toMatchObject({ ok: true, result: { statusCode: 401 } });
    expect(aws.sent).toEqual([]);
    expect(await store.getSheetState('eval2026', spreadsheetId)).toBeNull();

    const key = deriveSheetKey(MASTER, spreadsheetId);
    const accepted = await invoke(
      synth.bundles.webhook.path,
      envOf('webhook'),
      event(signalHeaders(key, now, body)),
    );
    expect(accepted).toMatchObject({ ok: true, result: { statusCode: 202 } });
    expect((await store.getSheetState('eval2026', spreadsheetId))?.requested).toBe(1);
    expect(aws.sent).toEqual([
      expect.objectContaining({
        QueueUrl: expect.stringMatching(/zone-eval-test-sync\.fifo$/),
        MessageGroupId: spreadsheetId,
        MessageDeduplicationId: `${spreadsheetId}#1`,
      }),
    ]);
    expect(JSON.parse(aws.sent[0]?.MessageBody ?? '{}')).toMatchObject({
      evaluationId: 'eval2026',
      spreadsheetId,
      requested: 1,
      editor: 'official@example.org',
    });
  });

  test.each(['sync', 'evaluate', 'reconcile'] as const)(
    'the %s bundle loads with its AWS configuration, reads the credentials secret and reports the placeholder',
    async (fn) => {
      const sqsEvent = (body: object) => ({
        Records: [
          {
            messageId: randomUUID(),
            receiptHandle: 'r',
            body: JSON.stringify(body),
            attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'g', MessageDeduplicationId: 'g#1' },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:zone-eval-test-${fn}.fifo`,
            awsRegion: REGION,
          },
        ],
      });
      const event =
        fn === 'reconcile'
          ? {
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              time: new Date().toISOString(),
              detail: {},
            }
          : fn === 'sync'
            ? sqsEvent({
                evaluationId: 'eval2026',
                spreadsheetId: 'sheet-zhengzhou',
                requested: 1,
                caller: 'trigger',
              })
            : sqsEvent({ evaluationId: 'eval2026', requested: 1, caller: 'sync' });
      const outcome = await invoke(synth.bundles[fn].path, envOf(fn), event);
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/not filled in/i) });
    },
  );
});
