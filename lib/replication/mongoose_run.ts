/**
 * The Mongoose experiment of [P] section 6 (ft-linux.md): the Mongoose-like server with 32
 * workers and a 10 KB page, ApacheBench-like clients with 100 concurrent connections over the
 * 1 Gb/s link; completed requests per second and ring traffic in the window [warmNs, durNs).
 * Light load: requests offered at `ratePerSec`; heavy load: closed loop (omit `ratePerSec`).
 *
 * @module
 */
import { createSim } from "../sim/simulation.ts";
import { startApacheBench } from "../workloads/apache_bench.ts";
import { mongoose } from "../workloads/mongoose.ts";
import { ClientRouter } from "../workloads/tcp_client.ts";
import type { FtLinuxConfigInput } from "./config.ts";
import { createFtLinux, measureTraffic } from "./ft_linux.ts";

/** Options of {@linkcode runMongoose}. */
export interface MongooseRunOptions {
  /** Kernel replicas; 1 = unreplicated baseline. */
  replicas: number;
  /** Offered requests/s; omitted = closed loop with `concurrency` connections. */
  ratePerSec?: number;
  /** Concurrent connections ([P]: 100). */
  concurrency?: number;
  /** CPU per request, ns (default {@linkcode MONGOOSE_SERVICE_NS}). */
  serviceNs?: number;
  /** Seed (default 1). */
  seed?: number;
  /** Simulated time and start of the measurement window, ns (defaults 1.5 s and 0.75 s). */
  durNs?: number;
  warmNs?: number;
  /** Further FT-Linux configuration. */
  config?: FtLinuxConfigInput;
}

/**
 * CPU per request (calibrated, not in the paper): the baseline saturates near 3,000 req/s with
 * 32 workers, so that requests below about 1,500/s leave the server half idle.
 */
export const MONGOOSE_SERVICE_NS = 10_000_000;

/** One Mongoose measurement. */
export interface MongoosePoint {
  /** Trace digest of the run (covers the traffic counters). */
  digest: string;
  replicas: number;
  /** Offered rate (null: closed loop). */
  ratePerSec: number | null;
  /** Completed requests per second. */
  requestsPerSec: number;
  /** Ring messages/s and MB/s. */
  messagesPerSec: number;
  megabytesPerSec: number;
}

/**
 * Runs the benchmark once.
 *
 * @example
 * ```ts
 * import { runMongoose } from "./mongoose_run.ts";
 * const p = runMongoose({ replicas: 1, ratePerSec: 200, durNs: 100_000_000, warmNs: 50_000_000 });
 * if (!(p.requestsPerSec > 100)) throw new Error(`${p.requestsPerSec} req/s`);
 * ```
 */
export function runMongoose(o: MongooseRunOptions): MongoosePoint {
  const durNs = o.durNs ?? 1.5e9, warmNs = o.warmNs ?? 0.75e9;
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const sys = createFtLinux(sim, { ...o.config, replicas: o.replicas });
  const router = new ClientRouter(sys.link);
  sys.start(
    "mongoose",
    mongoose({
      workers: 32,
      pageBytes: 10_000,
      serviceNs: o.serviceNs ?? MONGOOSE_SERVICE_NS,
      queueLength: 20,
    }),
  );
  const ab = startApacheBench(sim, sys.link, router, {
    concurrency: o.concurrency ?? 100,
    requestBytes: 100,
    rtoMinNs: sys.config.network.rtoMinNs,
    rtoMaxNs: sys.config.network.rtoMaxNs,
    ...(o.ratePerSec === undefined ? {} : { ratePerSec: o.ratePerSec }),
  });
  const traffic = measureTraffic(sys, warmNs, "replication.mongoose");
  sim.run({ untilNs: durNs });
  const rates = traffic();
  return {
    digest: sim.trace.digest,
    replicas: o.replicas,
    ratePerSec: o.ratePerSec ?? null,
    requestsPerSec: ab.rate(warmNs, durNs),
    ...rates,
  };
}
