/**
 * The headless notebook runner: executes every code cell of a notebook, in order, in a fresh Deno
 * kernel on a private Jupyter server, and returns the executed notebook.
 *
 * The result is deterministic for the same notebook and parameters: cell ids are kept (or derived
 * from the cell's index), execution counts are 1..n over the non-empty code cells, no timestamps or
 * timing metadata are stored, and {@linkcode formatNotebook} writes bytes in a fixed order. The run
 * stops at the first cell that raises, times out or kills the kernel; the notebook returned then
 * holds the outputs up to and including that cell, and {@linkcode RunResult.failure} says where and
 * why ({@linkcode formatFailure} renders it).
 *
 * @module
 */
import { dirname, resolve } from "../lib/_std.ts";
import { JupyterServer, type JupyterServerOptions } from "./jupyter_server.ts";
import { KERNEL_NAME } from "./kernelspec.ts";
import { type ExecuteResult, KernelSession } from "./kernel_session.ts";
import {
  type Cell,
  type Notebook,
  type Output,
  readNotebook,
  sourceText,
} from "./notebook_format.ts";
import { CellOutputs, DisplayRegistry } from "./outputs.ts";
import { INJECTED_TAG, injectParameters, type Params } from "./parameters.ts";
import { messageOf } from "../lib/sim/errors.ts";

/**
 * Default per-cell timeout: 10 minutes.
 *
 * @example
 * ```ts
 * import { DEFAULT_CELL_TIMEOUT_MS } from "./runner.ts";
 * if (DEFAULT_CELL_TIMEOUT_MS !== 600_000) throw new Error();
 * ```
 */
export const DEFAULT_CELL_TIMEOUT_MS = 600_000;

/**
 * Thrown by {@linkcode runNotebook} when no kernel could be started or connected for a notebook;
 * the message starts with the notebook's path.
 *
 * @example
 * ```ts
 * import { KernelStartError } from "./runner.ts";
 * const err = new KernelStartError("nb.ipynb: could not connect to the Deno kernel");
 * if (!err.message.startsWith("nb.ipynb:")) throw new Error(err.message);
 * ```
 */
export class KernelStartError extends Error {
  /** @param message the notebook's path, a colon and what went wrong */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelStartError";
  }
}

/**
 * Options of {@linkcode runNotebook}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "./runner.ts";
 * const options: RunOptions = { cellTimeoutMs: 30_000, params: { seed: 7 } };
 * if (options.cellTimeoutMs !== 30_000) throw new Error();
 * ```
 */
export interface RunOptions {
  /** A started server to reuse; without it the run starts and stops its own. */
  server?: JupyterServer;
  /** Options for the server the run starts itself. */
  serverOptions?: JupyterServerOptions;
  /** Parameter overrides, injected after the cell tagged `parameters`. */
  params?: Params;
  /** Per-cell bound in milliseconds; the cell is interrupted and the run fails. */
  cellTimeoutMs?: number;
  /** Silence after idle that ends a cell's output, in milliseconds. Default 300. */
  quietMs?: number;
  /** Called after each code cell. */
  onCell?: (event: CellEvent) => void;
}

/**
 * Progress of one code cell.
 *
 * @example
 * ```ts
 * import type { CellEvent } from "./runner.ts";
 * const e: CellEvent = { cell: 2, cells: 5, status: "ok", ms: 310 };
 * if (e.status !== "ok") throw new Error();
 * ```
 */
export interface CellEvent {
  /** 1-based index among the original notebook's cells (0 for the injected parameters cell). */
  cell: number;
  /** Number of cells in the original notebook. */
  cells: number;
  /** How the cell ended; "skipped" for an empty cell. */
  status: ExecuteResult["status"] | "skipped";
  /** Wall-clock milliseconds including the output drain. */
  ms: number;
}

/**
 * Where and why a run stopped.
 *
 * @example
 * ```ts
 * import type { RunFailure } from "./runner.ts";
 * const f: RunFailure = {
 *   kind: "timeout", cell: 1, firstLine: "await sleep()", ename: "CellTimeoutError",
 *   evalue: "did not finish", traceback: [],
 * };
 * if (f.kind !== "timeout") throw new Error();
 * ```
 */
export interface RunFailure {
  /** error: the cell raised; timeout: it exceeded the per-cell bound; dead: the kernel died. */
  kind: "error" | "timeout" | "dead";
  /** 1-based index among the original notebook's cells (0 for the injected parameters cell). */
  cell: number;
  /** First non-empty line of the cell's source. */
  firstLine: string;
  /** Error name (CellTimeoutError and DeadKernelError for the other kinds). */
  ename: string;
  /** Error message. */
  evalue: string;
  /** Traceback lines with ANSI colour codes removed. */
  traceback: string[];
}

/**
 * The outcome of {@linkcode runNotebook}.
 *
 * @example
 * ```ts
 * import type { RunResult } from "./runner.ts";
 * const r: RunResult = {
 *   notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
 *   timings: { serverStartMs: 600, kernelStartMs: 900, cellMs: [] },
 * };
 * if (r.failure) throw new Error();
 * ```
 */
export interface RunResult {
  /** The executed notebook (complete, or up to the failing cell). */
  notebook: Notebook;
  /** Set when a cell failed. */
  failure?: RunFailure;
  /** Milliseconds: server start (0 when reused), kernel start, each executed code cell. */
  timings: { serverStartMs: number; kernelStartMs: number; cellMs: number[] };
}

/**
 * Executes the notebook at `path`. Invalid notebooks and parameters throw a ConfigError before
 * any server or kernel starts; cell failures are returned in {@linkcode RunResult.failure}; a
 * kernel that cannot be started or connected throws a {@linkcode KernelStartError} naming the
 * notebook. The server the run started itself is stopped on every path.
 *
 * @example
 * ```ts
 * import { runNotebook } from "./runner.ts";
 * import { ConfigError } from "../lib/sim/errors.ts";
 * // An invalid notebook is rejected before any server or kernel starts.
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/bad.ipynb`, "{ not json");
 * try {
 *   await runNotebook(`${dir}/bad.ipynb`);
 *   throw new Error("ran");
 * } catch (e) {
 *   if (!(e instanceof ConfigError)) throw e;
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunResult> {
  const original = await readNotebook(path);
  const prepared = prepareNotebook(original, options.params ?? {}, path);
  const server = options.server ?? await JupyterServer.start(options.serverOptions);
  try {
    return await execute(prepared, path, server, options);
  } finally {
    if (!options.server) await server.stop();
  }
}

/**
 * A notebook ready to run, with each cell's original 1-based index (0: injected).
 *
 * @example
 * ```ts
 * import type { PreparedNotebook } from "./runner.ts";
 * const p: PreparedNotebook = {
 *   notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
 *   origin: [],
 * };
 * if (p.origin.length !== 0) throw new Error();
 * ```
 */
export interface PreparedNotebook {
  /** The notebook with parameters injected and outputs cleared. */
  notebook: Notebook;
  /** Original 1-based index of each cell (0 for the injected parameters cell). */
  origin: number[];
}

/**
 * Injects parameters, clears outputs and execution counts, drops timing metadata and gives every
 * cell a stable id. Pure; throws a ConfigError for unknown parameters.
 *
 * @example
 * ```ts
 * import { prepareNotebook } from "./runner.ts";
 * const nb = {
 *   nbformat: 4 as const, nbformat_minor: 4, metadata: {},
 *   cells: [{ cell_type: "code" as const, source: "1", metadata: { execution: {} }, execution_count: 9 }],
 * };
 * const { notebook } = prepareNotebook(nb, {}, "demo.ipynb");
 * const cell = notebook.cells[0]!;
 * if (cell.id !== "cell-1" || cell.execution_count !== null || "execution" in cell.metadata) throw new Error();
 * ```
 */
export function prepareNotebook(nb: Notebook, params: Params, name: string): PreparedNotebook {
  const indexed = nb.cells.map((cell, i) => ({
    ...cell,
    metadata: { ...cell.metadata, _ftlabOrigin: i + 1 },
  }));
  const injected = injectParameters({ ...nb, cells: indexed }, params, name);
  const origin: number[] = [];
  const seen = new Set<string>();
  const cells = injected.cells.map((cell) => {
    const { _ftlabOrigin, execution: _e, papermill: _p, ...metadata } = cell.metadata;
    const index = typeof _ftlabOrigin === "number" ? _ftlabOrigin : 0;
    origin.push(index);
    let id = cell.id ?? (index === 0 ? INJECTED_TAG : `cell-${index}`);
    if (seen.has(id)) id = `cell-${index}-${seen.size}`;
    seen.add(id);
    const out: Cell = { ...cell, id, metadata };
    if (cell.cell_type === "code") {
      out.outputs = [];
      out.execution_count = null;
    }
    return out;
  });
  const metadata = {
    ...nb.metadata,
    kernelspec: { display_name: "Deno", language: "typescript", name: KERNEL_NAME },
  };
  return {
    notebook: { ...nb, nbformat_minor: Math.max(nb.nbformat_minor, 5), metadata, cells },
    origin,
  };
}

async function execute(
  prepared: PreparedNotebook,
  path: string,
  server: JupyterServer,
  options: RunOptions,
): Promise<RunResult> {
  const { notebook, origin } = prepared;
  let kernel: KernelSession;
  try {
    kernel = await KernelSession.start(server, dirname(resolve(path)));
  } catch (err) {
    const message = messageOf(err);
    throw new KernelStartError(`${path}: ${message}`, { cause: err });
  }
  const timings = {
    serverStartMs: options.server ? 0 : server.startMs,
    kernelStartMs: kernel.startMs,
    cellMs: [] as number[],
  };
  try {
    notebook.metadata.language_info = kernel.info.language_info;
    const displays = new DisplayRegistry();
    let count = 0;
    for (const [i, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const code = sourceText(cell.source);
      const event = { cell: origin[i] ?? 0, cells: origin.filter((o) => o > 0).length };
      if (code.trim() === "") {
        options.onCell?.({ ...event, status: "skipped", ms: 0 });
        continue;
      }
      cell.execution_count = ++count;
      const outputs = new CellOutputs(displays, count);
      cell.outputs = outputs.outputs;
      const started = Date.now();
      const result = await kernel.execute(code, outputs, {
        timeoutMs: options.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS,
        ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
      });
      const ms = Date.now() - started;
      timings.cellMs.push(ms);
      options.onCell?.({ ...event, status: result.status, ms });
      if (result.status !== "ok") {
        const failure = describeFailure(result, event.cell, code, options.cellTimeoutMs);
        if (failure.kind !== "error") cell.outputs.push(failureOutput(failure));
        return { notebook, failure, timings };
      }
    }
    return { notebook, timings };
  } finally {
    await kernel.shutdown();
  }
}

function describeFailure(
  result: ExecuteResult,
  cell: number,
  code: string,
  timeoutMs = DEFAULT_CELL_TIMEOUT_MS,
): RunFailure {
  const firstLine = code.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  const base = { cell, firstLine, traceback: [] as string[] };
  if (result.status === "timeout") {
    const evalue = `the cell did not finish within ${timeoutMs / 1000} s and was interrupted`;
    return { ...base, kind: "timeout", ename: "CellTimeoutError", evalue };
  }
  if (result.status === "dead") {
    const evalue = `the kernel died while running the cell (${
      result.deadReason ?? "unknown cause"
    })`;
    return { ...base, kind: "dead", ename: "DeadKernelError", evalue };
  }
  const error = result.error ?? { ename: "Error", evalue: "", traceback: [] };
  return {
    ...base,
    kind: "error",
    ename: error.ename,
    evalue: stripAnsi(error.evalue),
    traceback: error.traceback.flatMap((t) => stripAnsi(t).split("\n")),
  };
}

function failureOutput(failure: RunFailure): Output {
  return { output_type: "error", ename: failure.ename, evalue: failure.evalue, traceback: [] };
}

/**
 * Removes ANSI escape sequences (colours, cursor moves).
 *
 * @example
 * ```ts
 * import { stripAnsi } from "./runner.ts";
 * if (stripAnsi("\x1b[31mError\x1b[0m: x") !== "Error: x") throw new Error();
 * ```
 */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, "");
}

/**
 * Renders a failure for people: notebook, cell number and first line, then the error and its
 * traceback (bounded to 40 lines).
 *
 * @example
 * ```ts
 * import { formatFailure } from "./runner.ts";
 * const text = formatFailure("nb.ipynb", {
 *   kind: "error", cell: 3, firstLine: "throw new Error('boom');",
 *   ename: "Error", evalue: "boom", traceback: ["Error: boom", "    at <anonymous>:1:7"],
 * });
 * if (!text.startsWith("nb.ipynb: cell 3 (throw new Error('boom');) failed: Error: boom")) throw new Error(text);
 * ```
 */
export function formatFailure(path: string, failure: RunFailure): string {
  const where = failure.cell === 0 ? "injected parameters cell" : `cell ${failure.cell}`;
  const verb = failure.kind === "error"
    ? "failed"
    : failure.kind === "timeout"
    ? "timed out"
    : "killed the kernel";
  const head =
    `${path}: ${where} (${failure.firstLine}) ${verb}: ${failure.ename}: ${failure.evalue}`;
  const tb = failure.traceback.filter((l) => l.trim() !== "");
  const shown = tb.length > 40 ? [...tb.slice(0, 40), `... ${tb.length - 40} more lines`] : tb;
  return [head, ...shown.map((l) => `  ${l}`)].join("\n");
}
