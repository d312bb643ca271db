/**
 * PBZIP2 on FT-Linux, measured the way [P] reports it (ft-linux.md section 6): blocks per second
 * of the primary, and the replication traffic (ring messages/s and MB/s), in a window that starts
 * after `warmNs`.
 *
 * Why a long warm-up: while the secondary's ring has room the primary runs at its own pace
 * ("burst"); once the ring is full, backpressure holds it to the secondary's replay pace
 * ("sustained", what [P] plots). The secondary replays every Pthreads section in the primary's
 * global order, so a worker that reaches its section before its turn spins on a core (5 us x
 * 200, then sleeps a tick per retry) and the next section in the order waits for its thread to
 * notice and to get a core back: with 8192 slots the ring fills within about 1 to 2 s at 10 and
 * 50 KB blocks, hence the defaults (4 s, measuring the last 2 s).
 *
 * @module
 */
import { createSim } from "../sim/simulation.ts";
import { pbzip2 } from "../workloads/pbzip2.ts";
import type { FtLinuxConfigInput } from "./config.ts";
import { createFtLinux, measureTraffic } from "./ft_linux.ts";

/** One PBZIP2 measurement. */
export interface Pbzip2Point {
  /** Block size, KB (1000 bytes). */
  blockKB: number;
  /** Trace digest of the run (covers the traffic counters). */
  digest: string;
  /** Kernel replicas (1 = the unreplicated baseline). */
  replicas: number;
  /** Blocks written per second by the primary in the window. */
  blocksPerSec: number;
  /** Ring messages per second over every ring in the window. */
  messagesPerSec: number;
  /** Ring bytes per second (slots x 128 B), MB/s. */
  megabytesPerSec: number;
  /** Fraction of the window the ring was full (some primary thread stalled on backpressure). */
  stallFraction: number;
}

/** Options of {@linkcode runPbzip2}. */
export interface Pbzip2RunOptions {
  /** Block size in KB (1000 bytes). */
  blockKB: number;
  /** Kernel replicas; 1 = unreplicated baseline with one partition's resources. */
  replicas: number;
  /** Seed (default 1). */
  seed?: number;
  /** Simulated time, ns (default 4 s). */
  durNs?: number;
  /** Start of the measurement window, ns (default 2 s: after the ring filled). */
  warmNs?: number;
  /** Further FT-Linux configuration (commit, mode, replay costs, ...). */
  config?: FtLinuxConfigInput;
}

/** PBZIP2 parameters of [P]'s run: 32 workers; compression cost calibrated to the baseline. */
export const PBZIP2_DEFAULTS = {
  workers: 32,
  /** ns per input byte: 50 KB in 23 ms on one core gives [P]'s 1390 blocks/s baseline. */
  compressNsPerByte: 460,
  readNsPerByte: 2,
  /** One allocator lock/unlock pair per 10 KB of output, four per block for the compressor. */
  allocBytes: 10_000,
  allocPerBlock: 4,
  queueBlocks: 64,
} as const;

/**
 * Runs PBZIP2 with 32 workers and measures the window [warmNs, durNs).
 *
 * @example
 * ```ts
 * import { runPbzip2 } from "./pbzip2_run.ts";
 * const p = runPbzip2({ blockKB: 50, replicas: 1, durNs: 60_000_000, warmNs: 20_000_000 });
 * if (!(p.blocksPerSec > 1000) || p.messagesPerSec !== 0) throw new Error("baseline");
 * ```
 */
export function runPbzip2(o: Pbzip2RunOptions): Pbzip2Point {
  const durNs = o.durNs ?? 4e9, warmNs = o.warmNs ?? 2e9;
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const sys = createFtLinux(sim, { ...o.config, replicas: o.replicas });
  let blocks = 0, s0 = 0;
  sys.start(
    "pbzip2",
    pbzip2({
      ...PBZIP2_DEFAULTS,
      blockBytes: o.blockKB * 1000,
      blocks: 1_000_000,
      onBlock: (t) => {
        if (t.ns.kernel.role === "primary" && sim.now >= warmNs) blocks++;
      },
    }),
  );
  const traffic = measureTraffic(sys, warmNs, "replication.pbzip2");
  sim.schedule(warmNs, () => {
    s0 = fullNs(sys.kernels.map((k) => k.ring));
  });
  sim.run({ untilNs: durNs });
  const sec = (durNs - warmNs) / 1e9, rates = traffic();
  return {
    digest: sim.trace.digest,
    blockKB: o.blockKB,
    replicas: o.replicas,
    blocksPerSec: blocks / sec,
    ...rates,
    stallFraction: (fullNs(sys.kernels.map((k) => k.ring)) - s0) / (durNs - warmNs),
  };
}

function fullNs(rings: { fullNs: number }[]): number {
  return rings.reduce((a, r) => a + r.fullNs, 0);
}
