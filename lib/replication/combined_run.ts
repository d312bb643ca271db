/**
 * Issue 6 experiments: FT-Linux failover under the three NIC policies (`driver-reload`,
 * `device-checkpoint`, `second-nic`), the failure-free cost of keeping a device checkpoint
 * fresh, availability from the measured gaps, and a swarm with configuration calls.
 *
 * Data flow: options -> createFtLinux (the policy attaches its warm standby) -> file-server
 * download + administrator configuration calls + one fault -> client bytes per bin, failover
 * record, {@linkcode checkDownload} and {@linkcode checkNicConfig} verdicts, trace digest.
 * Every figure comes out of the simulated mechanism: detection from heartbeats, the NIC restore
 * from lib/fgft's e1000 resume path, the checkpoint traffic from the message rings.
 *
 * @module
 */
import type { Prng } from "../sim/prng.ts";
import { createSim } from "../sim/simulation.ts";
import { fileServer } from "../workloads/file_server.ts";
import { ClientRouter, type TcpClient } from "../workloads/tcp_client.ts";
import { startDownload } from "../workloads/wget.ts";
import type { FtLinuxConfigInput } from "./config.ts";
import { createFtLinux, type FailoverRecord, type FtLinux } from "./ft_linux.ts";
import { type MongoosePoint, runMongoose } from "./mongoose_run.ts";
import { checkDownload, type Violation } from "./swarm.ts";
import {
  checkNicConfig,
  type NicConfigCall,
  type NicRestoreRecord,
  type StandbyTraffic,
  warmStandbyOf,
} from "./warm_standby.ts";

/** The three failover policies compared. */
export const NIC_POLICIES = ["driver-reload", "device-checkpoint", "second-nic"] as const;

/**
 * What an administrator sets before the failure in {@linkcode runCombinedFailover}: MAC address,
 * multicast list, MTU and offloads, through the e1000 driver's configuration entry points.
 */
export const DEFAULT_CONFIG_CALLS: readonly NicConfigCall[] = [
  { atNs: 20e6, entryPoint: "set_mac", args: { mac_lo: 0x0a0b0c0d, mac_hi: 0x8000beef } },
  { atNs: 40e6, entryPoint: "set_rx_mode", args: { w3: 0x10, w77: 0x4, mc_count: 2 } },
  { atNs: 60e6, entryPoint: "change_mtu", args: { mtu: 9000 } },
  { atNs: 100e6, entryPoint: "set_tso", args: { tso: 0 } },
  { atNs: 120e6, entryPoint: "set_rx_csum", args: { rx_csum: 0 } },
];

/** Options of {@linkcode runCombinedFailover}. */
export interface CombinedFailoverOptions {
  policy: string;
  seed?: number;
  /** Download size (default 30 MB, as reproFtLinux). */
  fileBytes?: number;
  /** Fail-stop of `target` at this time (default 300 ms; negative: no failure). */
  failNs?: number;
  /** Component to fail-stop (default node:1, in the primary's partition). */
  target?: string;
  /** Heartbeat timeout and period (defaults 400 ms / 100 ms). */
  timeoutNs?: number;
  periodNs?: number;
  /** Administrator configuration calls (default {@linkcode DEFAULT_CONFIG_CALLS}). */
  configCalls?: readonly NicConfigCall[];
  /** Client throughput bin (default 50 ms). */
  binNs?: number;
  /** Further FT-Linux configuration (e.g. `deviceCheckpoint: { refreshIntervalNs: "10s" }`). */
  config?: FtLinuxConfigInput;
}

/** One download across a failure under one policy. */
export interface CombinedFailoverRun {
  policy: string;
  digest: string;
  /** Longest time the client received nothing, ns. */
  gapNs: number;
  /** Failure to detection (heartbeat timeout), ns (-1 without failover). */
  detectNs: number;
  /** The policy's NIC steps, ns. */
  nicNs: number;
  /** Detection to the survivor running live, ns. */
  takeoverNs: number;
  binNs: number;
  /** Client bytes per bin. */
  bins: number[];
  done: boolean;
  bytesPerSec: number;
  /** {@linkcode checkDownload}: one consistent execution, nothing lost, connection survived. */
  violation: string | null;
  /** {@linkcode checkNicConfig}: the restored NIC's configuration is the primary's. */
  configViolation: string | null;
  failover: FailoverRecord | null;
  restore: NicRestoreRecord | null;
  /** Checkpoint and configuration-log traffic (device-checkpoint only). */
  standby: StandbyTraffic | null;
}

/**
 * Downloads a file from the replicated file server while an administrator configures the NIC;
 * fail-stops the primary's partition at `failNs`.
 *
 * @example
 * ```ts
 * import { runCombinedFailover } from "./combined_run.ts";
 * const r = runCombinedFailover({ policy: "device-checkpoint", fileBytes: 2e6, failNs: 150e6 });
 * if (!(r.gapNs < 1e9) || r.violation || r.configViolation) throw new Error(`gap ${r.gapNs}`);
 * ```
 */
export function runCombinedFailover(o: CombinedFailoverOptions): CombinedFailoverRun {
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const hb = {
    ...(o.timeoutNs === undefined ? {} : { timeoutNs: o.timeoutNs }),
    ...(o.periodNs === undefined ? {} : { periodNs: o.periodNs }),
  };
  const sys = createFtLinux(sim, { ...o.config, replicas: 2, failover: o.policy, heartbeat: hb });
  const router = new ClientRouter(sys.link);
  sys.start(
    "srv",
    fileServer({ fileBytes: o.fileBytes ?? 30e6, chunkBytes: 65536, readNsPerChunk: 1_560_000 }),
  );
  const nic = warmStandbyOf(sys);
  nic?.runConfigCalls(o.configCalls ?? DEFAULT_CONFIG_CALLS);
  const d = startDownload(sim, sys.link, router, {
    binNs: o.binNs ?? 50e6,
    rtoMinNs: 2e8,
    rtoMaxNs: 6e10,
  });
  const gap = watchGap(sim, d.client);
  const failNs = o.failNs ?? 300e6;
  if (failNs >= 0) sim.schedule(failNs, () => sys.machine.failStop(o.target ?? "node:1"));
  sim.run({ untilNs: Math.max(0, failNs) + 60e9 });
  const c = d.client;
  sim.trace.emit(sim.now, "replication.combined", "result", {
    received: c.received,
    doneNs: c.doneNs,
    ring: sys.traffic().messages,
  });
  const f = sys.failovers[0] ?? null;
  const nicEnd = f?.steps.find((s) => s.name === "drain-forwarded-packets")?.startNs ?? -1;
  return {
    policy: o.policy,
    digest: sim.trace.digest,
    gapNs: gap(),
    detectNs: f ? f.detectedNs - f.failedNs : -1,
    nicNs: f && nicEnd >= 0 ? nicEnd - f.detectedNs : -1,
    takeoverNs: f && f.liveNs >= 0 ? f.liveNs - f.detectedNs : -1,
    binNs: d.binNs,
    bins: d.bins,
    done: c.done,
    bytesPerSec: c.done ? c.received / ((c.doneNs - c.startNs) / 1e9) : 0,
    violation: checkDownload(sys, c, 65536),
    configViolation: nic ? checkNicConfig(nic) : null,
    failover: f,
    restore: nic?.restores[0] ?? null,
    standby: nic?.traffic() ?? null,
  };
}

/** Tracks the longest time between two deliveries of client bytes. */
function watchGap(sim: { now: number }, client: TcpClient): () => number {
  let last = 0, gap = 0;
  const prev = client.opts.onBytes!;
  client.opts.onBytes = (b) => {
    if (last > 0) gap = Math.max(gap, sim.now - last);
    last = sim.now;
    prev(b);
  };
  return () => gap;
}

/** Result of {@linkcode measureStandbyOverhead}. */
export interface StandbyOverhead {
  refreshIntervalNs: number;
  /** Replicated Mongoose, driver-reload (no standby). */
  baseline: MongoosePoint;
  /** Replicated Mongoose with the warm standby refreshing at `refreshIntervalNs`. */
  standby: MongoosePoint;
  /** 1 - standby / baseline requests per second. */
  overhead: number;
  /** Checkpoint ring messages/s and MB/s (the standby's own counters, over 5 s or `durNs`). */
  checkpointMessagesPerSec: number;
  checkpointMegabytesPerSec: number;
}

/**
 * Failure-free cost of keeping the checkpoint fresh: the Mongoose benchmark (closed loop by
 * default, the heaviest load) replicated with and without the warm standby. The checkpoint's
 * cost falls on the primary (register reads, ring writes), so it is measured where the primary
 * sets the pace: by default in [50, 350) ms, before the secondary's ring fills (about 0.6 s).
 * Later, backpressure holds both runs to the secondary's replay pace, and two closed-loop runs
 * in that regime differ by several percent from the timing change of any extra message.
 *
 * @example
 * ```ts
 * import { measureStandbyOverhead } from "./combined_run.ts";
 * const o = measureStandbyOverhead({ refreshIntervalNs: 10e6, durNs: 200e6, warmNs: 100e6 });
 * if (!(o.overhead < 0.02) || !(o.checkpointMessagesPerSec > 50)) throw new Error(JSON.stringify(o));
 * ```
 */
export function measureStandbyOverhead(o: {
  refreshIntervalNs?: number;
  seed?: number;
  ratePerSec?: number;
  durNs?: number;
  warmNs?: number;
} = {}): StandbyOverhead {
  const refreshIntervalNs = o.refreshIntervalNs ?? 1e9;
  const durNs = o.durNs ?? 350e6;
  const common = {
    replicas: 2,
    seed: o.seed ?? 1,
    ...(o.ratePerSec === undefined ? {} : { ratePerSec: o.ratePerSec }),
    durNs,
    warmNs: o.warmNs ?? 50e6,
  };
  const baseline = runMongoose(common);
  const standby = runMongoose({
    ...common,
    config: { failover: "device-checkpoint", deviceCheckpoint: { refreshIntervalNs } },
  });
  // The checkpoint traffic does not depend on the load: count it on the standby itself, over
  // at least 5 s so that slow refreshes are counted too.
  const trafficNs = Math.max(durNs, 5e9);
  const sim = createSim({ seed: o.seed ?? 1, trace: { window: 0 } });
  const sys = createFtLinux(sim, {
    failover: "device-checkpoint",
    deviceCheckpoint: { refreshIntervalNs },
  });
  sim.run({ untilNs: trafficNs });
  const t = warmStandbyOf(sys)!.traffic();
  return {
    refreshIntervalNs,
    baseline,
    standby,
    overhead: 1 - standby.requestsPerSec / baseline.requestsPerSec,
    checkpointMessagesPerSec: t.checkpointMessages / (trafficNs / 1e9),
    checkpointMegabytesPerSec: t.checkpointRingBytes / (trafficNs / 1e9) / 1e6,
  };
}

/** Availability of the service under one policy. */
export interface Availability {
  availability: number;
  /** -log10(1 - availability). */
  nines: number;
  downtimeSecPerYear: number;
}

/**
 * Steady-state availability when each failure costs `gapSec` of service:
 * MTBF = 1 / failuresPerYear, availability = MTBF / (MTBF + gap). Assumes the failed partition
 * is repaired and reintegrated before the next failure (the repair does not stop the service).
 *
 * @example
 * ```ts
 * import { availability } from "./combined_run.ts";
 * const a = availability({ gapSec: 5, failuresPerYear: 1 });
 * if (Math.abs(a.downtimeSecPerYear - 5) > 1e-6 || !(a.nines > 6.7 && a.nines < 6.9)) throw new Error();
 * ```
 */
export function availability(o: { gapSec: number; failuresPerYear: number }): Availability {
  const year = 365.25 * 86400;
  const mtbf = year / o.failuresPerYear;
  const a = mtbf / (mtbf + o.gapSec);
  return {
    availability: a,
    nines: -Math.log10(o.gapSec / (mtbf + o.gapSec)),
    downtimeSecPerYear: o.failuresPerYear * o.gapSec,
  };
}

const SWARM_CALLS: [string, (p: Prng) => Record<string, number>][] = [
  ["set_mac", (p) => ({ mac_lo: p.int(0x7fffffff), mac_hi: 0x8000_0000 + p.int(0xffff) })],
  ["set_rx_mode", (p) => ({ w3: p.int(256), w77: p.int(256), mc_count: p.int(8) })],
  ["change_mtu", (p) => ({ mtu: p.choice([1500, 4000, 9000]) })],
  ["set_tso", (p) => ({ tso: p.int(2) })],
  ["set_sg", (p) => ({ sg: p.int(2) })],
  ["set_tx_csum", (p) => ({ tx_csum: p.int(2) })],
  ["set_rx_csum", (p) => ({ rx_csum: p.int(2) })],
  ["set_wol", (p) => ({ wol: p.int(16) })],
  ["set_coalesce", (p) => ({ itr: 1000 + p.int(9000) })],
  ["set_pauseparam", () => ({})],
];

/**
 * One swarm seed of the `device-checkpoint` policy with configuration calls: a download (or
 * two), 1-6 random configuration calls at random times in the first 8 s, random refresh settings
 * (interval 10 ms, 100 ms, 1 s or never; refresh on configuration or not), and one fail-stop of a
 * random component at a random time (a partition of the primary, or in one run out of four of the
 * secondary). Checks every client ({@linkcode checkDownload}) and the restored NIC
 * ({@linkcode checkNicConfig}); returns the violation or null.
 *
 * @example
 * ```ts
 * import { runCombinedSwarmSeed } from "./combined_run.ts";
 * if (runCombinedSwarmSeed(5) !== null) throw new Error("violation");
 * ```
 */
export function runCombinedSwarmSeed(
  seed: number,
  control: "none" | "stale-checkpoint" = "none",
): string | null {
  const sim = createSim({ seed, trace: { window: 0 } });
  const prng = sim.prng.fork("combined-swarm");
  const refreshIntervalNs = prng.choice([10e6, 100e6, 1e9, 0]);
  const sys = createFtLinux(sim, {
    replicas: 2,
    failover: "device-checkpoint",
    deviceCheckpoint: { refreshIntervalNs, refreshOnConfig: prng.bernoulli(0.5), control },
  });
  const second = prng.bernoulli(0.3);
  sys.start(
    "srv",
    fileServer({
      fileBytes: 256 * 1024,
      chunkBytes: 16 * 1024,
      readNsPerChunk: 400_000,
      maxConnections: second ? 2 : 1,
    }),
  );
  const router = new ClientRouter(sys.link);
  const dl = () =>
    startDownload(sim, sys.link, router, { binNs: 1e9, rtoMinNs: 2e8, rtoMaxNs: 6e10 }).client;
  const clients = [dl()];
  if (second) sim.schedule(prng.int(3_000_000) * 2_000, () => clients.push(dl()));
  const calls = Array.from({ length: 1 + prng.int(6) }, () => {
    const [entryPoint, args] = prng.choice(SWARM_CALLS);
    return { atNs: prng.int(4_000_000) * 2_000, entryPoint, args: args(prng) };
  });
  warmStandbyOf(sys)!.runConfigCalls(calls);
  const p = sys.partitions[prng.bernoulli(0.25) ? 1 : 0]!;
  const target = prng.choice([...p.components].filter((c) => !c.startsWith("socket")));
  sim.schedule(prng.int(4_000_000) * 2_000, () => sys.machine.failStop(target, "swarm"));
  sim.run({ untilNs: 120e9 });
  return verdict(sys, clients);
}

function verdict(sys: FtLinux, clients: TcpClient[]): string | null {
  for (const c of clients) {
    const v = checkDownload(sys, c);
    if (v) return `client ${c.id}: ${v}`;
  }
  return checkNicConfig(warmStandbyOf(sys)!);
}

/** Result of {@linkcode swarmCombined}. */
export interface CombinedSwarmResult {
  seeds: number;
  control: "none" | "stale-checkpoint";
  violation: Violation | null;
}

/**
 * Runs {@linkcode runCombinedSwarmSeed} for seeds 1..N and stops at the first violation, with
 * the seed and a replay snippet.
 *
 * @example
 * ```ts
 * import { swarmCombined } from "./combined_run.ts";
 * if (swarmCombined({ seeds: 3 }).violation) throw new Error("violation");
 * ```
 */
export function swarmCombined(
  o: { seeds: number; control?: "none" | "stale-checkpoint" },
): CombinedSwarmResult {
  const control = o.control ?? "none";
  for (let seed = 1; seed <= o.seeds; seed++) {
    const v = runCombinedSwarmSeed(seed, control);
    if (v) {
      const replay = `deno task ftlab swarm combined --seed ${seed} --control ${control}`;
      return { seeds: o.seeds, control, violation: { seed, detail: v, replay } };
    }
  }
  return { seeds: o.seeds, control, violation: null };
}
