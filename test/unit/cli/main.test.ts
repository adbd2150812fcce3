/** `zone-eval --help`: the command list a person reads first. */
import { commandNames, usage } from '../../../lib/cli/main';

test('every command of zone-eval --help starts its summary in the same column', () => {
  const lines = usage()
    .split('\n')
    .filter((l) => commandNames().some((n) => l.startsWith(`  ${n} `)));
  expect(lines).toHaveLength(commandNames().length);
  // The summary's column: past the name and the spaces after it.
  const columns = new Set(lines.map((l) => l.length - l.slice(2).replace(/^\S+\s+/, '').length));
  expect([...columns]).toHaveLength(1);
  expect(lines.find((l) => l.startsWith('  accept-late '))).toMatch(/^ {2}accept-late {2}\S/);
});
