/**
 * Seeded pseudo-random numbers for simulations.
 *
 * The generator is SFC32 (Chris Doty-Humphrey's "small fast counting" generator: 128 bits of state,
 * period at least 2^32, passes PractRand to many terabytes), which runs in 32-bit integer
 * arithmetic and is therefore fast in JavaScript. A stream's initial state is a hash of the run's
 * seed and the stream's *name path* (`"root/network/clients"`), never of another stream's state:
 * `fork(name)` gives the same stream whatever was forked or drawn before, so adding a subsystem
 * does not shift the random numbers of the others (DESIGN.md, "Determinism").
 *
 * @module
 */

const TWO_POW_32 = 4294967296;

/** Mixes a 32-bit value (a finaliser with good avalanche; from the murmur3 family of mixers). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a string to 32 bits (FNV-1a over UTF-16 code units, then {@linkcode mix32}). */
export function hashString32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/**
 * A seeded stream of random numbers with named, independent sub-streams.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * const a = new Prng(42), b = new Prng(42);
 * if (a.u32() !== b.u32()) throw new Error("not deterministic");
 * const x = a.fork("arrivals").exponential(2);
 * if (!(x >= 0)) throw new Error("bad sample");
 * // A fork depends only on seed and name, not on what the parent drew before:
 * if (new Prng(42).fork("arrivals").u32() !== b.fork("arrivals").u32()) throw new Error("shifted");
 * ```
 */
export class Prng {
  /** The run's seed. */
  readonly seed: number;
  /** The stream's name path, `"root"` for the root stream. */
  readonly path: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare = NaN;

  /**
   * @param seed a non-negative safe integer.
   * @param path the stream's name path; use {@linkcode fork} rather than passing it.
   */
  constructor(seed: number, path = "root") {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed: got ${seed}, expected a non-negative safe integer`);
    }
    this.seed = seed;
    this.path = path;
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const h = hashString32(path, mix32(lo ^ mix32(hi ^ 0x9e3779b9)));
    this.#a = mix32(h ^ 0x243f6a88);
    this.#b = mix32(h ^ 0x85a308d3);
    this.#c = mix32(h ^ 0x13198a2e);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent stream named `name`; the same (seed, path, name) always gives the same stream. */
  fork(name: string): Prng {
    if (name.length === 0 || name.includes("/")) {
      throw new RangeError(
        `fork name: got ${JSON.stringify(name)}, expected a non-empty name without "/"`,
      );
    }
    return new Prng(this.seed, `${this.path}/${name}`);
  }

  /** The next 32-bit unsigned integer. */
  u32(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = ((c << 21) | (c >>> 11)) + t | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of resolution (one draw). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** A float in [0, 1) with 53 bits of resolution (two draws). */
  float53(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** An unbiased integer in [0, n) for 1 <= n <= 2^32 (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32) || n !== Math.floor(n)) {
      throw new RangeError(`int(n): got ${n}, expected an integer in [1, 2^32]`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.u32();
    for (let i = 0; x >= limit && i < 1000; i++) x = this.u32();
    return x % n;
  }

  /** An unbiased integer in [lo, hi] (both inclusive). */
  intBetween(lo: number, hi: number): number {
    // int() only checks the width, so non-integer bounds would return non-integers (0.5 or 1.5).
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
      throw new RangeError(`intBetween: got lo ${lo}, hi ${hi}; expected integers`);
    }
    if (hi < lo) throw new RangeError(`intBetween: hi ${hi} < lo ${lo}`);
    return lo + this.int(hi - lo + 1);
  }

  /** A float uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.float();
  }

  /** An exponential variate with the given mean (= 1 / rate). */
  exponential(mean: number): number {
    if (!(mean >= 0)) throw new RangeError(`exponential(mean): got ${mean}, expected mean >= 0`);
    return -mean * Math.log(1 - this.float());
  }

  /** A normal variate (Box-Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, sd = 1): number {
    if (!(sd >= 0) || Number.isNaN(mean)) {
      throw new RangeError(`normal(${mean}, ${sd}): expected sd >= 0`);
    }
    let z = this.#spare;
    if (z === z) {
      this.#spare = NaN;
    } else {
      const u = 1 - this.float53();
      const v = this.float53();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.#spare = r * Math.sin(2 * Math.PI * v);
    }
    return mean + sd * z;
  }

  /** A log-normal variate: `exp(normal(mu, sigma))` (mu and sigma of the underlying normal). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli(p): got ${p}, expected 0 <= p <= 1`);
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("choice: empty array");
    return items[this.int(items.length)]!;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}
