/**
 * The inverse of the standard normal distribution function.
 *
 * @module
 */

// P. J. Acklam's rational approximations (2003): a central region and two tails.
const A = [
  -39.69683028665376,
  220.9460984245205,
  -275.9285104469687,
  138.357751867269,
  -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406,
  161.5858368580409,
  -155.6989798598866,
  66.80131188771972,
  -13.28068155288572,
];
const C = [
  -0.007784894002430293,
  -0.3223964580411365,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * The standard normal quantile z_p: the `z` with Φ(z) = p.
 *
 * Acklam's rational approximation: |relative error| < 1.15e-9 over (0, 1), which is far below the
 * resolution that matters for confidence intervals. Returns -Infinity at 0, Infinity at 1 and NaN
 * outside [0, 1].
 *
 * @example
 * ```ts
 * import { normalQuantile } from "./normal_quantile.ts";
 * if (Math.abs(normalQuantile(0.975) - 1.959964) > 1e-6) throw new Error("bad z");
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return q * poly(A, r) / (r * poly(B, r) + 1);
}

function tail(q: number): number {
  return poly(C, q) / (q * poly(D, q) + 1);
}

/** Horner evaluation of c[0]·x^(n-1) + ... + c[n-1]. */
function poly(c: readonly number[], x: number): number {
  let acc = 0;
  for (const k of c) acc = acc * x + k;
  return acc;
}

/**
 * The z of a two-sided interval at `confidence` (e.g. 0.95 → 1.959964).
 *
 * @example
 * ```ts
 * import { zForConfidence } from "./normal_quantile.ts";
 * if (Math.abs(zForConfidence(0.99) - 2.575829) > 1e-6) throw new Error("bad z");
 * ```
 */
export function zForConfidence(confidence: number): number {
  checkConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Throws a RangeError unless 0 < confidence < 1. */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence: got ${confidence}, expected a number in (0, 1) such as 0.95`);
  }
}
