/**
 * The warm-standby NIC of the `device-checkpoint` failover policy (issue 6): FT-Linux's takeover
 * without loading the NIC driver, using an FGFT device checkpoint (fgft.md section 2: the
 * driver's suspend subset; restore through the resume path skips cold boot and probe).
 *
 * Objects and data flow:
 * ```
 * admin --configure(ep, args)--> WarmStandbyNic (owner: the primary)
 *   1. log entry {seq, ep, args} to every secondary's ring (before the call runs: log first)
 *   2. the entry point runs natively on the primary's e1000 driver (lib/fgft DriverHost)
 *   3. refreshOnConfig: checkpoint = device.checkpoint(suspendRegisters) + configuration image
 *      (driver objects adapter, hw, netdev, mc_table), cost device.checkpointSteps on a primary
 *      core, shipped to every secondary's ring
 * refresher (every refreshIntervalNs, and once at boot): the same checkpoint
 * secondary k: Standby { checkpoint, image, cpSeq, tail: log entries with seq > cpSeq }
 * takeover (survivor k): attach the loaded driver -> device resume steps (lib/fgft model)
 *   -> rebuild rings in k's memory -> replay the tail on the device
 *   -> restore: replica = image + tail; device.resume(checkpoint minus ring heads,
 *      programmed registers from the replica); the replica becomes the driver's memory
 * ```
 * What must be replicated for correctness, and how it is here:
 * - configuration entry points (MAC, multicast list, MTU, offloads, wake-on-LAN...) are logged
 *   like syscalls, before they run; the checkpoint compacts the log (entries up to its `seq`);
 * - the descriptor rings are not replicated: they live in the dead partition's memory. The
 *   survivor rebuilds empty rings in its own memory (new base addresses, heads and tails reset)
 *   and the checkpoint's ring heads (TDH, RDH) are not restored. Frames queued in the old rings
 *   are discarded by the reset; TCP's flush step retransmits all unacknowledged data;
 * - no checkpoint yet (the primary died before the first one arrived): cold boot and probe from
 *   lib/fgft's model, then the configuration log replayed, like a shadow driver.
 * Failure-free cost: checkpoint and log messages on the ring ({@linkcode WarmStandbyNic.traffic})
 * and the checkpoint's register reads on a primary core.
 *
 * @module
 */
import type { DeviceCheckpoint, Step } from "../fgft/device_model.ts";
import { DriverHost } from "../fgft/driver_host.ts";
import { DriverMemory, type MemoryImage } from "../fgft/driver_memory.ts";
import type { DriverSpec, EntryPoint } from "../fgft/driver_spec.ts";
import { e1000Driver } from "../fgft/e1000_driver.ts";
import { type E1000ConfigInput, E1000Nic } from "../fgft/e1000_nic.ts";
import type { Yieldable } from "../sim/process.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { FtLinuxConfig } from "./config.ts";
import type { TakeoverStep } from "./failover_policy.ts";
import type { FtLinux } from "./ft_linux.ts";
import type { Kernel } from "./kernel.ts";
import type { KernelMessage } from "./messages.ts";
import type { DeviceCheckpointConfig } from "./nic_standby_config.ts";

/** Driver objects the checkpoint's configuration image carries (not rings, stats, EEPROM). */
export const CONFIG_OBJECTS = ["adapter", "hw", "netdev", "mc_table"] as const;
/** Ring head registers: they describe the dead partition's rings and are never restored. */
const RING_HEADS = new Set(["TDH", "RDH"]);
const MTA = Array.from({ length: 128 }, (_, i) => i);
/** Bounds: refreshes per run, log entries kept per standby, polls of an admin waiting a NIC. */
const MAX_REFRESHES = 10_000_000;
const MAX_TAIL = 100_000;
const MAX_WAIT_POLLS = 1_000_000;
const POLL_NS = 1_000_000;

/** One configuration call an administrator makes at `atNs` (e.g. `ip link set mtu 9000`). */
export interface NicConfigCall {
  atNs: number;
  entryPoint: string;
  args?: Record<string, number>;
}

/** What a configuration call returned, and on which kernel it ran. */
export interface NicCallResult {
  entryPoint: string;
  seq: number;
  ok: boolean;
  kernel: string;
  startNs: number;
  endNs: number;
}

/** The configuration the checker compares: what a user set through configuration entry points. */
export interface NicConfigFingerprint {
  macLo: number;
  macHi: number;
  multicast: number[];
  mcCount: number;
  mtu: number;
  rxCsum: number;
  txCsum: number;
  tso: number;
  sg: number;
  features: number;
  wol: number;
}

/** One restore at takeover. */
export interface NicRestoreRecord {
  atNs: number;
  survivor: string;
  /** Sequence number of the checkpoint restored (-1: none had arrived: cold boot + probe). */
  checkpointSeq: number;
  /** Log entries newer than the checkpoint, replayed on the device. */
  replayedCalls: number;
  /** The restored NIC's configuration (MAC, multicast, offloads read from the device). */
  restored: NicConfigFingerprint;
  /** What the primary had: after its completed calls (and, if one was running, after it too). */
  expected: NicConfigFingerprint[];
}

/** Ring traffic and CPU the standby cost in failure-free operation. */
export interface StandbyTraffic {
  checkpoints: number;
  checkpointMessages: number;
  checkpointRingBytes: number;
  configMessages: number;
  configRingBytes: number;
  /** Primary CPU spent reading the device for checkpoints, ns. */
  checkpointCpuNs: number;
}

interface LoggedCall {
  entryPoint: string;
  args: Record<string, number>;
}

interface Standby {
  cp: DeviceCheckpoint | null;
  image: MemoryImage | null;
  cpSeq: number;
  tail: Map<number, LoggedCall>;
}

const STANDBYS = new WeakMap<FtLinux, WarmStandbyNic>();

/**
 * The warm standby attached to an FT-Linux system (by the `device-checkpoint` policy), if any.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createFtLinux } from "./ft_linux.ts";
 * import { warmStandbyOf } from "./warm_standby.ts";
 * const sys = createFtLinux(createSim({ seed: 1 }), { failover: "device-checkpoint" });
 * if (!warmStandbyOf(sys)) throw new Error("no standby");
 * ```
 */
export function warmStandbyOf(sys: FtLinux): WarmStandbyNic | undefined {
  return STANDBYS.get(sys);
}

/**
 * The e1000 NIC of an FT-Linux machine with its driver on the primary and a warm standby on
 * every secondary. Built by the `device-checkpoint` policy when FT-Linux is created; scripts get
 * it with {@linkcode warmStandbyOf} and drive configuration calls with
 * {@linkcode WarmStandbyNic.runConfigCalls}.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createFtLinux } from "./ft_linux.ts";
 * import { warmStandbyOf } from "./warm_standby.ts";
 * const sim = createSim({ seed: 1 });
 * const sys = createFtLinux(sim, { failover: "device-checkpoint" });
 * const nic = warmStandbyOf(sys)!;
 * const res = nic.runConfigCalls([{ atNs: 1e6, entryPoint: "change_mtu", args: { mtu: 9000 } }]);
 * sim.run({ untilNs: 100e6 });
 * if (!res[0]?.ok || nic.traffic().checkpoints !== 2) throw new Error("boot + config refresh");
 * ```
 */
export class WarmStandbyNic {
  readonly sys: FtLinux;
  readonly sim: Simulation;
  readonly config: DeviceCheckpointConfig;
  /** The physical NIC (one device: the survivor takes over the same one). */
  readonly device: E1000Nic;
  readonly spec: DriverSpec;
  /** The primary's driver instance (lib/fgft), used until the first takeover. */
  readonly primaryDriver: DriverHost;
  /** Restores done at takeovers. */
  readonly restores: NicRestoreRecord[] = [];
  /** The kernel whose driver owns the NIC (null during a takeover). */
  owner: Kernel | null;
  #memory: DriverMemory;
  #host: DriverHost | null;
  /** What the primary's completed configuration calls left (ground truth for the checker). */
  readonly #reference: DriverMemory;
  #inflight: LoggedCall | null = null;
  #seqIssued = 0;
  #executedSeq = 0;
  readonly #standbys = new Map<number, Standby>();
  readonly #traffic: StandbyTraffic = {
    checkpoints: 0,
    checkpointMessages: 0,
    checkpointRingBytes: 0,
    configMessages: 0,
    configRingBytes: 0,
    checkpointCpuNs: 0,
  };

  constructor(sys: FtLinux) {
    this.sys = sys;
    this.sim = sys.sim;
    this.config = sys.config.deviceCheckpoint;
    this.device = new E1000Nic("ft.nic0", this.config.device as E1000ConfigInput);
    this.spec = e1000Driver();
    this.primaryDriver = new DriverHost(this.sim, this.device, this.spec, {
      recovery: "none",
      isolate: "none",
    });
    this.#host = this.primaryDriver;
    this.#memory = this.primaryDriver.memory;
    this.#reference = new DriverMemory(this.spec);
    this.owner = sys.kernels[0] ?? null;
    for (const k of sys.kernels.slice(1)) {
      this.#standbys.set(k.id, { cp: null, image: null, cpSeq: -1, tail: new Map() });
    }
    STANDBYS.set(sys, this);
    this.sim.process(() => this.#refresher(), "nic.refresher");
  }

  /** The driver memory of the NIC's current owner (the survivor's replica after a takeover). */
  get driverMemory(): DriverMemory {
    return this.#memory;
  }

  /** Checkpoint and configuration-log traffic so far. */
  traffic(): StandbyTraffic {
    return { ...this.#traffic };
  }

  /** Starts a process that makes `calls` in order (each at its `atNs` or later); results fill in. */
  runConfigCalls(calls: readonly NicConfigCall[]): NicCallResult[] {
    const out: NicCallResult[] = [];
    const sorted = [...calls].sort((a, b) => a.atNs - b.atNs);
    this.sim.process(() => this.#admin(sorted, out), "nic.admin");
    return out;
  }

  *#admin(calls: NicConfigCall[], out: NicCallResult[]): Generator<Yieldable, void, unknown> {
    for (const c of calls) {
      if (c.atNs > this.sim.now) yield c.atNs - this.sim.now;
      out.push(yield* this.configure(c.entryPoint, c.args ?? {}));
    }
  }

  /**
   * One configuration call on the NIC's owner (a generator for `yield*`): logged to the
   * secondaries first, then run, then (refreshOnConfig) a fresh checkpoint. During a takeover it
   * waits for the new owner. A call whose kernel dies while it runs returns `ok: false`.
   */
  *configure(
    entryPoint: string,
    args: Record<string, number> = {},
  ): Generator<Yieldable, NicCallResult, unknown> {
    const ep = this.primaryDriver.entry(entryPoint);
    const startNs = this.sim.now;
    for (let i = 0; i < MAX_WAIT_POLLS && !this.#ownerReady(); i++) yield POLL_NS;
    const k = this.owner;
    const seq = ++this.#seqIssued;
    const result = (ok: boolean) => ({
      entryPoint,
      seq,
      ok,
      kernel: k?.name ?? "none",
      startNs,
      endNs: this.sim.now,
    });
    if (!k || !this.#ownerReady()) return result(false);
    this.#inflight = { entryPoint, args: { ...args } };
    const logged = this.config.control !== "stale-checkpoint";
    if (logged && !(yield* this.#shipLog(k, seq, this.#inflight))) return result(false);
    if (this.#host) yield* this.#host.call(entryPoint, args);
    else {
      yield ep.costNs + ep.registersWritten.length * this.device.access.mmioWriteNs;
      applyWrites(this.#memory, ep, args);
      applyRegisters(this.spec, this.#memory, this.device, ep, args);
    }
    if (k.role !== "primary") return result(false);
    this.#executedSeq = seq;
    applyWrites(this.#reference, ep, args);
    this.#inflight = null;
    this.sim.trace.emit(this.sim.now, "replication.nic", "config", { entryPoint, seq });
    if (logged && this.config.refreshOnConfig) yield* this.#refresh(k, "config");
    return result(true);
  }

  /**
   * The NIC steps of a takeover by `survivor` (called by the policy when the takeover starts):
   * attach, the device model's resume steps (or cold boot + probe without a checkpoint),
   * rebuild rings, replay the log tail; the last step restores the device.
   */
  takeoverSteps(survivor: Kernel): TakeoverStep[] {
    this.owner = null;
    this.#host = null;
    const s = this.#standbys.get(survivor.id) ?? {
      cp: null,
      image: null,
      cpSeq: -1,
      tail: new Map(),
    };
    const tail = [...s.tail.entries()].filter(([seq]) => seq > s.cpSeq).sort((a, b) => a[0] - b[0])
      .map(([, c]) => c);
    const warm = s.cp !== null;
    const steps: TakeoverStep[] = warm ? warmSteps(this.config, this.device, this.spec) : [
      ...this.device.coldBootSteps().map((x) => step(`nic-cold-boot-${x.name}`, x.ns)),
      step("nic-probe", this.spec.costs.probeNs),
      step("nic-open", this.spec.costs.openNs),
    ];
    steps.push(step(
      "nic-rebuild-rings",
      2 * this.device.params.ringDescriptors * this.config.ringRebuildNsPerDescriptor,
    ));
    const replayNs = tail.reduce((sum, c) => {
      const ep = this.spec.entryPoints.find((e) => e.name === c.entryPoint)!;
      return sum + ep.costNs + ep.registersWritten.length * this.device.access.mmioWriteNs;
    }, 0);
    if (tail.length > 0) steps.push(step("nic-replay-config-tail", replayNs));
    steps[steps.length - 1]!.onDone = () => this.#restore(survivor, s, tail);
    return steps;
  }

  #ownerReady(): boolean {
    const k = this.owner;
    return k !== null && k.role === "primary" && this.sys.nicOwner === k;
  }

  *#refresher(): Generator<Yieldable, void, unknown> {
    const k0 = this.owner;
    if (k0) yield* this.#refresh(k0, "boot");
    const every = this.config.refreshIntervalNs;
    if (every <= 0) return;
    for (let i = 0; i < MAX_REFRESHES; i++) {
      yield every;
      if (!this.sys.kernels.some((k) => k.role === "secondary")) return;
      if (this.owner && this.#ownerReady()) yield* this.#refresh(this.owner, "periodic");
    }
  }

  /** Takes the suspend-subset checkpoint plus the configuration image and ships it. */
  *#refresh(k: Kernel, reason: string): Generator<Yieldable, void, unknown> {
    const saved = this.spec.suspendRegisters;
    const ns = this.device.checkpointSteps(saved.length).reduce((a, s) => a + s.ns, 0);
    yield* k.cores.run(ns);
    this.#traffic.checkpointCpuNs += ns;
    if (k.role !== "primary" || this.owner !== k) return;
    const seq = this.#executedSeq;
    const cp = this.device.checkpoint(saved);
    const image = this.#memory.copyOf(CONFIG_OBJECTS);
    const fields = Object.values(image).reduce((a, o) => a + Object.keys(o).length, 0);
    const bytes = 16 + cp.config.length + 4 * saved.length + 4 * fields;
    const targets = yield* this.#ship(k, { t: "nic-checkpoint", seq }, bytes);
    if (targets === null) return;
    this.#traffic.checkpoints++;
    this.#traffic.checkpointMessages += targets.length;
    this.#traffic.checkpointRingBytes += targets.length * this.#ringBytes(k, bytes);
    for (const s of targets) {
      if (seq < s.cpSeq) continue;
      s.cp = cp;
      s.image = image;
      s.cpSeq = seq;
      for (const n of [...s.tail.keys()]) if (n <= seq) s.tail.delete(n);
    }
    this.sim.trace.emit(this.sim.now, "replication.nic", "checkpoint", { seq, reason, bytes });
  }

  *#shipLog(k: Kernel, seq: number, call: LoggedCall): Generator<Yieldable, boolean, unknown> {
    const bytes = 24 + 8 * Object.keys(call.args).length;
    const targets = yield* this.#ship(k, { t: "nic-config", seq, ep: call.entryPoint }, bytes);
    if (targets === null) return false;
    this.#traffic.configMessages += targets.length;
    this.#traffic.configRingBytes += targets.length * this.#ringBytes(k, bytes);
    for (const s of targets) {
      if (seq <= s.cpSeq) continue;
      if (s.tail.size >= MAX_TAIL) throw new RangeError("nic standby: configuration log full");
      s.tail.set(seq, call);
    }
    return true;
  }

  /**
   * Writes a message into every live secondary's ring; returns their standbys (the payload
   * counts as delivered once written, as FT-Linux's rings), or null when `k` died meanwhile.
   */
  *#ship(
    k: Kernel,
    body: Record<string, unknown>,
    bytes: number,
  ): Generator<Yieldable, Standby[] | null, unknown> {
    // Kernels hand message types they do not know to the namespace, which frees their slots.
    const msg = { ...body, slots: 0 } as unknown as KernelMessage;
    try {
      yield* k.ship(msg, bytes);
    } catch (e) {
      if ((e as Error).name === "ReplicaHalted") return null;
      throw e;
    }
    return this.sys.kernels.filter((o) => o !== k && o.role === "secondary")
      .map((o) => this.#standbys.get(o.id)).filter((s): s is Standby => s !== undefined);
  }

  #ringBytes(k: Kernel, bytes: number): number {
    return k.ring.slotsFor(bytes) * this.sys.config.ring.slotBytes;
  }

  #restore(survivor: Kernel, s: Standby, tail: LoggedCall[]): void {
    if (survivor.role !== "primary") return;
    const replica = new DriverMemory(this.spec);
    if (s.image) replica.commit(structuredClone(s.image));
    const eps = tail.map((c) => this.primaryDriver.entry(c.entryPoint));
    tail.forEach((c, i) => applyWrites(replica, eps[i]!, c.args));
    rebuildRings(replica, survivor);
    const programmed: Record<string, number> = {};
    for (const [reg, ref] of Object.entries(this.spec.programs)) programmed[reg] = replica.get(ref);
    if (s.cp) {
      const registers = Object.fromEntries(
        Object.entries(s.cp.registers).filter(([r]) => !RING_HEADS.has(r)),
      );
      this.device.resume({ ...s.cp, registers }, programmed);
    } else {
      this.device.coldBoot();
      this.device.writeConfig(0x04, 0x0006, 2);
      this.device.writeConfig(0x10, 0xfebc0000, 4);
      for (const [reg, v] of Object.entries(programmed)) this.device.writeRegister(reg, v);
    }
    tail.forEach((c, i) => applyRegisters(this.spec, replica, this.device, eps[i]!, c.args));
    this.#memory = replica;
    this.owner = survivor;
    this.#executedSeq = this.#seqIssued;
    const expected = [memoryFingerprint(this.#reference)];
    if (this.#inflight) {
      const m = new DriverMemory(this.spec);
      m.commit(this.#reference.snapshot());
      applyWrites(m, this.primaryDriver.entry(this.#inflight.entryPoint), this.#inflight.args);
      expected.push(memoryFingerprint(m));
    }
    this.#inflight = null;
    this.restores.push({
      atNs: this.sim.now,
      survivor: survivor.name,
      checkpointSeq: s.cp ? s.cpSeq : -1,
      replayedCalls: tail.length,
      restored: deviceFingerprint(this.device, replica),
      expected,
    });
    this.sim.trace.emit(this.sim.now, "replication.nic", "restore", {
      survivor: survivor.name,
      seq: s.cp ? s.cpSeq : -1,
      replayed: tail.length,
    });
  }
}

function step(name: string, costNs: number): TakeoverStep {
  return { name, costNs };
}

/** Warm path: attach the loaded driver, then the device model's resume steps. */
function warmSteps(c: DeviceCheckpointConfig, device: E1000Nic, spec: DriverSpec): TakeoverStep[] {
  const saved = spec.suspendRegisters.filter((r) => !RING_HEADS.has(r)).length;
  const resume: Step[] = device.resumeSteps(saved, Object.keys(spec.programs).length);
  return [
    step("nic-attach-standby-driver", c.attachNs),
    ...resume.map((x) => step(`nic-resume-${x.name}`, x.ns)),
  ];
}

/**
 * The `device-checkpoint` NIC steps of a config when no system is at hand (listing, planning):
 * attach, the device model's resume steps, rebuild rings (no log tail).
 *
 * @example
 * ```ts
 * import { parseFtLinuxConfig } from "./config.ts";
 * import { staticDeviceCheckpointSteps } from "./warm_standby.ts";
 * const s = staticDeviceCheckpointSteps(parseFtLinuxConfig({ failover: "device-checkpoint" }));
 * if (!s.some((x) => x.name === "nic-resume-mac-reset")) throw new Error("resume path");
 * ```
 */
export function staticDeviceCheckpointSteps(config: FtLinuxConfig): TakeoverStep[] {
  const c = config.deviceCheckpoint;
  const device = new E1000Nic("nic", c.device as E1000ConfigInput);
  return [
    ...warmSteps(c, device, e1000Driver()),
    step("nic-rebuild-rings", 2 * device.params.ringDescriptors * c.ringRebuildNsPerDescriptor),
  ];
}

/** A configuration call's memory writes (driver_spec.ts semantics: the argument, or old + 1). */
function applyWrites(memory: DriverMemory, ep: EntryPoint, args: Record<string, number>): void {
  for (const ref of ep.writes) {
    const field = ref.split(".")[1]!;
    memory.set(ref, args[field] ?? ((memory.get(ref) + 1) >>> 0));
  }
}

/** A configuration call's register writes (from driver memory, the argument, or old + 1). */
function applyRegisters(
  spec: DriverSpec,
  memory: DriverMemory,
  device: E1000Nic,
  ep: EntryPoint,
  args: Record<string, number>,
): void {
  for (const r of ep.registersWritten) {
    const ref = spec.programs[r];
    const v = ref !== undefined
      ? memory.get(ref)
      : args[r] ?? ((device.readRegister(r).value + 1) >>> 0);
    device.writeRegister(r, v);
  }
}

/** Empty rings in the survivor's memory: new bases, producer/consumer indices reset. */
function rebuildRings(m: DriverMemory, survivor: Kernel): void {
  const base = (survivor.partition.memoryBase + 0x0370_0000) & 0xfffff000;
  m.set("tx_ring.dma_lo", base);
  m.set("tx_ring.next_to_use", 0);
  m.set("tx_ring.next_to_clean", 0);
  m.set("rx_ring.dma_lo", (base + 0x10000) & 0xfffff000);
  m.set("rx_ring.next_to_use", m.get("rx_ring.count") - 1);
  m.set("rx_ring.next_to_clean", 0);
}

/**
 * The configuration in driver memory (what a user set through configuration entry points).
 *
 * @example
 * ```ts
 * import { DriverMemory } from "../fgft/driver_memory.ts";
 * import { e1000Driver } from "../fgft/e1000_driver.ts";
 * import { memoryFingerprint } from "./warm_standby.ts";
 * if (memoryFingerprint(new DriverMemory(e1000Driver())).mtu !== 1500) throw new Error("mtu");
 * ```
 */
export function memoryFingerprint(m: DriverMemory): NicConfigFingerprint {
  return {
    macLo: m.get("hw.mac_lo"),
    macHi: m.get("hw.mac_hi"),
    multicast: MTA.map((i) => m.get(`mc_table.w${i}`)),
    mcCount: m.get("netdev.mc_count"),
    mtu: m.get("netdev.mtu"),
    rxCsum: m.get("adapter.rx_csum"),
    txCsum: m.get("adapter.tx_csum"),
    tso: m.get("adapter.tso"),
    sg: m.get("adapter.sg"),
    features: m.get("netdev.features"),
    wol: m.get("adapter.wol"),
  };
}

/**
 * The configuration of a running NIC: what the device registers hold (MAC, multicast table,
 * receive checksum offload, wake-up filter) and what lives only in driver memory (MTU, offloads).
 *
 * @example
 * ```ts
 * import { DriverMemory } from "../fgft/driver_memory.ts";
 * import { e1000Driver } from "../fgft/e1000_driver.ts";
 * import { E1000Nic } from "../fgft/e1000_nic.ts";
 * import { deviceFingerprint } from "./warm_standby.ts";
 * const nic = new E1000Nic("nic");
 * nic.coldBoot();
 * if (deviceFingerprint(nic, new DriverMemory(e1000Driver())).macLo !== 0) throw new Error("reset");
 * ```
 */
export function deviceFingerprint(device: E1000Nic, m: DriverMemory): NicConfigFingerprint {
  const reg = (r: string) => device.readRegister(r).value;
  return {
    ...memoryFingerprint(m),
    macLo: reg("RAL0"),
    macHi: reg("RAH0"),
    multicast: MTA.map((i) => reg(`MTA${i}`)),
    rxCsum: reg("RXCSUM"),
    wol: reg("WUFC"),
  };
}

/**
 * Checks every takeover restore: the restored NIC's configuration equals what the primary had
 * (after its completed configuration calls, or after the one it was running too). Returns null
 * or the first difference.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createFtLinux } from "./ft_linux.ts";
 * import { checkNicConfig, warmStandbyOf } from "./warm_standby.ts";
 * const sim = createSim({ seed: 1 });
 * const sys = createFtLinux(sim, { failover: "device-checkpoint" });
 * warmStandbyOf(sys)!.runConfigCalls([{ atNs: 1e6, entryPoint: "set_mac", args: { mac_lo: 7 } }]);
 * sim.schedule(50e6, () => sys.machine.failStop("node:1"));
 * sim.run({ untilNs: 2e9 });
 * if (checkNicConfig(warmStandbyOf(sys)!) !== null) throw new Error("config lost");
 * ```
 */
export function checkNicConfig(nic: WarmStandbyNic): string | null {
  for (const r of nic.restores) {
    if (r.expected.some((e) => sameConfig(e, r.restored))) continue;
    const e = r.expected[0]!;
    for (const key of Object.keys(e) as (keyof NicConfigFingerprint)[]) {
      if (JSON.stringify(e[key]) !== JSON.stringify(r.restored[key])) {
        return `restored NIC on ${r.survivor}: ${key} ${JSON.stringify(r.restored[key])}, ` +
          `primary had ${JSON.stringify(e[key])} (checkpoint ${r.checkpointSeq})`;
      }
    }
  }
  return null;
}

function sameConfig(a: NicConfigFingerprint, b: NicConfigFingerprint): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
