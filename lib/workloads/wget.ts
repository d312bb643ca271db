/**
 * A wget-like client: one long download over a {@linkcode TcpClient}, with the client's
 * throughput sampled over time (bytes per bin) for failover timelines.
 *
 * @module
 */
import type { Link } from "../replication/link.ts";
import type { Simulation } from "../sim/simulation.ts";
import { type ClientRouter, TcpClient } from "./tcp_client.ts";

/** A running download and its throughput samples. */
export interface Download {
  client: TcpClient;
  /** Bytes received per bin of `binNs`, bin i covering [i*binNs, (i+1)*binNs). */
  bins: number[];
  binNs: number;
}

/**
 * Starts a download at the current time.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { Link } from "../replication/link.ts";
 * import { ClientRouter } from "./tcp_client.ts";
 * import { startDownload } from "./wget.ts";
 * const sim = createSim({ seed: 1 });
 * const link = new Link(sim, 1e9, 1_000);
 * const d = startDownload(sim, link, new ClientRouter(link), { binNs: 1e6, rtoMinNs: 2e8, rtoMaxNs: 6e10 });
 * if (d.client.startNs !== 0) throw new Error("not started");
 * ```
 */
export function startDownload(
  sim: Simulation,
  link: Link,
  router: ClientRouter,
  o: { binNs: number; rtoMinNs: number; rtoMaxNs: number; path?: string },
): Download {
  const bins: number[] = [];
  const d: Download = { client: undefined as unknown as TcpClient, bins, binNs: o.binNs };
  d.client = new TcpClient(sim, link, router, {
    requestBytes: 120,
    body: { len: 120, path: o.path ?? "/big.iso" },
    rtoMinNs: o.rtoMinNs,
    rtoMaxNs: o.rtoMaxNs,
    onBytes: (b) => {
      const i = Math.floor(sim.now / o.binNs);
      while (bins.length <= i) bins.push(0);
      bins[i]! += b;
    },
  });
  d.client.connect();
  return d;
}
