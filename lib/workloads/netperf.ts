/**
 * A netperf-like client driving an NIC driver's hot path: TCP_STREAM (bulk transmit) or TCP_RR
 * (request/response), reporting throughput and CPU utilisation.
 *
 * Model (one CPU, a `Resource` shared with other workloads on the host):
 * - sender: per message, the TCP/IP stack (`stackNsPerMessage`) then the driver's `xmit_frame`
 *   entry point, both on the CPU; a message takes a transmit descriptor (`ringDescriptors` bound:
 *   the sender waits for the interrupt path to free some) and occupies the wire for its bytes plus
 *   38 bytes of Ethernet framing at `linkGbps`;
 * - interrupt path: every `itrNs` (the e1000 interrupt throttle) when work is pending, `intr` then
 *   one `clean` per `napiBudget` descriptors, on the CPU; it frees descriptors and processes ACKs;
 * - TCP_RR: one request at a time, the response arrives `rttNs` after the request left the wire.
 * A call that fails (EIO, ENODEV) drops the message; calls that never return stop the client
 * (a hang). Default parameters are assumptions of the right order for a 2009 server core.
 *
 * @module
 */
import { z } from "zod";
import type { DriverHost } from "../fgft/driver_host.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import type { SimEvent } from "../sim/event.ts";
import type { Yieldable } from "../sim/process.ts";
import { type Request, Resource } from "../sim/resource.ts";

/** zod schema of the netperf workload. */
export const netperfConfigSchema = z.object({
  mode: z.enum(["stream", "rr"]).default("stream"),
  /** Measurement interval, starting at `startNs`. */
  durationNs: durationNs.default(20_000_000),
  startNs: durationNs.default(0),
  /** Bytes per message (the MSS for a stream; the request size for RR). */
  messageBytes: z.number().int().min(1).max(65_536).default(1_448),
  linkGbps: z.number().positive().max(400).default(1),
  /** TCP/IP stack and system-call cost per message on the sender. */
  stackNsPerMessage: durationNs.default(4_000),
  ringDescriptors: z.number().int().min(1).max(4_096).default(256),
  itrNs: durationNs.default(125_000),
  napiBudget: z.number().int().min(1).max(1_024).default(64),
  /** Round-trip time seen by TCP_RR (wire, switch and the server's processing). */
  rttNs: durationNs.default(60_000),
}).strict();

/** netperf parameters as a user writes them. */
export type NetperfConfigInput = z.input<typeof netperfConfigSchema>;

/** What the client measured. */
export interface NetperfMetrics {
  mode: "stream" | "rr";
  /** Payload bits per second that left the wire in the interval. */
  throughputMbps: number;
  /** TCP_RR transactions per second (0 for a stream). */
  transactionsPerSec: number;
  /** CPU busy fraction over the interval. */
  cpuUtilization: number;
  /** Messages whose xmit call failed. */
  errors: number;
  /** Longest time without a message leaving the wire, within the interval. */
  longestGapNs: number;
  /** Completion times of messages on the wire (ns), for timelines. */
  completionsNs: number[];
}

/** Bound on recorded completion times (beyond it only counters grow). */
const MAX_COMPLETIONS = 200_000;

/**
 * Starts a netperf client against `host` (an e1000-like driver with `xmit_frame`, `intr`, `clean`).
 * Returns a function that reads the metrics after `sim.run()`.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, E1000Nic, e1000Driver } from "../fgft/mod.ts";
 * import { startNetperf } from "./netperf.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver());
 * const metrics = startNetperf(host, { durationNs: "2ms" });
 * sim.run({ untilNs: 3_000_000 });
 * if (metrics().throughputMbps < 500) throw new Error(`slow: ${metrics().throughputMbps}`);
 * ```
 */
export function startNetperf(
  host: DriverHost,
  config: NetperfConfigInput = {},
  cpu: Resource = new Resource(host.sim, "cpu", 1),
): () => NetperfMetrics {
  const c = parseConfig(netperfConfigSchema, config, "netperf");
  const sim = host.sim;
  const endNs = c.startNs + c.durationNs;
  const s = {
    inFlight: 0,
    completedUnclean: 0,
    wireFreeNs: 0,
    bytes: 0,
    msgs: 0,
    errors: 0,
    busy0: 0,
    rr: 0,
  };
  const completions: number[] = [];
  let space: SimEvent<undefined> | null = null;
  let response: SimEvent<undefined> | null = null;
  const wireNs = Math.round(((c.messageBytes + 38) * 8) / c.linkGbps);

  function onWire(): void {
    s.completedUnclean++;
    if (sim.now >= c.startNs && sim.now <= endNs) {
      s.bytes += c.messageBytes;
      s.msgs++;
      if (completions.length < MAX_COMPLETIONS) completions.push(sim.now);
    }
    if (c.mode === "rr") sim.after(c.rttNs, () => response?.succeed(undefined));
  }

  function* sender(): Generator<Yieldable, void, unknown> {
    for (let i = 0; sim.now < endNs && i < 100_000_000; i++) {
      while (s.inFlight >= c.ringDescriptors) yield (space = sim.event<undefined>());
      const req = (yield cpu.request()) as Request;
      yield c.stackNsPerMessage;
      const r = yield* host.call("xmit_frame", { tx_bytes: c.messageBytes });
      cpu.release(req);
      if (!r.ok) {
        s.errors++;
        if (r.error === "ECRASH") return;
        continue;
      }
      s.inFlight++;
      s.wireFreeNs = Math.max(sim.now, s.wireFreeNs) + wireNs;
      sim.schedule(s.wireFreeNs, onWire);
      if (c.mode === "rr") {
        yield (response = sim.event<undefined>());
        s.rr += sim.now >= c.startNs && sim.now <= endNs ? 1 : 0;
      }
    }
  }

  function* interrupts(): Generator<Yieldable, void, unknown> {
    while (sim.now < endNs + c.itrNs) {
      yield c.itrNs;
      if (s.completedUnclean === 0) continue;
      const req = (yield cpu.request()) as Request;
      yield* host.call("intr");
      const n = s.completedUnclean;
      for (let done = 0; done < n; done += c.napiBudget) yield* host.call("clean");
      cpu.release(req);
      s.completedUnclean -= n;
      s.inFlight = Math.max(0, s.inFlight - n);
      space?.succeed(undefined);
      space = null;
    }
  }

  sim.schedule(c.startNs, () => (s.busy0 = cpu.busyUnitNs));
  sim.process(sender, "netperf.sender");
  sim.process(interrupts, "netperf.interrupts");
  return () => ({
    mode: c.mode,
    throughputMbps: (s.bytes * 8) / c.durationNs * 1_000,
    transactionsPerSec: s.rr / (c.durationNs / 1e9),
    cpuUtilization: Math.min(1, (cpu.busyUnitNs - s.busy0) / c.durationNs),
    errors: s.errors,
    longestGapNs: longestGap(completions, c.startNs, endNs),
    completionsNs: completions,
  });
}

function longestGap(times: readonly number[], startNs: number, endNs: number): number {
  let prev = startNs, gap = 0;
  for (const t of times) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, endNs - prev);
}
