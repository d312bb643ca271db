/**
 * A sample mean with its Student t confidence interval.
 *
 * @module
 */
import { checkConfidence } from "./normal_quantile.ts";
import { tQuantile } from "./t_quantile.ts";

/** A sample mean with standard deviation and a two-sided confidence interval [lo, hi]. */
export interface MeanInterval {
  /** Sample size. */
  n: number;
  /** Arithmetic mean (NaN when n = 0). */
  mean: number;
  /** Sample standard deviation with Bessel's correction (NaN when n < 2). */
  sd: number;
  /** Lower bound of the interval (NaN when n < 2). */
  lo: number;
  /** Upper bound of the interval (NaN when n < 2). */
  hi: number;
  /** Confidence level of the interval, e.g. 0.95. */
  confidence: number;
}

/**
 * The mean of `values` with a Student t confidence interval:
 *
 * ```
 * mean ± t_{1-(1-confidence)/2, n-1} · s / sqrt(n),   s² = Σ (x - mean)² / (n - 1)
 * ```
 *
 * The t quantile is used for every n (it tends to the normal quantile as n grows), so small
 * samples get honest, wider intervals. The interval assumes roughly normal means (central limit
 * theorem); for heavy-tailed data prefer quantiles. The mean and variance are computed in two
 * passes for accuracy. NaN values are not filtered: filter them first.
 *
 * @example
 * ```ts
 * import { meanInterval } from "./mean.ts";
 * const m = meanInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
 * // 5.5 ± 2.2622 · 3.02765 / sqrt(10)
 * if (Math.abs(m.lo - 3.3341) > 1e-4 || Math.abs(m.hi - 7.6659) > 1e-4) throw new Error("bad CI");
 * ```
 */
export function meanInterval(values: readonly number[], confidence = 0.95): MeanInterval {
  checkConfidence(confidence);
  const n = values.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, lo: NaN, hi: NaN, confidence };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { n, mean, sd: NaN, lo: NaN, hi: NaN, confidence };
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const sd = Math.sqrt(squares / (n - 1));
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half, confidence };
}
