/**
 * The house defaults of every zone-eval Lambda, set once (STYLE.md): the newest Node.js LTS runtime aws-cdk-lib
 * offers, ARM64, an explicit log group with a real retention, a role of its own with no managed policy (so the
 * infra tests can list every action a function may take), and the bundle esbuild makes locally (no Docker):
 * CommonJS, minified, with a source map beside it, the AWS SDK bundled and pinned.
 *
 * Why bundle the AWS SDK rather than use the runtime's: the handlers run with the exact @aws-sdk version the tests
 * ran with (3.1164.0 for every client), and a runtime update cannot change their behaviour between two deploys.
 * The cost is bundle size, measured by the bench (`bundle_<fn>_kb`), not cold start: the runtime's SDK, loaded from
 * node_modules, took more module load than the bundled one (README, "Bundles"). What of it never runs on Lambda is
 * left out by `LAMBDA_ALIASES`.
 */
import { join } from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionKey } from './contract';

/** The newest Node.js LTS runtime aws-cdk-lib offers (Node 24, "Krypton", LTS since October 2025). */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
/** esbuild's target for that runtime. */
export const NODE_TARGET = 'node24';

/** The repository root: entries and the lock file are found from here, whatever the current directory. */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Each function's entry file (exports `handler`). */
export const entryOf = (fn: FunctionKey) => join(PROJECT_ROOT, 'functions', `${fn}.ts`);

/**
 * Parts of the AWS SDK the bundles replace (esbuild's `alias`) because they never run on Lambda for these handlers:
 * the default credential chain by its environment step alone (functions/shared/env-credentials.ts says why; about
 * 130 KB a bundle), and the lazily loaded event-stream support, which no operation of DynamoDB, SQS or Secrets
 * Manager uses, by a stub that says so (functions/shared/no-event-streams.ts; about 15 KB a bundle).
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'functions', 'shared', 'env-credentials.ts'),
  '@smithy/core/event-streams': join(PROJECT_ROOT, 'functions', 'shared', 'no-event-streams.ts'),
};

/** esbuild's options for every bundle; the bundle test and the bench build with the same. */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.CJS,
  target: NODE_TARGET,
  minify: true,
  // The map ships in the asset for decoding a trace, but is not loaded at start: `--enable-source-maps` parses the
  // 1.8 MB map at every cold start (about +40% module load, measured); set it on the function only to debug.
  // (esbuild's keepNames would make traces readable without it, for about 95 KB more per bundle: not worth it.)
  sourceMap: true,
  // The map keeps names and lines for stack traces; the sources themselves would double the asset for nothing.
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
  // Prefer ES module entry points: they tree-shake (the SDK clients, zod).
  mainFields: ['module', 'main'],
  forceDockerBundling: false,
  esbuildArgs: { '--alias': Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`) },
};

/** IAM's limit on a role name. */
export const ROLE_NAME_MAX = 64;

/**
 * The fixed name of a function's role, `zone-eval-<stage>-<fn>`, which the Google side's Workload Identity
 * Federation binding names. Role names are per account, not per region: two deployments of one stage in one account
 * would collide, which CloudFormation reports at deploy.
 */
export function roleNameOf(stage: string, fn: FunctionKey): string {
  const name = `zone-eval-${stage}-${fn}`;
  if (name.length > ROLE_NAME_MAX)
    throw new RangeError(
      `the role name ${name} is ${name.length} characters, past IAM's ${ROLE_NAME_MAX}: choose a shorter stage name`,
    );
  return name;
}

export type ZoneEvalFunctionProps = {
  fn: FunctionKey;
  stage: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  logRetentionDays: number;
  environment: Record<string, string>;
  reservedConcurrentExecutions?: number;
  /**
   * Lambda's own START, END and REPORT lines left out (JSON log format, system log level WARN): for a function a
   * stranger can invoke, whose refused calls would otherwise each write three lines.
   */
  quietPlatformLogs?: boolean;
};

/**
 * The logging configuration of a function with `quietPlatformLogs`. Lambda writes its per-invocation platform
 * events (start, runtime done, report) at INFO, so WARN keeps only its warnings. Log-level filtering needs the JSON
 * format; the application level stays INFO, which is what Powertools' own lines and its metric lines need to pass.
 * Powertools writes both to stdout through its own `Console`, not the runtime's JSON-wrapping `console`, so a metric
 * line stays the bare embedded-metric-format object CloudWatch extracts (Lambda takes JSON with no `level` as INFO).
 */
export const QUIET_PLATFORM_LOGS = {
  loggingFormat: LoggingFormat.JSON,
  systemLogLevelV2: SystemLogLevel.WARN,
  applicationLogLevelV2: ApplicationLogLevel.INFO,
} as const;

/** One handler of functions/ as a Lambda with the house defaults; `allow` is the only way to grant it anything. */
export class ZoneEvalFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ZoneEvalFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetentionDays as RetentionDays });
    this.role = new Role(this, 'Role', {
      // A fixed name, not CloudFormation's generated one: a Workload Identity Federation binding names the role
      // (`attribute.aws_role/arn:aws:sts::<account>:assumed-role/<role name>`), and a generated name would change
      // whenever the role is replaced, cutting the function off from Google with no error at deploy.
      roleName: roleNameOf(props.stage, props.fn),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `zone-eval ${props.stage} ${props.fn}: only what the ${props.fn} handler does`,
    });
    // Instead of AWSLambdaBasicExecutionRole (any log group of the account): this function's log group only.
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]);
    this.fn = new NodejsFunction(this, 'Function', {
      functionName: `zone-eval-${props.stage}-${props.fn}`,
      description: props.description,
      entry: entryOf(props.fn),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      bundling: BUNDLING,
      environment: {
        ...props.environment,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(props.quietPlatformLogs ? QUIET_PLATFORM_LOGS : {}),
    });
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'Powertools logs carry the spreadsheet and evaluation ids through the loop and Powertools metrics count each stage; X-Ray would add a wildcard-resource permission and cost for no question the logs cannot answer.',
    });
  }

  /** Grants actions on resources to this function only. */
  allow(actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  }
}
