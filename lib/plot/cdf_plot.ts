/**
 * {@linkcode cdfPlot}: empirical cumulative distribution functions of one or more samples, e.g.
 * recovery durations of FGFT rollback beside a full driver restart.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { axis, baseConfig, baseLayout, paletteColor } from "./_layout.ts";
import { Figure } from "./figure.ts";
import type { ScatterTrace } from "./spec.ts";
import { pickTimeUnit, TIME_UNIT_NAMES, type TimeUnit, toUnit } from "./time_unit.ts";

const WHAT = "cdfPlot";

const seriesSchema = z.object({
  series: z.array(z.object({ name: z.string(), values: z.array(z.number()).min(1) }))
    .min(1),
});

const optionsSchema = z.object({
  title: z.string().optional(),
  /** Axis title for the values; with `timeNs` the unit is appended. */
  xTitle: z.string().optional(),
  /** The values are nanoseconds: display them in a readable unit (`timeUnit`, default auto). */
  timeNs: z.boolean().default(false),
  timeUnit: z.enum(TIME_UNIT_NAMES).default("auto"),
  logX: z.boolean().default(false),
  /** Plot 1 − F(x) (tail probability), usually with a log y axis (`logY`). */
  complementary: z.boolean().default(false),
  logY: z.boolean().default(false),
  /** Bound on points per line; larger samples are thinned to evenly spaced ranks. */
  maxPoints: z.number().int().min(10).max(1_000_000).default(5000),
}).strict();

/** One named sample. */
export interface CdfSeries {
  name: string;
  values: readonly number[];
}

/** Options of {@linkcode cdfPlot} (validated; unknown keys are rejected). */
export type CdfOptions = z.input<typeof optionsSchema>;

/**
 * Empirical CDF step lines, one per sample: F(x) = fraction of values ≤ x.
 *
 * @param series named samples, as an array or as an object `{ name: values }`. Values must be
 *   finite; with `timeNs` they are nanoseconds.
 *
 * @example
 * ```ts
 * import { cdfPlot } from "./cdf_plot.ts";
 * const fig = cdfPlot(
 *   { rollback: [30_000, 52_000, 41_000], restart: [5e6, 7e6] },
 *   { timeNs: true, xTitle: "recovery time" },
 * );
 * if (fig.data.length !== 2) throw new Error("one line per sample");
 * if (fig.layout.xaxis?.title?.text !== "recovery time (ms)") throw new Error("unit");
 * ```
 */
export function cdfPlot(
  series: readonly CdfSeries[] | Readonly<Record<string, readonly number[]>>,
  options: CdfOptions = {},
): Figure {
  const o = parseConfig(optionsSchema, options, WHAT);
  const s = parseConfig(seriesSchema, { series: asSeriesArray(series) }, WHAT).series;
  const unit = o.timeNs ? pickTimeUnit(s.flatMap((x) => x.values), o.timeUnit) : undefined;
  const data = s.map((x, i) => cdfTrace(x, i, unit, o.complementary, o.maxPoints));
  const layout = baseLayout(o.title);
  const name = o.xTitle ?? (unit ? "time" : "value");
  layout.xaxis = axis(unit ? `${name} (${unit.label})` : name, o.logX ? { type: "log" } : {});
  layout.yaxis = axis(o.complementary ? "P(X > x)" : "P(X ≤ x)", yAxisRange(o.logY));
  layout.hovermode = "closest";
  return new Figure({ data, layout, config: baseConfig() });
}

function asSeriesArray(
  series: readonly CdfSeries[] | Readonly<Record<string, readonly number[]>>,
): unknown {
  if (Array.isArray(series) || series === null || typeof series !== "object") return series;
  return Object.entries(series).map(([name, values]) => ({ name, values }));
}

function yAxisRange(logY: boolean): { type: "log" } | { range: [number, number] } {
  return logY ? { type: "log" } : { range: [0, 1.02] };
}

function cdfTrace(
  s: { name: string; values: number[] },
  i: number,
  unit: TimeUnit | undefined,
  complementary: boolean,
  maxPoints: number,
): ScatterTrace {
  const steps = thin(ecdfSteps(s.values), maxPoints);
  const x = steps.map(([v]) => (unit ? toUnit(v, unit) : v));
  const y = steps.map(([, p]) => (complementary ? 1 - p : p));
  return {
    type: "scatter",
    mode: "lines",
    name: s.name,
    x: [x[0] ?? 0, ...x],
    y: [complementary ? 1 : 0, ...y],
    line: { shape: "hv", width: 2, color: paletteColor(i) },
    hovertemplate: `${s.name}<br>x = %{x}<br>${complementary ? "P(X > x)" : "P(X ≤ x)"} = ` +
      `%{y:.3f}<extra></extra>`,
  };
}

/** Distinct sorted values with the fraction of the sample ≤ each. */
function ecdfSteps(values: readonly number[]): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const steps: [number, number][] = [];
  sorted.forEach((v, k) => {
    if (sorted[k + 1] !== v) steps.push([v, (k + 1) / n]);
  });
  return steps;
}

/** At most `max` steps at evenly spaced ranks, always keeping the first and the last. */
function thin<T>(steps: readonly T[], max: number): T[] {
  if (steps.length <= max) return [...steps];
  const out: T[] = [];
  for (let j = 0; j < max; j++) {
    const step = steps[Math.round((j * (steps.length - 1)) / (max - 1))];
    if (step !== undefined) out.push(step);
  }
  return out;
}
