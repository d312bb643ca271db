/**
 * Helpers for the kernel tests: run `ftlab notebooks` as a subprocess (bounded in time) with a
 * marker prefix of the test's own, and find the processes that carry that marker.
 *
 * Every Jupyter server and kernel a run starts has `FTLAB_JUPYTER_RUN=<prefix>-<random>` in its
 * environment (the runner honours `FTLAB_JUPYTER_RUN_PREFIX`), so a test can tell its own
 * processes from those of other runs on the same machine.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The fixtures directory (absolute). */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A fresh marker prefix for one test. */
export function newPrefix(name: string): string {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16)).join(
    "",
  );
  return `t${name}-${hex}`;
}

/** Outcome of one CLI run. */
export interface CliResult {
  code: number;
  stderr: string;
  stdout: string;
  ms: number;
}

/** Options of {@linkcode ftlab}. */
export interface CliOptions {
  prefix: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * Runs `deno run -A lib/cli/main.ts <args>` from the repository root; SIGKILLs it and throws
 * after `timeoutMs` (default 90 s).
 */
export async function ftlab(args: string[], options: CliOptions): Promise<CliResult> {
  const child = spawnFtlab(args, options);
  const started = Date.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, options.timeoutMs ?? 90_000);
  const out = await child.output().finally(() => clearTimeout(timer));
  const result = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    ms: Date.now() - started,
  };
  if (timedOut) {
    throw new Error(`ftlab ${args.join(" ")} did not finish in ${options.timeoutMs ?? 90_000} ms:
${result.stderr}`);
  }
  return result;
}

/** Spawns the CLI with piped output (the caller reads it). */
export function spawnFtlab(args: string[], options: CliOptions): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "lib/cli/main.ts", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FTLAB_JUPYTER_RUN_PREFIX: options.prefix, ...options.env },
  }).spawn();
}

/** A live process found by {@linkcode markedProcesses}. */
export interface MarkedProcess {
  pid: number;
  cmdline: string;
}

/** Live (non-zombie) processes whose environment has `FTLAB_JUPYTER_RUN=<prefix>...`. */
export function markedProcesses(prefix: string): MarkedProcess[] {
  const needle = `FTLAB_JUPYTER_RUN=${prefix}`;
  const found: MarkedProcess[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = new TextDecoder().decode(Deno.readFileSync(`/proc/${entry.name}/environ`));
      if (!env.split("\0").some((v) => v.startsWith(needle))) continue;
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z" || state === "X") continue;
      const cmdline = new TextDecoder().decode(Deno.readFileSync(`/proc/${entry.name}/cmdline`))
        .replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry.name), cmdline });
    } catch { /* gone or not ours */ }
  }
  return found;
}

/**
 * Asserts that no process carrying `prefix` is left (allowing `graceMs` for exits already under
 * way); kills any that are, so that a failing test does not leak them either.
 */
export async function assertNoneLeft(prefix: string, graceMs = 1000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let left = markedProcesses(prefix);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = markedProcesses(prefix);
  }
  if (left.length === 0) return;
  for (const p of left) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch { /* gone */ }
  }
  throw new Error(
    `processes left running after the run:\n${
      left.map((p) => `  ${p.pid} ${p.cmdline.slice(0, 120)}`).join("\n")
    }`,
  );
}

/** A fresh temporary directory (the caller removes it). */
export function tempDir(prefix: string): Promise<string> {
  return Deno.makeTempDir({ prefix: `ftlab-${prefix}-` });
}

/** The notebook JSON at `path`. */
export async function readJson(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path));
}

/** The parts of an executed notebook the tests look at. */
export interface Notebook {
  cells: {
    cell_type: string;
    id?: string;
    source: string | string[];
    metadata: { tags?: string[] };
    outputs?: Record<string, unknown>[];
    execution_count?: number | null;
  }[];
}

/** The text of a multi-line nbformat string. */
export function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}
