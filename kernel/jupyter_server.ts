/**
 * A private, headless Jupyter server for running notebooks.
 *
 * {@linkcode JupyterServer.start} spawns `python3 -m jupyter_server` on 127.0.0.1, a free port and a
 * random token, with the ftlab kernelspec on a private `JUPYTER_PATH` and private config, data and
 * runtime directories, and waits until the REST API answers. {@linkcode JupyterServer.stop} kills the
 * server's process group and every kernel it started (found by an environment marker), also when
 * the server itself crashed. Live servers are stopped on SIGINT/SIGTERM and, as a last resort, when
 * this Deno process unloads.
 *
 * @module
 */
import { ServerConnection } from "@jupyterlab/services";
import { join } from "../lib/_std.ts";
import {
  findMarkedProcesses,
  freePort,
  killGroup,
  killMarkedSync,
  MARKER_ENV,
  OutputTail,
  processAlive,
  randomHex,
  sleep,
  terminateMarked,
} from "./_process.ts";
import { DEFAULT_PYTHON, requireJupyter } from "./find_jupyter.ts";
import { writeKernelspec } from "./kernelspec.ts";

/** Options of {@linkcode JupyterServer.start}. */
export interface JupyterServerOptions {
  /** Python with the Jupyter modules. Default `/usr/bin/python3`. */
  python?: string;
  /** The deno binary the kernel runs. Default `Deno.execPath()`. */
  denoPath?: string;
  /** Server root; kernels start in the notebook's directory below it. Default `/`. */
  rootDir?: string;
  /** Bound on the wait for the server to answer, in milliseconds. Default 60 000. */
  startTimeoutMs?: number;
}

const live = new Set<JupyterServer>();

interface ServerInit {
  port: number;
  token: string;
  marker: string;
  tmpDir: string;
  child: Deno.ChildProcess;
  log: OutputTail;
}

interface SpawnArgs {
  python: string;
  env: Record<string, string>;
  port: number;
  token: string;
  marker: string;
  tmpDir: string;
  options: JupyterServerOptions;
}

/**
 * A running Jupyter server that this process started and owns.
 *
 * @example
 * ```ts ignore
 * import { JupyterServer } from "./jupyter_server.ts";
 * const server = await JupyterServer.start();
 * try {
 *   console.log(server.baseUrl);
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export class JupyterServer {
  /** `http://127.0.0.1:<port>/` */
  readonly baseUrl: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The random token that authenticates requests. */
  readonly token: string;
  /** The marker in the environment of the server and every kernel it starts. */
  readonly marker: string;
  /** Private directory holding the kernelspec, runtime files (connection files) and config. */
  readonly tmpDir: string;
  /** Settings for @jupyterlab/services (native WebSocket). */
  readonly settings: ServerConnection.ISettings;
  /** Milliseconds from spawn to the first successful API answer. */
  startMs = 0;
  readonly #child: Deno.ChildProcess;
  readonly #log: OutputTail;
  #stopped = false;

  private constructor(init: ServerInit) {
    this.port = init.port;
    this.token = init.token;
    this.marker = init.marker;
    this.tmpDir = init.tmpDir;
    this.#child = init.child;
    this.#log = init.log;
    this.baseUrl = `http://127.0.0.1:${init.port}/`;
    this.settings = ServerConnection.makeSettings({
      baseUrl: this.baseUrl,
      wsUrl: `ws://127.0.0.1:${init.port}/`,
      token: init.token,
      appendToken: true,
      WebSocket: globalThis.WebSocket as unknown as typeof WebSocket,
    });
  }

  /**
   * Starts a server and waits until it answers. Throws {@linkcode JupyterMissingError} when the
   * Jupyter modules are missing, and an Error with the server's log when it does not come up within
   * the bound.
   */
  static async start(options: JupyterServerOptions = {}): Promise<JupyterServer> {
    const python = options.python ?? DEFAULT_PYTHON;
    await requireJupyter(["jupyter_server"], python);
    const tmpDir = await Deno.makeTempDir({ prefix: "ftlab-jupyter-" });
    const marker = `ftlab-${randomHex(8)}`;
    const token = randomHex(24);
    try {
      const env = await privateEnv(tmpDir, marker, options.denoPath ?? Deno.execPath());
      env.JUPYTER_TOKEN = token;
      // The port can be taken between freePort() and bind: retry a few times.
      for (let attempt = 0;; attempt++) {
        const port = freePort();
        const server = await JupyterServer.#spawn({
          python,
          env,
          port,
          token,
          marker,
          tmpDir,
          options,
        });
        if (server || attempt >= 2) {
          if (!server) throw new Error("Jupyter server did not bind a port after 3 attempts");
          return server;
        }
      }
    } catch (err) {
      await terminateMarked(marker);
      await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
      throw err;
    }
  }

  /** The server's recent log output (for error messages). */
  get log(): string {
    return this.#log.text;
  }

  /** True until {@linkcode JupyterServer.stop} ran and while the server process lives. */
  get running(): boolean {
    return !this.#stopped && processAlive(this.#child.pid);
  }

  /** Pids of live processes started for this server (server, kernels, their children). */
  processes(): number[] {
    return findMarkedProcesses(this.marker);
  }

  /**
   * Stops the server, its process group and every kernel it started; removes the private
   * directory. Idempotent; bounded (about 5 s at most).
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    live.delete(this);
    updateSignalHandlers();
    killGroup(this.#child.pid, "SIGTERM");
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && processAlive(this.#child.pid)) await sleep(50);
    killGroup(this.#child.pid, "SIGKILL");
    await Promise.race([this.#child.status.catch(() => {}), sleep(1000)]);
    await terminateMarked(this.marker, 1000);
    await Deno.remove(this.tmpDir, { recursive: true }).catch(() => {});
  }

  /** Synchronous kill for exit paths that cannot await. */
  killSync(): void {
    this.#stopped = true;
    killGroup(this.#child.pid, "SIGKILL");
    killMarkedSync(this.marker);
    try {
      Deno.removeSync(this.tmpDir, { recursive: true });
    } catch { /* gone */ }
  }

  /** Spawns one server on `a.port`; undefined when the port was taken meanwhile. */
  static async #spawn(a: SpawnArgs): Promise<JupyterServer | undefined> {
    const args = [
      "-m",
      "jupyter_server",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${a.port}`,
      "--ServerApp.port_retries=0",
      "--ServerApp.open_browser=False",
      `--ServerApp.root_dir=${a.options.rootDir ?? "/"}`,
      // A dead kernel is a failed run: report it instead of restarting it.
      "--KernelRestarter.restart_limit=0",
      "--KernelRestarter.time_to_dead=1.0",
    ];
    if (Deno.uid() === 0) args.push("--allow-root");
    const started = Date.now();
    const child = new Deno.Command(a.python, {
      args,
      env: a.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    const log = new OutputTail();
    log.drain(child.stdout);
    log.drain(child.stderr);
    const server = new JupyterServer({ ...a, child, log });
    live.add(server);
    updateSignalHandlers();
    const deadline = started + (a.options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!processAlive(child.pid)) {
        await server.stop();
        if (/Address already in use|is not available/i.test(log.text)) return undefined;
        throw new Error(`Jupyter server exited during start-up:\n${log.text.trim()}`);
      }
      if (await answers(server)) {
        server.startMs = Date.now() - started;
        return server;
      }
      await sleep(100);
    }
    await server.stop();
    throw new Error(
      `Jupyter server did not answer within ${Date.now() - started} ms:\n${log.text}`,
    );
  }
}

async function privateEnv(
  tmpDir: string,
  marker: string,
  denoPath: string,
): Promise<Record<string, string>> {
  const dirs = ["path", "runtime", "config", "data"].map((d) => join(tmpDir, d));
  for (const d of dirs) await Deno.mkdir(d, { recursive: true });
  await writeKernelspec(dirs[0]!, denoPath);
  return {
    JUPYTER_PATH: dirs[0]!,
    JUPYTER_RUNTIME_DIR: dirs[1]!,
    JUPYTER_CONFIG_DIR: dirs[2]!,
    JUPYTER_DATA_DIR: dirs[3]!,
    JUPYTER_PLATFORM_DIRS: "0",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    NO_COLOR: "1",
    [MARKER_ENV]: marker,
  };
}

async function answers(server: JupyterServer): Promise<boolean> {
  try {
    const res = await fetch(`${server.baseUrl}api/status`, {
      headers: { Authorization: `token ${server.token}` },
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

const SIGNALS: [Deno.Signal, () => void][] = [["SIGINT", onSigint], ["SIGTERM", onSigterm]];
let handlersInstalled = false;

function onSigint(): void {
  for (const server of [...live]) server.killSync();
  Deno.exit(130);
}

function onSigterm(): void {
  for (const server of [...live]) server.killSync();
  Deno.exit(143);
}

function onUnload(): void {
  for (const server of [...live]) server.killSync();
}

function updateSignalHandlers(): void {
  const want = live.size > 0;
  if (want === handlersInstalled) return;
  handlersInstalled = want;
  for (const [sig, handler] of SIGNALS) {
    if (want) Deno.addSignalListener(sig, handler);
    else Deno.removeSignalListener(sig, handler);
  }
  if (want) globalThis.addEventListener("unload", onUnload);
  else globalThis.removeEventListener("unload", onUnload);
}
