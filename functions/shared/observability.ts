/**
 * Logging and metrics for the handlers, from Powertools: one JSON line per event with the Lambda context, and
 * CloudWatch metrics in the embedded metric format. The pipeline logs through its own small `Logger` port; the
 * adapter below forwards to Powertools, so the same stage code logs the same fields on AWS and locally.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '../../lib/pipeline/log';

export const METRICS_NAMESPACE = 'ZoneEval';

/** The handlers' metrics port: counts published once per invocation. Powertools on AWS, a tally locally. */
export interface Counters {
  count(name: string, value?: number): void;
  /** Sends what was counted (Powertools writes one EMF line); called at the end of every invocation. */
  flush(): void;
}

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

/** Counters published as CloudWatch metrics by Powertools (namespace ZoneEval, dimension service). */
export function powertoolsCounters(serviceName: string): Counters {
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    flush: () => metrics.publishStoredMetrics(),
  };
}

/** Counters kept in memory (the local runtime and tests read them). */
export class TallyCounters implements Counters {
  readonly totals = new Map<string, number>();
  count(name: string, value = 1): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }
  flush(): void {}
  get(name: string): number {
    return this.totals.get(name) ?? 0;
  }
}
