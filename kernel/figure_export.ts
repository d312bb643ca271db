/**
 * Static export of the plotly figures in an executed notebook.
 *
 * Every output carrying `application/vnd.plotly.v1+json` becomes `fig-<cell>-<n>.svg` and `.png`,
 * where `<cell>` is the 1-based index of the cell in the original notebook (an injected parameters
 * cell is not counted, so names do not depend on `--param`) and `<n>` counts the figures of that
 * cell from 1. Rendering goes through `lib/plot/renderer.ts` (headless chromium), imported only
 * when a notebook has figures.
 *
 * @module
 */
import { join, writeFileAtomic } from "../lib/_std.ts";
import type { PlotSpec } from "../lib/plot/spec.ts";
import type { Notebook } from "./notebook_format.ts";
import { hasTag, INJECTED_TAG } from "./parameters.ts";

/**
 * The mime type of a plotly figure output.
 *
 * @example
 * ```ts
 * import { PLOTLY_MIME } from "./figure_export.ts";
 * if (PLOTLY_MIME !== "application/vnd.plotly.v1+json") throw new Error();
 * ```
 */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/**
 * A figure found in a notebook.
 *
 * @example
 * ```ts
 * import type { FoundFigure } from "./figure_export.ts";
 * const f: FoundFigure = { stem: "fig-2-1", spec: { data: [], layout: {}, config: {} } };
 * if (!f.stem.startsWith("fig-")) throw new Error();
 * ```
 */
export interface FoundFigure {
  /** File name stem, `fig-<cell>-<n>`. */
  stem: string;
  /** The plotly spec. */
  spec: PlotSpec;
}

/**
 * Finds the plotly figures in `nb`'s outputs, in order.
 *
 * @example
 * ```ts
 * import { findFigures } from "./figure_export.ts";
 * const figure = { data: [{ type: "bar", x: [1], y: [2] }], layout: {} };
 * const nb = {
 *   nbformat: 4 as const, nbformat_minor: 5, metadata: {},
 *   cells: [
 *     { cell_type: "markdown" as const, source: "", metadata: {} },
 *     {
 *       cell_type: "code" as const, source: "", metadata: {},
 *       outputs: [{ output_type: "display_data" as const, data: { "application/vnd.plotly.v1+json": figure }, metadata: {} }],
 *     },
 *   ],
 * };
 * const [found] = findFigures(nb);
 * if (found?.stem !== "fig-2-1") throw new Error(found?.stem);
 * ```
 */
export function findFigures(nb: Notebook): FoundFigure[] {
  const found: FoundFigure[] = [];
  let original = 0;
  for (const cell of nb.cells) {
    if (hasTag(cell, INJECTED_TAG)) continue;
    original++;
    let n = 0;
    for (const output of cell.outputs ?? []) {
      if (output.output_type !== "display_data" && output.output_type !== "execute_result") {
        continue;
      }
      const value = output.data[PLOTLY_MIME];
      if (typeof value !== "object" || value === null) continue;
      const fig = value as Partial<PlotSpec>;
      const spec = { data: fig.data ?? [], layout: fig.layout ?? {}, config: fig.config ?? {} };
      found.push({ stem: `fig-${original}-${++n}`, spec: spec as PlotSpec });
    }
  }
  return found;
}

/**
 * What {@linkcode FigureExporter} needs from a renderer (lib/plot/renderer.ts).
 *
 * @example
 * ```ts
 * import type { FigureRendererLike } from "./figure_export.ts";
 * const fake: FigureRendererLike = {
 *   svg: () => Promise.resolve("<svg/>"),
 *   png: () => Promise.resolve(new Uint8Array([0x89])),
 *   close: () => Promise.resolve(),
 * };
 * await fake.close();
 * ```
 */
export interface FigureRendererLike {
  /** SVG text of a spec. */
  svg(spec: PlotSpec): Promise<string>;
  /** PNG bytes of a spec. */
  png(spec: PlotSpec): Promise<Uint8Array>;
  /** Closes the browser. */
  close(): Promise<void>;
}

/**
 * Writes figures as SVG and PNG files, launching one renderer on first use and reusing it.
 *
 * @example
 * ```ts
 * import { FigureExporter } from "./figure_export.ts";
 * const exporter = new FigureExporter();
 * // No figures: no renderer is launched, nothing is written.
 * if ((await exporter.export([], "/nonexistent")).length !== 0) throw new Error();
 * await exporter.close();
 * ```
 */
export class FigureExporter {
  #renderer: Promise<FigureRendererLike> | undefined;
  readonly #launch: () => Promise<FigureRendererLike>;

  /** @param launch starts a renderer; default `FigureRenderer.launch()` from lib/plot. */
  constructor(launch: () => Promise<FigureRendererLike> = launchDefault) {
    this.#launch = launch;
  }

  /**
   * Writes `<dir>/<stem>.svg` and `.png` for each figure, after removing earlier `fig-*` files
   * from `dir`; returns the paths written.
   */
  async export(figures: FoundFigure[], dir: string): Promise<string[]> {
    await removeOldFigures(dir);
    if (figures.length === 0) return [];
    this.#renderer ??= this.#launch();
    const renderer = await this.#renderer;
    await Deno.mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const { stem, spec } of figures) {
      const svg = join(dir, `${stem}.svg`);
      const png = join(dir, `${stem}.png`);
      await writeFileAtomic(svg, await renderer.svg(spec));
      await writeFileAtomic(png, await renderer.png(spec));
      written.push(svg, png);
    }
    return written;
  }

  /** Closes the renderer if one was launched. */
  async close(): Promise<void> {
    const renderer = this.#renderer;
    this.#renderer = undefined;
    if (renderer) await (await renderer.catch(() => undefined))?.close();
  }
}

async function launchDefault(): Promise<FigureRendererLike> {
  const { FigureRenderer } = await import("../lib/plot/renderer.ts");
  return await FigureRenderer.launch();
}

async function removeOldFigures(dir: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /^fig-\d+-\d+\.(svg|png)$/.test(entry.name)) {
        await Deno.remove(join(dir, entry.name));
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}
