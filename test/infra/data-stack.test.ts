import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from '../../lib/infra/data-stack';

function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new DataStack(app, 'ZoneEval-test-Data', { stage: 'test' });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('the data stack', () => {
  const { app, stack, template } = synth();

  test('one table keyed PK/SK (strings), on demand, with point-in-time recovery and deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  test('the table is retained when the stack is deleted, and the stack has termination protection', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(stack.terminationProtection).toBe(true);
  });

  test('the table has a fixed name per stage, so the service stack finds it without an export', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'zone-eval-test' });
  });

  test('superseded runs expire: the table deletes items past their expiresAt (epoch seconds)', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test("AWS Backup keeps a monthly backup beyond point-in-time recovery's 35 days, moved to cold storage, and no daily copies", () => {
    const plans = Object.values(template.findResources('AWS::Backup::BackupPlan'));
    expect(plans).toHaveLength(1);
    const rules = plans[0]?.Properties.BackupPlan.BackupPlanRule as {
      ScheduleExpression: string;
      Lifecycle: { DeleteAfterDays: number; MoveToColdStorageAfterDays?: number };
    }[];
    expect(rules.map((r) => r.ScheduleExpression)).toEqual(['cron(0 4 1 * ? *)']);
    expect(rules[0]?.Lifecycle).toEqual({ DeleteAfterDays: 730, MoveToColdStorageAfterDays: 35 });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }],
      }),
    });
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
  });

  test('with coldBackupAfterDays 0 the monthly backups stay warm (a stage keeping them under 90 days)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const dev = new DataStack(app, 'ZoneEval-dev-Data', {
      stage: 'dev',
      monthlyBackupDays: 90,
      coldBackupAfterDays: 0,
    });
    const plan = Object.values(Template.fromStack(dev).findResources('AWS::Backup::BackupPlan'))[0];
    expect(plan?.Properties.BackupPlan.BackupPlanRule[0].Lifecycle).toEqual({ DeleteAfterDays: 90 });
  });

  test('the AWS Solutions checks of cdk-nag report nothing (synthesis fails on any violation)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  test('the checks do run: a table without point-in-time recovery fails synthesis with AwsSolutions-DDB3', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'zone-eval-nag-'));
    const bad = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad));
    new Table(new Stack(bad, 'Bad'), 'T', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => bad.synth()).toThrow(/AwsSolutions-DDB3/);
      expect(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).toMatch(/AwsSolutions-DDB3/);
    } finally {
      quiet.mockRestore();
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
