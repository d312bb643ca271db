/**
 * Papermill-style notebook parameters for the Deno kernel.
 *
 * A code cell tagged `parameters` declares the defaults, one top-level declaration per name:
 *
 * ```ts ignore
 * const seed = 1;
 * let faults = ["mce"];
 * ```
 *
 * {@linkcode injectParameters} puts a cell tagged `injected-parameters` right after it that
 * declares the overridden names again with the same keyword (`const seed = 7;`). Deno's kernel
 * accepts a top-level `let` or `const` that redeclares a name from an earlier cell (the later one
 * wins), so defaults may be `const`. A name that the parameters cell does not declare is a user
 * error, as is a `--param` for a notebook without a parameters cell: a typo must not pass silently.
 * An earlier injected cell (from a previous run) is dropped first.
 *
 * @module
 */
import { ConfigError } from "../lib/sim/errors.ts";
import { type Cell, type Notebook, sourceText } from "./notebook_format.ts";

/**
 * Parameter overrides: name → JSON-able value.
 *
 * @example
 * ```ts
 * import type { Params } from "./parameters.ts";
 * const p: Params = { seed: 7, label: "fast" };
 * if (p.seed !== 7) throw new Error();
 * ```
 */
export type Params = Record<string, unknown>;

/**
 * Tag of the cell that declares the defaults.
 *
 * @example
 * ```ts
 * import { PARAMETERS_TAG } from "./parameters.ts";
 * if (PARAMETERS_TAG !== "parameters") throw new Error();
 * ```
 */
export const PARAMETERS_TAG = "parameters";
/**
 * Tag of the cell ftlab injects after it.
 *
 * @example
 * ```ts
 * import { INJECTED_TAG } from "./parameters.ts";
 * if (INJECTED_TAG !== "injected-parameters") throw new Error();
 * ```
 */
export const INJECTED_TAG = "injected-parameters";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Parses `key=value` arguments. A value is taken as JSON when it parses (`7`, `true`, `[1,2]`,
 * `"x"`), else as a plain string. Throws a {@linkcode ConfigError} for a malformed argument.
 *
 * @example
 * ```ts
 * import { parseParams } from "./parameters.ts";
 * const p = parseParams(["seed=7", "label=fast run", "rates=[1,2]"]);
 * if (p.seed !== 7 || p.label !== "fast run" || !Array.isArray(p.rates)) throw new Error();
 * ```
 */
export function parseParams(args: readonly string[]): Params {
  const params: Params = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg : arg.slice(0, eq);
    if (eq < 0 || !IDENT.test(key)) {
      throw new ConfigError("--param", arg, "key=value with an identifier as key");
    }
    const text = arg.slice(eq + 1);
    try {
      params[key] = JSON.parse(text);
    } catch {
      params[key] = text;
    }
  }
  return params;
}

/**
 * The top-level declarations of a parameters cell: name → keyword.
 *
 * @example
 * ```ts
 * import { declaredParameters } from "./parameters.ts";
 * const d = declaredParameters("const seed = 1;\nlet label: string = 'a';\n");
 * if (d.get("seed") !== "const" || d.get("label") !== "let") throw new Error();
 * ```
 */
export function declaredParameters(source: string): Map<string, "const" | "let" | "var"> {
  const found = new Map<string, "const" | "let" | "var">();
  const decl = /^(?:export\s+)?(const|let|var)\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*[:=]/gm;
  for (const m of source.matchAll(decl)) {
    found.set(m[2]!, m[1] as "const" | "let" | "var");
  }
  return found;
}

/**
 * The source of the injected cell for `params`, each declared with `keywords` (default `let`).
 *
 * @example
 * ```ts
 * import { parametersSource } from "./parameters.ts";
 * const src = parametersSource({ seed: 7 }, new Map([["seed", "const"]]));
 * if (!src.includes("const seed = 7;")) throw new Error(src);
 * ```
 */
export function parametersSource(params: Params, keywords: Map<string, string>): string {
  const lines = ["// Parameters injected by `ftlab notebooks --param`."];
  for (const [name, value] of Object.entries(params)) {
    lines.push(`${keywords.get(name) ?? "let"} ${name} = ${JSON.stringify(value)};`);
  }
  return lines.join("\n");
}

/**
 * Returns a copy of `nb` without any earlier injected cell and, when `params` is not empty, with
 * an injected cell after the parameters cell. Throws a {@linkcode ConfigError} naming the parameter
 * when the notebook has no parameters cell or does not declare it.
 *
 * @example
 * ```ts
 * import { injectParameters } from "./parameters.ts";
 * const nb = {
 *   nbformat: 4 as const, nbformat_minor: 5, metadata: {},
 *   cells: [{ cell_type: "code" as const, source: "let n = 1;", metadata: { tags: ["parameters"] } }],
 * };
 * const out = injectParameters(nb, { n: 3 }, "demo.ipynb");
 * if (out.cells.length !== 2 || !String(out.cells[1]?.source).includes("let n = 3;")) throw new Error();
 * ```
 */
export function injectParameters(nb: Notebook, params: Params, name = "notebook"): Notebook {
  const cells = nb.cells.filter((cell) => !hasTag(cell, INJECTED_TAG));
  const names = Object.keys(params);
  if (names.length === 0) return { ...nb, cells };
  const at = cells.findIndex((cell) => cell.cell_type === "code" && hasTag(cell, PARAMETERS_TAG));
  const paramCell = cells[at];
  if (!paramCell) {
    throw new ConfigError(
      `--param ${names[0]}`,
      params[names[0]!],
      'a notebook with a cell tagged "parameters"',
      name,
    );
  }
  const declared = declaredParameters(sourceText(paramCell.source));
  for (const key of names) {
    if (!declared.has(key)) {
      const known = [...declared.keys()].join(", ") || "none";
      throw new ConfigError(
        `--param ${key}`,
        params[key],
        `a name declared in the parameters cell (${known})`,
        name,
      );
    }
  }
  const injected: Cell = {
    cell_type: "code",
    id: INJECTED_TAG,
    metadata: { tags: [INJECTED_TAG] },
    source: parametersSource(params, declared),
    outputs: [],
    execution_count: null,
  };
  return { ...nb, cells: [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)] };
}

/**
 * True when `cell` carries `tag` in `metadata.tags`.
 *
 * @example
 * ```ts
 * import { hasTag } from "./parameters.ts";
 * if (!hasTag({ cell_type: "code", source: "", metadata: { tags: ["parameters"] } }, "parameters")) throw new Error();
 * ```
 */
export function hasTag(cell: Cell, tag: string): boolean {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) && tags.includes(tag);
}
