import type { ReliabilitySuite } from './types';

/**
 * Every reliability suite, in the order `zone-eval reliability` runs them. Loaded with require(), not import():
 * under the tsx launcher only the CommonJS hook is registered; loading a suite runs nothing.
 *
 * The faults suite (`faultsSuite` from ./faults) and the bad-input suite (`badInputsSuite` from ./bad-inputs) are
 * registered here, first, once their modules exist:
 *   async () => require('./faults').faultsSuite,
 *   async () => require('./bad-inputs').badInputsSuite,
 */
export const suites: Array<() => Promise<ReliabilitySuite>> = [
  async () => require('./security').securitySuite,
  async () => require('./load').loadSuite,
];
