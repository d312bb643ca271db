/**
 * Locates and reads the plotly.js bundle of the npm package `plotly.js-dist-min`.
 *
 * The file is found relative to this module, not the working directory, so that it works from a
 * notebook kernel started in `notebooks/` as well as from the repository root.
 *
 * @module
 */
import { dirname, fileURLToPath, join } from "../_std.ts";

const PACKAGE = "plotly.js-dist-min";
const FILE = "plotly.min.js";
/** How many parent directories to search for `node_modules` before giving up. */
const MAX_PARENTS = 32;

let cached: string | undefined;

/** The text of `plotly.min.js`, read once per process. */
export function plotlyBundle(): string {
  cached ??= Deno.readTextFileSync(plotlyBundlePath());
  return cached;
}

/** Absolute path of `plotly.min.js`; throws naming the package when it cannot be found. */
export function plotlyBundlePath(): string {
  const resolved = resolveViaImportMap();
  if (resolved !== undefined) return resolved;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < MAX_PARENTS; i++) {
    const candidate = join(dir, "node_modules", PACKAGE, FILE);
    if (isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `cannot find ${PACKAGE}/${FILE}: run \`deno install\` in the ftlab checkout ` +
      `(deno.json imports ${PACKAGE} with "nodeModulesDir": "auto")`,
  );
}

function resolveViaImportMap(): string | undefined {
  try {
    const url = import.meta.resolve(PACKAGE);
    if (!url.startsWith("file:")) return undefined;
    const path = fileURLToPath(url);
    return isFile(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The bundle's version, from its banner comment (e.g. `"4.1.2"`), or `"unknown"`. */
export function plotlyVersion(): string {
  return /plotly\.js v([0-9][^\s*]*)/.exec(plotlyBundle().slice(0, 200))?.[1] ?? "unknown";
}
