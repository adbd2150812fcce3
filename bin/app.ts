/**
 * The CDK app: `npx cdk deploy -c stage=prod --all` deploys the stage's two stacks. The data stack holds what must
 * survive (the table, the secrets, the backups) and the service stack everything that can be redeployed at will;
 * the service stack finds the data stack's resources by their fixed names, never through exports. Settings per
 * stage come from cdk.json (`zone-eval:stages`) and `-c <setting>=<value>` (lib/infra/settings.ts).
 */
import { App } from 'aws-cdk-lib';
import { buildStages } from '../lib/infra/app';

const app = new App();
buildStages(app);
app.synth();
