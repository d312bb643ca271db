/**
 * The headline figures of fgft.md section 3, simulated beside the paper's values:
 * - `recoveryReduction` r = 1 - FGFT failure duration / restart failure duration for the NIC
 *   (paper: 0.79), from {@linkcode runNicRecovery} under each scheme;
 * - `configProtectionOverhead` o = netperf TCP_STREAM throughput lost when only configuration entry
 *   points are isolated, with an ethtool monitor calling getters every millisecond (paper: "almost
 *   zero");
 * - `hotPathProtectionOverhead`: the same when the hot path (xmit, interrupt, poll) is isolated.
 *
 * @module
 */
import { startDriverConfig } from "../workloads/driver_config.ts";
import {
  type NetperfConfigInput,
  netperfConfigSchema,
  startNetperf,
} from "../workloads/netperf.ts";
import { type NicRecoveryResult, runNicRecovery } from "./nic_recovery.ts";
import { createTestbed } from "./testbed.ts";

/** The paper's values (fgft.md section 3). */
export const PAPER = {
  recoveryReduction: 0.79,
  restoreOverRestart: 0.21,
  configProtectionOverhead: 0,
} as const;

/** The repro's figures. */
export interface FgftRepro {
  recoveryReduction: number;
  configProtectionOverhead: number;
  hotPathProtectionOverhead: number;
  failureDurationNs: { fgft: number; restart: number; shadow: number };
  throughputMbps: { native: number; config: number; hot: number };
  schemes: NicRecoveryResult[];
  paper: typeof PAPER;
}

/** Options of the netperf overhead measurement. */
export interface OverheadOptions {
  seed?: number;
  isolate: "none" | "config" | "hot" | "all";
  netperf?: NetperfConfigInput;
  /** Period of the ethtool monitor's calls (ns). */
  monitorPeriodNs?: number;
}

/**
 * netperf throughput and CPU utilisation under one protection policy, with an ethtool monitor.
 *
 * @example
 * ```ts
 * import { measureNetperf } from "./repro.ts";
 * const m = measureNetperf({ isolate: "config", netperf: { durationNs: "5ms" } });
 * if (m.throughputMbps < 500) throw new Error("config isolation should not slow the stream");
 * ```
 */
export function measureNetperf(o: OverheadOptions): ReturnType<ReturnType<typeof startNetperf>> {
  const tb = createTestbed({ seed: o.seed ?? 1, driver: "e1000", host: { isolate: o.isolate } });
  const np = netperfConfigSchema.parse({ durationNs: 30_000_000, ...o.netperf });
  const metrics = startNetperf(tb.host, np, tb.cpu);
  startDriverConfig(tb.host, {
    calls: [{ entryPoint: "get_settings" }, { entryPoint: "get_ethtool_stats" }, {
      entryPoint: "get_link",
    }],
    periodNs: o.monitorPeriodNs ?? 1_000_000,
    count: 1_000,
  }, tb.cpu);
  tb.sim.run({ untilNs: np.startNs + np.durationNs + 1_000_000 });
  return metrics();
}

/**
 * Computes the repro figures.
 *
 * @example
 * ```ts
 * import { reproFgft } from "./repro.ts";
 * const r = reproFgft();
 * if (r.recoveryReduction < 0.74 || r.recoveryReduction > 0.84) throw new Error(`${r.recoveryReduction}`);
 * ```
 */
export function reproFgft(seed = 1): FgftRepro {
  const schemes = (["fgft", "restart", "shadow"] as const).map((scheme) =>
    runNicRecovery({ seed, scheme })
  );
  const [f, r, s] = schemes.map((x) => x.failureNs!) as [number, number, number];
  const native = measureNetperf({ seed, isolate: "none" }).throughputMbps;
  const config = measureNetperf({ seed, isolate: "config" }).throughputMbps;
  const hot = measureNetperf({ seed, isolate: "hot" }).throughputMbps;
  return {
    recoveryReduction: 1 - f / r,
    configProtectionOverhead: Math.max(0, 1 - config / native),
    hotPathProtectionOverhead: Math.max(0, 1 - hot / native),
    failureDurationNs: { fgft: f, restart: r, shadow: s },
    throughputMbps: { native, config, hot },
    schemes,
    paper: PAPER,
  };
}
