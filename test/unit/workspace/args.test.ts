/** `zone-eval workspace` (`npm start`) options: defaults, ranges, and options a seeded workspace would ignore. */
import { resolve } from 'node:path';
import { UsageError } from '../../../lib/cli/errors';
import {
  checkAgainstManifest,
  DEFAULT_WORKSPACE_DIR,
  DEFAULT_WORKSPACE_PORT,
  parseWorkspaceArgs,
} from '../../../lib/cli/workspace';

test('with no options the state lives in .zone-eval/workspace and the page on port 8787 of 127.0.0.1', () => {
  expect(parseWorkspaceArgs([])).toEqual({
    dataDir: resolve(DEFAULT_WORKSPACE_DIR),
    port: DEFAULT_WORKSPACE_PORT,
    host: '127.0.0.1',
  });
  expect(DEFAULT_WORKSPACE_PORT).toBe(8787);
});

test('--data-dir, --port, --zones and --seed are read', () => {
  expect(parseWorkspaceArgs(['--data-dir', '/tmp/w', '--port', '0', '--zones', '12', '--seed=7'])).toEqual({
    dataDir: '/tmp/w',
    port: 0,
    host: '127.0.0.1',
    zones: 12,
    seed: 7,
  });
});

test('a port out of range and a misspelt option are refused in one sentence', () => {
  expect(() => parseWorkspaceArgs(['--port', '70000'])).toThrow(
    new UsageError("option --port must be a whole number from 0 to 65535, got '70000'"),
  );
  expect(() => parseWorkspaceArgs(['--data-dri', 'x'])).toThrow(
    /unknown option --data-dri \(did you mean --data-dir\?\)/,
  );
});

test('--help runs nothing', () => {
  expect(parseWorkspaceArgs(['--port', 'x', '--help'])).toBe('help');
});

test('--zones or --seed that differ from what the workspace was seeded with are refused, not ignored', () => {
  const opts = { dataDir: '/tmp/w', port: 0, host: '127.0.0.1', zones: 12 };
  expect(() => checkAgainstManifest(opts, { zones: 105, seed: 2025 })).toThrow(
    /--zones 12: the workspace in \/tmp\/w was seeded with --zones 105.*remove \/tmp\/w to seed afresh/,
  );
  expect(() => checkAgainstManifest({ ...opts, zones: 105 }, { zones: 105, seed: 2025 })).not.toThrow();
  expect(() => checkAgainstManifest(opts, null)).not.toThrow();
});
