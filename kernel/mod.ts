/**
 * ftlab's Jupyter integration: the Deno kernelspec, a private Jupyter server whose processes
 * never outlive the caller, a kernel session that does not lose late output, the headless
 * notebook runner (`ftlab notebooks`), `--check` type-checking, HTML and figure export, and
 * `deno task jupyter`. Only this directory talks to Jupyter servers and kernels.
 *
 * @example
 * ```ts
 * import { kernelspec, parseNotebook, prepareNotebook } from "./mod.ts";
 * const nb = parseNotebook(JSON.stringify({
 *   nbformat: 4, nbformat_minor: 5, metadata: {},
 *   cells: [{ cell_type: "code", source: "let seed = 1;", metadata: { tags: ["parameters"] } }],
 * }));
 * const { notebook } = prepareNotebook(nb, { seed: 7 }, "demo.ipynb");
 * if (notebook.cells.length !== 2 || kernelspec("deno").argv[1] !== "jupyter") throw new Error();
 * ```
 *
 * @module
 */
export * from "./check.ts";
export * from "./figure_export.ts";
export * from "./find_jupyter.ts";
export * from "./html_export.ts";
export * from "./jupyter.ts";
export * from "./jupyter_server.ts";
export * from "./kernel_session.ts";
export * from "./kernelspec.ts";
export * from "./notebook_format.ts";
export * from "./notebooks.ts";
export * from "./outputs.ts";
export * from "./parameters.ts";
export * from "./runner.ts";
