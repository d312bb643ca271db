/**
 * Derivation of each trial's seed from the campaign seed and the trial index.
 *
 * @module
 */
import { fmix32 } from "./_hash.ts";

const TWO_32 = 0x1_0000_0000;
const DOMAIN = 0x9e3779b9; // separates trial seeds from other uses of the same campaign seed

/**
 * The seed of trial `index` of a campaign seeded with `campaignSeed`: a 32-bit unsigned integer.
 *
 * Formula, with `fmix32` the MurmurHash3 32-bit finaliser (a bijection with full avalanche) and
 * `c = hi·2^32 + lo` the campaign seed:
 *
 * ```
 * trialSeed(c, i) = fmix32( fmix32( fmix32(hi ^ 0x9e3779b9) ^ lo ) ^ i )
 * ```
 *
 * It depends only on (campaign seed, trial index), never on workers or shards. Because `fmix32`
 * and `x ^ i` are bijections, two trials of one campaign (indices below 2^32) never share a seed,
 * and neighbouring indices get unrelated seeds.
 *
 * @param campaignSeed a non-negative safe integer.
 * @param index the trial index, 0 ≤ index < 2^32.
 *
 * @example
 * ```ts
 * import { trialSeed } from "./seed.ts";
 * const a = trialSeed(42, 0), b = trialSeed(42, 1);
 * if (a === b || a !== trialSeed(42, 0)) throw new Error("seeds must be distinct and stable");
 * ```
 */
export function trialSeed(campaignSeed: number, index: number): number {
  const hi = Math.floor(campaignSeed / TWO_32) >>> 0;
  const lo = campaignSeed >>> 0;
  return fmix32(fmix32(fmix32(hi ^ DOMAIN) ^ lo) ^ index);
}
