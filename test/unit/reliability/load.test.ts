/** The load suite's pure parts: the memory growth it judges, and the edits it sends. */
import { loadEdits } from '../../../lib/bench/loop';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { secondHalfGrowth } from '../../../lib/reliability/load';

describe('secondHalfGrowth', () => {
  const samples = (f: (t: number) => number) =>
    Array.from({ length: 101 }, (_, k) => ({ at: k * 100, bytes: f(k * 100) }));

  test('compares the end of the span with the tenth after its half, in percent', () => {
    // Flat until the half, then a straight rise to 150 at the end.
    const s = samples((t) => (t <= 5000 ? 100 : 100 + (t - 5000) / 100));
    const g = secondHalfGrowth(s, 10_000)!;
    expect(g).toBeGreaterThan(35);
    expect(g).toBeLessThan(50);
  });

  test('one high sample does not decide (medians), and flat memory is no growth', () => {
    expect(
      secondHalfGrowth(
        samples(() => 200),
        10_000,
      ),
    ).toBe(0);
    expect(
      secondHalfGrowth(
        samples((t) => (t === 9_900 ? 900 : 200)),
        10_000,
      ),
    ).toBe(0);
  });

  test('is null with no sample in either window', () => {
    expect(secondHalfGrowth([{ at: 0, bytes: 1 }], 10_000)).toBeNull();
  });
});

describe('loadEdits', () => {
  const ev = loadDefaultEvaluation(2025);
  const zones = ev.zones.slice(0, 3);
  const sheets = new Map(zones.map((z) => [z.zoneId, `sheet-${z.zoneId}`]));

  test('gives every edit a cell of its own and a value of its own, zones in turn', () => {
    const edits = loadEdits(ev, sheets, zones, 9, 100);
    expect(edits.map((e) => e.zoneId)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2].map((k) => zones[k]!.zoneId));
    expect(new Set(edits.map((e) => `${e.zoneId}/${e.cell}`)).size).toBe(9);
    expect(edits.map((e) => e.value)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108]);
    // Only indicators without an upper bound, so that every value typed is accepted.
    for (const e of edits)
      expect(ev.methodology.indicators.find((i) => i.code === e.code)?.max ?? null).toBeNull();
  });

  test('refuses more edits than the zones have cells for', () => {
    expect(() => loadEdits(ev, sheets, zones, 1000, 0)).toThrow(/need more than one cell each of 3 zones/);
  });
});
