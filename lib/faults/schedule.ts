/**
 * The fault schedule: arms validated fault specs against a simulation and a machine.
 *
 * Machine faults (fail-stop, bit flips) are carried out here. Other kinds, `driver-bug` today, are
 * carried out by injectors that the owning layer registers (`registerInjector`): the FGFT layer
 * turns a driver bug into a faulty entry-point call. A fault whose kind has no injector when it
 * fires is an error in the experiment set-up, reported by throwing a ConfigError at `arm()`.
 *
 * Every injection is traced as `faults` / `inject` with the fault's label, so that triggers,
 * digests and timelines see it.
 *
 * @module
 */
import { z } from "zod";
import type { Machine } from "../machine/machine.ts";
import { parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";
import type { Prng } from "../sim/prng.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { TraceRecord } from "../sim/trace.ts";
import { type FaultSpec, type FaultSpecInput, faultSpecSchema } from "./spec.ts";

/** Carries out one fault of a kind the schedule does not handle itself. */
export type Injector = (spec: FaultSpec, ctx: { sim: Simulation; prng: Prng }) => void;

/** One injection that happened. */
export interface Injection {
  timeNs: number;
  index: number;
  kind: FaultSpec["kind"];
  label: string;
  detail: Record<string, unknown>;
}

/**
 * Arms faults; records every injection.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createMachine } from "../machine/mod.ts";
 * import { FaultSchedule } from "./schedule.ts";
 * const sim = createSim({ seed: 3 });
 * const machine = createMachine(sim, "small-2node");
 * const faults = new FaultSchedule(sim, machine, [
 *   { kind: "fail-stop", target: "node:1", at: "2ms" },
 *   { kind: "fail-stop", target: "core:0", on: { kind: "fail-stop", component: "machine.node1" } },
 * ]);
 * faults.arm();
 * sim.run();
 * if (faults.injections.length !== 2 || machine.coreUp(0)) throw new Error("not injected");
 * ```
 */
export class FaultSchedule {
  readonly sim: Simulation;
  readonly machine: Machine | undefined;
  readonly specs: readonly FaultSpec[];
  readonly injections: Injection[] = [];
  readonly #injectors = new Map<string, Injector>();
  readonly #prng: Prng;
  #armed = false;

  constructor(sim: Simulation, machine: Machine | undefined, specs: readonly FaultSpecInput[]) {
    this.sim = sim;
    this.machine = machine;
    // Wrapped so that errors name `faults.N.field`, as the checks of arm() do.
    this.specs = parseConfig(z.object({ faults: z.array(faultSpecSchema) }), { faults: specs })
      .faults;
    this.#prng = sim.prng.fork("faults");
  }

  /** Registers the injector for a fault kind handled by another layer (e.g. `driver-bug`). */
  registerInjector(kind: FaultSpec["kind"], injector: Injector): void {
    this.#injectors.set(kind, injector);
  }

  /** Schedules every fault. Call once, before `sim.run()`. */
  arm(): void {
    if (this.#armed) throw new Error("FaultSchedule.arm() called twice");
    this.#armed = true;
    this.specs.forEach((spec, index) => {
      this.#checkInjectable(spec, index);
      if (spec.on) this.#armTrigger(spec, index, spec.on);
      else {this.sim.schedule(Math.max(this.sim.now, (spec.at ?? 0) + spec.after), () =>
          this.#fire(spec, index));}
    });
  }

  #armTrigger(spec: FaultSpec, index: number, on: NonNullable<FaultSpec["on"]>): void {
    let seen = 0;
    const unsubscribe = this.sim.trace.subscribe((r: TraceRecord) => {
      if (on.kind !== undefined && r.kind !== on.kind) return;
      if (on.component !== undefined && !componentMatches(r.component, on.component)) return;
      if (++seen < on.nth) return;
      unsubscribe();
      this.sim.after(spec.after, () => this.#fire(spec, index));
    });
  }

  #fire(spec: FaultSpec, index: number): void {
    const label = spec.label ?? `${spec.kind}#${index}`;
    if (spec.kind === "memory-bit-flips") return this.#startFlipProcess(spec, index, label);
    const detail = this.#inject(spec);
    this.#record(index, spec.kind, label, detail);
  }

  #inject(spec: FaultSpec): Record<string, unknown> {
    const m = this.machine;
    switch (spec.kind) {
      case "fail-stop":
        m!.failStop(spec.target, spec.label ?? "injected");
        return { target: spec.target };
      case "memory-bit-flip":
        m!.flipMemoryBits(spec.address, spec.bits);
        return { address: spec.address, bits: spec.bits };
      case "register-bit-flip":
        m!.flipRegisterBit(spec.device, spec.register, spec.bit);
        return { device: spec.device, register: spec.register, bit: spec.bit };
      default:
        this.#injectors.get(spec.kind)!(spec, { sim: this.sim, prng: this.#prng });
        return {};
    }
  }

  #startFlipProcess(
    spec: Extract<FaultSpec, { kind: "memory-bit-flips" }>,
    index: number,
    label: string,
  ) {
    const m = this.machine!;
    const rng = this.#prng.fork(`flips${index}`);
    const words = Math.floor(spec.region.bytes / m.memory.wordBytes);
    const meanGapNs = 1e9 / spec.ratePerSec;
    const tick = (): void => {
      if (spec.untilNs !== undefined && this.sim.now > spec.untilNs) return;
      const address = spec.region.start + rng.int(words) * m.memory.wordBytes;
      const bits = rng.shuffle(Array.from({ length: 64 }, (_, i) => i)).slice(0, spec.bitsPerEvent);
      m.flipMemoryBits(address, bits);
      this.#record(index, spec.kind, label, { address, bits });
      this.sim.after(Math.max(1, Math.round(rng.exponential(meanGapNs))), tick);
    };
    this.sim.after(Math.max(1, Math.round(rng.exponential(meanGapNs))), tick);
  }

  #record(index: number, kind: FaultSpec["kind"], label: string, detail: Record<string, unknown>) {
    this.injections.push({ timeNs: this.sim.now, index, kind, label, detail });
    this.sim.trace.emit(this.sim.now, "faults", "inject", { label, kind, ...detail });
  }

  #checkInjectable(spec: FaultSpec, index: number): void {
    const machineKinds = ["fail-stop", "memory-bit-flip", "memory-bit-flips", "register-bit-flip"];
    if (machineKinds.includes(spec.kind)) {
      if (!this.machine) {
        throw new ConfigError(
          `faults.${index}.kind`,
          spec.kind,
          "a fault this model can carry out (no machine)",
        );
      }
      this.#checkOnMachine(spec, index, this.machine);
      return;
    }
    if (!this.#injectors.has(spec.kind)) {
      throw new ConfigError(
        `faults.${index}.kind`,
        spec.kind,
        "a fault kind this scenario can inject (no injector registered)",
      );
    }
  }

  #checkOnMachine(spec: FaultSpec, index: number, m: Machine): void {
    const at = (field: string, value: unknown, check: () => void) => {
      try {
        check();
      } catch (e) {
        throw new ConfigError(
          `faults.${index}.${field}`,
          value,
          (e as Error).message.replace(/^.*?expected /, ""),
        );
      }
    };
    if (spec.kind === "fail-stop") at("target", spec.target, () => m.health(spec.target));
    if (spec.kind === "register-bit-flip") {
      at("device", spec.device, () => m.device(spec.device));
      at("register", spec.register, () => m.device(spec.device).readRegister(spec.register));
    }
    if (spec.kind === "memory-bit-flip") {
      at("address", spec.address, () => m.memory.nodeOf(spec.address));
    }
    if (spec.kind === "memory-bit-flips") {
      const end = spec.region.start + spec.region.bytes - 1;
      at("region", spec.region, () => m.memory.nodeOf(end));
    }
  }
}

/**
 * `machine.node1` matches itself and `machine.node1.x`, not `machine.node10`; a trailing `*` makes
 * a plain prefix (`machine.core*` matches every core).
 */
function componentMatches(component: string, pattern: string): boolean {
  if (pattern.endsWith("*")) return component.startsWith(pattern.slice(0, -1));
  return component === pattern || component.startsWith(`${pattern}.`);
}
