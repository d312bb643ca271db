/**
 * Campaign throughput: trials per second of a fixed CPU-bound trial on 1 and 2 workers, and the
 * speedup. Worker start-up (module import) is included, as a user would see it; a warm-up run
 * first fills the module cache so that neither measurement pays for transpiling.
 *
 * @module
 */
import { runCampaign } from "../../lib/campaign/mod.ts";

/** Iterations of {@linkcode benchTrial}: about 30-40 ms on one core of the reference machine. */
const ITERATIONS = 6_000_000;

/**
 * A deterministic CPU-bound trial: `params.iterations` steps of a xorshift generator feeding a
 * running sum. Exported so that campaign workers can import it from this module.
 *
 * @example
 * ```ts
 * import { benchTrial } from "./campaign_bench.ts";
 * const a = benchTrial({ iterations: 1000 }, 7);
 * if (a.sum !== benchTrial({ iterations: 1000 }, 7).sum) throw new Error("not deterministic");
 * ```
 */
export function benchTrial(params: { iterations?: number }, seed: number): { sum: number } {
  let s = seed | 1;
  let sum = 0;
  const n = params.iterations ?? ITERATIONS;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    sum = (sum + (s & 0xffff)) % 1_000_000_007;
  }
  return { sum };
}

async function trialsPerSecond(
  trials: number,
  workers: number,
  iterations: number,
): Promise<number> {
  const started = performance.now();
  const summary = await runCampaign({
    spec: {
      name: `bench-${workers}`,
      seed: 1,
      repetitions: trials,
      grid: { iterations: [iterations] },
    },
    trial: { module: import.meta.url, export: "benchTrial" },
    workers,
    progress: "none",
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.failed > 0) throw new Error(`bench trial failed: ${summary.errors[0]?.error}`);
  return trials / seconds;
}

/**
 * Measures campaign throughput with 1 and 2 workers: `{ trialsPerSec1, trialsPerSec2, speedup2 }`.
 * Target: speedup2 ≥ 1.8 on a machine with 2 free cores. `quick` runs fewer, shorter trials (the
 * speedup is then lower, as worker start-up weighs more).
 *
 * @example
 * ```ts ignore
 * import { run } from "./campaign_bench.ts";
 * console.log(await run({ quick: true }));
 * ```
 */
export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const trials = opts.quick ? 12 : 32;
  const iterations = opts.quick ? ITERATIONS / 2 : ITERATIONS;
  await trialsPerSecond(2, 2, 1000); // warm-up: module graph cached for the workers
  const trialsPerSec1 = await trialsPerSecond(trials, 1, iterations);
  const trialsPerSec2 = await trialsPerSecond(trials, 2, iterations);
  return { trialsPerSec1, trialsPerSec2, speedup2: trialsPerSec2 / trialsPerSec1 };
}

if (import.meta.main) {
  console.log(await run({ quick: Deno.args.includes("--quick") }));
}
