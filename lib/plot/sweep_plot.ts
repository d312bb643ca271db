/**
 * {@linkcode sweepPlot}: a measured quantity against a swept parameter, one line per series, with
 * optional confidence bands and reference points (e.g. the paper's values) so that a notebook can
 * show the simulation beside the paper.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";
import { axis, baseConfig, baseLayout, paletteColor, withAlpha } from "./_layout.ts";
import { Figure } from "./figure.ts";
import type { Axis, ScatterTrace } from "./spec.ts";
import { pickTimeUnit, TIME_UNIT_NAMES, type TimeUnit, toUnit } from "./time_unit.ts";

const WHAT = "sweepPlot";

const numbers = z.array(z.number());
const seriesSchema = z.object({
  series: z.array(z.object({
    name: z.string(),
    x: numbers.min(1),
    y: numbers,
    lower: numbers.optional(),
    upper: numbers.optional(),
    reference: z.object({ x: numbers, y: numbers, label: z.string().optional() }).optional(),
    color: z.string().optional(),
  })).min(1),
});

const optionsSchema = z.object({
  title: z.string().optional(),
  xTitle: z.string().optional(),
  yTitle: z.string().optional(),
  logX: z.boolean().default(false),
  logY: z.boolean().default(false),
  /** x values are nanoseconds: shown in `timeUnit` (default: picked from the data). */
  xTimeNs: z.boolean().default(false),
  /** y values (and bands, references) are nanoseconds. */
  yTimeNs: z.boolean().default(false),
  timeUnit: z.enum(TIME_UNIT_NAMES).default("auto"),
  /** Draw markers on the lines as well (default true). */
  markers: z.boolean().default(true),
}).strict();

/**
 * One swept series. `lower`/`upper` (same length as `x`) bound a confidence band; `reference`
 * holds points to compare with, drawn as open diamonds in the series' colour.
 */
export interface SweepSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  lower?: readonly number[];
  upper?: readonly number[];
  reference?: { x: readonly number[]; y: readonly number[]; label?: string };
  /** Line colour; default from the categorical palette. */
  color?: string;
}

/** Options of {@linkcode sweepPlot} (validated; unknown keys are rejected). */
export type SweepOptions = z.input<typeof optionsSchema>;

type Parsed = z.output<typeof seriesSchema>["series"][number];
type Scale = { x: (v: number) => number; y: (v: number) => number };

/**
 * Lines of y against x, one per series, sorted by x. Each band is a filled polygon drawn below
 * its line and grouped with it in the legend (clicking the name hides both).
 *
 * @example
 * ```ts
 * import { sweepPlot } from "./sweep_plot.ts";
 * const fig = sweepPlot([{
 *   name: "simulated",
 *   x: [1, 2, 4], y: [10, 18, 30], lower: [9, 16, 27], upper: [11, 20, 33],
 *   reference: { x: [1, 4], y: [10.5, 31] },
 * }], { xTitle: "partitions", yTitle: "throughput (MB/s)" });
 * if (fig.data.length !== 3) throw new Error("band, line and reference");
 * if (fig.data[0]?.type !== "scatter" || fig.data[0].fill !== "toself") throw new Error("band");
 * ```
 */
export function sweepPlot(
  series: readonly SweepSeries[] | SweepSeries,
  options: SweepOptions = {},
): Figure {
  const o = parseConfig(optionsSchema, options, WHAT);
  const list = Array.isArray(series) ? series : [series];
  const s = parseConfig(seriesSchema, { series: list }, WHAT).series;
  s.forEach(checkLengths);
  const xUnit = o.xTimeNs ? pickTimeUnit(s.flatMap((t) => t.x), o.timeUnit) : undefined;
  const yUnit = o.yTimeNs ? pickTimeUnit(s.flatMap((t) => t.y), o.timeUnit) : undefined;
  const scale: Scale = { x: scaler(xUnit), y: scaler(yUnit) };
  const data = s.flatMap((t, i) => seriesTraces(t, t.color ?? paletteColor(i), scale, o.markers));
  const layout = baseLayout(o.title);
  layout.xaxis = axis(withUnit(o.xTitle ?? "x", xUnit), logAxis(o.logX));
  layout.yaxis = axis(withUnit(o.yTitle ?? "y", yUnit), logAxis(o.logY));
  layout.hovermode = "closest";
  return new Figure({ data, layout, config: baseConfig() });
}

function checkLengths(t: Parsed, i: number): void {
  const n = t.x.length;
  const arrays = { y: t.y, lower: t.lower, upper: t.upper };
  for (const [field, arr] of Object.entries(arrays)) {
    if (arr !== undefined && arr.length !== n) {
      throw new ConfigError(`series.${i}.${field}`, arr, `${n} numbers, one per x`, WHAT);
    }
  }
  if ((t.lower === undefined) !== (t.upper === undefined)) {
    throw new ConfigError(
      `series.${i}.${t.lower ? "upper" : "lower"}`,
      undefined,
      "both bounds of the band",
      WHAT,
    );
  }
  if (t.reference && t.reference.x.length !== t.reference.y.length) {
    throw new ConfigError(
      `series.${i}.reference.y`,
      t.reference.y,
      `${t.reference.x.length} numbers`,
      WHAT,
    );
  }
}

function seriesTraces(t: Parsed, color: string, scale: Scale, markers: boolean): ScatterTrace[] {
  const order = t.x.map((_, k) => k).sort((a, b) => (t.x[a] ?? 0) - (t.x[b] ?? 0));
  const pick = (arr: number[], f: (v: number) => number) => order.map((k) => f(arr[k] ?? NaN));
  const x = pick(t.x, scale.x);
  const traces: ScatterTrace[] = [];
  if (t.lower && t.upper) {
    traces.push(bandTrace(t.name, x, pick(t.lower, scale.y), pick(t.upper, scale.y), color));
  }
  traces.push({
    type: "scatter",
    name: t.name,
    legendgroup: t.name,
    mode: markers ? "lines+markers" : "lines",
    x,
    y: pick(t.y, scale.y),
    line: { color, width: 2 },
    marker: { color, size: 6 },
  });
  if (t.reference) traces.push(referenceTrace(t.name, t.reference, color, scale));
  return traces;
}

function bandTrace(
  name: string,
  x: number[],
  lower: number[],
  upper: number[],
  color: string,
): ScatterTrace {
  return {
    type: "scatter",
    name: `${name} band`,
    legendgroup: name,
    showlegend: false,
    mode: "lines",
    x: [...x, ...x.toReversed()],
    y: [...upper, ...lower.toReversed()],
    fill: "toself",
    fillcolor: withAlpha(color, 0.2),
    line: { color: withAlpha(color, 0), width: 0 },
    hoverinfo: "skip",
  };
}

function referenceTrace(
  name: string,
  ref: { x: number[]; y: number[]; label?: string | undefined },
  color: string,
  scale: Scale,
): ScatterTrace {
  return {
    type: "scatter",
    // An explicit label names the points on its own ("paper, Fig. 5"); else "<series> (paper)".
    name: ref.label ?? `${name} (paper)`,
    legendgroup: name,
    mode: "markers",
    x: ref.x.map(scale.x),
    y: ref.y.map(scale.y),
    marker: { color, size: 10, symbol: "diamond-open", line: { color, width: 2 } },
  };
}

function scaler(unit: TimeUnit | undefined): (v: number) => number {
  return unit ? (v) => toUnit(v, unit) : (v) => v;
}

function withUnit(title: string, unit: TimeUnit | undefined): string {
  return unit ? `${title} (${unit.label})` : title;
}

function logAxis(log: boolean): Axis {
  return log ? { type: "log" } : {};
}
