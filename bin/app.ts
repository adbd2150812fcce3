/**
 * The CDK app: stage configuration only. `npx cdk deploy -c stage=prod` deploys the stage's stacks. Today that is
 * the data stack (the DynamoDB table); the Lambdas, queues and alarms join it as the pipeline's stages land.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from '../lib/infra/data-stack';

const app = new App();
const stage = app.node.tryGetContext('stage') ?? 'dev';
if (!/^[a-z][a-z0-9-]{1,20}$/.test(stage))
  throw new Error(`context stage must be a short lowercase name, got '${stage}'`);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new DataStack(app, `ZoneEval-${stage}-Data`, { stage });
app.synth();
