/**
 * Figures for ftlab: builders that turn campaign records into plotly figures, a
 * {@linkcode Figure} that displays itself in Jupyter and saves HTML, JSON, SVG and PNG, and the
 * headless {@linkcode FigureRenderer} used for static export.
 *
 * @example
 * ```ts
 * import { outcomeBreakdown } from "./mod.ts";
 * const fig = outcomeBreakdown(
 *   [{ driver: "e1000", outcome: "recovered" }, { driver: "e1000", outcome: "masked" }],
 *   { groupBy: "driver", title: "FGFT outcomes" },
 * );
 * if (fig.toString() !== 'Figure "FGFT outcomes": 5 traces (5 bar)') throw new Error(String(fig));
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./figure.ts";
export * from "./renderer.ts";
export * from "./time_unit.ts";
export * from "./outcome_breakdown.ts";
export * from "./cdf_plot.ts";
export * from "./sweep_plot.ts";
export * from "./timeline_plot.ts";
export * from "./heatmap_plot.ts";
export * from "./jupyter.ts";
