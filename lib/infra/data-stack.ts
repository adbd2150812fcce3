/**
 * The stateful part of the deployment: the one DynamoDB table of DESIGN section 5 (PK/SK strings, on-demand,
 * point-in-time recovery, deletion protection, retained when the stack is deleted). It lives in its own stack with
 * termination protection, and its construct id must never change: renaming it would replace the table.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY } from '../store/keys';

export type DataStackProps = StackProps & { stage: string };

export class DataStack extends Stack {
  /** The table's name, for the other stacks (passed as a name, not as an object, to avoid hard-to-remove exports). */
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? true });
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tableName = table.tableName;
  }
}
