/**
 * {@linkcode heatmapPlot}: a quantity over two swept parameters, e.g. the fraction of failed
 * trials per (fault rate, driver) or mean recovery time per (partitions, heartbeat period).
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { axis, baseConfig, baseLayout } from "./_layout.ts";
import { fieldOf, finiteNumber, type Key, keyOf, nonEmpty, orderKeys } from "./_rows.ts";
import { Figure } from "./figure.ts";
import type { HeatmapTrace } from "./spec.ts";
import { pickTimeUnit, TIME_UNIT_NAMES, type TimeUnit, toUnit } from "./time_unit.ts";

const WHAT = "heatmapPlot";
const keyList = z.array(z.union([z.string(), z.number()])).default([]);

const optionsSchema = z.object({
  /** Field giving the column (x) of each row. */
  x: z.string().min(1),
  /** Field giving the row (y) of each row. */
  y: z.string().min(1),
  /** Field with the value; rows sharing a cell are combined with `aggregate`. */
  z: z.string().min(1),
  aggregate: z.enum(["mean", "sum", "min", "max", "count"]).default("mean"),
  title: z.string().optional(),
  xTitle: z.string().optional(),
  yTitle: z.string().optional(),
  /** Colour bar title (default: the `z` field, with the aggregate unless it is the mean). */
  zTitle: z.string().optional(),
  /** z values are nanoseconds: shown in `timeUnit` (default picked from the data). */
  zTimeNs: z.boolean().default(false),
  timeUnit: z.enum(TIME_UNIT_NAMES).default("auto"),
  /** A plotly colour scale name such as `"Viridis"`, `"Blues"`, `"RdBu"`. */
  colorscale: z.string().default("Viridis"),
  reverseScale: z.boolean().default(false),
  zmin: z.number().optional(),
  zmax: z.number().optional(),
  /** Print each cell's value (d3 format `valueFormat`, default `".3g"`). */
  showValues: z.boolean().default(false),
  valueFormat: z.string().default(".3g"),
  xOrder: keyList,
  yOrder: keyList,
}).strict();

/** Options of {@linkcode heatmapPlot} (validated; unknown keys are rejected). */
export type HeatmapOptions = z.input<typeof optionsSchema>;
type Parsed = z.output<typeof optionsSchema>;

/**
 * A heatmap of `z` over the distinct values of `x` (columns) and `y` (rows). Numeric keys are
 * sorted ascending, others keep their first appearance; empty cells are left blank (null).
 *
 * @example
 * ```ts
 * import { heatmapPlot } from "./heatmap_plot.ts";
 * const rows = [
 *   { rate: 0.01, driver: "e1000", failed: 0.0 },
 *   { rate: 0.1, driver: "e1000", failed: 0.2 },
 *   { rate: 0.1, driver: "ens1371", failed: 0.4 },
 * ];
 * const fig = heatmapPlot(rows, { x: "rate", y: "driver", z: "failed" });
 * const z = fig.data[0]?.type === "heatmap" ? fig.data[0].z : [];
 * if (JSON.stringify(z) !== "[[0,0.2],[null,0.4]]") throw new Error(JSON.stringify(z));
 * ```
 */
export function heatmapPlot(rows: readonly object[], options: HeatmapOptions): Figure {
  const o = parseConfig(optionsSchema, options, WHAT);
  const cells = collect(nonEmpty(rows, "rows", WHAT), o);
  const xs = orderKeys(cells.map((c) => c.x), o.xOrder);
  const ys = orderKeys(cells.map((c) => c.y), o.yOrder);
  const unit = o.zTimeNs ? pickTimeUnit(cells.map((c) => c.z), o.timeUnit) : undefined;
  const z = ys.map((y) => xs.map((x) => combine(cellValues(cells, x, y), o.aggregate, unit)));
  const layout = baseLayout(o.title);
  layout.xaxis = axis(o.xTitle ?? o.x, { type: "category", showgrid: false });
  layout.yaxis = axis(o.yTitle ?? o.y, { type: "category", showgrid: false });
  return new Figure({ data: [heatmapTrace(o, xs, ys, z, unit)], layout, config: baseConfig() });
}

interface Cell {
  x: Key;
  y: Key;
  z: number;
}

function collect(rows: readonly object[], o: Parsed): Cell[] {
  return rows.map((row, i) => ({
    x: keyOf(fieldOf(row, o.x), `rows.${i}.${o.x}`, WHAT),
    y: keyOf(fieldOf(row, o.y), `rows.${i}.${o.y}`, WHAT),
    z: o.aggregate === "count" ? 1 : finiteNumber(fieldOf(row, o.z), `rows.${i}.${o.z}`, WHAT),
  }));
}

function cellValues(cells: readonly Cell[], x: Key, y: Key): number[] {
  return cells.filter((c) => c.x === x && c.y === y).map((c) => c.z);
}

function combine(
  values: number[],
  how: Parsed["aggregate"],
  unit: TimeUnit | undefined,
): number | null {
  if (values.length === 0) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  const v = how === "mean"
    ? sum / values.length
    : how === "min"
    ? Math.min(...values)
    : how === "max"
    ? Math.max(...values)
    : sum; // "sum", and "count" whose values are all 1
  return unit ? toUnit(v, unit) : v;
}

function heatmapTrace(
  o: Parsed,
  xs: Key[],
  ys: Key[],
  z: (number | null)[][],
  unit: TimeUnit | undefined,
): HeatmapTrace {
  const base = o.zTitle ?? (o.aggregate === "mean" ? o.z : `${o.aggregate} of ${o.z}`);
  const trace: HeatmapTrace = {
    type: "heatmap",
    x: xs.map(String),
    y: ys.map(String),
    z,
    colorscale: o.colorscale,
    reversescale: o.reverseScale,
    colorbar: { title: { text: unit ? `${base} (${unit.label})` : base } },
    xgap: 1,
    ygap: 1,
    hovertemplate: `${o.x} = %{x}<br>${o.y} = %{y}<br>${base} = %{z}<extra></extra>`,
  };
  if (o.zmin !== undefined) trace.zmin = o.zmin;
  if (o.zmax !== undefined) trace.zmax = o.zmax;
  if (o.showValues) trace.texttemplate = `%{z:${o.valueFormat}}`;
  return trace;
}
