/**
 * Sample quantiles, type 7 (the default of R and numpy).
 *
 * @module
 */

/**
 * The sample quantile of `values` at probability `p`, by linear interpolation between order
 * statistics (Hyndman and Fan type 7, R's and numpy's default). With x₍₀₎ ≤ ... ≤ x₍ₙ₋₁₎ sorted:
 *
 * ```
 * h = (n - 1)·p,   Q(p) = x₍⌊h⌋₎ + (h - ⌊h⌋)·(x₍⌊h⌋+1₎ - x₍⌊h⌋₎)
 * ```
 *
 * Returns NaN for an empty sample. Throws a RangeError unless 0 ≤ p ≤ 1. Sorts a copy: O(n log n)
 * per call; use {@linkcode quantiles} for several probabilities of one sample.
 *
 * @example
 * ```ts
 * import { quantile } from "./quantile.ts";
 * const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
 * if (quantile(xs, 0.5) !== 5.5 || quantile(xs, 0.25) !== 3.25) throw new Error("bad quantile");
 * ```
 */
export function quantile(values: readonly number[], p: number): number {
  return quantiles(values, [p])[0]!;
}

/**
 * Sample quantiles (type 7, see {@linkcode quantile}) of `values` at each probability of `ps`,
 * sorting the sample once.
 *
 * @example
 * ```ts
 * import { quantiles } from "./quantile.ts";
 * const [q10, q90] = quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0.1, 0.9]);
 * if (Math.abs(q10! - 1.9) > 1e-12 || Math.abs(q90! - 9.1) > 1e-12) throw new Error("bad");
 * ```
 */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  for (const p of ps) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p: got ${p}, expected a number in [0, 1]`);
  }
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sortedQuantile(sorted, p));
}

function sortedQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, n - 1)]!;
  return h === lo ? a : a + (h - lo) * (b - a);
}
