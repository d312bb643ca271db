import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ecdf,
  groupBy,
  meanInterval,
  normalQuantile,
  proportion,
  quantile,
  quantiles,
  tCdf,
  tQuantile,
  zForConfidence,
} from "../../lib/campaign/mod.ts";

function near(actual: number, expected: number, tolerance: number, what = "") {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} differs from ${expected} by more than ${tolerance}`,
  );
}

Deno.test("proportion() gives the Wilson interval of 8/10 at 95%: [0.4902, 0.9433]", () => {
  const r = proportion(8, 10);
  assert.equal(r.p, 0.8);
  near(r.lo, 0.4902, 5e-5);
  near(r.hi, 0.9433, 5e-5);
  assert.equal(r.confidence, 0.95);
});

Deno.test("proportion() at 99% and at the edges 0/n and n/n", () => {
  const r99 = proportion(8, 10, 0.99);
  near(r99.lo, 0.4008187, 1e-6);
  near(r99.hi, 0.9598688, 1e-6);
  const none = proportion(0, 10);
  assert.equal(none.lo, 0);
  near(none.hi, 0.2775328, 1e-6); // z²/(n + z²)
  const all = proportion(10, 10);
  near(all.lo, 1 - 0.2775328, 1e-6);
  assert.equal(all.hi, 1);
  const empty = proportion(0, 0);
  assert.deepEqual([empty.lo, empty.hi, Number.isNaN(empty.p)], [0, 1, true]);
});

Deno.test("proportion() rejects impossible counts and confidence levels", () => {
  assert.throws(() => proportion(11, 10), /successes/);
  assert.throws(() => proportion(1.5, 10), /successes/);
  assert.throws(() => proportion(1, -1), /n:/);
  assert.throws(() => proportion(1, 10, 1), /confidence/);
});

Deno.test("proportion() interval contains p̂, lies in [0, 1] and narrows with confidence (property)", () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 100_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0.5, max: 0.999, noNaN: true }),
    (n, fraction, confidence) => {
      const k = Math.round(fraction * n);
      const r = proportion(k, n, confidence);
      const lower = proportion(k, n, confidence / 2);
      return 0 <= r.lo && r.lo <= r.p && r.p <= r.hi && r.hi <= 1 &&
        lower.lo >= r.lo - 1e-12 && lower.hi <= r.hi + 1e-12;
    },
  ));
});

Deno.test("normalQuantile() matches known quantiles and is odd around 1/2", () => {
  near(normalQuantile(0.975), 1.959963984540054, 1e-8);
  near(normalQuantile(0.995), 2.5758293035489004, 1e-8);
  near(normalQuantile(0.9), 1.2815515655446004, 1e-8);
  near(normalQuantile(0.001), -3.090232306167813, 1e-8);
  near(normalQuantile(1e-10), -6.361340902404056, 1e-7);
  assert.equal(normalQuantile(0.5), 0);
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  near(zForConfidence(0.95), 1.959964, 1e-6);
  fc.assert(fc.property(fc.double({ min: 1e-9, max: 0.5, noNaN: true }), (p) => {
    return Math.abs(normalQuantile(p) + normalQuantile(1 - p)) < 1e-7;
  }));
});

Deno.test("tQuantile() matches R's qt: t(0.975, 9) = 2.2622 and other table values", () => {
  const table: [number, number, number][] = [
    [0.975, 9, 2.262157162740991],
    [0.975, 1, 12.706204736174707],
    [0.975, 2, 4.302652729749464],
    [0.975, 3, 3.182446305284263],
    [0.95, 5, 2.015048372669157],
    [0.9, 10, 1.372183641110336],
    [0.975, 30, 2.042272456301238],
    [0.995, 30, 2.749995653567],
    [0.975, 100, 1.983971518523552],
    [0.025, 9, -2.262157162740991],
  ];
  for (const [p, df, expected] of table) near(tQuantile(p, df), expected, 1e-8, `qt(${p}, ${df})`);
  near(tQuantile(0.975, 1e6), 1.959966, 1e-6, "large df tends to z");
  assert.equal(tQuantile(0.5, 4), 0);
  assert.ok(Number.isNaN(tQuantile(0.5, 0)));
});

Deno.test("tQuantile() inverts tCdf() and exceeds the normal quantile (property)", () => {
  fc.assert(fc.property(
    fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    fc.double({ min: 0.5, max: 1000, noNaN: true }),
    (p, df) => {
      const t = tQuantile(p, df);
      const z = normalQuantile(p);
      return Math.abs(tCdf(t, df) - p) < 1e-9 && Math.abs(t) >= Math.abs(z) - 1e-7;
    },
  ));
});

Deno.test("meanInterval() is mean ± t(0.975, n-1)·s/√n", () => {
  const m = meanInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(m.mean, 5.5);
  near(m.sd, 3.0276503540974917, 1e-12);
  near(m.lo, 5.5 - 2.262157162740991 * 3.0276503540974917 / Math.sqrt(10), 1e-8);
  near(m.hi, 3.0276503540974917 * 2.262157162740991 / Math.sqrt(10) + 5.5, 1e-8);
  const one = meanInterval([4]);
  assert.equal(one.mean, 4);
  assert.ok(Number.isNaN(one.lo) && Number.isNaN(meanInterval([]).mean));
});

Deno.test("quantile() is type 7: quantiles of 1..10 as in R and numpy", () => {
  const xs = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  const ps = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
  const got = quantiles(xs, ps);
  [1, 1.9, 3.25, 5.5, 7.75, 9.1, 10].forEach((q, i) => near(got[i]!, q, 1e-12, `p=${ps[i]}`));
  assert.equal(quantile([42], 0.3), 42);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.throws(() => quantile(xs, 1.1), /p:/);
});

Deno.test("quantile() is monotone in p and stays within [min, max] (property)", () => {
  fc.assert(fc.property(
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    (xs, a, b) => {
      const [lo, hi] = quantiles(xs, [Math.min(a, b), Math.max(a, b)]);
      return lo! <= hi! && lo! >= Math.min(...xs) && hi! <= Math.max(...xs);
    },
  ));
});

Deno.test("ecdf() gives one point per distinct value with F(x) = #{≤ x}/n", () => {
  assert.deepEqual(ecdf([3, 1, 2, 2, NaN]), [{ x: 1, p: 0.25 }, { x: 2, p: 0.75 }, { x: 3, p: 1 }]);
  assert.deepEqual(ecdf([]), []);
});

Deno.test("ecdf() is strictly increasing, ends at 1 and counts correctly (property)", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
    (xs) => {
      const pts = ecdf(xs);
      const increasing = pts.every((pt, i) =>
        i === 0 || (pt.x > pts[i - 1]!.x && pt.p > pts[i - 1]!.p)
      );
      const counts = pts.every((pt) => pt.p === xs.filter((x) => x <= pt.x).length / xs.length);
      return increasing && counts && pts.at(-1)!.p === 1;
    },
  ));
});

Deno.test("groupBy() groups by one or more keys (dotted paths too), in order of first appearance", () => {
  const records = [
    { params: { rate: 2 }, ecc: "none", lat: 5 },
    { params: { rate: 1 }, ecc: "none", lat: 1 },
    { params: { rate: 2 }, ecc: "none", lat: 7 },
    { params: { rate: 2 }, ecc: "secded", lat: 3 },
  ];
  const rows = groupBy(
    records,
    ["params.rate", "ecc"],
    (g) => ({ mean: meanInterval(g.map((r) => r.lat)).mean }),
  );
  assert.deepEqual(rows, [
    { "params.rate": 2, ecc: "none", n: 2, mean: 6 },
    { "params.rate": 1, ecc: "none", n: 1, mean: 1 },
    { "params.rate": 2, ecc: "secded", n: 1, mean: 3 },
  ]);
  const plain = groupBy(records, "ecc");
  assert.deepEqual(plain.map((r) => [r.ecc, r.n, r.records.length]), [["none", 3, 3], [
    "secded",
    1,
    1,
  ]]);
});
