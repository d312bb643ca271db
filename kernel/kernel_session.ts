/**
 * One Deno kernel on a {@linkcode JupyterServer}, executing cells without losing output.
 *
 * Deno's kernel sometimes reports a cell idle before its last outputs arrive, and
 * `future.onIOPub` is disposed at idle. {@linkcode KernelSession.execute} therefore listens on the
 * kernel's `iopubMessage` signal, filters by the request's `msg_id`, and after the reply and idle
 * keeps reading until the cell has been quiet for `quietMs` (bounded by `maxDrainMs`).
 * A cell that exceeds its timeout is interrupted; a kernel that dies (status dead or restarting,
 * websocket lost, kernel gone from the server) ends the cell at once with kind `"dead"`.
 *
 * Connecting is retried: when the kernel's WebSocket fails to open, closes, or the kernel does not
 * answer `kernel_info` before the first cell, {@linkcode KernelSession.start} drops the connection
 * and tries again (a bounded number of times, with a short backoff; a fresh kernel when the old
 * one is gone), then throws a {@linkcode KernelConnectError} that says what happened each time.
 *
 * @module
 */
import { KernelAPI, type KernelMessage } from "@jupyterlab/services";
import { KernelConnection } from "@jupyterlab/services/lib/kernel/default.js";
import type { JupyterServer } from "./jupyter_server.ts";
import { KERNEL_NAME } from "./kernelspec.ts";
import type { CellOutputs } from "./outputs.ts";
import { sleep } from "./_process.ts";
import { messageOf } from "../lib/sim/errors.ts";

/**
 * Options of {@linkcode KernelSession.start}.
 *
 * @example
 * ```ts
 * import type { KernelStartOptions } from "./kernel_session.ts";
 * const options: KernelStartOptions = { attempts: 3, backoffMs: 500, attemptTimeoutMs: 30_000 };
 * if (options.attempts !== 3) throw new Error();
 * ```
 */
export interface KernelStartOptions {
  /** Bound on each connection attempt (WebSocket open and kernel_info answered). Default 30 000. */
  attemptTimeoutMs?: number;
  /** Connection attempts before giving up. Default 3. */
  attempts?: number;
  /** Delay before the second attempt, doubled for each further one. Default 500. */
  backoffMs?: number;
}

/**
 * Thrown by {@linkcode KernelSession.start} when no connection to a kernel could be established.
 *
 * @example
 * ```ts
 * import { KernelConnectError } from "./kernel_session.ts";
 * const err = new KernelConnectError(["attempt 1: kernel websocket closed"]);
 * if (!err.message.includes("attempt 1")) throw new Error(err.message);
 * ```
 */
export class KernelConnectError extends Error {
  /** One line per failed attempt. */
  readonly attempts: readonly string[];
  /** @param attempts what went wrong in each attempt */
  constructor(attempts: readonly string[]) {
    super(
      `could not connect to the Deno kernel after ${attempts.length} attempt${
        attempts.length === 1 ? "" : "s"
      } (${attempts.join("; ")})`,
    );
    this.name = "KernelConnectError";
    this.attempts = attempts;
  }
}

/**
 * Timing bounds of one cell execution, in milliseconds.
 *
 * @example
 * ```ts
 * import type { ExecuteOptions } from "./kernel_session.ts";
 * const options: ExecuteOptions = { timeoutMs: 60_000, quietMs: 300 };
 * if (options.quietMs !== 300) throw new Error();
 * ```
 */
export interface ExecuteOptions {
  /** The cell is interrupted and reported after this long. */
  timeoutMs: number;
  /** After idle, output is complete once the cell has been silent this long. Default 300. */
  quietMs?: number;
  /** Upper bound on the post-idle wait. Default 5000. */
  maxDrainMs?: number;
}

/**
 * How a cell execution ended.
 *
 * @example
 * ```ts
 * import type { ExecuteStatus } from "./kernel_session.ts";
 * const statuses: ExecuteStatus[] = ["ok", "error", "timeout", "dead"];
 * if (statuses.length !== 4) throw new Error();
 * ```
 */
export type ExecuteStatus = "ok" | "error" | "timeout" | "dead";

/**
 * The outcome of {@linkcode KernelSession.execute}.
 *
 * @example
 * ```ts
 * import type { ExecuteResult } from "./kernel_session.ts";
 * const r: ExecuteResult = { status: "dead", deadReason: "kernel status \"dead\"" };
 * if (r.status !== "dead") throw new Error();
 * ```
 */
export interface ExecuteResult {
  /** ok, error (the cell raised), timeout (interrupted), dead (the kernel died). */
  status: ExecuteStatus;
  /** The error from the reply or the error output, when status is "error". */
  error?: { ename: string; evalue: string; traceback: string[] };
  /** Why the kernel is considered dead, when status is "dead". */
  deadReason?: string;
}

/**
 * A started Deno kernel.
 *
 * @example
 * ```ts
 * import { KernelSession } from "./kernel_session.ts";
 * // Sessions come from KernelSession.start(server, cwd) on a running JupyterServer;
 * // see tests/kernel/ for runs against a real server.
 * if (typeof KernelSession.start !== "function") throw new Error();
 * ```
 */
export class KernelSession {
  /** The kernel's `kernel_info_reply` content (language_info, implementation version). */
  readonly info: KernelMessage.IInfoReply;
  /** Milliseconds from the start request to the kernel answering kernel_info. */
  readonly startMs: number;
  readonly #kernel: KernelConnection;
  readonly #server: JupyterServer;
  #deadReason: string | undefined;
  #deadWaiters: (() => void)[] = [];
  readonly #damagedAtStart: number;

  private constructor(
    kernel: KernelConnection,
    server: JupyterServer,
    info: KernelMessage.IInfoReply,
    startMs: number,
  ) {
    this.#kernel = kernel;
    this.#server = server;
    this.#damagedAtStart = server.corruptedMessages;
    this.info = info;
    this.startMs = startMs;
    kernel.statusChanged.connect((_, status) => {
      if (status === "dead" || status === "restarting" || status === "autorestarting") {
        this.#markDead(`kernel status "${status}"`);
      }
    });
    kernel.connectionStatusChanged.connect((_, status) => {
      if (status === "disconnected") this.#markDead("kernel websocket closed");
    });
  }

  /**
   * Starts a kernel whose working directory is `cwd` (the notebook's directory, so that the
   * project's deno.json is found) and connects to it: the WebSocket must open and the kernel must
   * answer kernel_info. A failed attempt is retried (see {@linkcode KernelStartOptions}); after the
   * last one the kernel is shut down and a {@linkcode KernelConnectError} is thrown.
   */
  static async start(
    server: JupyterServer,
    cwd: string,
    options: KernelStartOptions = {},
  ): Promise<KernelSession> {
    quietServicesLogging();
    const started = Date.now();
    const attempts = Math.max(1, options.attempts ?? 3);
    const failures: string[] = [];
    let model: KernelAPI.IModel | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep((options.backoffMs ?? 500) * 2 ** (attempt - 2));
      if (!server.running) {
        failures.push(`attempt ${attempt}: the Jupyter server is not running`);
        break;
      }
      let kernel: KernelConnection | undefined;
      try {
        model ??= await startKernel(server, cwd);
        kernel = new KernelConnection({
          model,
          serverSettings: server.settings,
          handleComms: false,
        });
        const reply = await connected(kernel, options.attemptTimeoutMs ?? 30_000);
        return new KernelSession(kernel, server, reply, Date.now() - started);
      } catch (err) {
        failures.push(`attempt ${attempt}: ${messageOf(err)}`);
        kernel?.dispose();
        // Reconnect to the same kernel while it lives; start a fresh one when it is gone.
        if (model && !(await kernelAlive(server, model.id))) {
          await KernelAPI.shutdownKernel(model.id, server.settings).catch(() => {});
          model = undefined;
        }
      }
    }
    if (model) await KernelAPI.shutdownKernel(model.id, server.settings).catch(() => {});
    throw new KernelConnectError(failures);
  }

  /** Why the kernel is dead, or undefined while it lives. */
  get deadReason(): string | undefined {
    return this.#deadReason;
  }

  /**
   * Executes `code`, collecting every iopub message of this request into `outputs`. Never throws
   * for kernel-side failures: the status says what happened. Bounded by `timeoutMs` plus a few
   * seconds for the interrupt and the drain.
   */
  async execute(code: string, outputs: CellOutputs, opts: ExecuteOptions): Promise<ExecuteResult> {
    if (this.#deadReason) return { status: "dead", deadReason: this.#deadReason };
    const quietMs = opts.quietMs ?? 300;
    let lastMessageAt = Date.now();
    let msgId = "";
    const onIopub = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
      if (msgId === "" || msg.parent_header?.msg_id !== msgId) return;
      lastMessageAt = Date.now();
      outputs.add(msg as unknown as Parameters<CellOutputs["add"]>[0]);
    };
    this.#kernel.iopubMessage.connect(onIopub);
    const stop = new AbortController();
    try {
      const future = this.#kernel.requestExecute({
        code,
        silent: false,
        store_history: true,
        allow_stdin: false,
        stop_on_error: true,
      });
      msgId = future.msg.header.msg_id;
      const done = future.done.then((reply) => ({ kind: "done" as const, reply }), (err) => ({
        kind: "failed" as const,
        err,
      }));
      const outcome = await Promise.race([
        done,
        sleep(opts.timeoutMs, stop.signal).then(() => ({ kind: "timeout" as const })),
        this.#dead(stop.signal).then(() => ({ kind: "dead" as const })),
        this.#watchGone(stop.signal).then(() => ({ kind: "dead" as const })),
      ]);
      if (outcome.kind === "timeout") {
        await this.#interrupt(done, stop.signal);
        await this.#drain(() => lastMessageAt, quietMs, opts.maxDrainMs ?? 5000, stop.signal);
        return { status: "timeout" };
      }
      if (outcome.kind === "dead" || this.#deadReason) {
        await this.#drain(() => lastMessageAt, quietMs, 1000, stop.signal);
        return { status: "dead", deadReason: this.#deadReason ?? "kernel died" };
      }
      await this.#drain(() => lastMessageAt, quietMs, opts.maxDrainMs ?? 5000, stop.signal);
      if (this.#deadReason) return { status: "dead", deadReason: this.#deadReason };
      return replyResult(outcome, outputs);
    } finally {
      stop.abort();
      this.#kernel.iopubMessage.disconnect(onIopub);
    }
  }

  /** Shuts the kernel down through the server (bounded), then drops the connection. */
  async shutdown(): Promise<void> {
    await shutdownQuietly(this.#kernel);
  }

  async #interrupt(done: Promise<unknown>, signal: AbortSignal): Promise<void> {
    try {
      await withTimeout(this.#kernel.interrupt(), 5000, "interrupt");
      await Promise.race([done, sleep(5000, signal), this.#dead(signal)]);
    } catch { /* the run stops here anyway */ }
  }

  async #drain(last: () => number, quietMs: number, maxMs: number, signal: AbortSignal) {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && !this.#deadReason) {
      const silentFor = Date.now() - last();
      if (silentFor >= quietMs) return;
      const wait = Math.min(quietMs - silentFor, deadline - Date.now());
      await Promise.race([sleep(wait, signal), this.#dead(signal)]);
    }
  }

  /** Polls the server every second until `signal` aborts; resolves if the kernel is gone. */
  async #watchGone(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.#deadReason) {
      await sleep(1000, signal);
      if (signal.aborted) break;
      if (!this.#server.running) {
        this.#markDead("Jupyter server exited");
        return;
      }
      if (this.#server.corruptedMessages !== this.#damagedAtStart) {
        // An output (or the cell's reply) was lost: waiting longer cannot complete the cell.
        this.#markDead("a kernel message arrived damaged in transport");
        return;
      }
      const model = await KernelAPI.getKernelModel(this.#kernel.id, this.#server.settings)
        .catch(() => undefined);
      if (model === undefined) {
        this.#markDead("kernel no longer exists on the server");
        return;
      }
      if (model.execution_state === "dead") {
        this.#markDead("kernel process exited");
        return;
      }
    }
    await new Promise(() => {}); // never settles: the race's other arms decide
  }

  /** Resolves when the kernel is found dead; never resolves after `signal` aborts. */
  #dead(signal: AbortSignal): Promise<void> {
    if (this.#deadReason) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = () => resolve();
      this.#deadWaiters.push(waiter);
      signal.addEventListener("abort", () => {
        this.#deadWaiters = this.#deadWaiters.filter((w) => w !== waiter);
      }, { once: true });
    });
  }

  #markDead(reason: string): void {
    if (this.#deadReason) return;
    this.#deadReason = reason;
    for (const wake of this.#deadWaiters.splice(0)) wake();
  }
}

function replyResult(
  outcome: { kind: "done"; reply: KernelMessage.IExecuteReplyMsg } | {
    kind: "failed";
    err: unknown;
  },
  outputs: CellOutputs,
): ExecuteResult {
  if (outcome.kind === "failed") {
    const evalue = outcome.err instanceof Error ? outcome.err.message : String(outcome.err);
    return {
      status: "error",
      error: outputs.error ?? { ename: "ExecuteError", evalue, traceback: [] },
    };
  }
  const content = outcome.reply.content;
  if (content.status === "ok") {
    return outputs.error ? { status: "error", error: outputs.error } : { status: "ok" };
  }
  const fromReply = content.status === "error"
    ? { ename: content.ename, evalue: content.evalue, traceback: content.traceback }
    : { ename: "Aborted", evalue: "execution aborted", traceback: [] };
  return { status: "error", error: outputs.error ?? fromReply };
}

// @jupyterlab/services logs connection chatter with console.debug/warn (stdout/stderr in Deno);
// drop exactly those lines, pass everything else through.
const SERVICES_NOISE =
  /^(Starting WebSocket: |Kernel: [a-z]+ \(|Connection lost, reconnecting in \d+ seconds)/;
let quieted = false;

function quietServicesLogging(): void {
  if (quieted) return;
  quieted = true;
  for (const level of ["debug", "warn"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === "string" && SERVICES_NOISE.test(args[0])) return;
      original(...args);
    };
  }
}

async function startKernel(server: JupyterServer, cwd: string): Promise<KernelAPI.IModel> {
  const path = cwd.replace(/^\/+/, "");
  const options = { name: KERNEL_NAME, path } as KernelAPI.IKernelOptions;
  return await KernelAPI.startNew(options, server.settings);
}

async function kernelAlive(server: JupyterServer, id: string): Promise<boolean> {
  if (!server.running) return false;
  const model = await KernelAPI.getKernelModel(id, server.settings).catch(() => undefined);
  return model !== undefined && model.execution_state !== "dead";
}

/**
 * Resolves with the kernel_info reply once the connection is up; rejects as soon as the connection
 * is given up (disconnected), the kernel is reported dead, or `ms` pass.
 */
function connected(kernel: KernelConnection, ms: number): Promise<KernelMessage.IInfoReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no kernel_info answer within ${ms} ms (${kernel.connectionStatus})`)),
      ms,
    );
    const onConnection = (_: unknown, status: string) => {
      if (status === "disconnected") finish(new Error("kernel websocket closed while connecting"));
    };
    const onStatus = (_: unknown, status: string) => {
      if (status === "dead") finish(new Error("kernel reported dead while connecting"));
    };
    function finish(err: Error | undefined, reply?: KernelMessage.IInfoReply) {
      clearTimeout(timer);
      kernel.connectionStatusChanged.disconnect(onConnection);
      kernel.statusChanged.disconnect(onStatus);
      if (err) reject(err);
      else resolve(reply!);
    }
    kernel.connectionStatusChanged.connect(onConnection);
    kernel.statusChanged.connect(onStatus);
    kernel.info.then((reply) => finish(undefined, reply), (err) => {
      finish(err instanceof Error ? err : new Error(`kernel_info failed: ${String(err)}`));
    });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} (no answer within ${ms} ms)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function shutdownQuietly(kernel: KernelConnection): Promise<void> {
  try {
    if (!kernel.isDisposed) await withTimeout(kernel.shutdown(), 5000, "kernel shutdown");
  } catch { /* the server stop kills it anyway */ }
  try {
    kernel.dispose();
  } catch { /* already disposed */ }
}
