/**
 * A proportion with its Wilson score interval.
 *
 * @module
 */
import { zForConfidence } from "./normal_quantile.ts";

/** A proportion `successes / n` with a two-sided confidence interval [lo, hi]. */
export interface Proportion {
  /** Number of successes. */
  successes: number;
  /** Number of trials. */
  n: number;
  /** Point estimate p̂ = successes / n (NaN when n = 0). */
  p: number;
  /** Lower bound of the interval, in [0, 1]. */
  lo: number;
  /** Upper bound of the interval, in [0, 1]. */
  hi: number;
  /** Confidence level of the interval, e.g. 0.95. */
  confidence: number;
}

/**
 * The proportion `successes / n` with its Wilson score interval.
 *
 * With p̂ = k/n and z = Φ⁻¹(1 - (1 - confidence)/2):
 *
 * ```
 * centre = (p̂ + z²/(2n)) / (1 + z²/n)
 * half   = z / (1 + z²/n) · sqrt( p̂(1-p̂)/n + z²/(4n²) )
 * [lo, hi] = [centre - half, centre + half]
 * ```
 *
 * Unlike the normal (Wald) interval it stays inside [0, 1] and is sensible at k = 0 or k = n, which
 * is common for rare fault outcomes. With n = 0 the interval is [0, 1] and p is NaN.
 *
 * @param successes integer, 0 ≤ successes ≤ n.
 * @param n number of trials, a non-negative integer.
 * @param confidence two-sided confidence level in (0, 1); default 0.95.
 *
 * @example
 * ```ts
 * import { proportion } from "./proportion.ts";
 * const { lo, hi } = proportion(8, 10); // [0.4902, 0.9433]
 * if (Math.abs(lo - 0.4902) > 1e-4 || Math.abs(hi - 0.9433) > 1e-4) throw new Error("bad Wilson");
 * ```
 */
export function proportion(successes: number, n: number, confidence = 0.95): Proportion {
  checkCounts(successes, n);
  const z = zForConfidence(confidence);
  if (n === 0) return { successes, n, p: NaN, lo: 0, hi: 1, confidence };
  const p = successes / n;
  const z2n = z * z / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
  // At k = 0 or k = n the exact bound is 0 or 1; clamping removes rounding residue only.
  const lo = successes === 0 ? 0 : Math.max(0, centre - half);
  const hi = successes === n ? 1 : Math.min(1, centre + half);
  return { successes, n, p, lo, hi, confidence };
}

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`n: got ${n}, expected a non-negative integer`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes: got ${successes}, expected an integer in [0, ${n}]`);
  }
}
