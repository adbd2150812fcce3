import { hashSeed, Random } from '../../lib/core/random';

function draws(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.uint32());
}

function meanAndSd(xs: ArrayLike<number>): { mean: number; sd: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i] ?? 0;
  const mean = sum / xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += ((xs[i] ?? 0) - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

describe('Random', () => {
  it('matches the reference xoshiro128** output for the state {1, 2, 3, 4}', () => {
    // Printed by the C reference implementation (prng.di.unimi.it/xoshiro128starstar.c).
    const rng = Random.fromState(1, 2, 3, 4);
    expect(draws(rng, 8)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
  });

  it('gives the same stream for a seed on every run', () => {
    // Pinned so that a change to seeding, which would silently change every uncertainty result, fails here.
    expect(draws(new Random(42), 5)).toEqual([660444221, 3652823732, 77672526, 910233633, 2297337756]);
    expect(draws(new Random('zone-eval'), 3)).toEqual([1340608813, 2296701751, 202906626]);
  });

  it('gives identical sequences for equal seeds and different ones for different seeds', () => {
    expect(draws(new Random(7), 100)).toEqual(draws(new Random(7), 100));
    expect(draws(new Random(7), 100)).not.toEqual(draws(new Random(8), 100));
    expect(draws(new Random('a'), 10)).not.toEqual(draws(new Random('b'), 10));
  });

  it('treats a string seed as its hash', () => {
    expect(draws(new Random('2025'), 10)).toEqual(draws(new Random(hashSeed('2025')), 10));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });

  it('draws next() in [0, 1) with a uniform mean and variance', () => {
    const rng = new Random(1);
    const xs = new Float64Array(100_000);
    for (let i = 0; i < xs.length; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      xs[i] = x;
    }
    const { mean, sd } = meanAndSd(xs);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeCloseTo(Math.sqrt(1 / 12), 2);
  });

  it('draws int(lo, hi) with both ends included and every value reached', () => {
    const rng = new Random(2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(-2, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(rng.int(5, 5)).toBe(5);
  });

  it('refuses an empty or fractional int range', () => {
    const rng = new Random(3);
    expect(() => rng.int(3, 2)).toThrow(RangeError);
    expect(() => rng.int(0.5, 2)).toThrow(RangeError);
  });

  it('draws normals with mean 0 and standard deviation 1 over 100k draws', () => {
    const rng = new Random(4);
    const xs = rng.fillNormal(new Float64Array(100_000));
    const { mean, sd } = meanAndSd(xs);
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(sd - 1)).toBeLessThan(0.015);
    const within1 = xs.filter((x) => Math.abs(x) < 1).length / xs.length;
    expect(within1).toBeCloseTo(0.6827, 2);
  });

  it('shifts and scales normals by mean and sd', () => {
    const rng = new Random(5);
    const xs = Array.from({ length: 50_000 }, () => rng.normal(10, 3));
    const { mean, sd } = meanAndSd(xs);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(3, 1);
  });

  it('draws log-normals whose median is exp(mu)', () => {
    const rng = new Random(6);
    const xs = Array.from({ length: 50_001 }, () => rng.logNormal(2, 0.8)).sort((a, b) => a - b);
    expect(xs[0]).toBeGreaterThan(0);
    expect(Math.log(xs[25_000] ?? 0)).toBeCloseTo(2, 1);
  });

  it('picks only elements of the array, each of them eventually', () => {
    const rng = new Random(7);
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set(Array.from({ length: 300 }, () => rng.pick(items)));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('shuffles in place into a permutation, reproducibly', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = [...a];
    const shuffled = new Random(8).shuffle(a);
    expect(shuffled).toBe(a);
    expect([...a].sort((x, y) => x - y)).toEqual(b);
    expect(a).not.toEqual(b);
    expect(new Random(8).shuffle(b)).toEqual(a);
  });

  it('forks reproducible streams that differ from the parent', () => {
    const p1 = new Random(9);
    const p2 = new Random(9);
    const f1 = p1.fork();
    const f2 = p2.fork();
    expect(draws(f1, 20)).toEqual(draws(f2, 20));
    expect(draws(p1.fork(), 20)).not.toEqual(draws(p1, 20));
  });

  it('fills a typed array with the same numbers as repeated next()', () => {
    const filled = new Random(10).fill(new Float64Array(5));
    const rng = new Random(10);
    expect(Array.from(filled)).toEqual([rng.next(), rng.next(), rng.next(), rng.next(), rng.next()]);
  });
});
