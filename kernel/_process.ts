/**
 * Process-group helpers for the Jupyter processes that ftlab starts.
 *
 * A Jupyter server is spawned in its own process group so that one signal reaches it and its helper
 * processes. Kernels are not in that group: jupyter_client starts each kernel in a new session. Every
 * process ftlab starts therefore carries a marker in its environment (`FTLAB_JUPYTER_RUN=<id>`,
 * inherited by the kernels), and {@linkcode findMarkedProcesses} finds them by scanning `/proc`, so
 * that a crashed server never leaves a kernel behind.
 *
 * @module
 */

/** Name of the environment variable that marks every process started for one server. */
export const MARKER_ENV = "FTLAB_JUPYTER_RUN";

/**
 * Optional prefix of the marker's value (default `ftlab`): tests set it so that they can find
 * every process a run under test started, as `FTLAB_JUPYTER_RUN=<prefix>-...`.
 */
export const MARKER_PREFIX_ENV = "FTLAB_JUPYTER_RUN_PREFIX";

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts (the timer is then cleared, so
 * no timer outlives the wait that needed it).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const id = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(id);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** True when process `pid` exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/**
 * Pids of live processes whose environment or command line contains `marker`
 * (excluding this process). Reads `/proc`; returns [] where `/proc` is missing.
 */
export function findMarkedProcesses(marker: string): number[] {
  const found: number[] = [];
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    if (pid === Deno.pid) continue;
    if (procFileContains(pid, "environ", marker) || procFileContains(pid, "cmdline", marker)) {
      if (processAlive(pid)) found.push(pid);
    }
  }
  return found;
}

function procFileContains(pid: number, file: string, marker: string): boolean {
  try {
    const bytes = Deno.readFileSync(`/proc/${pid}/${file}`);
    return new TextDecoder().decode(bytes).includes(marker);
  } catch {
    return false;
  }
}

/** Sends `signal` to a process group (negative pid); ignores groups that are already gone. */
export function killGroup(pgid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pgid, signal);
  } catch { /* already gone */ }
}

/** Sends `signal` to one process; ignores processes that are already gone. */
export function killPid(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch { /* already gone */ }
}

/**
 * Terminates every process carrying `marker` and the process groups they lead: SIGTERM, then up to
 * `graceMs` of waiting, then SIGKILL. Bounded: at most three rounds of scanning.
 */
export async function terminateMarked(marker: string, graceMs = 2000): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const pids = findMarkedProcesses(marker);
    if (pids.length === 0) return;
    const signal: Deno.Signal = round === 0 ? "SIGTERM" : "SIGKILL";
    for (const pid of pids) {
      killGroup(pid, signal);
      killPid(pid, signal);
    }
    const deadline = Date.now() + (round === 0 ? graceMs : 1000);
    while (Date.now() < deadline && pids.some(processAlive)) await sleep(50);
  }
}

/** Synchronous last-resort variant of {@linkcode terminateMarked} for `unload` handlers. */
export function killMarkedSync(marker: string): void {
  for (const pid of findMarkedProcesses(marker)) {
    killGroup(pid, "SIGKILL");
    killPid(pid, "SIGKILL");
  }
}

/** A bounded tail of a child's output, kept for error messages. */
export class OutputTail {
  #text = "";
  readonly #limit: number;
  /** Keeps at most `limit` characters (the most recent ones). */
  constructor(limit = 16_384) {
    this.#limit = limit;
  }
  /** Drains `stream` in the background until it ends. */
  drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
    return stream.pipeThrough(decoder).pipeTo(
      new WritableStream({ write: (chunk) => this.push(chunk) }),
    ).catch(() => {});
  }
  /** Appends text, dropping the oldest characters beyond the limit. */
  push(chunk: string): void {
    this.#text = (this.#text + chunk).slice(-this.#limit);
  }
  /** The kept text. */
  get text(): string {
    return this.#text;
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; another process may take it before use). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A random hex string of `bytes` bytes. */
export function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
