/**
 * HTML export of an executed notebook through `jupyter nbconvert --to html` (nbconvert 6.5 from
 * Debian). The output is deterministic for the same notebook: nbconvert embeds no timestamps.
 * The file appears atomically (nbconvert writes a temporary name that is then renamed).
 *
 * @module
 */
import { basename, dirname, join } from "../lib/_std.ts";
import { jupyterPython } from "./find_jupyter.ts";

/**
 * Options of {@linkcode exportHtml}.
 *
 * @example
 * ```ts
 * import type { HtmlExportOptions } from "./html_export.ts";
 * const options: HtmlExportOptions = { timeoutMs: 60_000 };
 * if (options.timeoutMs !== 60_000) throw new Error();
 * ```
 */
export interface HtmlExportOptions {
  /** Python with nbconvert. Default {@linkcode jupyterPython}. */
  python?: string;
  /** Bound on the conversion in milliseconds; default 120 000. */
  timeoutMs?: number;
}

/**
 * Converts the notebook file `ipynbPath` to HTML at `htmlPath`. Throws with nbconvert's output
 * when the conversion fails or exceeds its bound.
 *
 * @example
 * ```ts
 * import { exportHtml } from "./html_export.ts";
 * // Without nbconvert the export fails with a clear error (and writes nothing).
 * const dir = await Deno.makeTempDir();
 * try {
 *   await exportHtml(`${dir}/x.ipynb`, `${dir}/x.html`, { python: "/nonexistent/python3" });
 *   throw new Error("exported");
 * } catch (e) {
 *   if (!(e instanceof Error) || e.message === "exported") throw e;
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function exportHtml(
  ipynbPath: string,
  htmlPath: string,
  options: HtmlExportOptions = {},
): Promise<void> {
  const tmpName = `.${basename(htmlPath, ".html")}.${Deno.pid}.tmp`;
  const outDir = dirname(htmlPath);
  const child = new Deno.Command(options.python ?? jupyterPython(), {
    args: [
      "-m",
      "nbconvert",
      "--to",
      "html",
      "--output",
      tmpName,
      "--output-dir",
      outDir,
      ipynbPath,
    ],
    env: { PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const out = await child.output().finally(() => clearTimeout(timer));
  const tmp = join(outDir, `${tmpName}.html`);
  if (!out.success) {
    await Deno.remove(tmp).catch(() => {});
    const log = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`nbconvert failed for ${ipynbPath}:\n${log}`);
  }
  await Deno.rename(tmp, htmlPath);
}
