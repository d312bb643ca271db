/**
 * The trials of a campaign: index → parameters, repetition and seed.
 *
 * @module
 */
import type { CampaignSpec, Params } from "./spec.ts";
import { trialSeed } from "./seed.ts";

/** One trial of a campaign, as the runner hands it to the trial function. */
export interface TrialInfo {
  /** Trial index, 0 ≤ trial < spec.trialCount. */
  trial: number;
  /** The parameter set. */
  params: Readonly<Params>;
  /** Repetition of this parameter set, 0 ≤ rep < spec.repetitions. */
  rep: number;
  /** The trial's seed, `trialSeed(spec.seed, trial)`. */
  seed: number;
}

/**
 * Trial `index` of `spec`. Trials are ordered by parameter set (grid order, last key fastest), then
 * by repetition: trial i runs parameter set ⌊i / repetitions⌋, repetition i mod repetitions.
 *
 * @example
 * ```ts
 * import { parseCampaignSpec } from "./spec.ts";
 * import { trialAt } from "./trial.ts";
 * const spec = parseCampaignSpec({ name: "d", seed: 3, repetitions: 2, grid: { x: [10, 20] } });
 * const t = trialAt(spec, 3);
 * if (t.params.x !== 20 || t.rep !== 1) throw new Error("bad order");
 * ```
 */
export function trialAt(spec: CampaignSpec, index: number): TrialInfo {
  if (!Number.isInteger(index) || index < 0 || index >= spec.trialCount) {
    throw new RangeError(`trial: got ${index}, expected an integer in [0, ${spec.trialCount - 1}]`);
  }
  const params = spec.paramSets[Math.floor(index / spec.repetitions)]!;
  return { trial: index, params, rep: index % spec.repetitions, seed: trialSeed(spec.seed, index) };
}
