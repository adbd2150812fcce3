/**
 * The loop's metrics: one table of every metric a handler emits (the single source of the names the alarms and the
 * dashboard read, `lib/infra/service-stack.ts`), and the small port the handlers emit through. Plain data, no
 * import: the webhook's bundle takes it whole, and no Powertools or AWS type crosses into the pipeline.
 *
 * On AWS the port is Powertools metrics (namespace `ZoneEval`, dimension `service` = `zone-eval-<function>`,
 * functions/shared/observability.ts); locally and in tests it is `MemoryMetrics`, which keeps every value.
 */

/** The functions of the loop, each a CloudWatch `service` dimension of its own. */
export type Emitter = 'webhook' | 'sync' | 'evaluate' | 'reconcile';

export type MetricSpec = {
  /** `Count` (summed) or `Seconds` (a duration, read as percentiles or a maximum). */
  unit: 'Count' | 'Seconds';
  /** The functions that emit it: its dimension `service` takes these values only. */
  emittedBy: readonly Emitter[];
};

/**
 * Every metric the handlers emit, by its CloudWatch name. What one value means is in each comment and in the
 * README's admin guide (comments, not data: the bundles need not carry the text). The alarms and the dashboard may
 * read only these (test/infra/metrics.test.ts derives the pairs from the synthesised template), and each is emitted
 * on a path the handler tests walk (test/unit/functions/metrics.test.ts).
 */
export const METRICS = {
  /** An edit signal verified, counted and queued for a sync. */
  'signal.accepted': { unit: 'Count', emittedBy: ['webhook'] },
  /** A call refused: malformed, stale, badly signed, or naming no known spreadsheet. */
  'signal.refused': { unit: 'Count', emittedBy: ['webhook'] },
  /** A call refused (429) by the webhook instance's rate limit, before any AWS call. */
  'signal.throttled': { unit: 'Count', emittedBy: ['webhook'] },
  /** A sync message handled (read, coalesced, or nothing to read). */
  'sync.processed': { unit: 'Count', emittedBy: ['sync'] },
  /** A sync message failed (retried; dead-lettered after 5 receives). */
  'sync.failed': { unit: 'Count', emittedBy: ['sync'] },
  /** Cells a zone sheet's read refused (each shown on the zone's Feedback tab), summed per sync. */
  'cells.refused': { unit: 'Count', emittedBy: ['sync'] },
  /** Google answered 429 (quota) to a Sheets or Drive call, retried or not. */
  'sheets.429': { unit: 'Count', emittedBy: ['sync', 'evaluate'] },
  /** An evaluate message handled (whatever its outcome). */
  'evaluate.processed': { unit: 'Count', emittedBy: ['evaluate'] },
  /** An evaluate message failed (retried; dead-lettered after 5 receives). */
  'evaluate.failed': { unit: 'Count', emittedBy: ['evaluate'] },
  /** A new run scored and stored. */
  'evaluate.scored': { unit: 'Count', emittedBy: ['evaluate'] },
  /** A request whose inputs equal the current run: nothing scored. */
  'evaluate.unchanged': { unit: 'Count', emittedBy: ['evaluate'] },
  /** A request an earlier run already answered. */
  'evaluate.coalesced': { unit: 'Count', emittedBy: ['evaluate'] },
  /** The methodology cannot apply to the data (logged as evaluate.refused with the reason). */
  'evaluate.refused': { unit: 'Count', emittedBy: ['evaluate'] },
  /** Google refused a results publish with 403 or 404 (the results spreadsheet gone or unshared). */
  'publish.unavailable': { unit: 'Count', emittedBy: ['evaluate'] },
  /**
   * Seconds from the signal that started a chain (the webhook's receipt of the edit's signal, the poll that saw the
   * change, the admin's request) to the publish that reflects it.
   */
  'edit-to-publish': { unit: 'Seconds', emittedBy: ['evaluate'] },
  /** An evaluation polled. */
  'reconcile.done': { unit: 'Count', emittedBy: ['reconcile'] },
  /** An evaluation's poll failed (the next minute's poll tries again). */
  'reconcile.failed': { unit: 'Count', emittedBy: ['reconcile'] },
  /**
   * Per poll and evaluation: seconds its requested counter has stayed above scored (0 when caught up), from the
   * store's pendingSince.
   */
  'evaluation.unscored-seconds': { unit: 'Seconds', emittedBy: ['reconcile'] },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

/** The functions that emit metric `N`. */
export type EmitterOf<N extends MetricName> = (typeof METRICS)[N]['emittedBy'][number];

/** The names in the table, in its order. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/**
 * The port the handlers emit through: values are kept until `flush`, which publishes them (Powertools writes one
 * embedded-metric-format line per invocation). A name outside the table does not compile.
 */
export interface Metrics {
  /** Adds one value (1 by default) of a metric, in the metric's unit. */
  add(name: MetricName, value?: number): void;
  /** Publishes what was added; called at the end of every invocation, whatever happened. */
  flush(): void;
}

/** One recorded value: which function emitted which metric. */
export type MetricRecord = { service: string; name: MetricName; value: number };

/**
 * Metrics kept in memory: the local runtime's record of what the handlers would publish on AWS, and what the tests
 * read. `for(fn)` is the port of one function (its values tagged with its `service`).
 */
export class MemoryMetrics {
  readonly records: MetricRecord[] = [];
  private flushes = 0;

  /** The port of one function: what it adds is recorded under `service` (`fn`). */
  for(service: string): Metrics {
    return {
      add: (name, value = 1) => {
        if (!Number.isFinite(value)) throw new RangeError(`metric ${name} got ${value}`);
        this.records.push({ service, name, value });
      },
      flush: () => {
        this.flushes++;
      },
    };
  }

  /** The sum of a metric's values, over one function or all. */
  get(name: MetricName, service?: string): number {
    return this.values(name, service).reduce((a, b) => a + b, 0);
  }

  /** A metric's values in the order added, over one function or all. */
  values(name: MetricName, service?: string): number[] {
    return this.records
      .filter((r) => r.name === name && (service === undefined || r.service === service))
      .map((r) => r.value);
  }

  /** Every `service/name` pair recorded, sorted. */
  emitted(): string[] {
    return [...new Set(this.records.map((r) => `${r.service}/${r.name}`))].sort();
  }

  /** How many times a port was flushed. */
  get flushCount(): number {
    return this.flushes;
  }
}

/** A port that records nothing (a caller with nowhere to publish, e.g. a one-off CLI call). */
export const noMetrics: Metrics = { add: () => {}, flush: () => {} };
