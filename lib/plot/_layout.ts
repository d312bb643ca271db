/**
 * House style shared by the figure builders: fonts, palette, margins, colour helpers.
 *
 * @module
 */
import type { Axis, Layout, PlotConfig } from "./spec.ts";

/**
 * Fonts metric-compatible with Liberation Sans (Debian `fonts-liberation`), so that headless
 * exports and browsers lay text out alike.
 */
export const FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif";

/** Categorical palette for named series (colour-blind safe, after Okabe and Ito). */
export const PALETTE: readonly string[] = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#d55e00",
  "#cc79a7",
  "#56b4e9",
  "#f0e442",
  "#000000",
];

/** The i-th palette colour, cycling. */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#000000";
}

/** `#rrggbb` → `rgba(r,g,b,alpha)`. Other colour syntaxes are returned unchanged. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h ?? "0", 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

/** A layout with ftlab's defaults; `title` is omitted when undefined. */
export function baseLayout(title: string | undefined): Layout {
  const layout: Layout = {
    font: { family: FONT_FAMILY, size: 13 },
    margin: { l: 70, r: 30, t: title === undefined ? 30 : 60, b: 60 },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    legend: { traceorder: "normal" },
  };
  if (title !== undefined) layout.title = { text: title };
  return layout;
}

/** An axis with a title and light grid lines. */
export function axis(title: string | undefined, extra: Axis = {}): Axis {
  const a: Axis = { showgrid: true, zeroline: false, automargin: true, ...extra };
  if (title !== undefined) a.title = { text: title };
  return a;
}

/** Plotly config used by every builder: responsive, no logo. */
export function baseConfig(): PlotConfig {
  return { responsive: true, displaylogo: false };
}
