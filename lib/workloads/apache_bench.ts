/**
 * An ApacheBench-like load generator: `concurrency` connections, each a {@linkcode TcpClient}
 * that sends one GET and reads the response to the server's FIN; a finished connection is
 * replaced at once (closed loop, `ab -c`), or, with `ratePerSec`, new requests start at that
 * rate while fewer than `concurrency` are outstanding (the light-load points).
 *
 * @module
 */
import type { Link } from "../replication/link.ts";
import type { Simulation } from "../sim/simulation.ts";
import { type ClientRouter, TcpClient } from "./tcp_client.ts";

/** Options of {@linkcode startApacheBench}. */
export interface ApacheBenchOptions {
  /** Connections outstanding at most ([P]: 100). */
  concurrency: number;
  /** Requests per second to offer; omitted = closed loop (as fast as responses come). */
  ratePerSec?: number;
  /** Request size in bytes. */
  requestBytes: number;
  /** Client retransmission timeouts, ns. */
  rtoMinNs: number;
  rtoMaxNs: number;
  /** Stop starting requests after this many (bounded). */
  maxRequests?: number;
}

/** A running benchmark: completion times of its requests. */
export interface ApacheBench {
  /** Virtual times at which a response completed. */
  completedNs: number[];
  /** Every client started (for checkers). */
  clients: TcpClient[];
  /** Requests completed in [fromNs, toNs) per second. */
  rate(fromNs: number, toNs: number): number;
}

/**
 * Starts the benchmark at the current time.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { Link } from "../replication/link.ts";
 * import { ClientRouter } from "./tcp_client.ts";
 * import { startApacheBench } from "./apache_bench.ts";
 * const sim = createSim({ seed: 1 });
 * const link = new Link(sim, 1e9, 1_000);
 * const ab = startApacheBench(sim, link, new ClientRouter(link),
 *   { concurrency: 3, requestBytes: 100, rtoMinNs: 2e8, rtoMaxNs: 6e10, maxRequests: 3 });
 * if (ab.clients.length !== 3) throw new Error("three connections");
 * ```
 */
export function startApacheBench(
  sim: Simulation,
  link: Link,
  router: ClientRouter,
  o: ApacheBenchOptions,
): ApacheBench {
  const ab: ApacheBench = {
    completedNs: [],
    clients: [],
    rate(fromNs, toNs) {
      const n = this.completedNs.filter((t) => t >= fromNs && t < toNs).length;
      return n / ((toNs - fromNs) / 1e9);
    },
  };
  let outstanding = 0;
  const max = o.maxRequests ?? 10_000_000;
  const start = () => {
    if (ab.clients.length >= max || outstanding >= o.concurrency) return;
    outstanding++;
    const c = new TcpClient(sim, link, router, {
      requestBytes: o.requestBytes,
      body: { len: o.requestBytes, path: "/index.html" },
      rtoMinNs: o.rtoMinNs,
      rtoMaxNs: o.rtoMaxNs,
      onDone: () => {
        outstanding--;
        ab.completedNs.push(sim.now);
        router.clients.delete(c.id);
        if (o.ratePerSec === undefined) start();
      },
    });
    ab.clients.push(c);
    c.connect();
  };
  if (o.ratePerSec === undefined) {
    for (let i = 0; i < o.concurrency; i++) start();
  } else {
    const gapNs = Math.max(1, Math.round(1e9 / o.ratePerSec));
    const tick = () => {
      start();
      if (ab.clients.length < max) sim.after(gapNs, tick);
    };
    tick();
  }
  return ab;
}
