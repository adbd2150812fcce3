/**
 * The name of the emulator's state file in its data directory. A module of its own, importing nothing, so that the
 * command line checks a `--data-dir` without loading the emulator.
 */
export const STATE_FILE = 'emulator-state.json';
