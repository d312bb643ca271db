/**
 * The one module of ftlab that speaks Jupyter's display protocol.
 *
 * Objects that show themselves in a notebook implement `[Symbol.for("Jupyter.display")]()` and
 * return a {@linkcode MimeBundle}; live views (campaign progress) publish a bundle under a display
 * id and then update it in place with `update_display_data`. Outside a Deno Jupyter kernel every
 * function here is a no-op, so library code may call them unconditionally.
 *
 * @module
 */

/** A Jupyter mime bundle: mime type → data (strings, or JSON-able objects for `+json` types). */
export type MimeBundle = Record<string, unknown>;

/** The symbol Deno's Jupyter kernel calls to render an object. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** An object that renders itself in a notebook. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

interface JupyterNs {
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

function jupyterNs(): JupyterNs | undefined {
  let ns: Partial<JupyterNs> | undefined;
  try {
    ns = (Deno as unknown as { jupyter?: Partial<JupyterNs> }).jupyter;
  } catch {
    return undefined; // Deno 2.x throws on access outside `deno jupyter`
  }
  return ns && typeof ns.broadcast === "function" ? ns as JupyterNs : undefined;
}

/**
 * True when running inside Deno's Jupyter kernel.
 *
 * @example
 * ```ts
 * import { inJupyter } from "./jupyter.ts";
 * if (inJupyter()) throw new Error("doc tests do not run in a kernel");
 * ```
 */
export function inJupyter(): boolean {
  return jupyterNs() !== undefined;
}

/**
 * Publishes a bundle as a new output of the running cell. With `displayId` the output can later be
 * replaced by {@linkcode updateDisplay}. Returns false when not in a kernel.
 *
 * @example
 * ```ts
 * import { publishDisplay } from "./jupyter.ts";
 * const shown = await publishDisplay({ "text/plain": "hello" });
 * if (shown) throw new Error("not in a kernel here");
 * ```
 */
export async function publishDisplay(bundle: MimeBundle, displayId?: string): Promise<boolean> {
  const ns = jupyterNs();
  if (!ns) return false;
  await ns.broadcast("display_data", {
    data: bundle,
    metadata: {},
    transient: displayId === undefined ? {} : { display_id: displayId },
  });
  return true;
}

/**
 * Replaces the output published earlier under `displayId`. Returns false when not in a kernel.
 *
 * @example
 * ```ts
 * import { updateDisplay } from "./jupyter.ts";
 * await updateDisplay("progress-1", { "text/plain": "50%" });
 * ```
 */
export async function updateDisplay(displayId: string, bundle: MimeBundle): Promise<boolean> {
  const ns = jupyterNs();
  if (!ns) return false;
  await ns.broadcast("update_display_data", {
    data: bundle,
    metadata: {},
    transient: { display_id: displayId },
  });
  return true;
}

/**
 * Escapes text for inclusion in HTML outputs.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./jupyter.ts";
 * if (escapeHtml("<a&b>") !== "&lt;a&amp;b&gt;") throw new Error("bad");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}
