import assert from "node:assert/strict";
import fc from "fast-check";
import { hashString32, mix32, Prng } from "../../lib/sim/mod.ts";

/** Mean and (population) variance of `n` samples of `draw`. */
function moments(n: number, draw: () => number): { mean: number; variance: number } {
  let sum = 0, sum2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sum2 += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sum2 / n - mean * mean };
}

/** Asserts |got - want| <= rel * |want|. */
function near(got: number, want: number, rel: number, what: string): void {
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: got ${got}, want ${want}`);
}

const draws = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.u32());

Deno.test("Prng: the same seed gives the same stream; other seeds give other streams", () => {
  assert.deepEqual(draws(new Prng(12345), 50), draws(new Prng(12345), 50));
  assert.notDeepEqual(draws(new Prng(12345), 50), draws(new Prng(12346), 50));
  // The high 21 bits of the seed matter too.
  assert.notDeepEqual(draws(new Prng(7), 20), draws(new Prng(7 + 2 ** 32), 20));
  assert.notDeepEqual(draws(new Prng(0), 20), draws(new Prng(Number.MAX_SAFE_INTEGER), 20));
});

Deno.test("Prng: the stream of a fixed seed is stable across versions (golden values)", () => {
  // Pinned so that an accidental change of the generator or the seeding shows up here, not as a
  // silent change of every digest. Update only with a deliberate algorithm change.
  // (These are a regression pin recorded from the current implementation, not external values.)
  assert.deepEqual(draws(new Prng(42), 3), GOLDEN_42);
});
const GOLDEN_42 = [2539613834, 825218528, 4280055757];

Deno.test("Prng.u32() returns integers in [0, 2^32) covering the whole range", () => {
  const p = new Prng(3);
  let min = Infinity, max = -Infinity, odd = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = p.u32();
    assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
    min = Math.min(min, x);
    max = Math.max(max, x);
    odd += x & 1;
  }
  assert.ok(min < 2 ** 32 / 1000 && max > 2 ** 32 * 0.999, `min ${min}, max ${max}`);
  near(odd / n, 0.5, 0.02, "low bit");
});

Deno.test("Prng.float() and float53() are in [0, 1) with mean 1/2", () => {
  const p = new Prng(4);
  for (const f of [() => p.float(), () => p.float53()]) {
    let sum = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = f();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    near(sum / 50_000, 0.5, 0.01, "mean");
  }
});

Deno.test("Prng.int(n) is uniform on small n (chi-square, fixed seed)", () => {
  const p = new Prng(2024);
  for (const n of [2, 3, 6, 10]) {
    const counts = new Array<number>(n).fill(0);
    const total = 6_000 * n;
    for (let i = 0; i < total; i++) {
      const x = p.int(n);
      assert.ok(Number.isInteger(x) && x >= 0 && x < n);
      counts[x]!++;
    }
    const expected = total / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // df = n - 1 <= 9; P(chi2 > 40) < 1e-5 for df 9, so a failure means bias, not bad luck.
    assert.ok(chi2 < 40, `n=${n}: chi2 ${chi2.toFixed(1)} counts ${counts}`);
  }
});

Deno.test("Prng.int(n) has no modulo bias for n close to 2^32", () => {
  // n = 3 * 2^30: plain u32 % n would put half of all draws in [0, 2^30) instead of a third.
  const n = 3 * 2 ** 30;
  const p = new Prng(5);
  const bins = [0, 0, 0];
  const total = 30_000;
  for (let i = 0; i < total; i++) bins[Math.floor(p.int(n) / 2 ** 30)]!++;
  for (const b of bins) near(b / total, 1 / 3, 0.05, `bins ${bins}`);
  const max = new Prng(6).int(2 ** 32);
  assert.ok(Number.isInteger(max) && max >= 0 && max < 2 ** 32);
  assert.equal(new Prng(6).int(1), 0);
});

Deno.test("Prng.intBetween() stays within inclusive bounds and reaches both ends", () => {
  const p = new Prng(8);
  for (const [lo, hi] of [[-3, 2], [10, 10], [0, 1], [-1_000_000, -999_990]] as const) {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const x = p.intBetween(lo, hi);
      assert.ok(Number.isInteger(x) && x >= lo && x <= hi, `${x} outside [${lo}, ${hi}]`);
      seen.add(x);
    }
    assert.equal(seen.size, hi - lo + 1);
  }
});

Deno.test("Prng.exponential() has the requested mean and variance (fixed seed)", () => {
  const p = new Prng(11);
  const { mean, variance } = moments(200_000, () => p.exponential(5));
  // Standard error of the mean: 5 / sqrt(2e5) = 0.011 (0.2%); tolerances are ~5 sigma.
  near(mean, 5, 0.012, "mean");
  near(variance, 25, 0.03, "variance");
  assert.ok(new Prng(1).exponential(3) >= 0);
});

Deno.test("Prng.normal() has the requested mean and variance (fixed seed)", () => {
  const p = new Prng(12);
  const { mean, variance } = moments(200_000, () => p.normal(3, 2));
  // Standard error of the mean: 2 / sqrt(2e5) = 0.0045.
  assert.ok(Math.abs(mean - 3) < 0.025, `mean ${mean}`);
  near(variance, 4, 0.02, "variance");
  const std = moments(100_000, () => p.normal());
  assert.ok(Math.abs(std.mean) < 0.02, `standard mean ${std.mean}`);
  near(std.variance, 1, 0.03, "standard variance");
});

Deno.test("Prng.normal() uses both values of each Box-Muller pair, then draws again", () => {
  const a = new Prng(13), b = new Prng(13);
  a.normal();
  a.normal(); // second value of the pair: no draw
  b.normal();
  assert.equal(a.u32(), b.u32());
});

Deno.test("Prng.lognormal() has mean exp(mu + s^2/2) and the lognormal variance", () => {
  const p = new Prng(14);
  const mu = 0.5, s = 0.4;
  const { mean, variance } = moments(200_000, () => p.lognormal(mu, s));
  near(mean, Math.exp(mu + s * s / 2), 0.01, "mean");
  near(variance, (Math.exp(s * s) - 1) * Math.exp(2 * mu + s * s), 0.04, "variance");
});

Deno.test("Prng.bernoulli(p) is true with probability p", () => {
  const r = new Prng(15);
  let hits = 0;
  for (let i = 0; i < 100_000; i++) hits += r.bernoulli(0.3) ? 1 : 0;
  near(hits / 100_000, 0.3, 0.02, "frequency");
  for (let i = 0; i < 1_000; i++) {
    assert.equal(r.bernoulli(0), false);
    assert.equal(r.bernoulli(1), true);
  }
});

Deno.test("Prng.choice() picks every element, and throws on an empty array", () => {
  const p = new Prng(16);
  const items = ["a", "b", "c", "d", "e"];
  const counts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const x = p.choice(items);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), items);
  for (const c of counts.values()) near(c / 10_000, 0.2, 0.1, "choice frequency");
  assert.throws(() => p.choice([]), /choice: empty array/);
});

Deno.test("Prng.shuffle() returns a permutation of its input, in place", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.nat(1_000), (xs, seed) => {
      const copy = xs.slice();
      const out = new Prng(seed).shuffle(copy);
      assert.equal(out, copy);
      assert.deepEqual(out.slice().sort((a, b) => a - b), xs.slice().sort((a, b) => a - b));
    }),
  );
  const ordered = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Prng(17).shuffle(ordered.slice());
  assert.notDeepEqual(shuffled, ordered);
  assert.deepEqual(shuffled, new Prng(17).shuffle(ordered.slice()));
});

Deno.test("Prng.shuffle() puts each element in each position about equally often", () => {
  const p = new Prng(18);
  const n = 4, rounds = 24_000;
  const pos = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < rounds; r++) {
    p.shuffle([0, 1, 2, 3]).forEach((v, i) => pos[v]![i]!++);
  }
  for (const row of pos) for (const c of row) near(c / rounds, 1 / n, 0.05, "position");
});

Deno.test("Prng.fork() depends only on the seed and the name path", () => {
  const parent = new Prng(99);
  const before = parent.fork("net").u32();
  draws(parent, 1_000);
  parent.fork("disk");
  assert.equal(parent.fork("net").u32(), before);
  assert.equal(new Prng(99).fork("net").path, "root/net");
  assert.notEqual(new Prng(99).fork("disk").u32(), before);
  assert.notEqual(new Prng(98).fork("net").u32(), before);
  // Nested forks have their own path; a fork is not the parent.
  const nested = new Prng(99).fork("net").fork("rx");
  assert.equal(nested.path, "root/net/rx");
  assert.notEqual(nested.u32(), before);
  assert.notEqual(new Prng(99).u32(), before);
});

Deno.test("Prng rejects invalid arguments", () => {
  for (const seed of [-1, 1.5, NaN, 2 ** 53]) {
    assert.throws(() => new Prng(seed), /seed: got/);
  }
  const p = new Prng(1);
  for (const n of [0, -1, 1.5, NaN, 2 ** 32 + 1, Infinity]) {
    assert.throws(() => p.int(n), /int\(n\): got/, `int(${n})`);
  }
  assert.throws(() => p.intBetween(3, 2), /hi 2 < lo 3/);
  assert.throws(() => p.intBetween(0.5, 2.5), RangeError);
  assert.throws(() => p.intBetween(0, 2 ** 33), RangeError);
  for (const name of ["", "a/b"]) assert.throws(() => p.fork(name), /fork name/);
});

Deno.test("mix32() and hashString32() are 32-bit and spread nearby inputs", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 1_000; i++) {
    const h = mix32(i);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
    seen.add(h);
    seen.add(hashString32(`stream${i}`));
  }
  assert.equal(seen.size, 2_000);
  assert.notEqual(hashString32("ab"), hashString32("ba"));
  assert.notEqual(hashString32("x", 1), hashString32("x", 2));
});
