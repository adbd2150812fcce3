/**
 * The page's script compiles: esbuild bundles it (what the server serves), and its own tsconfig (DOM types, left
 * out of the project's) type-checks it with the views it shares with the server.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildPageScript } from '../../../lib/local/workspace/script';

const root = join(__dirname, '..', '..', '..');

test('the page script bundles into one script with the views and no module imports left', async () => {
  const js = await buildPageScript();
  expect(js).toContain('createTextNode');
  expect(js).toContain('/api/events');
  expect(js).not.toMatch(/\brequire\(|^import /m);
  // The views' text goes through text nodes: no HTML parsing of data anywhere in the page.
  expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test('the page script type-checks under its own tsconfig', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  expect(() =>
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(root, 'lib/local/workspace/browser')], {
      cwd: root,
      stdio: 'pipe',
    }),
  ).not.toThrow();
}, 120_000);
