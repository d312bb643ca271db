/**
 * The one place where ftlab imports standard-library-like helpers.
 *
 * Deno's standard library (`jsr:@std/*`) is not reachable on the machines ftlab targets, so these
 * come from Node built-ins that Deno provides. Switching to `@std` later is an edit of this file.
 *
 * @module
 */
export { parseArgs } from "node:util";
export { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
export { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory, then a rename,
 * so that readers never see a half-written file and an interrupted write leaves the old file.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./_std.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "hello\n");
 * if (await Deno.readTextFile(`${dir}/a.txt`) !== "hello\n") throw new Error("not written");
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${Deno.pid}.${tmpCounter++}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
let tmpCounter = 0;

/** Synchronous variant of {@linkcode writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${Deno.pid}.${tmpCounter++}.tmp`;
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    throw err;
  }
}
