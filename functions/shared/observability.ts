/**
 * Logging and metrics for the handlers, from Powertools: one JSON line per event with the Lambda context, and
 * CloudWatch metrics in the embedded metric format, named only from the metrics table (lib/pipeline/metrics.ts).
 * The pipeline logs through its own small `Logger` port; the adapter below forwards to Powertools, so the same
 * stage code logs the same fields on AWS and locally.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../lib/infra/contract';
import type { Logger } from '../../lib/pipeline/log';
import { METRICS, type Metrics } from '../../lib/pipeline/metrics';

/** The handlers' metrics port (lib/pipeline/metrics.ts): Powertools on AWS, `MemoryMetrics` locally. */
export type Counters = Metrics;

/** The Powertools logger of a function; the level comes from `POWERTOOLS_LOG_LEVEL` unless given. */
export function functionLogger(
  serviceName: string,
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
): PowertoolsLogger {
  return new PowertoolsLogger({ serviceName, ...(logLevel && { logLevel }) });
}

/** The pipeline's Logger port over a Powertools logger: the event is the message, the data its fields. */
export function pipelineLogger(logger: PowertoolsLogger): Logger {
  return {
    info: (event, data) => logger.info(event, { ...data }),
    warn: (event, data) => logger.warn(event, { ...data }),
    error: (event, data) => logger.error(event, { ...data }),
  };
}

/**
 * The metrics port over Powertools (namespace ZoneEval, dimension `service`), each metric in its table unit. Values
 * are kept until `flush`, which writes one embedded-metric-format line (and none when nothing was added).
 */
export function powertoolsCounters(serviceName: string): Counters {
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  let pending = false;
  return {
    add: (name, value = 1) => {
      metrics.addMetric(
        name,
        METRICS[name].unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count,
        value,
      );
      pending = true;
    },
    flush: () => {
      // Powertools warns on an empty flush; a flood of refused calls must not write a line each for nothing.
      if (!pending) return;
      pending = false;
      metrics.publishStoredMetrics();
    },
  };
}

/**
 * The Google clients' retry hook that counts every 429 answer as the function's `sheets.429` (lib/sheets/retry.ts
 * `onRateLimited`): pass it with the function's own metrics, the ones its handler flushes.
 */
export function countRateLimited(counters: Counters): { onRateLimited: () => void } {
  return { onRateLimited: () => counters.add('sheets.429') };
}
