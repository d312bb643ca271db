/**
 * Typed subset of the plotly.js figure format that ftlab's figure builders produce.
 *
 * A figure is the plain object `{ data, layout, config }` that `Plotly.newPlot` takes and that the
 * `application/vnd.plotly.v1+json` mime type carries. Only the attributes ftlab uses are typed; the
 * types are deliberately closed (no index signatures) so that a misspelt attribute is a compile
 * error rather than a silently ignored key.
 *
 * @module
 */

/** A value on a plotly axis: numbers for linear/log axes, strings for category axes. */
export type Datum = number | string | null;

/** Marker style shared by scatter and bar traces. */
export interface Marker {
  color?: string | string[];
  size?: number;
  symbol?: string;
  opacity?: number;
  line?: { color?: string; width?: number };
}

/** Line style of a scatter trace. `shape: "hv"` draws steps (used for empirical CDFs). */
export interface Line {
  color?: string;
  width?: number;
  dash?: "solid" | "dot" | "dash" | "longdash" | "dashdot";
  shape?: "linear" | "hv" | "vh" | "spline";
}

/** Attributes common to every trace type. */
export interface TraceBase {
  name?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: "all" | "skip" | "none" | "x+y" | "name+x+y" | "text";
  hovertemplate?: string;
  text?: string | string[];
  /** Which x axis: `"x"`, `"x2"`, ... */
  xaxis?: string;
  /** Which y axis: `"y"`, `"y2"`, ... */
  yaxis?: string;
  visible?: boolean | "legendonly";
}

/** A line/marker trace (plotly `scatter`). */
export interface ScatterTrace extends TraceBase {
  type: "scatter";
  x: Datum[];
  y: Datum[];
  mode?: "lines" | "markers" | "lines+markers" | "text" | "none";
  line?: Line;
  marker?: Marker;
  fill?: "none" | "toself" | "tonexty" | "tozeroy";
  fillcolor?: string;
  connectgaps?: boolean;
  customdata?: Datum[];
}

/** A bar trace; with `orientation: "h"` and `base` it draws horizontal segments (timelines). */
export interface BarTrace extends TraceBase {
  type: "bar";
  x: Datum[];
  y: Datum[];
  orientation?: "v" | "h";
  base?: number[];
  marker?: Marker;
  width?: number | number[];
  customdata?: Datum[];
  textposition?: "inside" | "outside" | "auto" | "none";
}

/** A heatmap trace: `z[row][column]`, rows along `y`, columns along `x`. */
export interface HeatmapTrace extends TraceBase {
  type: "heatmap";
  x: Datum[];
  y: Datum[];
  z: (number | null)[][];
  colorscale?: string | [number, string][];
  reversescale?: boolean;
  zmin?: number;
  zmax?: number;
  colorbar?: { title?: { text: string } };
  texttemplate?: string;
  xgap?: number;
  ygap?: number;
}

/** Any trace an ftlab figure may contain. */
export type PlotTrace = ScatterTrace | BarTrace | HeatmapTrace;

/** A title with its text (plotly 3+ no longer accepts a bare string). */
export interface Title {
  text: string;
  font?: Font;
}

/** Font attributes. */
export interface Font {
  family?: string;
  size?: number;
  color?: string;
}

/** One axis of the layout (`xaxis`, `yaxis`, `yaxis2`, ...). */
export interface Axis {
  title?: Title;
  type?: "linear" | "log" | "category" | "date";
  range?: [number, number];
  domain?: [number, number];
  anchor?: string;
  matches?: string;
  overlaying?: string;
  side?: "left" | "right";
  showgrid?: boolean;
  zeroline?: boolean;
  tickformat?: string;
  ticksuffix?: string;
  autorange?: boolean | "reversed";
  categoryorder?: "trace" | "array";
  categoryarray?: Datum[];
  rangemode?: "normal" | "tozero" | "nonnegative";
  automargin?: boolean;
  showticklabels?: boolean;
}

/** A layout shape; ftlab draws vertical event markers with `type: "line"`. */
export interface Shape {
  type: "line" | "rect";
  xref: string;
  yref: string;
  x0: Datum;
  x1: Datum;
  y0: Datum;
  y1: Datum;
  line?: Line;
  fillcolor?: string;
  opacity?: number;
  layer?: "above" | "below";
}

/** A text annotation placed on the figure. */
export interface Annotation {
  text: string;
  xref: string;
  yref: string;
  x: Datum;
  y: Datum;
  showarrow?: boolean;
  /** Vertical offset in pixels. */
  yshift?: number;
  textangle?: number;
  xanchor?: "auto" | "left" | "center" | "right";
  yanchor?: "auto" | "top" | "middle" | "bottom";
  font?: Font;
  hovertext?: string;
}

/** The layout: titles, axes, legend and size. */
export interface Layout {
  title?: Title;
  xaxis?: Axis;
  yaxis?: Axis;
  xaxis2?: Axis;
  yaxis2?: Axis;
  barmode?: "stack" | "group" | "overlay" | "relative";
  bargap?: number;
  showlegend?: boolean;
  legend?: {
    orientation?: "v" | "h";
    x?: number;
    y?: number;
    xanchor?: "auto" | "left" | "center" | "right";
    yanchor?: "auto" | "top" | "middle" | "bottom";
    traceorder?: "normal" | "reversed" | "grouped";
    title?: Title;
  };
  shapes?: Shape[];
  annotations?: Annotation[];
  font?: Font;
  margin?: { l?: number; r?: number; t?: number; b?: number };
  /** Width in CSS pixels; unset means the container's width (responsive in notebooks). */
  width?: number;
  /** Height in CSS pixels. */
  height?: number;
  paper_bgcolor?: string;
  plot_bgcolor?: string;
  hovermode?: "closest" | "x" | "y" | "x unified" | false;
}

/** Plotly's `config`: interaction options, not part of the picture. */
export interface PlotConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  displayModeBar?: boolean | "hover";
  staticPlot?: boolean;
  toImageButtonOptions?: { format?: "png" | "svg"; filename?: string; scale?: number };
}

/**
 * A complete plotly figure: what the builders return and what {@linkcode Figure} wraps.
 *
 * @example
 * ```ts
 * import type { PlotSpec } from "./spec.ts";
 * const spec: PlotSpec = {
 *   data: [{ type: "scatter", x: [1, 2], y: [3, 4], mode: "lines" }],
 *   layout: { title: { text: "y against x" } },
 *   config: { displaylogo: false },
 * };
 * ```
 */
export interface PlotSpec {
  data: PlotTrace[];
  layout: Layout;
  config: PlotConfig;
}
