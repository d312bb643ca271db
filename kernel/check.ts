/**
 * Type-checking notebooks: Deno's kernel runs cells without checking types, so
 * {@linkcode checkNotebook} joins a notebook's code cells into one module, with a comment marking
 * each cell, writes it next to the notebook under a hidden temporary name (so that relative
 * imports, the project's `deno.json` and its import map resolve exactly as in the kernel), runs
 * `deno check` on it with the running deno binary, and maps each diagnostic back to the notebook,
 * cell and line.
 *
 * Cells are checked as one module, so a notebook that redeclares a top-level name in a later cell
 * (allowed by the kernel) gets a "Cannot redeclare" diagnostic: give such names one declaration.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "../lib/_std.ts";
import { type Notebook, sourceText } from "./notebook_format.ts";
import { hasTag, INJECTED_TAG } from "./parameters.ts";

/**
 * One type error, located in the notebook.
 *
 * @example
 * ```ts
 * import type { CheckDiagnostic } from "./check.ts";
 * const d: CheckDiagnostic = { cell: 3, line: 2, column: 7, message: "TS2322 [ERROR]: ..." };
 * if (d.cell !== 3) throw new Error();
 * ```
 */
export interface CheckDiagnostic {
  /** 1-based cell index among all cells of the notebook (0: outside any cell). */
  cell: number;
  /** 1-based line within the cell. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The diagnostic text (code and message), without the location line. */
  message: string;
}

/**
 * Result of {@linkcode checkNotebook}.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * const r: CheckResult = { ok: true, diagnostics: [], raw: "" };
 * if (!r.ok) throw new Error();
 * ```
 */
export interface CheckResult {
  /** True when `deno check` passed. */
  ok: boolean;
  /** Located diagnostics. */
  diagnostics: CheckDiagnostic[];
  /** deno check's own output when it failed without located diagnostics (e.g. a bad import). */
  raw: string;
}

/**
 * The extracted module text and where each cell starts (1-based line of its first source line).
 *
 * @example
 * ```ts
 * import type { ExtractedCells } from "./check.ts";
 * const e: ExtractedCells = { text: "// cell 2\nconst a = 1;\n", starts: [{ cell: 2, line: 2 }] };
 * if (e.starts[0]?.cell !== 2) throw new Error();
 * ```
 */
export interface ExtractedCells {
  /** The module text. */
  text: string;
  /** For each code cell: 1-based notebook cell index and first line in the module. */
  starts: { cell: number; line: number }[];
}

/**
 * Joins the code cells of `nb` into one TypeScript module (an injected parameters cell is
 * skipped), each preceded by a `// cell N` comment line.
 *
 * @example
 * ```ts
 * import { extractCells } from "./check.ts";
 * const nb = {
 *   nbformat: 4 as const, nbformat_minor: 5, metadata: {},
 *   cells: [
 *     { cell_type: "markdown" as const, source: "# t", metadata: {} },
 *     { cell_type: "code" as const, source: "const a = 1;\na", metadata: {} },
 *   ],
 * };
 * const { text, starts } = extractCells(nb);
 * if (starts[0]?.cell !== 2 || !text.split("\n")[(starts[0]?.line ?? 0) - 1]?.startsWith("const a")) throw new Error(text);
 * ```
 */
export function extractCells(nb: Notebook): ExtractedCells {
  const lines: string[] = [
    "// Code cells of a notebook, extracted by `ftlab notebooks --check`.",
    // The kernel provides Deno.jupyter, whose types live in the unstable lib.
    '/// <reference lib="deno.unstable" />',
  ];
  const starts: { cell: number; line: number }[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code" || hasTag(cell, INJECTED_TAG)) return;
    lines.push(`// cell ${i + 1}`);
    starts.push({ cell: i + 1, line: lines.length + 1 });
    lines.push(...sourceText(cell.source).split("\n"), "");
  });
  lines.push("export {};", "");
  return { text: lines.join("\n"), starts };
}

/**
 * Runs `deno check` on the code cells of the notebook at `path` (already parsed as `nb`).
 * Bounded by `timeoutMs` (default 120 s); the temporary file is always removed.
 *
 * @example
 * ```ts
 * import { checkNotebook } from "./check.ts";
 * const dir = await Deno.makeTempDir();
 * const nb = {
 *   nbformat: 4 as const, nbformat_minor: 5, metadata: {},
 *   cells: [{ cell_type: "code" as const, source: "const n: number = \"x\";", metadata: {} }],
 * };
 * const result = await checkNotebook(`${dir}/demo.ipynb`, nb);
 * await Deno.remove(dir, { recursive: true });
 * if (result.ok || result.diagnostics[0]?.cell !== 1) throw new Error(JSON.stringify(result));
 * ```
 */
export async function checkNotebook(
  path: string,
  nb: Notebook,
  timeoutMs = 120_000,
): Promise<CheckResult> {
  const extracted = extractCells(nb);
  const tmp = join(dirname(resolve(path)), `.${basename(path, ".ipynb")}.check-${Deno.pid}.ts`);
  await Deno.writeTextFile(tmp, extracted.text);
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", tmp],
      cwd: dirname(tmp),
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const out = await child.output().finally(() => clearTimeout(timer));
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (out.success) return { ok: true, diagnostics: [], raw: "" };
    const diagnostics = parseDiagnostics(text, tmp, extracted);
    return {
      ok: false,
      diagnostics,
      raw: diagnostics.length === 0 ? text.replaceAll(tmp, path) : "",
    };
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * Parses `deno check` output (NO_COLOR) into diagnostics located in `file`, mapped to cells.
 *
 * @example
 * ```ts
 * import { parseDiagnostics } from "./check.ts";
 * const out = "TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.\n" +
 *   "const n: number = \"x\";\n      ^\n    at file:///p/.nb.check-1.ts:5:7\n";
 * const [d] = parseDiagnostics(out, "/p/.nb.check-1.ts", { text: "", starts: [{ cell: 2, line: 3 }] });
 * if (d?.cell !== 2 || d.line !== 3 || !d.message.startsWith("TS2322")) throw new Error(JSON.stringify(d));
 * ```
 */
export function parseDiagnostics(
  output: string,
  file: string,
  extracted: ExtractedCells,
): CheckDiagnostic[] {
  const diagnostics: CheckDiagnostic[] = [];
  const blocks = output.split(/\n(?=TS\d+ \[ERROR\])/);
  const at = /at (?:file:\/\/)?(\S+?):(\d+):(\d+)\s*$/m;
  for (const block of blocks) {
    const m = at.exec(block);
    if (!m || !block.includes("[ERROR]") || !decodeURI(m[1]!).endsWith(basename(file))) continue;
    const moduleLine = Number(m[2]);
    const start = [...extracted.starts].reverse().find((s) => s.line <= moduleLine);
    const message = block.slice(0, m.index).trim().split("\n")[0]!.trim();
    diagnostics.push({
      cell: start?.cell ?? 0,
      line: start ? moduleLine - start.line + 1 : moduleLine,
      column: Number(m[3]),
      message,
    });
  }
  return diagnostics;
}
