import { queueUrlOf } from '../../../functions/shared/aws-queue';

const ARN = 'arn:aws:sqs:eu-west-1:123456789012:zone-eval-test-sync.fifo';

test("a record's queue URL is SQS's regional one when no SQS endpoint is configured (on Lambda)", () => {
  expect(queueUrlOf(ARN, {})).toBe(
    'https://sqs.eu-west-1.amazonaws.com/123456789012/zone-eval-test-sync.fifo',
  );
});

test("with the SDK's SQS endpoint configured, the queue URL is on it, so a visibility change goes there too", () => {
  expect(queueUrlOf(ARN, { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566/' })).toBe(
    'http://127.0.0.1:4566/123456789012/zone-eval-test-sync.fifo',
  );
  expect(queueUrlOf(ARN, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBe(
    'http://127.0.0.1:4566/123456789012/zone-eval-test-sync.fifo',
  );
});
