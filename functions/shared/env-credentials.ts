/**
 * The AWS SDK's default credential chain as the Lambda bundles have it: the environment only. The bundles alias
 * `@aws-sdk/credential-provider-node` to this file (lib/infra/function.ts `LAMBDA_ALIASES`); nothing imports it.
 *
 * Why: Lambda gives a function its role's credentials in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the default chain tries the environment first, so on Lambda
 * its other sources (ini files, SSO, web identity through STS, the console login, ECS and EC2 metadata) never run.
 * They still cost about 130 KB in every bundle (their clients and the Query/XML protocols), the largest part that
 * no handler uses (measured with the bench's bundle breakdown). The provider below is the chain's own first step
 * (`fromEnv`, the same SDK package the chain calls), so on Lambda the credentials are found exactly as before.
 * Run anywhere else (the local runtime, the tests), the handlers are not bundled and use the whole chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type Init = Parameters<typeof fromEnv>[0];

/** What the SDK's clients call when no `credentials` are given (the name they import from the chain). */
export const defaultProvider = (init?: Init) => fromEnv(init);
