/**
 * Locating the Jupyter installation ftlab drives.
 *
 * ftlab installs nothing by itself: when Jupyter is missing it says which command installs it
 * (Debian packages, see reference/toolchain.md) and the caller exits with status 2.
 *
 * @module
 */

/**
 * The Python that has Debian's Jupyter modules (the first `python3` on PATH may not).
 *
 * @example
 * ```ts
 * import { DEFAULT_PYTHON } from "./find_jupyter.ts";
 * if (DEFAULT_PYTHON !== "/usr/bin/python3") throw new Error();
 * ```
 */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/**
 * Environment variable that overrides {@linkcode DEFAULT_PYTHON} (tests point it elsewhere).
 *
 * @example
 * ```ts
 * import { PYTHON_ENV } from "./find_jupyter.ts";
 * if (PYTHON_ENV !== "FTLAB_JUPYTER_PYTHON") throw new Error();
 * ```
 */
export const PYTHON_ENV = "FTLAB_JUPYTER_PYTHON";

/**
 * The Python ftlab runs Jupyter with: `$FTLAB_JUPYTER_PYTHON` when set, else `/usr/bin/python3`.
 *
 * @example
 * ```ts
 * import { jupyterPython } from "./find_jupyter.ts";
 * if (!jupyterPython().includes("python")) throw new Error(jupyterPython());
 * ```
 */
export function jupyterPython(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get(PYTHON_ENV);
  } catch { /* no env permission: use the default */ }
  return fromEnv && fromEnv.trim() !== "" ? fromEnv : DEFAULT_PYTHON;
}

/**
 * The Debian packages that provide the Jupyter server, classic notebook and nbconvert.
 *
 * @example
 * ```ts
 * import { JUPYTER_PACKAGES } from "./find_jupyter.ts";
 * if (!JUPYTER_PACKAGES.includes("jupyter-notebook")) throw new Error();
 * ```
 */
export const JUPYTER_PACKAGES = [
  "jupyter-server",
  "jupyter-notebook",
  "jupyter-client",
  "jupyter-nbconvert",
  "python3-nbclient",
] as const;

/**
 * The exact command that installs Jupyter, with `sudo` unless running as root.
 *
 * @example
 * ```ts
 * import { installCommand } from "./find_jupyter.ts";
 * if (!installCommand(0).startsWith("apt-get install -y jupyter-server")) throw new Error();
 * if (!installCommand(1000).startsWith("sudo apt-get")) throw new Error();
 * ```
 */
export function installCommand(uid: number | null = Deno.uid()): string {
  const cmd = `apt-get install -y ${JUPYTER_PACKAGES.join(" ")}`;
  return uid === 0 ? cmd : `sudo ${cmd}`;
}

/**
 * Thrown when the Jupyter modules a command needs are not importable.
 *
 * @example
 * ```ts
 * import { JupyterMissingError } from "./find_jupyter.ts";
 * const err = new JupyterMissingError(["notebook"], "/usr/bin/python3");
 * if (!err.message.includes("apt-get install -y jupyter-server")) throw new Error(err.message);
 * ```
 */
export class JupyterMissingError extends Error {
  /** The Python modules that failed to import. */
  readonly modules: readonly string[];
  /** @param modules the modules that are missing */
  constructor(modules: readonly string[], python: string) {
    super(
      `Jupyter is not installed (${python} cannot import ${modules.join(", ")}); ` +
        `install it with: ${installCommand()}`,
    );
    this.name = "JupyterMissingError";
    this.modules = modules;
  }
}

/**
 * Checks that `python` can import every module in `modules`; throws
 * {@linkcode JupyterMissingError} otherwise (also when `python` itself is missing). `python`
 * defaults to {@linkcode jupyterPython}.
 *
 * @example
 * ```ts
 * import { JupyterMissingError, requireJupyter } from "./find_jupyter.ts";
 * try {
 *   await requireJupyter(["jupyter_server"], "/nonexistent/python3");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof JupyterMissingError)) throw e;
 * }
 * ```
 */
export async function requireJupyter(
  modules: readonly string[],
  python: string = jupyterPython(),
): Promise<void> {
  const script = modules.map((m) => `import ${m}`).join("; ");
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", script],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    if (out.success) return;
  } catch { /* python missing */ }
  throw new JupyterMissingError(modules, python);
}
