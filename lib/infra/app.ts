/**
 * The whole CDK app of a stage, as `bin/app.ts` deploys it and the infra tests and the bundle benchmark synthesise
 * it: the settings read from context, both cdk-nag packs over everything, the data stack and the service stack.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DataStack } from './data-stack';
import { ServiceStack } from './service-stack';
import { readSettings } from './settings';

/** Adds the stage's stacks (stage and settings from the app's context) and the checks to `app`. */
export function buildStages(app: App) {
  const { stage, settings } = readSettings((key) => app.node.tryGetContext(key));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  const data = new DataStack(app, `ZoneEval-${stage}-Data`, {
    stage,
    monthlyBackupDays: settings.monthlyBackupDays,
    coldBackupAfterDays: settings.coldBackupAfterDays,
  });
  const service = new ServiceStack(app, `ZoneEval-${stage}-Service`, { stage, settings });
  return { stage, settings, data, service };
}
