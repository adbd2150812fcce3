import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { looksRandom, scanAssembly } from '../../lib/infra/secret-scan';
import { synthApp } from './synth';

/**
 * Canaries are made at run time, so that no credential-shaped text sits in the repository (and a repository
 * scanner has nothing to report here).
 */
const pemBody = () => randomBytes(600).toString('base64');
const fakePem = () =>
  ['-----BEGIN', 'PRIVATE KEY-----\n'].join(' ') + pemBody() + '\n-----END PRIVATE KEY-----\n';
const fakeAccessKey = () => `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;

function canaryAssembly(plant: (stack: Stack, assetDir: string) => void): string {
  const outdir = mkdtempSync(join(tmpdir(), 'zone-eval-canary-'));
  const assetDir = mkdtempSync(join(tmpdir(), 'zone-eval-canary-asset-'));
  writeFileSync(join(assetDir, 'index.js'), 'exports.handler = async () => ({});\n');
  const app = new App({ outdir });
  const stack = new Stack(app, 'Canary');
  plant(stack, assetDir);
  new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromAsset(assetDir),
  });
  app.synth();
  return outdir;
}

describe('the secret scan', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('the synthesised app holds no secret value: templates, environment and assets', () => {
    const { outdir } = synthApp({ context: { stage: 'test', evaluations: 'eval2026=folderA' } });
    dirs.push(outdir);
    expect(scanAssembly(outdir)).toEqual([]);
  });

  test('a planted private key in a bundle is found', () => {
    const outdir = canaryAssembly((_stack, assetDir) => {
      mkdirSync(join(assetDir, 'lib'), { recursive: true });
      writeFileSync(join(assetDir, 'lib', 'key.js'), `module.exports = ${JSON.stringify(fakePem())};\n`);
    });
    dirs.push(outdir);
    expect(scanAssembly(outdir)).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/^asset\..*key\.js$/),
        what: 'a PEM private key',
      }),
    ]);
  });

  test('a service-account key put in a secret as a literal is found, in the template and as a key', () => {
    const key = JSON.stringify({ type: 'service_account', client_email: 'x@y.iam', private_key: fakePem() });
    const outdir = canaryAssembly((stack) => {
      new Secret(stack, 'Leaky', { secretStringValue: SecretValue.unsafePlainText(key) });
    });
    dirs.push(outdir);
    const whats = scanAssembly(outdir).map((f) => f.what);
    expect(whats).toEqual(
      expect.arrayContaining([
        'a secret created with a literal value',
        "a service-account key's private_key",
        'a PEM private key',
      ]),
    );
  });

  test('a random secret pasted into an environment variable is found, and an access key id anywhere', () => {
    const outdir = canaryAssembly((stack) => {
      new LambdaFunction(stack, 'Leaky', {
        runtime: Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => ({});'),
        environment: { TRIGGER_SECRET: randomBytes(32).toString('hex'), KEY_ID: fakeAccessKey() },
      });
    });
    dirs.push(outdir);
    const findings = scanAssembly(outdir);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ where: expect.stringMatching(/environment TRIGGER_SECRET$/) }),
        expect.objectContaining({ what: 'an AWS access key id' }),
      ]),
    );
  });

  test('names, URLs and numbers are not random-looking; generated secrets are', () => {
    for (const value of [
      'zone-eval/prod/google-credentials',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/ZoneEval-prod-Service-SyncQueue13109325-AbCdEf.fifo',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zone-eval/prod/trigger-master-secret',
      '300',
      '--enable-source-maps',
    ])
      expect(looksRandom(value)).toBe(false);
    // A digit and a letter forced in: the check is about mixing them, and a random draw might lack one.
    expect(
      looksRandom(
        `k9${randomBytes(30)
          .toString('base64')
          .replace(/[^A-Za-z0-9]/g, '')}`,
      ),
    ).toBe(true);
    expect(looksRandom(`a1${randomBytes(16).toString('hex')}`)).toBe(true);
  });
});
