/**
 * Campaign specs: what to run (a trial function) over which parameters, how often, with which seed.
 *
 * A spec is JSON, usually a file:
 *
 * ```json
 * {
 *   "name": "ecc-sweep",
 *   "seed": 42,
 *   "repetitions": 100,
 *   "grid": { "faultRate": [0.001, 0.01], "ecc": ["none", "secded"] },
 *   "trial": { "module": "./trial.ts", "export": "eccTrial" }
 * }
 * ```
 *
 * `grid` is expanded in the key order of the spec, the last key varying fastest; `params` (an
 * explicit list of parameter objects) may replace it. Each parameter set runs `repetitions` times,
 * the repetitions of one set being consecutive trials. `trial.module` is relative to the spec file
 * (or to the working directory for a spec given as an object) unless it is a URL.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { ConfigError, messageOf } from "../sim/errors.ts";
import { dirname, pathToFileURL, relative, resolve } from "../_std.ts";
import { fnv1a64 } from "./_hash.ts";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The parameters of one trial: a JSON object. */
export type Params = Record<string, Json>;

/** A trial: computes one JSON-able record from its parameters and seed, synchronously or not. */
export type TrialFn<P = Params, R = unknown> = (params: P, seed: number) => R | Promise<R>;

/** Where a trial function lives: a module (path or URL) and the name of its export. */
export interface TrialRef {
  /** Module specifier; a path is relative to the spec file. */
  module: string;
  /** Name of the exported trial function. */
  export: string;
}

/** The most trials one campaign may have; a larger grid is rejected (split it into campaigns). */
export const MAX_TRIALS = 10_000_000;

const jsonSchema = z.json() as unknown as z.ZodType<Json, Json>;

/** A campaign spec as a user writes it (see the module doc); `repetitions` defaults to 1. */
export interface CampaignSpecInput {
  /** Campaign name, written into results files. */
  name: string;
  /** Campaign seed: a non-negative safe integer. */
  seed: number;
  /** Repetitions of each parameter set, ≥ 1 (default 1). */
  repetitions?: number | undefined;
  /** Parameter name → values; expanded in key order, the last key fastest. */
  grid?: Record<string, Json[]> | undefined;
  /** An explicit list of parameter sets, instead of `grid`. */
  params?: Params[] | undefined;
  /** The trial function's module and export. */
  trial?: TrialRef | undefined;
}

/** A campaign spec after validation and defaults, before grid expansion. */
export type CampaignSpecJson = CampaignSpecInput & { repetitions: number };

/** zod schema of a campaign spec as written in JSON (see the module doc). */
export const campaignSpecSchema: z.ZodType<CampaignSpecJson, CampaignSpecInput> = z.strictObject({
  name: z.string().min(1).max(200),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  repetitions: z.number().int().min(1).max(MAX_TRIALS).default(1),
  grid: z.record(z.string(), z.array(jsonSchema).min(1)).optional(),
  params: z.array(z.record(z.string(), jsonSchema)).min(1).max(MAX_TRIALS).optional(),
  trial: z.strictObject({ module: z.string().min(1), export: z.string().min(1) }).optional(),
}).check((ctx) => {
  const { grid, params, repetitions } = ctx.value;
  if ((grid === undefined) === (params === undefined)) {
    ctx.issues.push({
      code: "custom",
      path: ["grid"],
      input: grid,
      message: "exactly one of grid (parameter name → values) or params (a list of objects)",
    });
    return;
  }
  const sets = grid ? Object.values(grid).reduce((n, values) => n * values.length, 1) : 0;
  const total = (params?.length ?? sets) * repetitions;
  if (total > MAX_TRIALS) {
    ctx.issues.push({
      code: "custom",
      path: [grid ? "grid" : "params"],
      input: total,
      message: `at most ${MAX_TRIALS} trials (parameter sets × repetitions)`,
    });
  }
});

/** A validated campaign spec, with its parameter sets expanded. Build it with {@linkcode parseCampaignSpec}. */
export interface CampaignSpec {
  /** Campaign name, written into results files. */
  readonly name: string;
  /** Campaign seed; trial seeds derive from it (see `trialSeed`). */
  readonly seed: number;
  /** Repetitions of each parameter set (consecutive trials). */
  readonly repetitions: number;
  /** The parameter sets in trial order (grid expanded, last key fastest). */
  readonly paramSets: readonly Readonly<Params>[];
  /** Number of trials: paramSets.length × repetitions. */
  readonly trialCount: number;
  /** The trial function's module (resolved to a URL) and export, when the spec names one. */
  readonly trial: Readonly<TrialRef> | undefined;
  /**
   * The spec file when the spec came from a file: relative to the working directory, or absolute
   * when outside it. Replay commands name it.
   */
  readonly source: string | undefined;
  /** 16 hex digits fingerprinting name, seed, repetitions and parameters (not the trial module). */
  readonly hash: string;
}

/** Options of {@linkcode parseCampaignSpec}. */
export interface ParseSpecOptions {
  /** The spec file the input was read from: `trial.module` is relative to it. */
  source?: string;
}

const parsed = new WeakSet<object>();

/**
 * Validates a campaign spec and expands its parameter grid. Throws a `ConfigError` naming the
 * offending field (e.g. `repetitions: got 0, expected >=1`).
 *
 * @example
 * ```ts
 * import { parseCampaignSpec } from "./spec.ts";
 * const spec = parseCampaignSpec({ name: "demo", seed: 1, repetitions: 2, grid: { a: [1, 2], b: ["x", "y"] } });
 * if (spec.trialCount !== 8) throw new Error("bad count");
 * if (JSON.stringify(spec.paramSets[1]) !== '{"a":1,"b":"y"}') throw new Error("last key is fastest");
 * ```
 */
export function parseCampaignSpec(input: unknown, options: ParseSpecOptions = {}): CampaignSpec {
  const what = options.source ?? "campaign spec";
  const raw = parseConfig(campaignSpecSchema, input, what);
  const paramSets = raw.params ?? expandGrid(raw.grid ?? {});
  const base = options.source === undefined ? Deno.cwd() : dirname(resolve(options.source));
  const spec: CampaignSpec = deepFreeze({
    name: raw.name,
    seed: raw.seed,
    repetitions: raw.repetitions,
    paramSets,
    trialCount: paramSets.length * raw.repetitions,
    trial: raw.trial && { module: resolveModule(raw.trial.module, base), export: raw.trial.export },
    source: options.source === undefined ? undefined : displayPath(options.source),
    hash: fnv1a64(JSON.stringify([raw.name, raw.seed, raw.repetitions, raw.grid ?? raw.params])),
  });
  parsed.add(spec);
  return spec;
}

/**
 * Reads and validates a campaign spec file. A missing file, invalid JSON or a schema violation
 * raises a `ConfigError` that names the file and the field.
 *
 * @example
 * ```ts
 * import { loadCampaignSpec } from "./spec.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.json`, '{"name":"c","seed":7,"grid":{"n":[1,2,3]}}');
 * const spec = await loadCampaignSpec(`${dir}/c.json`);
 * if (spec.trialCount !== 3) throw new Error("bad spec");
 * ```
 */
export async function loadCampaignSpec(path: string): Promise<CampaignSpec> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new ConfigError("", path, `a readable campaign JSON file (${messageOf(err)})`, "spec");
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new ConfigError("", path, `valid JSON (${messageOf(err)})`, "spec");
  }
  return parseCampaignSpec(input, { source: path });
}

/** Returns `spec` if it is already a parsed spec, otherwise parses it. */
export function toCampaignSpec(spec: CampaignSpec | CampaignSpecInput): CampaignSpec {
  return parsed.has(spec) ? spec as CampaignSpec : parseCampaignSpec(spec);
}

/** The path relative to the working directory, or absolute when it lies outside it. */
function displayPath(path: string): string {
  const rel = relative(Deno.cwd(), resolve(path));
  return rel.startsWith("..") || /^([a-zA-Z]:|[\\/])/.test(rel) ? resolve(path) : rel;
}

function expandGrid(grid: Record<string, Json[]>): Params[] {
  let sets: Params[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [key]: value })));
  }
  return sets;
}

function resolveModule(module: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return pathToFileURL(resolve(base, module)).href;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
