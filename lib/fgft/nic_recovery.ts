/**
 * The NIC failure-duration scenario behind the 79% claim (fgft.md section 3): a netperf stream runs
 * through the e1000 driver while an administrator configures the NIC (MAC address, multicast list,
 * interrupt coalescing, MTU); the second `set_coalesce` call hits a transient NULL dereference. Under
 * FGFT the call is rolled back with the device restored through the resume path and retried; under
 * restart the driver is unloaded, reloaded, cold-booted and probed; under shadow the restart is
 * followed by a replay of the configuration log.
 *
 * Failure duration = detection to driver ready (from the recovery record, i.e. the sum of the
 * modelled steps as the simulation ran them). The result also reports the longest gap in netperf
 * traffic, what the administrator's calls returned, and whether the configuration survived.
 *
 * @module
 */
import { z } from "zod";
import { durationNs, parseConfig } from "../sim/config.ts";
import { startDriverConfig } from "../workloads/driver_config.ts";
import { startNetperf } from "../workloads/netperf.ts";
import type { RecoveryRecord } from "./driver_host.ts";
import { RECOVERY_SCHEMES } from "./host_config.ts";
import { createTestbed } from "./testbed.ts";

/** zod schema of the scenario. */
export const nicRecoverySchema = z.object({
  seed: z.number().int().min(0).default(1),
  scheme: z.enum(RECOVERY_SCHEMES).default("fgft"),
  durationNs: durationNs.default(300_000_000),
  /** NIC model parameters (e1000ConfigSchema), e.g. `{ autonegNs: "2s" }`. */
  device: z.record(z.string(), z.unknown()).default({}),
}).strict();

/** Scenario parameters as a user writes them. */
export type NicRecoveryInput = z.input<typeof nicRecoverySchema>;

/** What the scenario measured. */
export interface NicRecoveryResult {
  scheme: typeof RECOVERY_SCHEMES[number];
  seed: number;
  digest: string;
  /** Detection to driver ready (undefined when nothing recovered, e.g. a crash). */
  failureNs: number | undefined;
  recovery: RecoveryRecord | undefined;
  /** Longest time without netperf traffic. */
  outageNs: number;
  throughputMbps: number;
  /** Administrator calls that returned an error. */
  appErrors: number;
  /** Whether MAC address, multicast list, coalescing and MTU survived. */
  configSurvived: boolean;
  crashed: boolean;
}

/**
 * Runs the scenario under one recovery scheme.
 *
 * @example
 * ```ts
 * import { runNicRecovery } from "./nic_recovery.ts";
 * const r = runNicRecovery({ scheme: "fgft" });
 * if (!r.configSurvived || r.failureNs === undefined) throw new Error("FGFT keeps the config");
 * ```
 */
export function runNicRecovery(input: NicRecoveryInput = {}): NicRecoveryResult {
  const c = parseConfig(nicRecoverySchema, input, "nic recovery scenario");
  const isolate = c.scheme === "fgft" ? "config" : "none";
  const tb = createTestbed({
    seed: c.seed,
    driver: "e1000",
    host: { recovery: c.scheme, isolate },
    device: c.device,
  });
  const netperf = startNetperf(tb.host, { durationNs: c.durationNs }, tb.cpu);
  const calls = startDriverConfig(tb.host, {
    calls: [
      { entryPoint: "set_mac", args: { mac_lo: 0x0a0b0c0d } },
      { entryPoint: "set_rx_mode", args: { w3: 0x10, mc_count: 2 } },
      { entryPoint: "set_coalesce", args: { itr: 4_000 } },
      { entryPoint: "change_mtu", args: { mtu: 9_000 } },
      { entryPoint: "get_settings" },
    ],
    periodNs: 20_000_000,
    startNs: 10_000_000,
    count: 10,
  }, tb.cpu);
  tb.host.armBug({
    entryPoint: "set_coalesce",
    bugClass: "null-dereference",
    onCall: 2,
    manifestation: "exception",
  });
  // Bounded: long enough for the slowest recovery (a restart with a multi-second autonegotiation).
  tb.sim.run({ untilNs: c.durationNs + 20_000_000_000 });
  const m = tb.host.memory;
  const recovery = tb.host.recoveries[0];
  return {
    scheme: c.scheme,
    seed: c.seed,
    digest: tb.sim.trace.digest,
    failureNs: recovery ? recovery.readyNs - recovery.detectedNs : undefined,
    recovery,
    outageNs: netperf().longestGapNs,
    throughputMbps: netperf().throughputMbps,
    appErrors: calls().filter((x) => !x.ok).length,
    configSurvived: m.get("hw.mac_lo") === 0x0a0b0c0d && m.get("mc_table.w3") === 0x10 &&
      m.get("adapter.itr") === 4_000 && m.get("netdev.mtu") === 9_000,
    crashed: tb.host.crashedNs !== undefined,
  };
}
