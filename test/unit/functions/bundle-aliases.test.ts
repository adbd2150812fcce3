/**
 * The stand-ins the Lambda bundles alias parts of the AWS SDK to (lib/infra/function.ts LAMBDA_ALIASES); that the
 * bundles really have them, and work with them against the local stack, is test/infra/bundles.test.ts.
 */
import { defaultProvider } from '../../../functions/shared/env-credentials';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../../functions/shared/no-event-streams';

describe('the credential chain of the bundles', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("reads the role's credentials from the environment, as Lambda gives them", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-example';
    process.env.AWS_SESSION_TOKEN = 'token-example';
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret-example',
      sessionToken: 'token-example',
    });
  });

  test('without them it fails, naming the environment, rather than looking elsewhere', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/environment/i);
  });
});

test('an event-stream operation fails on its first call, saying the bundles leave event streams out', () => {
  expect(() => new EventStreamSerde()).toThrow(/event streams are not in the Lambda bundles.*LAMBDA_ALIASES/);
  expect(() => eventStreamSerdeProvider()).toThrow(/not in the Lambda bundles/);
});
