/**
 * Every metric an alarm or a dashboard widget of the synthesised service template reads in the handlers' namespace
 * is one the code emits: derived from the template (alarms, math-expression alarms, the dashboard body) and checked
 * against the metrics table and the metric recorded on the handlers' paths (test/helpers/metric-paths.ts).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS, METRICS_NAMESPACE, type MetricName } from '../../lib/infra/contract';
import { runMetricPaths } from '../helpers/metric-paths';
import { synthApp } from './synth';

type Read = { where: string; service: string; name: string };

/** A CloudFormation value as text: tokens (a region, a queue name) become `<token>`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map(text).join(sep);
  }
  return '<token>';
}

/** The metrics in the handlers' namespace that the template's alarms and dashboards read, with their `service`. */
function metricsRead(template: Template): Read[] {
  const reads: Read[] = [];
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const fromStat = (
    where: string,
    m: { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown },
  ) => {
    if (m.Namespace !== METRICS_NAMESPACE) return;
    const dims = (m.Dimensions ?? []) as { Name: string; Value: unknown }[];
    reads.push({
      where,
      service: text(dims.find((d) => d.Name === 'service')?.Value ?? ''),
      name: text(m.MetricName),
    });
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      fromStat(`alarm ${id}`, r.Properties);
      for (const q of (r.Properties.Metrics ?? []) as { MetricStat?: { Metric: Record<string, unknown> } }[])
        if (q.MetricStat) fromStat(`alarm ${id}`, q.MetricStat.Metric);
    }
    if (r.Type === 'AWS::CloudWatch::Dashboard') {
      const body = JSON.parse(text(r.Properties.DashboardBody)) as {
        widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
      };
      for (const w of body.widgets)
        for (const row of w.properties.metrics ?? []) {
          // [namespace, name, dimension, value, ..., options?]; an expression row has no namespace.
          const [namespace, name, ...rest] = row;
          if (namespace !== METRICS_NAMESPACE) continue;
          const at = rest.indexOf('service');
          reads.push({
            where: `dashboard widget ${w.properties.title ?? ''}`,
            service: at >= 0 ? String(rest[at + 1]) : '',
            name: String(name),
          });
        }
    }
  }
  return reads;
}

/** The reads no code emits: a name outside the table, a service the table does not name, or no path emitting it. */
function notEmitted(reads: Read[], emitted: Set<string>): string[] {
  return reads
    .filter((r) => {
      const spec = METRICS[r.name as MetricName] as (typeof METRICS)[MetricName] | undefined;
      const fromTable = spec?.emittedBy.some((fn) => `zone-eval-${fn}` === r.service) ?? false;
      return !fromTable || !emitted.has(`${r.service}/${r.name}`);
    })
    .map((r) => `${r.where}: ${r.service}/${r.name}`);
}

let emitted: Set<string>;
beforeAll(async () => {
  emitted = new Set([...(await runMetricPaths()).values()].flatMap((m) => m.emitted()));
});

test('every metric the alarms and the dashboard read is emitted by a handler', () => {
  const { serviceTemplate } = synthApp({ context: { stage: 'test', evaluations: 'eval2026=folderA' } });
  const reads = metricsRead(serviceTemplate);
  // What the issue asks the alarms and the dashboard to show, found in the template (the derivation works).
  const pairs = new Set(reads.map((r) => `${r.service}/${r.name}`));
  for (const pair of [
    'zone-eval-reconcile/evaluation.unscored-seconds',
    'zone-eval-evaluate/publish.unavailable',
    'zone-eval-sync/sheets.429',
    'zone-eval-evaluate/sheets.429',
    'zone-eval-webhook/signal.accepted',
    'zone-eval-sync/sync.processed',
    'zone-eval-evaluate/evaluate.scored',
    'zone-eval-evaluate/edit-to-publish',
    'zone-eval-sync/cells.refused',
  ])
    expect(pairs).toContain(pair);
  expect(notEmitted(reads, emitted)).toEqual([]);
});

test('a widget or an alarm naming a metric no code emits is found', () => {
  const stack = new Stack(new App(), 'Bad');
  const metric = (name: string, service: string) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service },
      period: Duration.minutes(5),
    });
  new Alarm(stack, 'Typo', {
    metric: metric('sheets.492', 'zone-eval-sync'),
    threshold: 1,
    evaluationPeriods: 1,
  });
  new Alarm(stack, 'WrongService', {
    metric: metric('cells.refused', 'zone-eval-evaluate'),
    threshold: 1,
    evaluationPeriods: 1,
  });
  new Dashboard(stack, 'Board').addWidgets(
    new GraphWidget({ title: 'Runs', left: [metric('evaluate.ran', 'zone-eval-evaluate')] }),
  );
  expect(notEmitted(metricsRead(Template.fromStack(stack)), emitted).sort()).toEqual([
    expect.stringMatching(/^alarm Typo.*: zone-eval-sync\/sheets\.492$/),
    expect.stringMatching(/^alarm WrongService.*: zone-eval-evaluate\/cells\.refused$/),
    'dashboard widget Runs: zone-eval-evaluate/evaluate.ran',
  ]);
});
