import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../../package.json';

const ROOT = join(__dirname, '..', '..');

describe('the AWS SDK the bundles pin', () => {
  const sdk = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));

  test('every @aws-sdk package is pinned to one exact version', () => {
    expect(sdk.length).toBeGreaterThan(1);
    const versions = new Set(sdk.map(([, v]) => v));
    expect([...versions]).toHaveLength(1);
    expect([...versions][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('the installed packages are that version (what esbuild bundles is what the tests ran)', () => {
    for (const [name, version] of sdk) {
      const installed = JSON.parse(
        readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
      ) as {
        version: string;
      };
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
    }
  });
});
