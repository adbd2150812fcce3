import type { Suite } from './types';

/**
 * Every benchmark suite, in the order they run. Each area of the code adds its own module here. Loaded with
 * require(), not import(): under the tsx launcher only the CommonJS hook is registered.
 */
export const suites: Array<() => Promise<Suite>> = [
  async () => require('./core').suite,
  async () => require('./core').uncertaintySuite,
  async () => require('./emulator').suite,
  async () => require('./sync').suite,
  async () => require('./cli').suite,
  async () => require('./loop').evaluateSuite,
  async () => require('./loop').loopSuite,
  async () => require('./bundles').suite,
];
