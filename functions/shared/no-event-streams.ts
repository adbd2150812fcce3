/**
 * Event streams as the Lambda bundles have them: absent. The bundles alias `@smithy/core/event-streams` to this
 * file (lib/infra/function.ts `LAMBDA_ALIASES`); nothing imports it.
 *
 * Why: the SDK loads its event-stream support lazily (a dynamic import in `HttpProtocol`), only for an operation
 * whose input or output is an event stream, and the clients the handlers use (DynamoDB, SQS, Secrets Manager)
 * have no such operation. A single-file CommonJS bundle inlines the lazy import all the same: about 15 KB of every
 * bundle no handler runs. Should a handler ever call such an operation, it fails here, saying why, on its first call.
 */
const absent = (): never => {
  throw new Error(
    'AWS event streams are not in the Lambda bundles: remove the @smithy/core/event-streams alias of lib/infra/function.ts (LAMBDA_ALIASES) to use an operation that streams events',
  );
};

/** What `HttpProtocol.loadEventStreamCapability` takes from `@smithy/core/event-streams`. */
export class EventStreamSerde {
  constructor() {
    absent();
  }
}
export const eventStreamSerdeProvider = absent;
