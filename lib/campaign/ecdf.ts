/**
 * The empirical cumulative distribution function of a sample, as points for plotting.
 *
 * @module
 */

/** One step of an empirical CDF: the fraction `p` of the sample that is ≤ `x`. */
export interface EcdfPoint {
  /** A distinct sample value. */
  x: number;
  /** F̂(x) = #{values ≤ x} / n, in (0, 1]. */
  p: number;
}

/**
 * The empirical CDF F̂(x) = #{xᵢ ≤ x} / n, one point per distinct value in increasing order; the
 * last point has p = 1. Plot it as a step function that jumps at each x (plotly `line.shape:
 * "hv"`). NaN values are dropped; an empty sample gives no points.
 *
 * @example
 * ```ts
 * import { ecdf } from "./ecdf.ts";
 * const pts = ecdf([3, 1, 2, 2]);
 * if (JSON.stringify(pts) !== '[{"x":1,"p":0.25},{"x":2,"p":0.75},{"x":3,"p":1}]') {
 *   throw new Error("bad ecdf");
 * }
 * ```
 */
export function ecdf(values: readonly number[]): EcdfPoint[] {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  const n = sorted.length;
  const points: EcdfPoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    if (i + 1 < n && sorted[i + 1] === x) continue;
    points.push({ x, p: (i + 1) / n });
  }
  return points;
}
