/** The store on AWS is built from the validated configuration, never from environment values read on the side. */
import { awsStore } from '../../../functions/shared/aws-store';
import { CONFIG_SCHEMAS, loadConfig } from '../../../functions/shared/config';

const env = {
  TABLE_NAME: 'zone-eval-prod',
  SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync.fifo',
  TRIGGER_SECRET_ID: 'zone-eval/trigger',
  AWS_REGION: 'eu-west-1',
};

test("the store's table is the parsed configuration's, whatever the process environment holds", () => {
  const saved = process.env['TABLE_NAME'];
  process.env['TABLE_NAME'] = 'some-other-table';
  try {
    const store = awsStore(loadConfig('webhook', CONFIG_SCHEMAS.webhook, env));
    expect(store.tableName).toBe('zone-eval-prod');
  } finally {
    if (saved === undefined) delete process.env['TABLE_NAME'];
    else process.env['TABLE_NAME'] = saved;
  }
});

test('one store per configuration: built once for the container, again for another table', () => {
  const config = loadConfig('webhook', CONFIG_SCHEMAS.webhook, env);
  expect(awsStore(config)).toBe(awsStore({ ...config }));
  const other = awsStore({ ...config, TABLE_NAME: 'zone-eval-test' });
  expect(other.tableName).toBe('zone-eval-test');
  expect(other).not.toBe(awsStore(config));
});
