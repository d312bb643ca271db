/** File-URL helpers for the CLI. */
import { fileURLToPath } from "../_std.ts";

/** A file: URL as a path. */
export function fromFileUrl(url: URL | string): string {
  return fileURLToPath(url);
}

/** The repository root (where deno.json is). */
export function projectRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}
