/**
 * Replaying one trial of a campaign in-process, to debug it.
 *
 * @module
 */
import { resolveTrial } from "./_execute.ts";
import {
  type CampaignSpec,
  type CampaignSpecInput,
  type Params,
  toCampaignSpec,
  type TrialFn,
  type TrialRef,
} from "./spec.ts";
import { trialAt, type TrialInfo } from "./trial.ts";
import { ConfigError } from "../sim/errors.ts";

/** A replayed trial: its index, parameters, repetition and seed, and the record it returned. */
export interface ReplayedTrial extends TrialInfo {
  /** What the trial returned. */
  record: unknown;
}

/**
 * Runs trial `index` of `spec` in-process with the same parameters and seed as in the campaign,
 * and returns its record. A trial that throws throws here too, with its full stack, so a debugger
 * or the stack trace points at the cause. `trial` overrides `spec.trial`.
 *
 * @example
 * ```ts
 * import { replayTrial } from "./replay.ts";
 * const spec = { name: "d", seed: 5, grid: { x: [1, 2, 3] } };
 * const r = await replayTrial(spec, 2, (p: { x: number }, seed: number) => ({ x: p.x, seed }));
 * if (r.params.x !== 3 || (r.record as { seed: number }).seed !== r.seed) throw new Error("bad");
 * ```
 */
export async function replayTrial<P = Params>(
  spec: CampaignSpec | CampaignSpecInput,
  index: number,
  trial?: TrialFn<P> | TrialRef,
): Promise<ReplayedTrial> {
  const parsed = toCampaignSpec(spec);
  if (!Number.isInteger(index) || index < 0 || index >= parsed.trialCount) {
    throw new ConfigError("replay", index, `a trial index from 0 to ${parsed.trialCount - 1}`);
  }
  const fn = await resolveTrial(parsed, trial as TrialFn | TrialRef | undefined);
  const info = trialAt(parsed, index);
  const record = await fn(structuredClone(info.params) as Params, info.seed);
  return { ...info, record };
}

/**
 * The command that replays trial `index`: `deno task ftlab campaign <spec file> --replay <index>`,
 * or for a spec that did not come from a file, the `replayTrial` call.
 *
 * @example
 * ```ts
 * import { parseCampaignSpec } from "./spec.ts";
 * import { replayCommand } from "./replay.ts";
 * const spec = parseCampaignSpec({ name: "d", seed: 1, grid: { x: [1] } }, { source: "c.json" });
 * if (replayCommand(spec, 0) !== "deno task ftlab campaign c.json --replay 0") throw new Error("bad");
 * ```
 */
export function replayCommand(spec: CampaignSpec, index: number): string {
  if (spec.source === undefined) return `replayTrial(spec, ${index}, trial)`;
  return `deno task ftlab campaign ${shellQuote(spec.source)} --replay ${index}`;
}

function shellQuote(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
