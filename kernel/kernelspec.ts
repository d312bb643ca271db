/**
 * The ftlab Deno kernelspec.
 *
 * Deno's own `deno jupyter --install` writes the absolute path of one deno binary into the user's
 * Jupyter data directory. ftlab instead writes a private kernelspec at launch time, with
 * `Deno.execPath()` as the program, into a temporary directory that `JUPYTER_PATH` points at; that
 * works from any checkout and under `npx deno@...`, where `deno` need not be on `PATH`.
 *
 * `deno jupyter --kernel` has no `--config` flag: the kernel finds the project's `deno.json` by
 * walking up from its working directory, which Jupyter sets to the notebook's directory. Notebooks
 * under the project tree (`notebooks/`, `tests/`) therefore resolve `"ftlab"` through the import map.
 *
 * The committed `kernel/kernels/deno/kernel.json` is the same spec with `"deno"` as the program; it
 * documents the format and serves anyone who has `deno` on `PATH`.
 *
 * @module
 */
import { join } from "../lib/_std.ts";

/**
 * Name of the kernelspec (also the name notebooks record in `metadata.kernelspec.name`).
 *
 * @example
 * ```ts
 * import { KERNEL_NAME } from "./kernelspec.ts";
 * if (KERNEL_NAME !== "deno") throw new Error();
 * ```
 */
export const KERNEL_NAME = "deno";

/**
 * A Jupyter kernelspec (`kernel.json`).
 *
 * @example
 * ```ts
 * import type { Kernelspec } from "./kernelspec.ts";
 * const spec: Kernelspec = {
 *   argv: ["deno", "jupyter", "--kernel", "--conn", "{connection_file}"],
 *   display_name: "Deno", language: "typescript", env: {}, interrupt_mode: "signal",
 * };
 * if (spec.argv[0] !== "deno") throw new Error();
 * ```
 */
export interface Kernelspec {
  /** Command line; `{connection_file}` is replaced by Jupyter. */
  argv: string[];
  /** Name shown in the notebook UI. */
  display_name: string;
  /** Language of the kernel. */
  language: string;
  /** Extra environment for the kernel process. */
  env: Record<string, string>;
  /** How Jupyter interrupts the kernel. */
  interrupt_mode: "signal" | "message";
}

/**
 * Builds the kernelspec that runs `deno jupyter --kernel` with the given deno binary.
 *
 * @param denoPath the deno executable; defaults to the one running this code.
 *
 * @example
 * ```ts
 * import { kernelspec } from "./kernelspec.ts";
 * const spec = kernelspec("deno");
 * if (spec.argv.join(" ") !== "deno jupyter --kernel --conn {connection_file}") throw new Error();
 * ```
 */
export function kernelspec(denoPath: string = Deno.execPath()): Kernelspec {
  return {
    argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (ftlab)",
    language: "typescript",
    env: { NO_COLOR: "1" },
    interrupt_mode: "signal",
  };
}

/**
 * Serialises a kernelspec the way the committed template is written (2-space JSON, newline).
 *
 * @example
 * ```ts
 * import { formatKernelspec, kernelspec } from "./kernelspec.ts";
 * if (!formatKernelspec(kernelspec("deno")).endsWith("}\n")) throw new Error();
 * ```
 */
export function formatKernelspec(spec: Kernelspec): string {
  return JSON.stringify(spec, null, 2) + "\n";
}

/**
 * Writes the kernelspec under `<jupyterPath>/kernels/deno/kernel.json` and returns `jupyterPath`,
 * the directory to put in `JUPYTER_PATH`.
 *
 * @example
 * ```ts
 * import { writeKernelspec } from "./kernelspec.ts";
 * const dir = await Deno.makeTempDir();
 * await writeKernelspec(dir, "/opt/deno");
 * const text = await Deno.readTextFile(`${dir}/kernels/deno/kernel.json`);
 * if (!text.includes("/opt/deno")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeKernelspec(
  jupyterPath: string,
  denoPath: string = Deno.execPath(),
): Promise<string> {
  const dir = join(jupyterPath, "kernels", KERNEL_NAME);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "kernel.json"), formatKernelspec(kernelspec(denoPath)));
  return jupyterPath;
}
