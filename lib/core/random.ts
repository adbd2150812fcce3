/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman and Vigna) seeded through splitmix32.
 *
 * Uses only 32-bit integer arithmetic (`Math.imul`, shifts) and, for the normal, `Math.log` and `Math.sqrt`, so a
 * seed gives the same stream on every run and every machine. Not for cryptography.
 *
 * @example
 * const rng = new Random(42);
 * rng.next(); // in [0, 1)
 * rng.int(1, 6); // a die
 */

const TWO_POW_MINUS_32 = 1 / 4294967296;

/** A seed for {@link Random}: a number (its integer part mod 2^32 is used) or a string (hashed). */
export type Seed = number | string;

/** FNV-1a (32-bit) over UTF-16 code units, continuing from `h` (the offset basis for a new hash). */
export function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Turns a textual seed (a setting typed in a sheet) into 32 bits. */
export function hashSeed(text: string): number {
  return fnv1a(text);
}

function seedToUint32(seed: Seed): number {
  if (typeof seed === 'string') return hashSeed(seed);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Modulo rather than `| 0` so that seeds beyond 2^32 still differ in their low bits predictably.
  const t = Math.trunc(seed) % 4294967296;
  return (t < 0 ? t + 4294967296 : t) >>> 0;
}

/** One step of splitmix32; returns the new state and the output, so seeding never reuses correlated words. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z = z ^ (z >>> 15);
  return [next, z >>> 0];
}

/** A seeded generator. Every method draws from the same stream, so the order of calls matters. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // The polar method yields normals in pairs; keeping the second halves the cost of `normal()`.
  private spare = 0;
  private hasSpare = false;

  constructor(seed: Seed) {
    let st = seedToUint32(seed);
    let out: number;
    [st, out] = splitmix32(st);
    this.s0 = out;
    [st, out] = splitmix32(st);
    this.s1 = out;
    [st, out] = splitmix32(st);
    this.s2 = out;
    [st, out] = splitmix32(st);
    this.s3 = out;
    // xoshiro's all-zero state is a fixed point; splitmix32 cannot produce it, but guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with the given raw xoshiro128** state, for checking against the reference implementation. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    const r = new Random(0);
    r.s0 = s0 >>> 0;
    r.s1 = s1 >>> 0;
    r.s2 = s2 >>> 0;
    r.s3 = s3 >>> 0;
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    return r;
  }

  /** The next 32 random bits as an unsigned integer. */
  uint32(): number {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A uniform number in [0, 1), on a grid of 2^-32. */
  next(): number {
    return this.uint32() * TWO_POW_MINUS_32;
  }

  /** A uniform number in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in [lo, hi], both ends included, without modulo bias. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`int(lo, hi) needs integers with lo <= hi, got ${lo}, ${hi}`);
    }
    const n = hi - lo + 1;
    if (n > 4294967296) throw new RangeError(`int(lo, hi) range too wide: ${n}`);
    if (n === 4294967296) return lo + this.uint32();
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return lo + (u % n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A normal deviate (Marsaglia's polar method), mean 0 and standard deviation 1 unless given. */
  normal(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return mean + sd * u * f;
  }

  /** exp of a normal with mean `mu` and standard deviation `sigma`: its median is exp(mu). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** A uniformly chosen element; throws on an empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** Fills `out` with uniforms in [0, 1) and returns it; the hot loop of a Monte Carlo run. */
  fill(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uint32() * TWO_POW_MINUS_32;
    return out;
  }

  /** Fills `out` with normal deviates and returns it. */
  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, sd);
    return out;
  }

  /**
   * An independent generator seeded from this one's next draws, so that, say, each Monte Carlo replication can
   * own a stream and adding draws to one replication does not shift the others.
   */
  fork(): Random {
    return new Random(this.uint32() ^ Math.imul(this.uint32(), 0x9e3779b1));
  }
}
