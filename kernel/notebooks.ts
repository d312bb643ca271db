/**
 * `ftlab notebooks`: execute notebooks headlessly through Jupyter and export them.
 *
 * ```text
 * ftlab notebooks [paths...] [--out DIR] [--param key=value]... [--timeout SEC] [--check]
 * ```
 *
 * Paths are `.ipynb` files or directories searched recursively (default `notebooks/`), run in
 * sorted order on one private Jupyter server, each in a fresh Deno kernel. For a notebook NAME the
 * command writes `DIR/NAME.ipynb` (executed; also when a cell failed, up to that cell),
 * `DIR/NAME.html` (nbconvert) and `DIR/NAME/fig-<cell>-<n>.svg|.png` for every plotly figure.
 * With `--check` it only type-checks the code cells (`deno check`) and runs nothing.
 *
 * Exit status: 0 all ok; 1 a notebook failed (cell error, timeout, dead kernel, type errors,
 * export failure); 2 user error (bad flag, missing or invalid notebook, unknown parameter, Jupyter
 * not installed), reported in one line before any server starts. Progress goes to stderr.
 *
 * @module
 */
import { basename, join, parseArgs, writeFileAtomic } from "../lib/_std.ts";
import { ConfigError, messageOf } from "../lib/sim/errors.ts";
import { checkNotebook } from "./check.ts";
import { FigureExporter, findFigures } from "./figure_export.ts";
import { JupyterMissingError, requireJupyter } from "./find_jupyter.ts";
import { exportHtml } from "./html_export.ts";
import { JupyterServer, receivedSignal } from "./jupyter_server.ts";
import { formatNotebook, type Notebook, readNotebook } from "./notebook_format.ts";
import { type Params, parseParams } from "./parameters.ts";
import {
  type CellEvent,
  DEFAULT_CELL_TIMEOUT_MS,
  formatFailure,
  prepareNotebook,
  runNotebook,
} from "./runner.ts";

/**
 * Usage text of the command.
 *
 * @example
 * ```ts
 * import { NOTEBOOKS_USAGE } from "./notebooks.ts";
 * if (!NOTEBOOKS_USAGE.startsWith("usage: ftlab notebooks")) throw new Error();
 * ```
 */
export const NOTEBOOKS_USAGE =
  `usage: ftlab notebooks [paths...] [--out DIR] [--param key=value]... [--timeout SEC] [--check]
  paths          .ipynb files or directories (default: notebooks/)
  --out DIR      output directory (default: out/)
  --param k=v    override a name declared in the cell tagged "parameters" (value: JSON or string)
  --timeout SEC  per-cell timeout in seconds (default: ${DEFAULT_CELL_TIMEOUT_MS / 1000})
  --check        type-check the code cells with deno check instead of running them`;

interface Command {
  paths: string[];
  out: string;
  params: Params;
  timeoutMs: number;
  check: boolean;
  help: boolean;
}

interface Job {
  path: string;
  name: string;
  notebook: Notebook;
}

/**
 * Runs the command with its arguments (without the word `notebooks`); resolves to the exit status.
 *
 * @example
 * ```ts
 * import { notebooksCommand } from "./notebooks.ts";
 * // A user error is reported in one line and returns 2 before anything starts.
 * const status = await notebooksCommand(["/nonexistent/x.ipynb"]);
 * if (status !== 2) throw new Error(`status ${status}`);
 * ```
 */
export async function notebooksCommand(args: string[]): Promise<number> {
  let cmd: Command;
  let jobs: Job[];
  try {
    cmd = parseCommand(args);
    if (cmd.help) {
      console.log(NOTEBOOKS_USAGE);
      return 0;
    }
    jobs = await collectJobs(cmd);
  } catch (err) {
    return userError(err);
  }
  if (jobs.length === 0) {
    log(`no notebooks found in ${cmd.paths.join(", ")}`);
    return 0;
  }
  if (cmd.check) return await checkAll(jobs);
  try {
    await requireJupyter(["jupyter_server", "nbconvert"]);
  } catch (err) {
    return userError(err);
  }
  return await runAll(jobs, cmd);
}

function parseCommand(args: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string" },
        param: { type: "string", multiple: true },
        timeout: { type: "string" },
        check: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    const message = messageOf(err);
    throw new ConfigError("", args.join(" "), `valid options (${message.split("\n")[0]})`);
  }
  const { values, positionals } = parsed;
  let timeoutMs = DEFAULT_CELL_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const sec = Number(values.timeout);
    if (!Number.isFinite(sec) || sec <= 0) {
      throw new ConfigError("--timeout", values.timeout, "a positive number of seconds");
    }
    timeoutMs = Math.round(sec * 1000);
  }
  return {
    paths: positionals.length > 0 ? positionals : ["notebooks"],
    out: values.out ?? "out",
    params: parseParams(values.param ?? []),
    timeoutMs,
    check: values.check ?? false,
    help: values.help ?? false,
  };
}

/** Finds, reads and validates every notebook (and the parameters) before anything starts. */
async function collectJobs(cmd: Command): Promise<Job[]> {
  const paths: string[] = [];
  for (const p of cmd.paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(p);
    } catch {
      throw new ConfigError("", p, "an existing .ipynb file or directory", "path");
    }
    if (info.isDirectory) paths.push(...(await findNotebooks(p)));
    else if (p.endsWith(".ipynb")) paths.push(p);
    else throw new ConfigError("", p, "an .ipynb file or a directory", "path");
  }
  const jobs: Job[] = [];
  const names = new Map<string, string>();
  for (const path of [...new Set(paths)]) {
    const notebook = await readNotebook(path);
    if (!cmd.check) prepareNotebook(notebook, cmd.params, path);
    const name = basename(path, ".ipynb");
    const other = names.get(name);
    if (other !== undefined) {
      throw new ConfigError(
        "",
        path,
        `a notebook name not used twice (also ${other}: both write ${name}.*)`,
      );
    }
    names.set(name, path);
    jobs.push({ path, name, notebook });
  }
  return jobs;
}

/** `.ipynb` files under `dir`, sorted; skips hidden directories and checkpoints. Depth ≤ 8. */
async function findNotebooks(dir: string, depth = 0): Promise<string[]> {
  const found: string[] = [];
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory && depth < 8) found.push(...(await findNotebooks(path, depth + 1)));
    else if (entry.isFile && entry.name.endsWith(".ipynb")) found.push(path);
  }
  return found;
}

async function checkAll(jobs: Job[]): Promise<number> {
  let failed = 0;
  for (const [i, job] of jobs.entries()) {
    const started = Date.now();
    const result = await checkNotebook(job.path, job.notebook);
    const status = result.ok ? "ok" : "type errors";
    log(`[${i + 1}/${jobs.length}] ${job.path}: ${status} (${seconds(Date.now() - started)})`);
    if (result.ok) continue;
    failed++;
    for (const d of result.diagnostics) {
      log(`${job.path}: cell ${d.cell}, line ${d.line}:${d.column}: ${d.message}`);
    }
    if (result.raw) log(result.raw.trim());
  }
  return failed > 0 ? 1 : 0;
}

async function runAll(jobs: Job[], cmd: Command): Promise<number> {
  await Deno.mkdir(cmd.out, { recursive: true });
  let server: JupyterServer;
  try {
    server = await JupyterServer.start();
  } catch (err) {
    log(`ftlab notebooks: could not start a Jupyter server: ${messageOf(err)}`);
    return 1;
  }
  log(`jupyter server ready in ${seconds(server.startMs)} (port ${server.port})`);
  const exporter = new FigureExporter();
  let failed = 0;
  try {
    for (const [i, job] of jobs.entries()) {
      const ok = await runOne(job, `[${i + 1}/${jobs.length}]`, cmd, server, exporter);
      if (!ok) failed++;
      if (receivedSignal()) break;
    }
  } finally {
    // Each step bounded and independent: a failing exporter must not keep the server alive.
    await exporter.close().catch((err) => log(`closing the figure renderer: ${messageOf(err)}`));
    await server.stop();
  }
  if (receivedSignal()) return 130;
  if (jobs.length > 1) log(`${jobs.length - failed} of ${jobs.length} notebooks ok`);
  return failed > 0 ? 1 : 0;
}

async function runOne(
  job: Job,
  tag: string,
  cmd: Command,
  server: JupyterServer,
  exporter: FigureExporter,
): Promise<boolean> {
  const started = Date.now();
  const onCell = (e: CellEvent) => {
    const where = e.cell === 0 ? "parameters" : `cell ${e.cell}/${e.cells}`;
    log(
      `${tag} ${job.path} ${where}: ${e.status}${
        e.status === "skipped" ? "" : ` ${seconds(e.ms)}`
      }`,
    );
  };
  let result;
  try {
    for (let attempt = 1;; attempt++) {
      const damagedBefore = server.corruptedMessages;
      result = await runNotebook(job.path, {
        server,
        params: cmd.params,
        cellTimeoutMs: cmd.timeoutMs,
        onCell,
      });
      // A kernel message damaged in transport lost an output: the run is not a faithful record.
      // Notebooks are deterministic, so running again gives the intended result.
      if (server.corruptedMessages === damagedBefore || receivedSignal()) break;
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`kernel messages arrived damaged in ${attempt} runs; giving up`);
      }
      log(`${tag} ${job.path}: a kernel message arrived damaged; running the notebook again`);
    }
  } catch (err) {
    if (receivedSignal()) return false;
    const text = messageOf(err);
    log(text.startsWith(job.path) ? text : `${job.path}: ${text}`);
    log(`${tag} ${job.path}: FAILED`);
    return false;
  }
  if (receivedSignal()) {
    log(`${tag} ${job.path}: interrupted`);
    return false;
  }
  const ipynb = join(cmd.out, `${job.name}.ipynb`);
  await writeFileAtomic(ipynb, formatNotebook(result.notebook));
  if (result.failure) {
    log(formatFailure(job.path, result.failure));
    log(`${tag} ${job.path}: FAILED (partial notebook in ${ipynb})`);
    return false;
  }
  try {
    const html = join(cmd.out, `${job.name}.html`);
    await exportHtml(ipynb, html);
    const figures = await exporter.export(findFigures(result.notebook), join(cmd.out, job.name));
    const figs = figures.length / 2;
    const took = seconds(Date.now() - started);
    log(
      `${tag} ${job.path}: ok in ${took} -> ${ipynb}, ${html}, ${figs} figure${
        figs === 1 ? "" : "s"
      }`,
    );
    return true;
  } catch (err) {
    log(`${tag} ${job.path}: export failed: ${messageOf(err)}`);
    return false;
  }
}

/** Runs of one notebook when kernel messages arrive damaged (see JupyterServer.corruptedMessages). */
const MAX_ATTEMPTS = 3;

function userError(err: unknown): number {
  if (err instanceof ConfigError || err instanceof JupyterMissingError) {
    log(`ftlab notebooks: ${err.message}`);
    return 2;
  }
  throw err;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function log(line: string): void {
  console.error(line);
}

if (import.meta.main) Deno.exit(await notebooksCommand(Deno.args));
