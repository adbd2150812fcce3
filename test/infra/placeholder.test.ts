import { GOOGLE_CREDENTIALS_PLACEHOLDER, isCredentialsPlaceholder } from '../../lib/infra/contract';
import { authFor } from '../../lib/sheets/client';

describe('the Google credentials placeholder', () => {
  test('is recognised as such, and a real key or configuration is not', () => {
    expect(isCredentialsPlaceholder(GOOGLE_CREDENTIALS_PLACEHOLDER)).toBe(true);
    expect(isCredentialsPlaceholder('{"type":"service_account"}')).toBe(false);
    expect(isCredentialsPlaceholder('{"type":"external_account"}')).toBe(false);
    expect(isCredentialsPlaceholder('not json')).toBe(false);
  });

  test('the Google clients report it as credentials not filled in, whichever kind the secret was read as', () => {
    for (const credentials of [
      { kind: 'service-account', key: GOOGLE_CREDENTIALS_PLACEHOLDER },
      { kind: 'external-account', config: JSON.parse(GOOGLE_CREDENTIALS_PLACEHOLDER) },
    ] as const)
      expect(() => authFor(credentials)).toThrow(
        /^Google credentials not filled in: .*README: the admin guide/,
      );
  });

  test('a malformed key is still reported as malformed, not as the placeholder', () => {
    expect(() => authFor({ kind: 'service-account', key: '{"type":"user"}' })).toThrow(/not usable/);
  });
});
