/**
 * A private, headless Jupyter server for running notebooks.
 *
 * {@linkcode JupyterServer.start} spawns `python3 -m jupyter_server` on 127.0.0.1, a free port and a
 * random token, with the ftlab kernelspec on a private `JUPYTER_PATH` and private config, data and
 * runtime directories, and waits until the REST API answers.
 *
 * Clean-up is unconditional. The server runs under a supervisor (see `_supervisor.ts`) in a new
 * session whose stdin is a pipe from this process: when this process ends in any way (including
 * an uncaught exception, an unhandled rejection or SIGKILL, where no JavaScript clean-up runs), the
 * pipe closes and the supervisor terminates the server and every kernel carrying the run's marker.
 * {@linkcode JupyterServer.stop} does the same on purpose and waits, bounded, escalating from
 * SIGTERM to SIGKILL of the process group and of every marked process. While a server is live,
 * SIGINT/SIGTERM stop it before this process exits (status 130/143), and an uncaught error kills
 * it synchronously before Deno reports the error.
 *
 * @module
 */
import { type KernelMessage, ServerConnection } from "@jupyterlab/services";
import { join } from "../lib/_std.ts";
import {
  findMarkedProcesses,
  freePort,
  killGroup,
  killMarkedSync,
  MARKER_ENV,
  MARKER_PREFIX_ENV,
  OutputTail,
  processAlive,
  randomHex,
  sleep,
  terminateMarked,
} from "./_process.ts";
import { jupyterPython, requireJupyter } from "./find_jupyter.ts";
import { SUPERVISOR_GRACE_S, SUPERVISOR_PY } from "./_supervisor.ts";
import { writeKernelspec } from "./kernelspec.ts";
import { messageOf } from "../lib/sim/errors.ts";

/**
 * Options of {@linkcode JupyterServer.start}.
 *
 * @example
 * ```ts
 * import type { JupyterServerOptions } from "./jupyter_server.ts";
 * const options: JupyterServerOptions = { app: "notebook", port: 8888, rootDir: "/srv/notebooks" };
 * if (options.app !== "notebook") throw new Error();
 * ```
 */
export interface JupyterServerOptions {
  /**
   * Which server: `"jupyter_server"` (default; headless, a dead kernel is not restarted) or
   * `"notebook"` (the classic Notebook UI for people, kernels restart as usual).
   */
  app?: "jupyter_server" | "notebook";
  /** Port to listen on. Default: a free port (retried if taken meanwhile). */
  port?: number;
  /** Python with the Jupyter modules. Default `jupyterPython()` (`/usr/bin/python3`). */
  python?: string;
  /** The deno binary the kernel runs. Default `Deno.execPath()`. */
  denoPath?: string;
  /** Server root; kernels start in the notebook's directory below it. Default `/`. */
  rootDir?: string;
  /** Bound on the wait for the server to answer, in milliseconds. Default 60 000. */
  startTimeoutMs?: number;
  /** Bound on each REST request to the server, in milliseconds. Default 60 000. */
  requestTimeoutMs?: number;
}

const live = new Set<JupyterServer>();

interface ServerInit {
  port: number;
  token: string;
  marker: string;
  tmpDir: string;
  child: Deno.ChildProcess;
  log: OutputTail;
  requestTimeoutMs: number;
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
 * ```ts
 * import { JupyterServer } from "./jupyter_server.ts";
 * import { JupyterMissingError } from "./find_jupyter.ts";
 * // start() checks for Jupyter first; without it nothing is spawned.
 * try {
 *   await JupyterServer.start({ python: "/nonexistent/python3" });
 *   throw new Error("started");
 * } catch (e) {
 *   if (!(e instanceof JupyterMissingError)) throw e;
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
  /** Kernel messages that arrived damaged and were dropped (see the serializer below). */
  corruptedMessages = 0;
  readonly #child: Deno.ChildProcess;
  readonly #log: OutputTail;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stopped = false;
  #received = 0;

  private constructor(init: ServerInit) {
    this.port = init.port;
    this.token = init.token;
    this.marker = init.marker;
    this.tmpDir = init.tmpDir;
    this.#child = init.child;
    this.#log = init.log;
    // Holding the supervisor's stdin open keeps it running; closing it (or dying) stops it.
    this.#stdin = init.child.stdin.getWriter();
    this.baseUrl = `http://127.0.0.1:${init.port}/`;
    const base = ServerConnection.makeSettings({}).serializer;
    this.settings = ServerConnection.makeSettings({
      serializer: {
        serialize: base.serialize,
        deserialize: (data: ArrayBuffer, protocol?: string) => {
          try {
            if (++this.#received === DAMAGE_TEST_AT) throw new Error("injected damage");
            return base.deserialize(data, protocol);
          } catch {
            // Seen now and then with multi-megabyte display messages (the first figure of a
            // session carries the plotly bundle): the bytes arrive damaged. Nothing can recover
            // that output, so count it (the caller reruns the notebook) and hand the client a
            // harmless message instead of letting the parse error crash the run.
            this.corruptedMessages++;
            return corruptedPlaceholder(this.corruptedMessages, data.byteLength);
          }
        },
      },
      baseUrl: this.baseUrl,
      wsUrl: `ws://127.0.0.1:${init.port}/`,
      token: init.token,
      appendToken: true,
      WebSocket: globalThis.WebSocket as unknown as typeof WebSocket,
      // Bound every REST call: a request to a wedged server must fail, not hang the run.
      fetch: (input: RequestInfo, req?: RequestInit) =>
        fetch(
          input,
          req?.signal ? req : { ...req, signal: AbortSignal.timeout(init.requestTimeoutMs) },
        ),
    });
  }

  /**
   * Starts a server and waits until it answers. Throws {@linkcode JupyterMissingError} when the
   * Jupyter modules are missing, and an Error with the server's log when it does not come up within
   * the bound.
   */
  static async start(options: JupyterServerOptions = {}): Promise<JupyterServer> {
    const python = options.python ?? jupyterPython();
    const app = options.app ?? "jupyter_server";
    await requireJupyter([app], python);
    const tmpDir = await Deno.makeTempDir({ prefix: "ftlab-jupyter-" });
    const marker = `${markerPrefix()}-${randomHex(8)}`;
    const token = randomHex(24);
    try {
      const env = await privateEnv(tmpDir, marker, options.denoPath ?? Deno.execPath());
      env.JUPYTER_TOKEN = token;
      // The port can be taken between freePort() and bind: retry a few times.
      for (let attempt = 0;; attempt++) {
        const port = options.port ?? freePort();
        const server = await JupyterServer.#spawn({
          python,
          env,
          port,
          token,
          marker,
          tmpDir,
          options,
        });
        if (server || attempt >= 2 || options.port !== undefined) {
          if (!server) {
            throw new Error(
              options.port === undefined
                ? "Jupyter server did not bind a port after 3 attempts"
                : `port ${options.port} on 127.0.0.1 is not available`,
            );
          }
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
   * directory. Idempotent and bounded: SIGTERM (through the supervisor, which gives the server and
   * kernels a grace period), then SIGKILL of the group and of every marked process; about 7 s at
   * most. Never throws.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      await this.#stdin.close().catch(() => {});
      killGroup(this.#child.pid, "SIGTERM");
      const exited = this.#child.status.then(() => true, () => true);
      const graceMs = (SUPERVISOR_GRACE_S + 2) * 1000;
      await Promise.race([exited, sleep(graceMs).then(() => false)]);
      killGroup(this.#child.pid, "SIGKILL");
      await terminateMarked(this.marker, 500);
      await Promise.race([exited, sleep(1000)]);
    } finally {
      live.delete(this);
      updateSignalHandlers();
      await Deno.remove(this.tmpDir, { recursive: true }).catch(() => {});
    }
  }

  /** Synchronous SIGKILL of the group and of every marked process, for exit paths that cannot await. */
  killSync(): void {
    this.#stopped = true;
    live.delete(this);
    killGroup(this.#child.pid, "SIGKILL");
    killMarkedSync(this.marker);
    try {
      Deno.removeSync(this.tmpDir, { recursive: true });
    } catch { /* gone */ }
  }

  /** Spawns one server on `a.port`; undefined when the port was taken meanwhile. */
  static async #spawn(a: SpawnArgs): Promise<JupyterServer | undefined> {
    const supervisor = join(a.tmpDir, "supervisor.py");
    await Deno.writeTextFile(supervisor, SUPERVISOR_PY);
    const app = a.options.app ?? "jupyter_server";
    const cls = app === "notebook" ? "NotebookApp" : "ServerApp";
    const args = [
      supervisor,
      app,
      `--${cls}.ip=127.0.0.1`,
      `--${cls}.port=${a.port}`,
      `--${cls}.port_retries=0`,
      `--${cls}.open_browser=False`,
      `--${cls}.${app === "notebook" ? "notebook_dir" : "root_dir"}=${a.options.rootDir ?? "/"}`,
    ];
    if (app === "jupyter_server") {
      // A dead kernel is a failed run: report it instead of restarting it.
      args.push("--KernelRestarter.restart_limit=0", "--KernelRestarter.time_to_dead=1.0");
    }
    if (Deno.uid() === 0) args.push("--allow-root");
    const started = Date.now();
    const child = new Deno.Command(a.python, {
      args,
      env: a.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // A new session: the supervisor leads a process group of its own, which one kill(-pgid)
      // reaches, and a Ctrl-C on the terminal does not (this process handles it).
      detached: true,
    }).spawn();
    const log = new OutputTail();
    log.drain(child.stdout);
    log.drain(child.stderr);
    const requestTimeoutMs = a.options.requestTimeoutMs ?? 60_000;
    const server = new JupyterServer({ ...a, child, log, requestTimeoutMs });
    live.add(server);
    updateSignalHandlers();
    const deadline = started + (a.options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!processAlive(child.pid)) {
        await server.stop();
        if (/already in use|is not available/i.test(log.text)) return undefined;
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

function markerPrefix(): string {
  let prefix: string | undefined;
  try {
    prefix = Deno.env.get(MARKER_PREFIX_ENV);
  } catch { /* no env permission */ }
  return prefix && /^[A-Za-z0-9_.-]{1,64}$/.test(prefix) ? prefix : "ftlab";
}

const SIGNALS: [Deno.Signal, () => void][] = [["SIGINT", onSigint], ["SIGTERM", onSigterm]];
let handlersInstalled = false;
let received: Deno.Signal | undefined;

/**
 * The signal (SIGINT or SIGTERM) that is stopping this process because a server was live, if any;
 * callers use it to report "interrupted" instead of the kernel failures the stop causes.
 *
 * @example
 * ```ts
 * import { receivedSignal } from "./jupyter_server.ts";
 * if (receivedSignal() !== undefined) throw new Error("no signal was received");
 * ```
 */
export function receivedSignal(): Deno.Signal | undefined {
  return received;
}

function onSigint(): void {
  stopAllAndExit("SIGINT", 130);
}

function onSigterm(): void {
  stopAllAndExit("SIGTERM", 143);
}

/** First signal: bounded graceful stop of every live server, then exit. A second one: kill now. */
function stopAllAndExit(signal: Deno.Signal, code: number): void {
  if (received !== undefined) {
    for (const server of [...live]) server.killSync();
    Deno.exit(code);
  }
  received = signal;
  console.error(`ftlab: ${signal} received, stopping the Jupyter server and kernels`);
  const servers = [...live];
  const stopped = Promise.all(servers.map((s) => s.stop()));
  Promise.race([stopped, sleep(8000)]).finally(() => {
    for (const server of servers) server.killSync();
    Deno.exit(code);
  });
}

function onUnload(): void {
  for (const server of [...live]) server.killSync();
}

/** An uncaught exception is about to end the process without running `finally` blocks. */
function onError(): void {
  for (const server of [...live]) server.killSync();
}

// Fire-and-forget promises inside @jupyterlab/services (kernel_info sent on (re)connect, restart
// handling) reject with these messages when a connection is disposed mid-request. They carry no
// information the session does not already get from the status signals, and an unhandled
// rejection would end the process: swallow exactly these, kill servers for anything else.
const SERVICES_REJECTIONS =
  /^(Canceled future for \S+ message before replies were done|Kernel connection is disposed|Kernel is dead)/;

function onRejection(event: PromiseRejectionEvent): void {
  const reason = event.reason;
  const message = messageOf(reason);
  if (SERVICES_REJECTIONS.test(message)) {
    event.preventDefault();
    return;
  }
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
  if (want) {
    globalThis.addEventListener("unload", onUnload);
    globalThis.addEventListener("error", onError);
    globalThis.addEventListener("unhandledrejection", onRejection);
  } else {
    globalThis.removeEventListener("unload", onUnload);
    globalThis.removeEventListener("error", onError);
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
}

/**
 * Fault injection for tests: with `FTLAB_TEST_DAMAGE_MESSAGE=k`, the k-th kernel message a server
 * connection receives is treated as damaged in transport.
 */
const DAMAGE_TEST_AT = Number(Deno.env.get("FTLAB_TEST_DAMAGE_MESSAGE") ?? "0") || -1;

/** An empty stream message with no parent: every consumer ignores it. */
function corruptedPlaceholder(n: number, bytes: number): KernelMessage.IMessage {
  return {
    channel: "iopub",
    header: {
      msg_id: `ftlab-corrupted-${n}`,
      msg_type: "stream",
      username: "",
      session: "",
      date: "",
      version: "5.3",
    },
    parent_header: {},
    metadata: { ftlabCorruptedBytes: bytes },
    content: { name: "stdout", text: "" },
    buffers: [],
  } as unknown as KernelMessage.IMessage;
}
