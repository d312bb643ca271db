/**
 * A driver instance bound to its device inside a simulation, and the entry-point call path with
 * its protection: native calls, FGFT isolated calls (transactions with device checkpoints), and
 * the recovery baselines (no protection, Nooks-style restart, shadow driver).
 *
 * Objects and data flow:
 * ```
 * workload process --yield* host.call("set_mac", args)--> DriverHost
 *   native:   locks -> effects on memory and device -> unlock            (_native_call.ts)
 *   isolated: isolation mutex -> marshal copies -> rollback point -> device checkpoint
 *             -> SFI-checked run on the copies, kernel calls logged
 *             -> commit | (detected) undo log, resume-path restore, error  (_isolated_call.ts)
 *   restart / shadow: detection -> teardown, unload, reload, cold boot, probe, open
 *             (+ replay of the configuration log for shadow)             (_restart.ts)
 * ```
 * Faults arrive as armed bugs (`armBug`, or the `driver-bug` injector of lib/faults via
 * {@linkcode DriverHost.registerWith}); each fires on the nth later call of its entry point and shows
 * up as a manifestation drawn from its class (bug_classes.ts). Every rollback is recorded with the
 * states the checkers compare (checkers.ts).
 *
 * @module
 */
import type { FaultSchedule } from "../faults/schedule.ts";
import type { DriverBugClass } from "../faults/spec.ts";
import type { DeviceSnapshot } from "../machine/pci.ts";
import { parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";
import type { Yieldable } from "../sim/process.ts";
import type { Prng } from "../sim/prng.ts";
import { Mutex, type Request } from "../sim/resource.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { SimEvent } from "../sim/event.ts";
import { drawManifestation, type Manifestation } from "./bug_classes.ts";
import type { DeviceModel } from "./device_model.ts";
import { DriverMemory, type MemoryImage } from "./driver_memory.ts";
import {
  defineDriver,
  type DriverSpec,
  type DriverSpecInput,
  type EntryPoint,
} from "./driver_spec.ts";
import { type HostConfig, type HostConfigInput, hostConfigSchema } from "./host_config.ts";
import { nativeCall } from "./_native_call.ts";
import { isolatedCall } from "./_isolated_call.ts";
import { protectedCall } from "./_restart.ts";

/** Errors a call returns to its caller. */
export type CallError = "EIO" | "ENODEV" | "ECRASH";

/** What a caller gets back. */
export interface CallResult {
  ok: boolean;
  /** The return value (0 on success; a wrong-return bug yields another value). */
  value: number;
  error?: CallError;
  /** Whether some attempt was rolled back. */
  rolledBack: boolean;
  attempts: number;
}

/** One rollback, with the states the checkers compare. */
export interface RollbackRecord {
  entryPoint: string;
  manifestation: Manifestation;
  detectedNs: number;
  doneNs: number;
  deviceAtCheckpoint: DeviceSnapshot;
  deviceAfter: DeviceSnapshot;
  /**
   * Programmed registers whose device value already differed from driver memory at the checkpoint
   * (latent corruption left by an earlier fault that escaped isolation). The resume path
   * reprograms them from memory, so they cannot equal the checkpoint; checkers report them apart.
   */
  inconsistentAtCheckpoint: string[];
  memoryBefore: MemoryImage;
  memoryAfter: MemoryImage;
  allocationsBefore: number[];
  allocationsAfter: number[];
  locksHeldAfter: string[];
}

/** One recovery (any scheme): when the fault was detected and when the driver was ready again. */
export interface RecoveryRecord {
  scheme: HostConfig["recovery"];
  entryPoint: string;
  detectedNs: number;
  readyNs: number;
  steps: { name: string; startNs: number; ns: number }[];
}

/** One bug that fired. */
export interface FiredBug {
  entryPoint: string;
  bugClass: DriverBugClass;
  manifestation: Manifestation;
  atNs: number;
  isolated: boolean;
}

/** A bug waiting for its call. */
export interface ArmedBug {
  entryPoint: string;
  bugClass: DriverBugClass;
  /** Fire on this call after arming (1 = the next). */
  onCall?: number;
  /** Recur on every later call (a deterministic bug). */
  persistent?: boolean;
  /** Force a manifestation instead of drawing one (tests and what-if cells). */
  manifestation?: Manifestation;
}

/** Bound on live allocations and armed bugs: a model bug, not a simulated fault, beyond it. */
const MAX_ARMED = 1_024;

/**
 * A driver bound to a device in a simulation.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, E1000Nic, e1000Driver } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver(), { isolate: "config" });
 * host.armBug({ entryPoint: "set_mac", bugClass: "null-dereference", manifestation: "exception" });
 * let result;
 * sim.process(function* () {
 *   result = yield* host.call("set_mac", { mac_lo: 0xabcdef });
 * });
 * sim.run();
 * if (!result!.ok || host.rollbacks.length !== 1) throw new Error("rolled back, then retried");
 * ```
 */
export class DriverHost {
  readonly sim: Simulation;
  readonly device: DeviceModel;
  readonly spec: DriverSpec;
  readonly config: HostConfig;
  readonly memory: DriverMemory;
  /** The prototype runs one isolated transaction at a time. */
  readonly isolationMutex: Mutex;
  readonly rollbacks: RollbackRecord[] = [];
  readonly recoveries: RecoveryRecord[] = [];
  readonly fired: FiredBug[] = [];
  /** Successful calls per entry point. */
  readonly callCounts = new Map<string, number>();
  /** Set when a fault crashed the kernel (then every call fails with ECRASH). */
  crashedNs: number | undefined;
  /** Set when a call hung (infinite loop, or a deadlock on a leaked lock). */
  hungNs: number | undefined;
  /** Pending while a restart or shadow recovery runs. */
  recovering: SimEvent<undefined> | null = null;
  /** Live kernel allocations owned by the driver: id -> bytes. @internal */
  readonly allocations = new Map<number, number>();
  /** Driver locks and the requests holding them. @internal */
  readonly locks = new Map<string, Mutex>();
  /** @internal */
  readonly held = new Map<string, Request>();
  /** Shadow driver's log: the last arguments of each configuration call. @internal */
  readonly configLog = new Map<string, Record<string, number>>();
  /** @internal */
  readonly prng: Prng;
  #nextAllocation = 1;
  readonly #entries: ReadonlyMap<string, EntryPoint>;
  readonly #isolated: ReadonlySet<string>;
  #armed: (ArmedBug & { remaining: number })[] = [];

  constructor(
    sim: Simulation,
    device: DeviceModel,
    spec: DriverSpec | DriverSpecInput,
    config: HostConfigInput = {},
    isolationMutex?: Mutex,
  ) {
    this.sim = sim;
    this.device = device;
    this.spec = defineDriver(spec);
    this.config = parseConfig(hostConfigSchema, config, `${this.spec.name} host`);
    this.memory = new DriverMemory(this.spec);
    this.isolationMutex = isolationMutex ?? new Mutex(sim, "fgft.isolation");
    this.prng = sim.prng.fork(`fgft.${this.spec.name}`);
    this.#entries = new Map(this.spec.entryPoints.map((e) => [e.name, e]));
    this.#isolated = isolatedSet(this.spec, this.config);
    checkBinding(this.spec, device);
    for (const ep of this.spec.entryPoints) {
      for (const l of ep.locks) {
        if (!this.locks.has(l)) this.locks.set(l, new Mutex(sim, `${this.spec.name}.${l}`));
      }
    }
    this.bringUp();
  }

  /** The entry point named `name` (unknown names throw a ConfigError). */
  entry(name: string): EntryPoint {
    const ep = this.#entries.get(name);
    if (!ep) throw new ConfigError("entryPoint", name, `an entry point of ${this.spec.name}`);
    return ep;
  }

  /** Whether `name` runs isolated (only under FGFT). */
  isIsolated(name: string): boolean {
    return this.config.recovery === "fgft" && this.#isolated.has(name);
  }

  /** Arms a bug in an entry point. */
  armBug(bug: ArmedBug): void {
    this.entry(bug.entryPoint);
    if (this.#armed.length >= MAX_ARMED) throw new RangeError(`more than ${MAX_ARMED} armed bugs`);
    this.#armed.push({ ...bug, remaining: bug.onCall ?? 1 });
  }

  /** Registers this host as the `driver-bug` injector of a fault schedule (for its driver name). */
  registerWith(faults: FaultSchedule, others: DriverHost[] = []): void {
    const hosts = [this, ...others];
    faults.registerInjector("driver-bug", (spec) => {
      if (spec.kind !== "driver-bug") return;
      const host = hosts.find((h) => h.spec.name === spec.driver);
      if (!host) throw new ConfigError("driver", spec.driver, "a driver bound in this scenario");
      host.armBug({ ...spec, onCall: spec.onCall, persistent: spec.persistent });
    });
  }

  /**
   * Calls an entry point (a generator: `yield* host.call(...)` from a process). Applies the host's
   * protection and recovery; returns what the caller sees.
   */
  *call(
    name: string,
    args: Record<string, number> = {},
  ): Generator<Yieldable, CallResult, unknown> {
    const ep = this.entry(name);
    if (this.crashedNs !== undefined) return failure("ECRASH", 1);
    if (this.recovering) {
      if (this.config.recovery === "restart") return failure("ENODEV", 1);
      yield this.recovering;
    }
    if (this.config.recovery === "none" || this.config.recovery === "fgft") {
      return yield* this.#fgftOrNative(ep, args);
    }
    return yield* protectedCall(this, ep, args);
  }

  *#fgftOrNative(
    ep: EntryPoint,
    args: Record<string, number>,
  ): Generator<Yieldable, CallResult, unknown> {
    const isolated = this.isIsolated(ep.name);
    let rolledBack = false;
    for (let attempt = 1;; attempt++) {
      const bug = this.takeBug(ep, isolated);
      const r = isolated
        ? yield* isolatedCall(this, ep, args, bug)
        : yield* nativeCall(this, ep, args, bug);
      rolledBack ||= r.rolledBack;
      if (r.ok || !r.rolledBack || attempt > this.config.retries) {
        return { ...r, rolledBack, attempts: attempt };
      }
      if (this.config.retryDelayNs > 0) yield this.config.retryDelayNs;
    }
  }

  /** Takes the bug that fires on this call, if any, and records it. @internal */
  takeBug(ep: EntryPoint, isolated: boolean): Manifestation | undefined {
    const i = this.#armed.findIndex((b) => b.entryPoint === ep.name);
    if (i < 0) return undefined;
    const bug = this.#armed[i]!;
    if (--bug.remaining > 0) return undefined;
    if (bug.persistent) bug.remaining = 1;
    else this.#armed.splice(i, 1);
    const manifestation = bug.manifestation ?? drawManifestation(bug.bugClass, this.prng);
    this.fired.push({
      entryPoint: ep.name,
      bugClass: bug.bugClass,
      manifestation,
      atNs: this.sim.now,
      isolated,
    });
    this.trace("bug", { entryPoint: ep.name, bugClass: bug.bugClass, manifestation });
    return manifestation;
  }

  /** Disarms every pending bug (the paper retried the failed entry point without the fault). */
  disarmAll(): void {
    this.#armed = [];
  }

  /** Allocates kernel memory for the driver; returns its id. @internal */
  allocate(bytes: number): number {
    if (this.allocations.size >= 1 << 16) throw new RangeError("driver allocation table full");
    const id = this.#nextAllocation++;
    this.allocations.set(id, bytes);
    return id;
  }

  /** Probe's effect on a fresh device: enable it and program it from memory. @internal */
  bringUp(): void {
    this.device.coldBoot();
    this.device.writeConfig(0x04, 0x0006, 2); // memory space + bus master
    this.device.writeConfig(0x10, 0xfebc0000, 4); // BAR0
    for (const [reg, value] of Object.entries(this.programmedValues())) {
      this.device.writeRegister(reg, value);
    }
  }

  /** Register -> value from driver memory, for every programmed register. @internal */
  programmedValues(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reg, ref] of Object.entries(this.spec.programs)) out[reg] = this.memory.get(ref);
    return out;
  }

  /** Marks the kernel crashed. @internal */
  crash(ep: EntryPoint, manifestation: Manifestation): CallResult {
    this.crashedNs ??= this.sim.now;
    this.trace("crash", { entryPoint: ep.name, manifestation });
    return failure("ECRASH", 1);
  }

  /** Emits a trace record under `fgft.<driver>`. @internal */
  trace(kind: string, fields: Record<string, unknown>): void {
    this.sim.trace.emit(this.sim.now, `fgft.${this.spec.name}`, kind, fields);
  }

  /** Driver locks currently held. */
  locksHeld(): string[] {
    return [...this.locks].filter(([, m]) => m.inUse > 0).map(([n]) => n);
  }
}

/** A failed call result. */
export function failure(error: CallError, attempts: number, rolledBack = false): CallResult {
  return { ok: false, value: -1, error, rolledBack, attempts };
}

function isolatedSet(spec: DriverSpec, config: HostConfig): Set<string> {
  const p = config.isolate;
  if (Array.isArray(p)) {
    const names = new Set(spec.entryPoints.map((e) => e.name));
    p.forEach((n, i) => {
      if (!names.has(n)) throw new ConfigError(`isolate.${i}`, n, `an entry point of ${spec.name}`);
    });
    return new Set(p);
  }
  const kinds: Record<typeof p, string[]> = {
    "none": [],
    "config": ["config"],
    "config+control": ["config", "control"],
    "hot": ["hot"],
    "all": ["config", "control", "hot"],
  };
  return new Set(spec.entryPoints.filter((e) => kinds[p].includes(e.kind)).map((e) => e.name));
}

/** Every register the driver touches exists, and every written one can be restored. */
function checkBinding(spec: DriverSpec, device: DeviceModel): void {
  const regs = new Set(device.registerNames);
  const restorable = new Set([...Object.keys(spec.programs), ...spec.suspendRegisters]);
  const known = (r: string, where: string) => {
    if (!regs.has(r)) throw new ConfigError(where, r, `a register of ${device.name}`, "driver");
  };
  Object.keys(spec.programs).forEach((r) => known(r, `programs.${r}`));
  spec.suspendRegisters.forEach((r, i) => known(r, `suspendRegisters.${i}`));
  spec.entryPoints.forEach((ep, i) => {
    ep.registersRead.forEach((r, j) => known(r, `entryPoints.${i}.registersRead.${j}`));
    ep.registersWritten.forEach((r, j) => {
      known(r, `entryPoints.${i}.registersWritten.${j}`);
      if (!restorable.has(r)) {
        throw new ConfigError(
          `entryPoints.${i}.registersWritten.${j}`,
          r,
          "a register the checkpoint saves (suspendRegisters) or the driver reprograms (programs)",
          "driver",
        );
      }
    });
  });
}
