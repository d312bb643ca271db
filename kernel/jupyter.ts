/**
 * `deno task jupyter`: the classic Jupyter Notebook on 127.0.0.1 with the ftlab Deno kernel.
 *
 * ```text
 * deno task jupyter [--port N] [--python PATH]
 * ```
 *
 * Starts `python3 -m notebook` (Debian's notebook 6.4) on 127.0.0.1, on `--port` or a free port,
 * with a random token, the notebook directory set to the project's `notebooks/`, and a private
 * `JUPYTER_PATH` holding a kernelspec that runs this very deno binary (`Deno.execPath()`, so it
 * works under `npx deno@...` where `deno` is not on `PATH`). The kernel starts in the notebook's
 * directory and finds the project's `deno.json` from there, so notebooks can
 * `import { ... } from "ftlab"`. It prints the URL with its token and serves until Ctrl-C or
 * SIGTERM, then stops the server and every kernel (exit status 130 or 143).
 *
 * Nothing is installed silently: when Jupyter is missing it prints the command that installs it
 * (`apt-get install -y ...`, with `sudo` unless root) and exits with status 2, as it does for a bad
 * option. `--python` (or `FTLAB_JUPYTER_PYTHON`) selects another Python.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join, parseArgs } from "../lib/_std.ts";
import { JupyterMissingError, jupyterPython, requireJupyter } from "./find_jupyter.ts";
import { JupyterServer, receivedSignal } from "./jupyter_server.ts";
import { messageOf } from "../lib/sim/errors.ts";

/**
 * Usage text of `deno task jupyter`.
 *
 * @example
 * ```ts
 * import { JUPYTER_USAGE } from "./jupyter.ts";
 * if (!JUPYTER_USAGE.includes("--port")) throw new Error();
 * ```
 */
export const JUPYTER_USAGE = `usage: deno task jupyter [--port N] [--python PATH]
  --port N       port on 127.0.0.1 (default: a free port)
  --python PATH  Python with Jupyter (default: $FTLAB_JUPYTER_PYTHON or /usr/bin/python3)`;

/**
 * Parsed options of {@linkcode jupyterCommand}.
 *
 * @example
 * ```ts
 * import type { JupyterCommandOptions } from "./jupyter.ts";
 * const o: JupyterCommandOptions = { port: undefined, python: "/usr/bin/python3", help: false };
 * if (o.help) throw new Error();
 * ```
 */
export interface JupyterCommandOptions {
  /** Port, or undefined for a free one. */
  port: number | undefined;
  /** The Python to run Jupyter with. */
  python: string;
  /** True for --help. */
  help: boolean;
}

/**
 * Parses the command's arguments; throws an Error with a one-line message for a bad option.
 *
 * @example
 * ```ts
 * import { parseJupyterArgs } from "./jupyter.ts";
 * const opts = parseJupyterArgs(["--port", "8899", "--python", "/opt/py"]);
 * if (opts.port !== 8899 || opts.python !== "/opt/py") throw new Error(JSON.stringify(opts));
 * try {
 *   parseJupyterArgs(["--port", "http"]);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof Error) || !e.message.includes("--port")) throw e;
 * }
 * ```
 */
export function parseJupyterArgs(args: string[]): JupyterCommandOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        port: { type: "string" },
        python: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new Error(messageOf(err).split("\n")[0]);
  }
  const { values } = parsed;
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`--port ${JSON.stringify(values.port)}: expected an integer in 1..65535`);
    }
  }
  return { port, python: values.python ?? jupyterPython(), help: values.help ?? false };
}

/**
 * The project root (the directory holding deno.json), from this module's location.
 *
 * @example
 * ```ts
 * import { projectRoot } from "./jupyter.ts";
 * const root = projectRoot();
 * await Deno.stat(`${root}deno.json`);
 * ```
 */
export function projectRoot(): string {
  return fileURLToPath(new URL("../", import.meta.url));
}

/**
 * The URL people open: the notebook tree with the token.
 *
 * @example
 * ```ts
 * import { notebookUrl } from "./jupyter.ts";
 * if (notebookUrl(8888, "abc") !== "http://127.0.0.1:8888/tree?token=abc") throw new Error();
 * ```
 */
export function notebookUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/tree?token=${token}`;
}

/**
 * Runs the command. Resolves to 2 for a bad option or missing Jupyter (with the install command on
 * stderr), 1 when the server fails to start or exits by itself; on Ctrl-C/SIGTERM the process
 * stops the server and exits (130/143) from the signal handler.
 *
 * @example
 * ```ts
 * import { jupyterCommand } from "./jupyter.ts";
 * // Missing Jupyter: the install command is printed and the status is 2; nothing starts.
 * const status = await jupyterCommand(["--python", "/nonexistent/python3"]);
 * if (status !== 2) throw new Error(`status ${status}`);
 * ```
 */
export async function jupyterCommand(args: string[]): Promise<number> {
  let opts: JupyterCommandOptions;
  try {
    opts = parseJupyterArgs(args);
  } catch (err) {
    console.error(`deno task jupyter: ${messageOf(err)}`);
    console.error(JUPYTER_USAGE);
    return 2;
  }
  if (opts.help) {
    console.log(JUPYTER_USAGE);
    return 0;
  }
  try {
    await requireJupyter(["notebook", "jupyter_server"], opts.python);
  } catch (err) {
    if (!(err instanceof JupyterMissingError)) throw err;
    console.error(`deno task jupyter: ${err.message}`);
    return 2;
  }
  const root = projectRoot();
  let server: JupyterServer;
  try {
    server = await JupyterServer.start({
      app: "notebook",
      python: opts.python,
      rootDir: join(root, "notebooks"),
      ...(opts.port === undefined ? {} : { port: opts.port }),
    });
  } catch (err) {
    console.error(
      `deno task jupyter: the notebook server did not start: ${messageOf(err)}`,
    );
    return 1;
  }
  console.log(`Jupyter Notebook with the ftlab Deno kernel, serving ${join(root, "notebooks")}`);
  console.log(`  ${notebookUrl(server.port, server.token)}`);
  console.log("Press Ctrl-C to stop the server and its kernels.");
  // Serve until a signal (handled by JupyterServer: stop, then exit) or the server exits.
  while (server.running) await new Promise((r) => setTimeout(r, 500));
  const log = server.log.trim().split("\n").slice(-10).join("\n");
  await server.stop();
  // The signal handler stopped the server: its status, not "exited by itself".
  const signal = receivedSignal();
  if (signal !== undefined) return signal === "SIGINT" ? 130 : 143;
  console.error(`deno task jupyter: the notebook server exited:\n${log}`);
  return 1;
}

if (import.meta.main) Deno.exit(await jupyterCommand(Deno.args));
