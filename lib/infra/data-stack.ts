/**
 * The stateful part of the deployment, in its own stack with termination protection:
 * - the one DynamoDB table of DESIGN section 5 (PK/SK strings, on-demand, point-in-time recovery, deletion
 *   protection, retained when the stack is deleted), under a fixed name per stage;
 * - the two secrets (the Google credentials, created as a placeholder the admin fills; the trigger master secret,
 *   generated), under fixed names;
 * - the table's time to live on `expiresAt`, which only superseded runs carry (lib/pipeline/run-retention.ts);
 * - AWS Backup beyond point-in-time recovery's 35 days: a backup on the first of each month, kept
 *   `monthlyBackupDays`, moved to cold storage after `coldBackupAfterDays`, in a vault kept when the stack is
 *   deleted. No daily backups: point-in-time recovery already restores any second of the last 35 days, and each
 *   DynamoDB backup is a full copy of the table, so 35 daily copies would cost 35 times the table for nothing.
 *
 * The service stack finds these by name (lib/infra/contract.ts), never through CloudFormation exports. Construct
 * ids and names here must never change: renaming would replace the table or the secrets.
 */
import { Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../store/keys';
import { backupVaultNameOf, GOOGLE_CREDENTIALS_PLACEHOLDER, secretNamesOf, tableNameOf } from './contract';

export type DataStackProps = StackProps & {
  stage: string;
  /** Days monthly backups are kept (730 by default). */
  monthlyBackupDays?: number;
  /** Days after which a monthly backup moves to cold storage (35 by default; 0: never). */
  coldBackupAfterDays?: number;
};

export class DataStack extends Stack {
  /** The table's name, for the other stacks (passed as a name, not as an object, to avoid hard-to-remove exports). */
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? true });
    const table = new TableV2(this, 'Table', {
      tableName: tableNameOf(props.stage),
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Expired items are deleted by DynamoDB within days, at no write cost; the embedded DynamoDB ignores it.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tableName = tableNameOf(props.stage);

    const names = secretNamesOf(props.stage);
    const google = new Secret(this, 'GoogleCredentials', {
      secretName: names.google,
      description:
        'Google credentials of zone-eval: a service-account key JSON or a Workload Identity Federation configuration JSON. Created as a placeholder; the admin fills it (README: the admin guide).',
      // Not a secret: a note the handlers recognise. It must never change (see the contract).
      secretStringValue: SecretValue.unsafePlainText(GOOGLE_CREDENTIALS_PLACEHOLDER),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(google).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Google credentials are issued by Google, not by AWS: a rotation means a new key (or none, with Workload Identity Federation) put here by the admin, documented in the README; no Lambda could create one.',
    });
    const trigger = new Secret(this, 'TriggerMasterSecret', {
      secretName: names.trigger,
      description:
        'Master secret of the edit triggers: each spreadsheet signs with a key derived from it. Rotate as the README says (the triggers must be given their new keys).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(trigger).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Each spreadsheet trigger holds a key derived from this secret in its script properties; an automatic rotation would silently break every trigger until they are reinstalled, so rotation is a documented admin step that reinstalls them (README).',
    });

    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: backupVaultNameOf(props.stage),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cold = props.coldBackupAfterDays ?? 35;
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `zone-eval-${props.stage}`,
      backupVault: vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '4', minute: '0' }),
          deleteAfter: Duration.days(props.monthlyBackupDays ?? 730),
          // Cold storage for DynamoDB needs AWS Backup's advanced DynamoDB features, on by default for accounts
          // whose first vault is from after November 2021 (README: backups); AWS Backup ignores it otherwise.
          ...(cold > 0 && { moveToColdStorageAfter: Duration.days(cold) }),
        }),
      ],
    });
    const selection = plan.addSelection('Table', { resources: [BackupResource.fromArn(table.tableArn)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy, the one its documentation prescribes and AWS keeps current as the service changes; the role can be assumed by backup.amazonaws.com only.",
    });
  }
}
