import { join } from 'node:path';
import { describeParts, partOf } from '../../../lib/infra/bundles';
import { PROJECT_ROOT } from '../../../lib/infra/function';

describe('the parts of a bundle (esbuild metafile inputs)', () => {
  test('a package file counts for its package, scoped or not, wherever node_modules lies', () => {
    expect(partOf('../../main/node_modules/@smithy/core/dist-es/submodules/protocols/json/x.js')).toBe(
      '@smithy/core',
    );
    expect(partOf('node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(partOf(join(PROJECT_ROOT, 'node_modules/gaxios/build/esm/src/gaxios.js'))).toBe('gaxios');
  });

  test('a project file counts for its folder; by file, each file for itself', () => {
    expect(partOf('lib/store/dynamo-store.ts')).toBe('lib/store');
    expect(partOf('functions/shared/aws-queue.ts')).toBe('functions/shared');
    expect(partOf('functions/webhook.ts')).toBe('functions/webhook.ts');
    expect(partOf('lib/store/dynamo-store.ts', 'file')).toBe('lib/store/dynamo-store.ts');
    expect(partOf('../../main/node_modules/@smithy/core/dist-es/a/b.js', 'file')).toBe(
      '@smithy/core/dist-es/a/b.js',
    );
  });

  test('parts read as one line in KB', () => {
    expect(
      describeParts([
        { what: 'zod', bytes: 99_500 },
        { what: 'lib/store', bytes: 20_480 },
      ]),
    ).toBe('zod 97 KB, lib/store 20 KB');
  });
});
