/**
 * Static SVG and PNG export of figures through headless Debian chromium.
 *
 * One {@linkcode FigureRenderer} owns one browser with one page into which plotly.js is loaded
 * from the npm package (never from the network: every request other than `about:` and `data:` is
 * aborted). Starting takes about 2.5 s (most of it loading the 4.8 MB bundle); each figure then
 * takes 40-100 ms, so export many figures through one renderer.
 *
 * Renders are deterministic: plotly's SVG element ids come from `Math.random`, which the page
 * replaces with a seeded PRNG and re-seeds before every render, and renders are serialised so that
 * concurrent callers cannot interleave. The same spec gives the same bytes.
 *
 * @module
 */
import type { Browser, HTTPRequest, Page } from "puppeteer-core";
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { plotlyBundle } from "./_bundle.ts";
import type { PlotSpec } from "./spec.ts";

/** Where Debian installs chromium; override with `FTLAB_CHROMIUM` or `executablePath`. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
const INSTALL_HINT = "apt-get install -y chromium fonts-liberation";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
/** Size used when neither the options nor the layout give one, in CSS pixels. */
const DEFAULT_WIDTH = 800;
const DEFAULT_HEIGHT = 500;
/** Seed given to the page's PRNG before every render; any constant works. */
const RENDER_SEED = 0x5eed;

/** Options of {@linkcode FigureRenderer.launch}. */
export interface RendererOptions {
  /** Chromium binary; default `$FTLAB_CHROMIUM`, else `/usr/bin/chromium`. */
  executablePath?: string;
  /** Bound on browser start-up and on each render, in milliseconds (default 30000). */
  timeoutMs?: number;
}

/** Size of an exported image in CSS pixels; defaults to the layout's size, else 800 × 500. */
export interface ImageSize {
  width?: number;
  height?: number;
}

/** PNG options: size plus `scale`, device pixels per CSS pixel (default 2, print quality). */
export interface PngOptions extends ImageSize {
  scale?: number;
}

const sizeSchema = z.object({
  width: z.number().int().min(10).max(10_000).optional(),
  height: z.number().int().min(10).max(10_000).optional(),
  scale: z.number().min(0.1).max(10).optional(),
}).strict();

const launchSchema = z.object({
  executablePath: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
}).strict();

interface RenderArgs {
  spec: PlotSpec;
  format: "svg" | "png";
  width: number;
  height: number;
  scale: number;
  seed: number;
}

/** A small figure with a legend, rendered once at launch. */
const WARM_UP: RenderArgs = {
  spec: {
    data: [{ type: "bar", x: ["a"], y: [1], name: "warm-up" }],
    layout: { showlegend: true },
    config: {},
  },
  format: "svg",
  width: 200,
  height: 150,
  scale: 1,
  seed: RENDER_SEED,
};

interface PageGlobals {
  __ftlabSeed(seed: number): void;
  Plotly: {
    toImage(
      fig: PlotSpec,
      opts: { format: string; width: number; height: number; scale: number; imageDataOnly: true },
    ): Promise<string>;
  };
}

/**
 * A headless chromium that turns plotly specs into SVG text and PNG bytes.
 *
 * @example
 * ```ts
 * import { FigureRenderer } from "./renderer.ts";
 * // Launching needs chromium; doc tests only show the shape of the API.
 * async function exportAll(specs: Parameters<FigureRenderer["svg"]>[0][]) {
 *   await using renderer = await FigureRenderer.launch();
 *   for (const spec of specs) await renderer.svg(spec, { width: 640, height: 400 });
 * }
 * if (typeof exportAll !== "function") throw new Error("unreachable");
 * ```
 */
export class FigureRenderer implements AsyncDisposable {
  readonly #browser: Browser;
  readonly #page: Page;
  readonly #userDataDir: string;
  readonly #timeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(browser: Browser, page: Page, userDataDir: string, timeoutMs: number) {
    this.#browser = browser;
    this.#page = page;
    this.#userDataDir = userDataDir;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Starts chromium with a fresh temporary profile and loads plotly.js into a blank page.
   * Throws an error naming the Debian packages when chromium is missing or fails to start.
   *
   * @example
   * ```ts
   * import { FigureRenderer } from "./renderer.ts";
   * try {
   *   await FigureRenderer.launch({ executablePath: "/nonexistent/chromium" });
   *   throw new Error("launched a missing browser");
   * } catch (e) {
   *   if (!String(e).includes("apt-get install -y chromium")) throw e;
   * }
   * ```
   */
  static async launch(opts: RendererOptions = {}): Promise<FigureRenderer> {
    const o = parseConfig(launchSchema, opts, "FigureRenderer.launch");
    const executablePath = o.executablePath ?? envChromium() ?? DEFAULT_CHROMIUM;
    const timeoutMs = o.timeoutMs ?? 30_000;
    await assertExecutable(executablePath);
    const userDataDir = await Deno.makeTempDir({ prefix: "ftlab-chromium-" });
    let browser: Browser | undefined;
    try {
      // Loaded on first launch only: importing ftlab must not pull in puppeteer (and its needs
      // for environment access) for users who never export a static image.
      const { default: puppeteer } = await import("puppeteer-core");
      browser = await puppeteer.launch({
        executablePath,
        headless: true,
        pipe: true,
        userDataDir,
        args: FLAGS,
        timeout: timeoutMs,
        protocolTimeout: timeoutMs,
      });
      const page = await preparePage(browser, timeoutMs);
      return new FigureRenderer(browser, page, userDataDir, timeoutMs);
    } catch (err) {
      await browser?.close().catch(() => {});
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
      throw new Error(
        `FigureRenderer: chromium at ${executablePath} failed to start (${INSTALL_HINT}?): ` +
          String(err),
        { cause: err },
      );
    }
  }

  /**
   * Renders `spec` as SVG text.
   *
   * @example
   * ```ts
   * import type { FigureRenderer } from "./renderer.ts";
   * const toSvg = (r: FigureRenderer) => r.svg({ data: [], layout: {}, config: {} }, { width: 400 });
   * ```
   */
  svg(spec: PlotSpec, opts: ImageSize = {}): Promise<string> {
    return this.#render(spec, "svg", opts);
  }

  /**
   * Renders `spec` as PNG bytes (`scale` device pixels per CSS pixel, default 2).
   *
   * @example
   * ```ts
   * import type { FigureRenderer } from "./renderer.ts";
   * const toPng = (r: FigureRenderer) => r.png({ data: [], layout: {}, config: {} }, { scale: 1 });
   * ```
   */
  async png(spec: PlotSpec, opts: PngOptions = {}): Promise<Uint8Array> {
    return decodeBase64(await this.#render(spec, "png", opts));
  }

  /**
   * Closes the browser and removes its temporary profile. Safe to call twice.
   *
   * @example
   * ```ts
   * import type { FigureRenderer } from "./renderer.ts";
   * const done = (r: FigureRenderer) => r.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => {});
    try {
      await this.#browser.close();
    } finally {
      await Deno.remove(this.#userDataDir, { recursive: true }).catch(() => {});
    }
  }

  /** Same as {@linkcode FigureRenderer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #render(spec: PlotSpec, format: "svg" | "png", opts: PngOptions): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("FigureRenderer: already closed"));
    const o = parseConfig(sizeSchema, opts, `FigureRenderer.${format}`);
    const args: RenderArgs = {
      spec: { data: spec.data, layout: spec.layout, config: spec.config },
      format,
      width: o.width ?? spec.layout.width ?? DEFAULT_WIDTH,
      height: o.height ?? spec.layout.height ?? DEFAULT_HEIGHT,
      scale: format === "svg" ? 1 : o.scale ?? 2,
      seed: RENDER_SEED,
    };
    const run = this.#queue.catch(() => {}).then(() => renderInPage(this.#page, args));
    this.#queue = run;
    return run;
  }
}

async function renderInPage(page: Page, args: RenderArgs): Promise<string> {
  const image = await page.evaluate((a: RenderArgs) => {
    const g = globalThis as unknown as PageGlobals;
    g.__ftlabSeed(a.seed);
    return g.Plotly.toImage(a.spec, {
      format: a.format,
      width: a.width,
      height: a.height,
      scale: a.scale,
      imageDataOnly: true,
    });
  }, args);
  return args.format === "svg" ? await page.evaluate(sortSvgAttributes, image) : image;
}

/**
 * Runs in the page. Plotly sets some attributes in a different order on a page's first render
 * than on later ones (seen on legend rects), so the SVG text would depend on what was rendered
 * before; sorting every element's attributes by name makes it a function of the spec alone.
 */
function sortSvgAttributes(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  for (const el of Array.from(doc.querySelectorAll("*"))) {
    const attrs = Array.from(el.attributes).map((a) => ({
      ns: a.namespaceURI,
      name: a.name,
      value: a.value,
    }));
    attrs.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const a of attrs) el.removeAttribute(a.name);
    for (const a of attrs) el.setAttributeNS(a.ns, a.name, a.value);
  }
  return new XMLSerializer().serializeToString(doc.documentElement);
}

async function preparePage(browser: Browser, timeoutMs: number): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeoutMs);
  await page.setRequestInterception(true);
  page.on("request", allowLocalOnly);
  await page.setContent("<!DOCTYPE html><html><head></head><body></body></html>");
  await page.addScriptTag({ content: SEEDED_RANDOM_JS });
  await page.addScriptTag({ content: plotlyBundle() });
  await renderInPage(page, WARM_UP); // first renders take other code paths; keep them out of output
  return page;
}

function allowLocalOnly(req: HTTPRequest): void {
  const url = req.url();
  if (url.startsWith("data:") || url.startsWith("about:")) void req.continue();
  else void req.abort();
}

/**
 * Replaces `Math.random` in the page with mulberry32, seeded by `__ftlabSeed(n)`. Installed
 * before plotly.js loads so that no plotly code ever sees the browser's own generator.
 */
const SEEDED_RANDOM_JS = `(function () {
  var s = 0;
  Math.random = function () {
    s = (s + 0x6d2b79f5) | 0;
    var t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  window.__ftlabSeed = function (seed) { s = seed | 0; };
})();`;

function envChromium(): string | undefined {
  try {
    return Deno.env.get("FTLAB_CHROMIUM") || undefined;
  } catch {
    return undefined; // no --allow-env: fall back to the default path
  }
}

async function assertExecutable(path: string): Promise<void> {
  let ok = false;
  try {
    const info = await Deno.stat(path);
    ok = info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      `FigureRenderer: no chromium executable at ${path}. Install Debian's chromium ` +
        `(${INSTALL_HINT}) or set FTLAB_CHROMIUM to the browser's path.`,
    );
  }
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
