/**
 * The CDK app: `npx cdk deploy -c stage=prod` deploys the stage's two stacks. The data stack holds what must
 * survive (the table, the secrets, the backups) and the service stack everything that can be redeployed at will;
 * the service stack finds the data stack's resources by their fixed names, never through exports. Settings per
 * stage come from cdk.json (`zone-eval:stages`) and `-c <setting>=<value>` (lib/infra/settings.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DataStack } from '../lib/infra/data-stack';
import { ServiceStack } from '../lib/infra/service-stack';
import { readSettings } from '../lib/infra/settings';

const app = new App();
const { stage, settings } = readSettings((key) => app.node.tryGetContext(key));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
new DataStack(app, `ZoneEval-${stage}-Data`, {
  stage,
  dailyBackupDays: settings.dailyBackupDays,
  monthlyBackupDays: settings.monthlyBackupDays,
});
new ServiceStack(app, `ZoneEval-${stage}-Service`, { stage, settings });
app.synth();
