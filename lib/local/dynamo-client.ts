/**
 * The SDK's side of the embedded DynamoDB (lib/local/dynamo.ts): its clients, apart from dynalite itself, so that the
 * local runtime's evaluate worker makes its own without loading dynalite and its LevelDB.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Credentials dynalite accepts and never checks; they keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The signature the embedded table is sent: dynalite checks that a SigV4 Authorization header is there and well
 * formed, never the signature itself, so the SDK's hashing and HMACs (a few per cent of the local loop's CPU) are
 * left out. Only the local client uses it; the Lambdas sign with the SDK's own signer.
 */
export const LOCAL_SIGNER: Extract<NonNullable<DynamoDBClientConfig['signer']>, { sign: unknown }> = {
  async sign(request) {
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    request.headers['x-amz-date'] = date;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`;
    return request;
  },
};

/**
 * The SDK clients of an embedded table's endpoint: the low-level one and the document client over it. The local
 * runtime's evaluate thread makes its own with these, as a separate Lambda would.
 */
export function localDynamoClients(
  endpoint: string,
  region: string,
): { raw: DynamoDBClient; client: DynamoDBDocumentClient } {
  const raw = new DynamoDBClient({
    endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    signer: LOCAL_SIGNER,
    maxAttempts: 3,
  });
  return { raw, client: DynamoDBDocumentClient.from(raw) };
}
