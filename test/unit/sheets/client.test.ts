import { auth } from '@googleapis/sheets';
import { authFor } from '../../../lib/sheets/client';

const key = {
  type: 'service_account',
  client_email: 'zone-eval@project.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
};
const wif = {
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/aws/providers/aws',
  subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
  token_url: 'https://sts.googleapis.com/v1/token',
  service_account_impersonation_url:
    'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/zone-eval@project.iam.gserviceaccount.com:generateAccessToken',
  credential_source: {
    environment_id: 'aws1',
    regional_cred_verification_url:
      'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
  },
};

describe('credentials', () => {
  test('a service-account key from a secret (JSON text) gives a GoogleAuth', () => {
    expect(authFor({ kind: 'service-account', key: JSON.stringify(key) })).toBeInstanceOf(auth.GoogleAuth);
  });

  test('a Workload Identity Federation config gives a GoogleAuth', () => {
    expect(authFor({ kind: 'external-account', config: wif })).toBeInstanceOf(auth.GoogleAuth);
  });

  test('a bearer token is sent as it is', async () => {
    const client = authFor({ kind: 'bearer', token: 'official@hangzhou.gov.cn' });

    expect(client).toBeInstanceOf(auth.OAuth2);
    if (client instanceof auth.OAuth2)
      expect((await client.getAccessToken()).token).toBe('official@hangzhou.gov.cn');
  });

  test('a secret that is not JSON, or not a key, is refused with a sentence', () => {
    expect(() => authFor({ kind: 'service-account', key: 'not json' })).toThrow('not valid JSON');
    expect(() => authFor({ kind: 'service-account', key: wif })).toThrow("type 'service_account'");
    expect(() => authFor({ kind: 'external-account', config: key })).toThrow("type 'external_account'");
  });
});
