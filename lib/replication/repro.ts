/**
 * The FT-Linux headline figures (ft-linux.md section 6), simulated: PBZIP2 throughput relative
 * to the unreplicated baseline at 50 KB and 10 KB blocks with ring traffic, and the failover gap
 * of a download across a primary fail-stop.
 *
 * @module
 */
import { createSim } from "../sim/simulation.ts";
import { fileServer } from "../workloads/file_server.ts";
import { ClientRouter } from "../workloads/tcp_client.ts";
import { startDownload } from "../workloads/wget.ts";
import type { FtLinuxConfigInput } from "./config.ts";
import { createFtLinux, type FailoverRecord } from "./ft_linux.ts";
import { checkDownload } from "./swarm.ts";
import { runMongoose } from "./mongoose_run.ts";
import { runPbzip2 } from "./pbzip2_run.ts";

/** A download across a failure: client bytes per bin, the gap and the checker's verdict. */
export interface FailoverRun {
  binNs: number;
  bins: number[];
  /** Longest time without client bytes, ns. */
  gapNs: number;
  digest: string;
  done: boolean;
  /** {@linkcode checkDownload}'s verdict (null: one consistent execution, file intact). */
  violation: string | null;
  /** Failovers that happened. */
  failovers: FailoverRecord[];
  /** Client bytes per second over the whole download. */
  bytesPerSec: number;
  /** Two replicas disagreed on output (send checksum comparison). */
  divergenceDetected: boolean;
}

/** Options of {@linkcode runFailoverDownload}. */
export interface FailoverDownloadOptions {
  fileBytes: number;
  /** When the failure strikes, ns (negative: no failure). */
  failNs: number;
  seed?: number;
  /** Component to fail-stop (default node:1, in the primary's partition). */
  target?: string;
  /** Instead of a fail-stop: flip these bits of the primary's working word at failNs. */
  flipBits?: number[];
  replicas?: number;
  timeoutNs?: number;
  /** Further FT-Linux configuration. */
  config?: FtLinuxConfigInput;
}

/**
 * Downloads `fileBytes` from the replicated file server (64 KB chunks, 1.56 ms each: the
 * calibrated 42 MB/s baseline); fails `target` (or flips `flipBits`) at `failNs`.
 *
 * @example
 * ```ts
 * import { runFailoverDownload } from "./repro.ts";
 * const r = runFailoverDownload({ fileBytes: 2e6, failNs: 20e6 });
 * if (!(r.gapNs > 4e9) || !r.done || r.violation) throw new Error(`gap ${r.gapNs}`);
 * ```
 */
export function runFailoverDownload(o: FailoverDownloadOptions): FailoverRun {
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const hb = o.timeoutNs === undefined ? {} : { heartbeat: { timeoutNs: o.timeoutNs } };
  const sys = createFtLinux(sim, { ...o.config, replicas: o.replicas ?? 2, ...hb });
  const router = new ClientRouter(sys.link);
  sys.start(
    "srv",
    fileServer({ fileBytes: o.fileBytes, chunkBytes: 65536, readNsPerChunk: 1_560_000 }),
  );
  const d = startDownload(sim, sys.link, router, { binNs: 50e6, rtoMinNs: 2e8, rtoMaxNs: 6e10 });
  let last = 0, gap = 0;
  const prev = d.client.opts.onBytes!;
  d.client.opts.onBytes = (b) => {
    if (last > 0) gap = Math.max(gap, sim.now - last);
    last = sim.now;
    prev(b);
  };
  const addr = sys.threadAddress(sys.kernels[0]!, "srv");
  if (o.failNs >= 0 && o.flipBits) {
    sim.schedule(o.failNs, () => sys.machine.flipMemoryBits(addr, o.flipBits!));
  } else if (o.failNs >= 0) {
    sim.schedule(o.failNs, () => sys.machine.failStop(o.target ?? "node:1"));
  }
  sim.run({ untilNs: Math.max(0, o.failNs) + 60e9 });
  const c = d.client;
  // The digest covers the outcome too (a failure-free run traces no replication event).
  sim.trace.emit(sim.now, "replication.download", "result", {
    received: c.received,
    doneNs: c.doneNs,
    ring: sys.traffic().messages,
  });
  return {
    binNs: d.binNs,
    bins: d.bins,
    gapNs: gap,
    digest: sim.trace.digest,
    done: c.done,
    violation: checkDownload(sys, c, 65536),
    failovers: sys.failovers,
    bytesPerSec: c.done ? c.received / ((c.doneNs - c.startNs) / 1e9) : 0,
    divergenceDetected: sys.divergenceDetected,
  };
}

/**
 * The repro numbers: throughputs relative to the unreplicated baseline (PBZIP2 sustained at 50
 * and 10 KB blocks, Mongoose at 1,000 req/s offered and closed loop), the failover gap in
 * seconds, and ring traffic.
 *
 * @example
 * ```ts
 * import { reproFtLinux } from "./repro.ts";
 * if (typeof reproFtLinux !== "function") throw new Error("missing");
 * ```
 */
export function reproFtLinux(): Record<string, number | null> {
  const r = (kb: number) => {
    const base = runPbzip2({ blockKB: kb, replicas: 1 });
    const rep = runPbzip2({ blockKB: kb, replicas: 2 });
    return { ratio: rep.blocksPerSec / base.blocksPerSec, rep };
  };
  const m = (ratePerSec?: number) => {
    const o = ratePerSec === undefined ? {} : { ratePerSec };
    const base = runMongoose({ replicas: 1, ...o }), rep = runMongoose({ replicas: 2, ...o });
    return { ratio: rep.requestsPerSec / base.requestsPerSec, rep };
  };
  const p50 = r(50), p10 = r(10), light = m(1000), heavy = m();
  const f = runFailoverDownload({ fileBytes: 30e6, failNs: 300e6 });
  return {
    pbzip2_50KB: p50.ratio,
    pbzip2_10KB: p10.ratio,
    mongoose_light: light.ratio,
    mongoose_heavy: heavy.ratio,
    failoverGapSec: f.gapNs / 1e9,
    pbzip2_50KB_msgPerSec: p50.rep.messagesPerSec,
    pbzip2_50KB_MBPerSec: p50.rep.megabytesPerSec,
    pbzip2_10KB_msgPerSec: p10.rep.messagesPerSec,
    pbzip2_10KB_MBPerSec: p10.rep.megabytesPerSec,
    mongoose_heavy_reqPerSec: heavy.rep.requestsPerSec,
    mongoose_heavy_msgPerSec: heavy.rep.messagesPerSec,
    mongoose_heavy_MBPerSec: heavy.rep.megabytesPerSec,
  };
}
