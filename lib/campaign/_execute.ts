/**
 * Private: runs one trial function and turns its result or exception into an outcome. Shared by
 * the in-process executor and the worker script, so that both write the same bytes.
 *
 * @module
 */
import { pathToFileURL, resolve } from "../_std.ts";
import { ConfigError } from "../sim/errors.ts";
import type { CampaignSpec, Params, TrialFn, TrialRef } from "./spec.ts";
import type { TrialOutcome } from "./results_file.ts";

/** What one trial produced (see `TrialOutcome`). */
export type Outcome = TrialOutcome;

/** Runs `fn(params, seed)` on a private copy of the params; never throws. */
export async function executeTrial(
  fn: TrialFn,
  params: Readonly<Params>,
  seed: number,
): Promise<Outcome> {
  try {
    const record = await fn(structuredClone(params) as Params, seed);
    const json = JSON.stringify(record);
    if (json === undefined) {
      throw new TypeError(`trial returned ${typeof record}; expected a JSON-able record`);
    }
    return { ok: true, json };
  } catch (err) {
    return {
      ok: false,
      error: errorMessage(err),
      stack: err instanceof Error ? err.stack : undefined,
    };
  }
}

/** `Name: message` of an error, without the stack (stacks hold machine-specific paths). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `thrown value: ${String(err)}`;
}

/**
 * A module specifier as a URL: URLs (`file:`, `https:`, `npm:`...) are kept; a path is resolved
 * against the working directory (a spec's paths were already resolved against the spec file).
 */
export function moduleUrl(module: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return pathToFileURL(resolve(module)).href;
}

/** Imports the trial function named by `ref`; a ConfigError naming the field when that fails. */
export async function importTrial(ref: TrialRef): Promise<TrialFn> {
  let module: Record<string, unknown>;
  try {
    module = await import(moduleUrl(ref.module));
  } catch (err) {
    throw new ConfigError(
      "trial.module",
      ref.module,
      `an importable module (${errorMessage(err)})`,
    );
  }
  const fn = module[ref.export];
  if (typeof fn === "function") return fn as TrialFn;
  const found = Object.keys(module).filter((k) => typeof module[k] === "function");
  throw new ConfigError(
    "trial.export",
    ref.export,
    `the name of a function exported by ${ref.module} (found: ${found.join(", ") || "none"})`,
  );
}

/**
 * Resolves the trial function: `trial` if it is a function, else the module it (or the spec)
 * names. Throws a ConfigError naming `trial` when there is none.
 */
export async function resolveTrial(
  spec: CampaignSpec,
  trial?: TrialFn | TrialRef,
): Promise<TrialFn> {
  if (typeof trial === "function") return trial;
  const ref = trial ?? spec.trial;
  if (!ref) throw missingTrial();
  return await importTrial(ref);
}

/** The error for a campaign without a trial function. */
export function missingTrial(): ConfigError {
  return new ConfigError(
    "trial",
    undefined,
    "a trial: { module, export } in the spec, or a function",
  );
}
