/**
 * Reading, validating and writing Jupyter notebooks (nbformat 4).
 *
 * {@linkcode parseNotebook} rejects what the runner cannot run (bad JSON, `nbformat` other than 4,
 * missing `cells`, unknown cell types) with a one-line {@linkcode ConfigError} before any server or
 * kernel starts. {@linkcode formatNotebook} writes the way nbformat does (sorted keys, one-space
 * indent, trailing newline, multi-line strings split into lines), so that the same notebook and
 * outputs always give the same bytes.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../lib/sim/config.ts";
import { ConfigError, messageOf } from "../lib/sim/errors.ts";

/**
 * A multi-line string as nbformat stores it: one string or a list of lines.
 *
 * @example
 * ```ts
 * import type { MultilineString } from "./notebook_format.ts";
 * const a: MultilineString = ["line 1\n", "line 2"];
 * if (a.join("") !== "line 1\nline 2") throw new Error();
 * ```
 */
export type MultilineString = string | string[];

/**
 * One output of a code cell (nbformat 4).
 *
 * @example
 * ```ts
 * import type { Output } from "./notebook_format.ts";
 * const o: Output = { output_type: "stream", name: "stdout", text: ["hello\n"] };
 * if (o.output_type !== "stream") throw new Error();
 * ```
 */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | {
    output_type: "display_data";
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }
  | {
    output_type: "execute_result";
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
    execution_count: number | null;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/**
 * A notebook cell. Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { Cell } from "./notebook_format.ts";
 * const c: Cell = { cell_type: "markdown", id: "intro", source: "# Title", metadata: {} };
 * if (c.cell_type !== "markdown") throw new Error();
 * ```
 */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

/**
 * A notebook (nbformat 4).
 *
 * @example
 * ```ts
 * import type { Notebook } from "./notebook_format.ts";
 * const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
 * if (nb.nbformat !== 4) throw new Error();
 * ```
 */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

const multiline = z.union([z.string(), z.array(z.string())]);
const cellSchema = z.looseObject({
  cell_type: z.enum(["code", "markdown", "raw"]),
  id: z.string().optional(),
  source: multiline,
  metadata: z.record(z.string(), z.unknown()).default({}),
  outputs: z.array(z.looseObject({ output_type: z.string() })).optional(),
  execution_count: z.number().int().nullable().optional(),
});
const notebookSchema = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().nonnegative().default(5),
  metadata: z.record(z.string(), z.unknown()).default({}),
  cells: z.array(cellSchema),
});

/**
 * Parses and validates the text of an `.ipynb` file. `name` (the path) prefixes error messages.
 *
 * @example
 * ```ts
 * import { parseNotebook } from "./notebook_format.ts";
 * const nb = parseNotebook('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}');
 * if (nb.cells.length !== 0) throw new Error();
 * try {
 *   parseNotebook('{"nbformat": 3, "cells": []}', "old.ipynb");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("old.ipynb: nbformat")) throw e;
 * }
 * ```
 */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const detail = messageOf(err);
    throw new ConfigError("", "invalid JSON", `a JSON notebook (${detail})`, name);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError("", raw, "a JSON object with nbformat and cells", name);
  }
  if (!("cells" in raw)) {
    const nbformat = (raw as { nbformat?: unknown }).nbformat;
    if (nbformat !== 4) parseConfig(notebookSchema, raw, name);
    throw new ConfigError("cells", undefined, "a list of cells", name);
  }
  return parseConfig(notebookSchema, raw, name) as unknown as Notebook;
}

/**
 * Reads and validates a notebook file. A missing file is a {@linkcode ConfigError} too.
 *
 * @example
 * ```ts
 * import { readNotebook } from "./notebook_format.ts";
 * try {
 *   await readNotebook("/nonexistent.ipynb");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("/nonexistent.ipynb")) throw e;
 * }
 * ```
 */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : String(err);
    throw new ConfigError("", path, `a readable .ipynb file (${why})`, path);
  }
  return parseNotebook(text, path);
}

/**
 * A cell's source as one string.
 *
 * @example
 * ```ts
 * import { sourceText } from "./notebook_format.ts";
 * if (sourceText(["a\n", "b"]) !== "a\nb") throw new Error();
 * ```
 */
export function sourceText(source: MultilineString): string {
  return typeof source === "string" ? source : source.join("");
}

/**
 * Splits text into lines that keep their `\n`, as nbformat stores multi-line strings.
 *
 * @example
 * ```ts
 * import { splitLines } from "./notebook_format.ts";
 * if (JSON.stringify(splitLines("a\nb")) !== '["a\\n","b"]') throw new Error();
 * ```
 */
export function splitLines(text: string): string[] {
  const lines = text.split("\n").map((line, i, all) => i < all.length - 1 ? line + "\n" : line);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Serialises a notebook deterministically, like nbformat: keys sorted, one-space indent, trailing
 * newline, sources, stream texts and non-JSON text data split into lines.
 *
 * @example
 * ```ts
 * import { formatNotebook } from "./notebook_format.ts";
 * const text = formatNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
 * if (text !== '{\n "cells": [],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n') {
 *   throw new Error(text);
 * }
 * ```
 */
export function formatNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const out: Record<string, unknown> = { ...cell, source: splitLines(sourceText(cell.source)) };
    if (cell.outputs) out.outputs = cell.outputs.map(splitOutput);
    return out;
  });
  return JSON.stringify(sortKeys({ ...nb, cells }), null, 1) + "\n";
}

function splitOutput(output: Output): Output {
  switch (output.output_type) {
    case "stream":
      return { ...output, text: splitLines(sourceText(output.text)) };
    case "display_data":
    case "execute_result":
      return { ...output, data: splitData(output.data) };
    default:
      return output;
  }
}

function splitData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) {
    const isJson = mime === "application/json" || mime.endsWith("+json");
    out[mime] = !isJson && typeof value === "string" ? splitLines(value) : value;
  }
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
