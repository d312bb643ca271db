/**
 * Sharding: splitting one campaign's trials between machines.
 *
 * Shards are interleaved: shard K of N (1-based) runs the trials i with i mod N = K - 1. Grids tend
 * to put expensive parameter sets next to each other; interleaving spreads them over all shards so
 * the shards finish at about the same time. Trial seeds do not depend on the sharding, so merging
 * the shards' files gives exactly the single-machine file.
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  /** 1 ≤ index ≤ count. */
  readonly index: number;
  /** Number of shards, ≥ 1. */
  readonly count: number;
}

/**
 * Parses `"K/N"` into a shard. Throws a ConfigError naming `field` unless 1 ≤ K ≤ N.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * const s = parseShard("2/3");
 * if (s.index !== 2 || s.count !== 3) throw new Error("bad shard");
 * ```
 */
export function parseShard(text: string, field = "shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(index >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new ConfigError(field, text, "K/N with 1 ≤ K ≤ N, e.g. 2/3");
  }
  return { index, count };
}

/**
 * The trial indices of `shard` among `trialCount` trials, in increasing order (all of them
 * without a shard).
 *
 * @example
 * ```ts
 * import { shardTrials } from "./shard.ts";
 * if ([...shardTrials(7, { index: 2, count: 3 })].join() !== "1,4") throw new Error("bad shard");
 * ```
 */
export function* shardTrials(trialCount: number, shard?: Shard): Generator<number> {
  const step = shard?.count ?? 1;
  for (let i = (shard?.index ?? 1) - 1; i < trialCount; i += step) yield i;
}

/** `"K/N"`, or null for the whole campaign. */
export function formatShard(shard: Shard | undefined): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}
