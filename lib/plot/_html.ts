/**
 * HTML for figures: the fragment shown in notebook outputs and the standalone document written by
 * `Figure.saveHtml`. Both are pure functions of their arguments (no ids from clocks or randomness).
 *
 * @module
 */
import { escapeHtml } from "./jupyter.ts";
import { scriptSafeJson } from "./_json.ts";
import type { PlotSpec } from "./spec.ts";

/** How long a figure waits for `window.Plotly` before saying why it cannot draw: 400 × 50 ms. */
const WAIT_TRIES = 400;
const WAIT_MS = 50;
const DEFAULT_HEIGHT_PX = 450;

/** A `<script>` element carrying the plotly.js bundle inline. */
export function bundleScript(bundle: string): string {
  // A literal "</script" would end the element early; in JS source "<\/script" means the same.
  return `<script type="text/javascript">${bundle.replace(/<\/script/gi, "<\\/script")}</script>`;
}

/** The `<div>` a figure draws into, sized from the layout (full width unless fixed). */
export function figureDiv(spec: PlotSpec, divId: string): string {
  const width = spec.layout.width === undefined ? "100%" : `${spec.layout.width}px`;
  const height = `${spec.layout.height ?? DEFAULT_HEIGHT_PX}px`;
  return `<div id="${
    escapeHtml(divId)
  }" class="ftlab-figure" style="width:${width};height:${height};"></div>`;
}

/**
 * A script that draws `spec` into `divId` as soon as `window.Plotly` exists. It polls for a bounded
 * time because, in a notebook, the bundle arrives with the session's first figure and may load
 * after this output; when the bound is reached it writes the reason into the div instead.
 */
export function drawScript(spec: PlotSpec, divId: string): string {
  return [
    `<script type="text/javascript">`,
    `(function () {`,
    `  var spec = ${scriptSafeJson(spec)};`,
    `  var id = ${scriptSafeJson(divId)};`,
    `  var tries = 0;`,
    `  function draw() {`,
    `    var el = document.getElementById(id);`,
    `    if (!el) return;`,
    `    if (window.Plotly) { window.Plotly.newPlot(el, spec.data, spec.layout, spec.config); return; }`,
    `    if (++tries > ${WAIT_TRIES}) {`,
    `      el.textContent = "plotly.js is not loaded: re-run the cell that showed the first figure";`,
    `      return;`,
    `    }`,
    `    setTimeout(draw, ${WAIT_MS});`,
    `  }`,
    `  draw();`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/** A complete offline HTML document: the bundle inline, then the figure. */
export function standaloneHtml(spec: PlotSpec, bundle: string): string {
  const title = escapeHtml(spec.layout.title?.text ?? "ftlab figure");
  const divId = "ftlab-figure";
  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<title>${title}</title>`,
    bundleScript(bundle),
    `</head>`,
    `<body style="margin:0;padding:8px;">`,
    figureDiv(spec, divId),
    drawScript(spec, divId),
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}

/** FNV-1a 32-bit hash as 8 hex digits: short, stable ids derived from content. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
