/**
 * Campaign throughput: trials per second of a fixed CPU-bound trial on 1 and 2 workers, and the
 * speedup. Worker start-up (module import) is included, as a user would see it; a warm-up run
 * first fills the module cache so that neither measurement pays for transpiling.
 *
 * @module
 */
import { runCampaign } from "../../lib/campaign/mod.ts";
import { CPU_TRIAL_ITERATIONS, cpuTrial } from "../campaign/fixtures/cpu_trial.ts";

const TRIAL_MODULE = new URL("../campaign/fixtures/cpu_trial.ts", import.meta.url).href;

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
    trial: { module: TRIAL_MODULE, export: "cpuTrial" },
    workers,
    progress: "none",
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.failed > 0) throw new Error(`bench trial failed: ${summary.errors[0]?.error}`);
  return trials / seconds;
}

/** The same work on bare workers (no campaign layer): the parallelism the machine offers now. */
async function bareTrialsPerSecond(
  trials: number,
  workers: number,
  iterations: number,
): Promise<number> {
  const code = `${cpuTrial.toString()}
    self.onmessage = (e) => {
      for (let i = 0; i < e.data.count; i++) cpuTrial({ iterations: ${iterations} }, i + 1);
      self.postMessage("done");
    };`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const pool = Array.from({ length: workers }, () => new Worker(url, { type: "module" }));
  try {
    const started = performance.now();
    await Promise.all(pool.map((worker, k) =>
      new Promise((resolve) => {
        worker.onmessage = resolve;
        worker.postMessage({
          count: Math.floor(trials / workers) + (k < trials % workers ? 1 : 0),
        });
      })
    ));
    return trials / ((performance.now() - started) / 1000);
  } finally {
    for (const worker of pool) worker.terminate();
    URL.revokeObjectURL(url);
  }
}

/**
 * Measures campaign throughput with 1 and 2 workers: `{ trialsPerSec1, trialsPerSec2, speedup2 }`,
 * plus a same-run baseline: `bareSpeedup2`, the speedup of the same work on bare workers (below 2
 * when other processes hold a core, which bounds `speedup2` too), and `overhead1`, the fraction of
 * throughput the campaign layer costs on one worker (start-up, messages, records).
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
  const trials = opts.quick ? 12 : 40;
  const iterations = opts.quick ? CPU_TRIAL_ITERATIONS / 2 : CPU_TRIAL_ITERATIONS;
  await trialsPerSecond(2, 2, 1000); // warm-up: module graph cached for the workers
  const trialsPerSec1 = await trialsPerSecond(trials, 1, iterations);
  const trialsPerSec2 = await trialsPerSecond(trials, 2, iterations);
  const bare1 = await bareTrialsPerSecond(trials, 1, iterations);
  const bare2 = await bareTrialsPerSecond(trials, 2, iterations);
  return {
    trialsPerSec1,
    trialsPerSec2,
    speedup2: trialsPerSec2 / trialsPerSec1,
    // Same-run baseline: the speedup of bare workers shows how many cores were really free.
    bareSpeedup2: bare2 / bare1,
    overhead1: 1 - trialsPerSec1 / bare1,
  };
}

if (import.meta.main) {
  console.log(await run({ quick: Deno.args.includes("--quick") }));
}
