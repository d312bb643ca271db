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
import { createFtLinux } from "./ft_linux.ts";
import { runMongoose } from "./mongoose_run.ts";
import { runPbzip2 } from "./pbzip2_run.ts";

/** A download across a primary fail-stop: client bytes per bin and the gap. */
export interface FailoverRun {
  binNs: number;
  bins: number[];
  gapNs: number;
  digest: string;
  done: boolean;
}

/**
 * Downloads `fileBytes` from the replicated file server; fails `target` at `failNs`.
 *
 * @example
 * ```ts
 * import { runFailoverDownload } from "./repro.ts";
 * const r = runFailoverDownload({ fileBytes: 2e6, failNs: 20e6 });
 * if (!(r.gapNs > 4e9) || !r.done) throw new Error(`gap ${r.gapNs}`);
 * ```
 */
export function runFailoverDownload(
  o: {
    fileBytes: number;
    failNs: number;
    seed?: number;
    target?: string;
    replicas?: number;
    timeoutNs?: number;
  },
): FailoverRun {
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const hb = o.timeoutNs === undefined ? {} : { heartbeat: { timeoutNs: o.timeoutNs } };
  const sys = createFtLinux(sim, { replicas: o.replicas ?? 2, ...hb });
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
  if (o.failNs >= 0) sim.schedule(o.failNs, () => sys.machine.failStop(o.target ?? "node:1"));
  sim.run({ untilNs: o.failNs + 60e9 });
  return {
    binNs: d.binNs,
    bins: d.bins,
    gapNs: gap,
    digest: sim.trace.digest,
    done: d.client.done,
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
