/** provision's progress: a bar redrawn in place on a terminal, a line at every tenth otherwise. */
import { type ProgressStream, progress } from '../../../lib/cli/provision';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  const lines: string[] = [];
  const out: ProgressStream = { isTTY, write: (t) => writes.push(t), line: (t) => lines.push(t) };
  return { out, writes, lines };
}

test('on a terminal one bar is redrawn in place and ends with a line break when all is done', () => {
  const r = recorder(true);
  const tick = progress(4, r.out);
  tick(1, 'zone a');
  tick(2, 'zone b');
  tick(4, 'results');
  expect(r.lines).toEqual([]);
  expect(r.writes.at(-1)).toBe('\n');
  const bars = r.writes.slice(0, -1);
  expect(bars).toHaveLength(3);
  expect(bars.every((b) => b.startsWith('\rprovision [') && b.length === 90)).toBe(true);
  expect(bars[0]).toMatch(/^\rprovision \[#{8}\.{22}\] 1\/4 zone a {2,}$/);
  expect(bars[2]).toMatch(/^\rprovision \[#{30}\] 4\/4 results/);
});

test('off a terminal a line at every tenth and at the end, with no carriage returns', () => {
  const r = recorder(false);
  const tick = progress(108, r.out);
  for (let done = 1; done <= 108; done++) tick(done, done <= 105 ? `zone z${done}` : 'central');
  expect(r.writes).toEqual([]);
  // 1..10 are the first tenth, then one line as each tenth begins, and the last.
  expect(r.lines).toHaveLength(11);
  expect(r.lines[0]).toBe('provision: 1/108 zone z1');
  expect(r.lines[1]).toBe('provision: 11/108 zone z11');
  expect(r.lines.at(-1)).toBe('provision: 108/108 central');
  expect(r.lines.some((l) => l.includes('\r'))).toBe(false);
});
