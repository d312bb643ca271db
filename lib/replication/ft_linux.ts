/**
 * FT-Linux as a whole: a machine split into partitions, one kernel replica per partition (primary
 * plus N-1 secondaries, or one unreplicated baseline kernel), the client link and the NIC owned by
 * the primary's partition, heartbeats and failure detection, and the takeover sequence.
 *
 * Data flow: client packets reach the NIC owner, whose netfilter hook copies each to the
 * secondaries' rings before its own stack processes it; thread code runs on every replica (see
 * namespace.ts); the primary ships tuples and log entries; the machine's fail-stop and
 * machine-check events halt the replica of the affected partition; a survivor detects the death
 * (heartbeat timeout, or at once on a machine check), force-halts the suspect and runs
 * {@linkcode takeoverSteps}; then the promoted replica consumes its received log and runs live.
 *
 * @module
 */
import { createMachine, type Machine } from "../machine/machine.ts";
import type { Simulation } from "../sim/simulation.ts";
import { type FtLinuxConfig, type FtLinuxConfigInput, parseFtLinuxConfig } from "./config.ts";
import { FAILOVER_POLICIES, takeoverSteps } from "./failover_policy.ts";
import { Kernel } from "./kernel.ts";
import { Link } from "./link.ts";
import type { KernelMessage, Packet } from "./messages.ts";
import type { FtThreadBody } from "./namespace.ts";
import { type Partition, partitionMachine } from "./partition.ts";

/** Failover milestones (virtual ns; -1 when it did not happen). */
export interface FailoverRecord {
  failedNs: number;
  detectedNs: number;
  liveNs: number;
  by: string;
  cause: "heartbeat" | "machine-check";
  steps: { name: string; startNs: number; endNs: number }[];
}

/**
 * Builds FT-Linux on a fresh machine of `config.machine`.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createFtLinux } from "./ft_linux.ts";
 * const sim = createSim({ seed: 1 });
 * const sys = createFtLinux(sim, { replicas: 2 });
 * let t = 0;
 * sys.start("main", function* (api) { t = yield* api.time(); });
 * sim.run({ untilNs: 1_000_000 });
 * if (t === 0 || sys.kernels[1]!.ring.messages !== 1) throw new Error("time not replicated");
 * ```
 */
export function createFtLinux(sim: Simulation, config: FtLinuxConfigInput = {}): FtLinux {
  return new FtLinux(sim, parseFtLinuxConfig(config));
}

/** The replicated system. Build with {@linkcode createFtLinux}. */
export class FtLinux {
  readonly sim: Simulation;
  readonly config: FtLinuxConfig;
  readonly machine: Machine;
  readonly partitions: Partition[];
  readonly kernels: Kernel[];
  readonly link: Link;
  /** The kernel whose NIC is up, or null during takeover. */
  nicOwner: Kernel | null;
  readonly failovers: FailoverRecord[] = [];
  /** Set when replicas disagreed on output with no majority to decide (two replicas). */
  divergenceDetected = false;
  readonly #lastHeard: number[][];
  #failedNs = -1;

  constructor(sim: Simulation, config: FtLinuxConfig) {
    this.sim = sim;
    this.config = config;
    this.machine = createMachine(sim, config.machine);
    const n = config.replicas;
    const per = config.nodesPerPartition ?? Math.floor(this.machine.nodeCount / Math.max(2, n));
    this.partitions = partitionMachine(this.machine, n, per);
    this.link = new Link(sim, config.network.linkBitsPerSec, config.network.latencyNs);
    this.kernels = this.partitions.map((p, i) => new Kernel(this, i, p, i === 0));
    this.nicOwner = this.kernels[0]!;
    this.link.onServer = (p) => this.#nicReceive(p);
    this.#lastHeard = this.kernels.map(() => this.kernels.map(() => 0));
    this.machine.on((e) => this.#machineEvent(e.component, e.kind));
    if (n > 1) this.#startHeartbeats();
    if (config.mode === "logical-time") this.#startShepherd();
    FAILOVER_POLICIES[config.failover]?.attach?.(this);
  }

  /** The current primary (null when none is alive). */
  primary(): Kernel | null {
    return this.kernels.find((k) => k.role === "primary") ?? null;
  }

  /** Starts the replicated application's main thread on every replica. */
  start(name: string, body: FtThreadBody): void {
    for (const k of this.kernels) {
      for (let t = 0; t < 4; t++) {
        this.machine.memory.write(this.threadAddress(k, `${name}#${t}`), 0x5a5a5a5an);
      }
      k.ns.spawn(name, body);
    }
  }

  /** Address of a thread's working word in a replica's memory (bit-flip target). */
  threadAddress(k: Kernel, tid: string): number {
    let h = 0;
    for (let i = 0; i < tid.length && tid.charCodeAt(i) !== 47; i++) {
      h = (h * 31 + tid.charCodeAt(i)) | 0;
    }
    return k.partition.memoryBase + ((h >>> 0) % 4) * 8;
  }

  /** Sends a message into one kernel's ring from a callback context. */
  postTo(k: Kernel, msg: KernelMessage, bytes: number): void {
    if (k.role === "halted") return;
    k.ring.post({ ...msg, slots: k.ring.slotsFor(bytes) }, bytes);
  }

  /** A heartbeat from `from` reached `k`. */
  heard(k: Kernel, from: number): void {
    this.#lastHeard[k.id]![from] = this.sim.now;
  }

  /** A secondary's send checksum differs from the primary's log. */
  onDivergence(k: Kernel, tid: string, n: number): void {
    this.sim.trace.emit(this.sim.now, `replication.${k.name}`, "divergence", { tid, n });
    if (this.config.vote) return;
    // Two replicas cannot tell who is right: the secondary stops replicating (fail-safe).
    this.divergenceDetected = true;
    k.halt("send checksum mismatch");
  }

  /** Voting: the primary's output lost the vote; it halts and a secondary takes over. */
  outvoted(k: Kernel): void {
    this.sim.trace.emit(this.sim.now, `replication.${k.name}`, "outvoted");
    k.halt("outvoted");
    this.#detected(k, "machine-check");
  }

  /** Ring messages and ring bytes written so far, over every ring. */
  traffic(): { messages: number; bytes: number; stallNs: number } {
    let messages = 0, bytes = 0, stallNs = 0;
    for (const k of this.kernels) {
      messages += k.ring.messages;
      bytes += k.ring.bytes;
      stallNs += k.ring.stallNs;
    }
    return { messages, bytes, stallNs };
  }

  #nicReceive(p: Packet): void {
    const k = this.nicOwner;
    if (!k || k.role !== "primary") return;
    k.netfilterReceive(p);
  }

  #machineEvent(component: string, kind: string): void {
    if (kind !== "fail-stop" && kind !== "machine-check") return;
    for (const k of this.kernels) {
      if (k.role === "halted" || !k.partition.components.has(component)) continue;
      if (this.#failedNs < 0) this.#failedNs = this.sim.now;
      k.halt(`${kind} ${component}`);
      if (kind === "machine-check") this.#detected(k, "machine-check");
    }
  }

  #startHeartbeats(): void {
    const { periodNs } = this.config.heartbeat;
    const beat = () => {
      for (const k of this.kernels) {
        if (k.role === "halted") continue;
        for (const o of this.kernels) {
          if (o !== k) this.postTo(o, { t: "hb", from: k.id, slots: 1 }, 16);
        }
      }
      this.#checkPeers();
      if (this.kernels.length - this.#dead.size > 1) this.sim.after(periodNs, beat);
    };
    this.sim.after(periodNs, beat);
  }

  #checkPeers(): void {
    const timeout = this.config.heartbeat.timeoutNs;
    for (const k of this.kernels) {
      if (k.role === "halted") continue;
      for (const o of this.kernels) {
        if (o === k || this.#dead.has(o.id)) continue;
        if (this.sim.now - this.#lastHeard[k.id]![o.id]! > timeout) this.#detected(o, "heartbeat");
      }
    }
  }

  readonly #dead = new Set<number>();

  #detected(dead: Kernel, cause: FailoverRecord["cause"]): void {
    if (this.#dead.has(dead.id)) return;
    this.#dead.add(dead.id);
    dead.halt(`force-halted after ${cause}`);
    this.sim.trace.emit(this.sim.now, `replication.${dead.name}`, "declared-dead", { cause });
    for (const k of this.kernels) if (k.alive) k.peerDeclaredDead();
    if (!this.kernels.some((k) => k.role === "primary")) {
      const next = this.kernels.find((k) => k.role === "secondary");
      if (next) this.#takeover(next, cause);
    }
  }

  #takeover(k: Kernel, cause: FailoverRecord["cause"]): void {
    this.nicOwner = null;
    const rec: FailoverRecord = {
      failedNs: this.#failedNs < 0 ? this.sim.now : this.#failedNs,
      detectedNs: this.sim.now,
      liveNs: -1,
      by: k.name,
      cause,
      steps: [],
    };
    this.#failedNs = -1;
    this.failovers.push(rec);
    k.role = "primary";
    const steps = takeoverSteps(this.config, { sys: this, survivor: k });
    const run = (i: number) => {
      if (k.role === "halted") return;
      const s = steps[i];
      if (!s) return this.#promoted(k, rec);
      const start = this.sim.now;
      this.sim.after(s.costNs, () => {
        s.onDone?.();
        rec.steps.push({ name: s.name, startNs: start, endNs: this.sim.now });
        this.sim.trace.emit(this.sim.now, `replication.${k.name}`, "takeover-step", {
          step: s.name,
        });
        run(i + 1);
      });
    };
    run(0);
  }

  #promoted(k: Kernel, rec: FailoverRecord): void {
    rec.liveNs = this.sim.now;
    this.nicOwner = k;
    k.tcp.takeOver();
    k.ns.goLive();
    this.sim.trace.emit(this.sim.now, `replication.${k.name}`, "primary", {});
  }

  #startShepherd(): void {
    const tick = () => {
      const p = this.primary();
      if (!p) return;
      p.ns.shepherd();
      if ([...p.ns.threads.values()].some((t) => !t.done)) {
        this.sim.after(this.config.replay.shepherdNs, tick);
      }
    };
    this.sim.after(this.config.replay.shepherdNs, tick);
  }
}

/** Ring traffic rates over a measurement window. */
export interface TrafficRates {
  messagesPerSec: number;
  megabytesPerSec: number;
}

/**
 * Measures ring traffic from `warmNs` on: snapshots the counters at `warmNs` (scheduled now) and
 * returns a function that, after the run, traces the totals as `<component>` / `result` and gives
 * the rates up to the current time.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createFtLinux, measureTraffic } from "./ft_linux.ts";
 * const sim = createSim({ seed: 1 });
 * const rates = measureTraffic(createFtLinux(sim, {}), 0, "replication.example");
 * sim.run({ untilNs: 1_000_000 });
 * if (!(rates().messagesPerSec >= 0)) throw new Error("rates");
 * ```
 */
export function measureTraffic(
  sys: FtLinux,
  warmNs: number,
  component: string,
): () => TrafficRates {
  const sim = sys.sim;
  let m0 = 0, b0 = 0;
  sim.schedule(Math.max(warmNs, sim.now), () => {
    const tr = sys.traffic();
    [m0, b0] = [tr.messages, tr.bytes];
  });
  return () => {
    const tr = sys.traffic(), sec = (sim.now - warmNs) / 1e9;
    sim.trace.emit(sim.now, component, "result", { messages: tr.messages, bytes: tr.bytes });
    return {
      messagesPerSec: (tr.messages - m0) / sec,
      megabytesPerSec: (tr.bytes - b0) / sec / 1e6,
    };
  };
}
