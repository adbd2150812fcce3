import type { Suite } from './types';

/** Every benchmark suite, in the order they run. Each area of the code adds its own module here. */
export const suites: Array<() => Promise<Suite>> = [];
