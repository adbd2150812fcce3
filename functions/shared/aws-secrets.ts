/** Secrets on AWS: Secrets Manager through Powertools parameters, cached for `SECRET_MAX_AGE_SECONDS`. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** A secret's text, from Secrets Manager through the Powertools cache. */
export async function secretText(id: string, maxAgeSeconds: number): Promise<string> {
  const value = await getSecret(id, { maxAge: maxAgeSeconds });
  if (typeof value !== 'string' || value === '')
    throw new Error(`secret ${id} has no text value (a binary or empty secret cannot be used)`);
  return value;
}
