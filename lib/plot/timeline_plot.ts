/**
 * {@linkcode timelinePlot}: what each component (core, NUMA node, replica, driver) was doing over
 * virtual time, as coloured horizontal segments, with an optional throughput trace in a subplot
 * below and vertical markers for events such as machine checks and failovers.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";
import { axis, baseConfig, baseLayout, paletteColor } from "./_layout.ts";
import { orderKeys } from "./_rows.ts";
import { Figure } from "./figure.ts";
import type { Annotation, BarTrace, Layout, PlotTrace, ScatterTrace, Shape } from "./spec.ts";
import { pickTimeUnit, TIME_UNIT_NAMES, type TimeUnit, toUnit } from "./time_unit.ts";

const WHAT = "timelinePlot";

const timeNs = z.number().min(0);
const dataSchema = z.object({
  segments: z.array(z.object({
    component: z.string(),
    state: z.string(),
    startNs: timeNs,
    endNs: timeNs,
  })).min(1),
  throughput: z.array(z.object({ tNs: timeNs, value: z.number() })).optional(),
  events: z.array(z.object({ tNs: timeNs, label: z.string(), color: z.string().optional() }))
    .optional(),
});

const optionsSchema = z.object({
  title: z.string().optional(),
  timeUnit: z.enum(TIME_UNIT_NAMES).default("auto"),
  /** Colour per state name; unknown states get defaults (see {@linkcode STATE_COLORS}). */
  stateColors: z.record(z.string(), z.string()).default({}),
  /** Components listed here come first (top), in this order. */
  componentOrder: z.array(z.string()).default([]),
  /** Title of the throughput axis, with its unit, e.g. `"throughput (MB/s)"`. */
  throughputTitle: z.string().default("throughput"),
  /** Write event labels above the plot (default true). */
  eventLabels: z.boolean().default(true),
}).strict();

/** A component's state over `[startNs, endNs)` of virtual time. */
export interface StateSegment {
  component: string;
  state: string;
  startNs: number;
  endNs: number;
}

/** Input of {@linkcode timelinePlot}: segments, plus optional throughput samples and events. */
export interface TimelineData {
  segments: readonly StateSegment[];
  /** Samples of a rate over time (one line, in the subplot below the segments). */
  throughput?: readonly { tNs: number; value: number }[];
  /** Instants to mark with a vertical dashed line across the whole figure. */
  events?: readonly { tNs: number; label: string; color?: string }[];
}

/** Options of {@linkcode timelinePlot} (validated; unknown keys are rejected). */
export type TimelineOptions = z.input<typeof optionsSchema>;

/** Default colours of common state names; other states take palette colours in order. */
export const STATE_COLORS: Readonly<Record<string, string>> = {
  up: "#4c9a2a",
  running: "#4c9a2a",
  primary: "#1f6f3f",
  secondary: "#8fc06f",
  halted: "#e0a526",
  suspended: "#e0a526",
  recovering: "#2b7bba",
  restarting: "#2b7bba",
  failed: "#c0392b",
  down: "#c0392b",
};

type Parsed = z.output<typeof dataSchema>;
const EVENT_COLOR = "#444444";

/**
 * Gantt-like timeline of component states in virtual time (integer ns, shown in a readable
 * unit). One bar trace per state, so the legend lists the states; the first component is on top.
 *
 * @example
 * ```ts
 * import { timelinePlot } from "./timeline_plot.ts";
 * const fig = timelinePlot({
 *   segments: [
 *     { component: "node 0", state: "up", startNs: 0, endNs: 40e6 },
 *     { component: "node 0", state: "failed", startNs: 40e6, endNs: 100e6 },
 *     { component: "node 1", state: "up", startNs: 0, endNs: 100e6 },
 *   ],
 *   throughput: [{ tNs: 0, value: 90 }, { tNs: 40e6, value: 0 }, { tNs: 45e6, value: 88 }],
 *   events: [{ tNs: 40e6, label: "machine check" }],
 * }, { throughputTitle: "throughput (MB/s)" });
 * if (fig.data.length !== 3) throw new Error("two states and one throughput line");
 * if (fig.layout.xaxis?.title?.text !== "virtual time (ms)") throw new Error("unit");
 * ```
 */
export function timelinePlot(data: TimelineData, options: TimelineOptions = {}): Figure {
  const o = parseConfig(optionsSchema, options, WHAT);
  const d = parseConfig(dataSchema, data, WHAT);
  d.segments.forEach(checkSegment);
  const unit = pickTimeUnit(allTimes(d), o.timeUnit);
  const components = orderKeys(d.segments.map((s) => s.component), o.componentOrder).map(String);
  const states = [...new Set(d.segments.map((s) => s.state))];
  const traces: PlotTrace[] = states.map((st, i) =>
    stateTrace(d, st, stateColor(st, i, o.stateColors), unit)
  );
  if (d.throughput) traces.push(throughputTrace(d.throughput, unit));
  const layout = timelineLayout(
    o.title,
    components,
    unit,
    d.throughput ? o.throughputTitle : undefined,
  );
  layout.shapes = (d.events ?? []).map((e) => eventLine(toUnit(e.tNs, unit), e.color));
  const rangeNs = allTimes(d).reduce((a, b) => Math.max(a, b), 1);
  if (o.eventLabels) addEventLabels(layout, d.events ?? [], unit, rangeNs);
  return new Figure({ data: traces, layout, config: baseConfig() });
}

function checkSegment(s: StateSegment, i: number): void {
  if (s.endNs < s.startNs) {
    throw new ConfigError(`segments.${i}.endNs`, s.endNs, `≥ startNs (${s.startNs})`, WHAT);
  }
}

function allTimes(d: Parsed): number[] {
  return [
    ...d.segments.map((s) => s.endNs),
    ...(d.throughput ?? []).map((p) => p.tNs),
    ...(d.events ?? []).map((e) => e.tNs),
  ];
}

function stateColor(state: string, i: number, custom: Record<string, string>): string {
  return custom[state] ?? STATE_COLORS[state] ?? paletteColor(i);
}

function stateTrace(d: Parsed, state: string, color: string, unit: TimeUnit): BarTrace {
  const segs = d.segments.filter((s) => s.state === state);
  const fmt = (ns: number) => `${toUnit(ns, unit)} ${unit.label}`;
  return {
    type: "bar",
    orientation: "h",
    name: state,
    y: segs.map((s) => s.component),
    base: segs.map((s) => toUnit(s.startNs, unit)),
    x: segs.map((s) => toUnit(s.endNs - s.startNs, unit)),
    width: 0.6,
    marker: { color },
    customdata: segs.map((s) => `${fmt(s.startNs)} to ${fmt(s.endNs)}`),
    hovertemplate: `%{y}: ${state}<br>%{customdata}<extra></extra>`,
  };
}

function throughputTrace(points: Parsed["throughput"] & object, unit: TimeUnit): ScatterTrace {
  const sorted = [...points].sort((a, b) => a.tNs - b.tNs);
  return {
    type: "scatter",
    mode: "lines",
    name: "throughput",
    x: sorted.map((p) => toUnit(p.tNs, unit)),
    y: sorted.map((p) => p.value),
    yaxis: "y2",
    showlegend: false,
    line: { color: "#333333", width: 1.5 },
  };
}

function timelineLayout(
  title: string | undefined,
  components: string[],
  unit: TimeUnit,
  throughputTitle: string | undefined,
): Layout {
  const layout = baseLayout(title);
  const split = throughputTitle !== undefined;
  layout.barmode = "overlay";
  layout.height = 140 + 36 * components.length + (split ? 220 : 0);
  layout.xaxis = axis(`virtual time (${unit.label})`, split ? { anchor: "y2" } : {});
  layout.yaxis = axis(undefined, {
    type: "category",
    categoryorder: "array",
    categoryarray: components,
    autorange: "reversed",
    showgrid: false,
    domain: split ? [0.42, 1] : [0, 1],
  });
  if (split) {
    layout.yaxis2 = axis(throughputTitle, { domain: [0, 0.32], anchor: "x", rangemode: "tozero" });
  }
  layout.legend = { traceorder: "normal", title: { text: "state" } };
  return layout;
}

function eventLine(x: number, color: string | undefined): Shape {
  return {
    type: "line",
    xref: "x",
    yref: "paper",
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color: color ?? EVENT_COLOR, width: 1.5, dash: "dash" },
    layer: "above",
  };
}

/** Labels closer than this fraction of the time range go on separate rows. */
const LABEL_GAP = 0.15;
/** Bound on label rows; further crowded labels share the last row. */
const MAX_LABEL_ROWS = 4;
const LABEL_ROW_PX = 16;

function addEventLabels(
  layout: Layout,
  events: Parsed["events"] & object,
  unit: TimeUnit,
  rangeNs: number,
): void {
  const sorted = [...events].sort((a, b) => a.tNs - b.tNs);
  const span = rangeNs * LABEL_GAP;
  const rowEnds: number[] = [];
  layout.annotations = sorted.map((e) => {
    let row = rowEnds.findIndex((end) => e.tNs - end >= span);
    if (row < 0) row = Math.min(rowEnds.length, MAX_LABEL_ROWS - 1);
    rowEnds[row] = e.tNs;
    return eventLabel(e, unit, row);
  });
  const margin = layout.margin ?? {};
  margin.t = (margin.t ?? 30) + LABEL_ROW_PX * rowEnds.length;
  layout.margin = margin;
}

function eventLabel(e: { tNs: number; label: string }, unit: TimeUnit, row: number): Annotation {
  return {
    yshift: row * LABEL_ROW_PX,
    text: e.label,
    hovertext: `${e.label} at ${toUnit(e.tNs, unit)} ${unit.label}`,
    xref: "x",
    yref: "paper",
    x: toUnit(e.tNs, unit),
    y: 1,
    showarrow: false,
    xanchor: "left",
    yanchor: "bottom",
    textangle: 0,
    font: { size: 11, color: EVENT_COLOR },
  };
}
