/**
 * {@linkcode Figure}: a plotly figure that shows itself in a notebook and saves itself to files.
 *
 * In a notebook, ending a cell with a figure shows it through three mime types: the plotly JSON
 * (JupyterLab with the plotly extension, VS Code), HTML that draws with plotly.js (classic notebook,
 * JupyterLab without the extension, exported HTML) and a one-line text summary. The plotly.js
 * bundle (4.8 MB) travels in the HTML of the session's first figure only; later figures wait for
 * `window.Plotly`.
 *
 * @module
 */
import { writeFileAtomic } from "../_std.ts";
import { plotlyBundle } from "./_bundle.ts";
import { bundleScript, drawScript, figureDiv, fnv1a, standaloneHtml } from "./_html.ts";
import { canonicalJson } from "./_json.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "./jupyter.ts";
import type { FigureRenderer, ImageSize, PngOptions } from "./renderer.ts";
import type { Layout, PlotConfig, PlotSpec, PlotTrace } from "./spec.ts";

/** The mime type of plotly figures in Jupyter. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Per-kernel-session display state: whether the bundle went out, and a counter for div ids. */
const session = { bundleSent: false, shown: 0 };

/** Options of the image savers: size, and a renderer to reuse (else one is launched and closed). */
export interface SaveImageOptions extends PngOptions {
  renderer?: FigureRenderer;
}

/**
 * A plotly figure: a typed `{ data, layout, config }` spec (it implements {@linkcode PlotSpec}, so
 * it can be passed wherever a spec is expected) plus display and export.
 *
 * The fields are plain, mutable objects: adjust a built figure before showing it, e.g.
 * `fig.layout.height = 300`.
 *
 * @example
 * ```ts
 * import { Figure } from "./figure.ts";
 * const fig = new Figure({
 *   data: [{ type: "scatter", x: [0, 1, 2], y: [0, 1, 4], mode: "lines", name: "y = x²" }],
 *   layout: { title: { text: "A parabola" } },
 * });
 * if (!fig.toString().includes("A parabola")) throw new Error("summary lacks the title");
 * ```
 */
export class Figure implements PlotSpec {
  /** The traces, drawn in order (later on top). */
  data: PlotTrace[];
  /** Titles, axes, legend, shapes and size. */
  layout: Layout;
  /** Plotly interaction options. */
  config: PlotConfig;

  /** Wraps a spec; `config` defaults to a responsive figure without the plotly logo. */
  constructor(spec: { data: PlotTrace[]; layout?: Layout; config?: PlotConfig }) {
    this.data = spec.data;
    this.layout = spec.layout ?? {};
    this.config = spec.config ?? { responsive: true, displaylogo: false };
  }

  /**
   * Forgets that this kernel session already received the plotly.js bundle, so the next display
   * embeds it again. For tests, and for a notebook whose first figure output was cleared.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * Figure.resetSession();
   * ```
   */
  static resetSession(): void {
    session.bundleSent = false;
    session.shown = 0;
  }

  /**
   * A copy with `patch` merged into the layout (shallow; the traces are shared).
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const small = new Figure({ data: [] }).withLayout({ width: 400, height: 300 });
   * if (small.layout.width !== 400) throw new Error("not patched");
   * ```
   */
  withLayout(patch: Layout): Figure {
    return new Figure({
      data: this.data,
      layout: { ...this.layout, ...patch },
      config: this.config,
    });
  }

  /**
   * The plain spec, as serialised by `JSON.stringify` and {@linkcode Figure.saveJson}.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const json = JSON.stringify(new Figure({ data: [] }));
   * if (!json.startsWith('{"data":[]')) throw new Error(json);
   * ```
   */
  toJSON(): PlotSpec {
    return { data: this.data, layout: this.layout, config: this.config };
  }

  /**
   * One line describing the figure: title and traces by type.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const text = new Figure({ data: [{ type: "bar", x: ["a"], y: [1] }] }).toString();
   * if (text !== "Figure (untitled): 1 trace (1 bar)") throw new Error(text);
   * ```
   */
  toString(): string {
    const title = this.layout.title?.text;
    const byType = new Map<string, number>();
    for (const t of this.data) byType.set(t.type, (byType.get(t.type) ?? 0) + 1);
    const kinds = [...byType].map(([type, n]) => `${n} ${type}`).join(", ");
    const n = this.data.length;
    const traces = `${n} trace${n === 1 ? "" : "s"}${n > 0 ? ` (${kinds})` : ""}`;
    return `Figure ${title === undefined ? "(untitled)" : JSON.stringify(title)}: ${traces}`;
  }

  /**
   * The notebook display bundle: plotly JSON, HTML (bundle embedded in the session's first figure
   * only) and a text summary.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * import { JUPYTER_DISPLAY } from "./jupyter.ts";
   * Figure.resetSession();
   * const bundle = new Figure({ data: [] })[JUPYTER_DISPLAY]();
   * if (Object.keys(bundle).length !== 3) throw new Error("expected three mime types");
   * ```
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    const spec = this.toJSON();
    const divId = `ftlab-fig-${fnv1a(canonicalJson(spec))}-${++session.shown}`;
    const parts = [figureDiv(spec, divId)];
    if (!session.bundleSent) parts.push(bundleScript(plotlyBundle()));
    session.bundleSent = true;
    parts.push(drawScript(spec, divId));
    return {
      [PLOTLY_MIME]: JSON.parse(canonicalJson(spec)),
      "text/html": parts.join("\n"),
      "text/plain": this.toString(),
    };
  }

  /**
   * A standalone HTML document with plotly.js inline: opens offline, the same bytes every time.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const html = new Figure({ data: [] }).toHtml();
   * if (!html.startsWith("<!DOCTYPE html>")) throw new Error("not a document");
   * ```
   */
  toHtml(): string {
    return standaloneHtml(this.toJSON(), plotlyBundle());
  }

  /**
   * Writes {@linkcode Figure.toHtml} to `path` atomically.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const dir = await Deno.makeTempDir();
   * await new Figure({ data: [] }).saveHtml(`${dir}/fig.html`);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async saveHtml(path: string): Promise<void> {
    await writeFileAtomic(path, this.toHtml());
  }

  /**
   * Writes the spec as JSON with sorted keys (2-space indent, final newline) atomically.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const dir = await Deno.makeTempDir();
   * await new Figure({ data: [] }).saveJson(`${dir}/fig.json`);
   * const back = JSON.parse(await Deno.readTextFile(`${dir}/fig.json`));
   * if (!Array.isArray(back.data)) throw new Error("no data");
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async saveJson(path: string): Promise<void> {
    await writeFileAtomic(path, canonicalJson(this.toJSON(), 2) + "\n");
  }

  /**
   * Renders to SVG with headless chromium and writes it atomically. Pass `renderer` to reuse a
   * browser across figures; otherwise one is launched and closed (about 2.5 s).
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * // Needs chromium, so only referenced here.
   * const save = (fig: Figure) => fig.saveSvg("out/fig.svg", { width: 640, height: 400 });
   * ```
   */
  async saveSvg(path: string, opts: SaveImageOptions = {}): Promise<void> {
    const { renderer, ...size } = opts;
    const svg = await withRenderer(renderer, (r) => r.svg(this, sizeOnly(size)));
    await writeFileAtomic(path, svg);
  }

  /**
   * Renders to PNG (`scale` device pixels per CSS pixel, default 2) and writes it atomically.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * // Needs chromium, so only referenced here.
   * const save = (fig: Figure) => fig.savePng("out/fig.png", { scale: 3 });
   * ```
   */
  async savePng(path: string, opts: SaveImageOptions = {}): Promise<void> {
    const { renderer, ...size } = opts;
    const png = await withRenderer(renderer, (r) => r.png(this, size));
    await writeFileAtomic(path, png);
  }
}

function sizeOnly(opts: PngOptions): ImageSize {
  const size: ImageSize = {};
  if (opts.width !== undefined) size.width = opts.width;
  if (opts.height !== undefined) size.height = opts.height;
  return size;
}

async function withRenderer<T>(
  renderer: FigureRenderer | undefined,
  use: (r: FigureRenderer) => Promise<T>,
): Promise<T> {
  if (renderer !== undefined) return await use(renderer);
  // Imported on first use: puppeteer-core costs ~150 ms to load, which notebooks that only
  // display figures should not pay.
  const { FigureRenderer } = await import("./renderer.ts");
  const own = await FigureRenderer.launch();
  try {
    return await use(own);
  } finally {
    await own.close();
  }
}
