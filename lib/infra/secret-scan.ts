/**
 * Finds secret values in a synthesised cloud assembly: the templates, and every asset (the Lambda bundles and their
 * source maps). Secrets live in Secrets Manager and are read at run time; none may be in an environment variable,
 * a template or a bundle, where anyone who can read the stack or download the function's code would see it.
 *
 * Three kinds of evidence:
 * - text that has the shape of a credential anywhere (a PEM private key, a service-account key's `private_key`, an
 *   AWS access key id, a Google API key or OAuth token);
 * - a Secrets Manager secret created with a literal value other than the credentials placeholder;
 * - a Lambda environment value that looks random (a long run of letters and digits): settings are names, URLs and
 *   numbers, so a random-looking value is a secret pasted where a secret id belongs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GOOGLE_CREDENTIALS_PLACEHOLDER } from './contract';

export type SecretFinding = { file: string; where: string; what: string };

/** Credential shapes, each with what it is. */
const PATTERNS: { what: string; re: RegExp }[] = [
  // The header followed by key material (a library that merely checks for the header is not a finding).
  { what: 'a PEM private key', re: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?:\\+n|\s)+[A-Za-z0-9+/]{40,}/ },
  { what: "a service-account key's private_key", re: /\\?"private_key\\?"\s*:\s*\\?"-----BEGIN/ },
  { what: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a Google OAuth access token', re: /\bya29\.[0-9A-Za-z_-]{20,}/ },
];

/**
 * A run of 20 or more letters and digits (no `-`, `_`, `.` or `/`, which names and URLs use) holding both: random-
 * looking. Resource names (`zone-eval-prod`), secret ids and numbers are not.
 */
export function looksRandom(value: string): boolean {
  for (const run of value.match(/[A-Za-z0-9]{20,}/g) ?? []) {
    if (/[A-Za-z]/.test(run) && /[0-9]/.test(run)) return true;
  }
  return false;
}

/** Settings that hold Google ids (Drive folder ids look random, and are not secret). */
export const ID_SETTINGS: readonly string[] = ['EVALUATIONS'];

/** Credential shapes in a text. */
export function scanText(text: string, file: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const { what, re } of PATTERNS) {
    const m = re.exec(text);
    if (m) out.push({ file, where: `offset ${m.index}`, what });
  }
  return out;
}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Literal secret values in a CloudFormation template's secrets and Lambda environments. */
export function scanTemplate(template: Template, file: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::SecretsManager::Secret' && p.SecretString !== undefined) {
      if (p.SecretString !== GOOGLE_CREDENTIALS_PLACEHOLDER)
        out.push({ file, where: `${id}.SecretString`, what: 'a secret created with a literal value' });
    }
    if (r.Type === 'AWS::Lambda::Function') {
      const vars = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [name, value] of Object.entries(vars))
        if (typeof value === 'string' && !ID_SETTINGS.includes(name) && looksRandom(value))
          out.push({ file, where: `${id} environment ${name}`, what: 'a random-looking environment value' });
    }
  }
  return out;
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Every finding in an assembly directory (`cdk.out`): every file's text, and every template's structure. */
export function scanAssembly(dir: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const path of files(dir)) {
    const file = relative(dir, path);
    const text = readFileSync(path, 'utf8');
    out.push(...scanText(text, file));
    if (file.endsWith('.template.json')) out.push(...scanTemplate(JSON.parse(text) as Template, file));
  }
  return out;
}
