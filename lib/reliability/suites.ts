import type { ReliabilitySuite } from './types';

/**
 * Every reliability suite, in the order `zone-eval reliability` runs them. Loaded with require(), not import():
 * under the tsx launcher only the CommonJS hook is registered; loading a suite runs nothing.
 */
export const suites: Array<() => Promise<ReliabilitySuite>> = [
  async () => require('./faults').faultsSuite,
  async () => require('./bad-inputs').badInputsSuite,
  async () => require('./security').securitySuite,
  async () => require('./load').loadSuite,
];
