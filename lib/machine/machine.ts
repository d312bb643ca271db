/**
 * The machine: cores, NUMA nodes with memory controllers, memory with ECC, an interconnect, and PCI
 * devices, with component health and observable events.
 *
 * Data flow: a fault (lib/faults) or a model calls `failStop`, `flipMemoryBits` or
 * `flipRegisterBit`; the machine updates component health (cascading from a socket to its nodes, from
 * a node to its cores, memory controller and devices), and every state change becomes a
 * {@linkcode MachineEvent} that goes to the trace (component `machine.<id>`) and to listeners.
 * Replication (lib/replication) listens for `fail-stop` and `machine-check`; drivers (lib/fgft) own
 * devices. The machine itself knows nothing of either.
 *
 * Component ids: `core:N`, `node:N`, `mc:N` (the memory controller of node N), `socket:N`,
 * `device:NAME`.
 *
 * @module
 */
import type { Simulation } from "../sim/simulation.ts";
import { Memory } from "./memory.ts";
import { PciDevice } from "./pci.ts";
import { type MachineConfig, machineConfig, type MachineConfigInput } from "./topology.ts";

/** Health of a component: up, or halted by a fail-stop. */
export type Health = "up" | "halted";

/** Kinds of machine events. */
export type MachineEventKind =
  | "fail-stop"
  | "bit-flip"
  | "register-flip"
  | "ecc-corrected"
  | "machine-check"
  | "bus-error";

/** A state change of the machine. */
export interface MachineEvent {
  timeNs: number;
  /** Component id, e.g. `node:3`. */
  component: string;
  kind: MachineEventKind;
  fields: Record<string, unknown>;
}

/** A core. */
export interface CoreInfo {
  id: number;
  node: number;
  socket: number;
}

/** A NUMA node. */
export interface NodeInfo {
  id: number;
  socket: number;
  cores: number[];
  /** First byte of the node's memory. */
  memoryBase: number;
}

/**
 * Builds a machine from a preset name or a config.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createMachine } from "./machine.ts";
 * const sim = createSim({ seed: 1 });
 * const m = createMachine(sim, "opteron-6376-4s");
 * const seen: string[] = [];
 * m.on((e) => seen.push(`${e.kind} ${e.component}`));
 * m.failStop("node:2", "injected");
 * if (m.health("core:16") !== "halted" || m.memoryReachable(2)) throw new Error("cascade");
 * if (!seen.includes("fail-stop node:2") || !seen.includes("fail-stop mc:2")) throw new Error("events");
 * ```
 */
export function createMachine(
  sim: Simulation,
  config: string | MachineConfigInput | ({ preset: string } & Partial<MachineConfigInput>),
): Machine {
  return new Machine(sim, machineConfig(config));
}

/** A simulated SMP machine. Build with {@linkcode createMachine}. */
export class Machine {
  readonly sim: Simulation;
  readonly config: MachineConfig;
  readonly memory: Memory;
  readonly cores: readonly CoreInfo[];
  readonly nodes: readonly NodeInfo[];
  readonly devices = new Map<string, PciDevice>();
  /** Fail-stops so far, in order. */
  readonly failures: { timeNs: number; component: string; reason: string }[] = [];
  readonly #health = new Map<string, Health>();
  readonly #hops: number[][];
  #listeners: ((e: MachineEvent) => void)[] = [];

  constructor(sim: Simulation, config: MachineConfig) {
    this.sim = sim;
    this.config = config;
    const nodeCount = config.sockets * config.nodesPerSocket;
    this.nodes = Array.from({ length: nodeCount }, (_, id) => ({
      id,
      socket: Math.floor(id / config.nodesPerSocket),
      cores: Array.from({ length: config.coresPerNode }, (_, k) => id * config.coresPerNode + k),
      memoryBase: id * config.memoryPerNode,
    }));
    this.cores = this.nodes.flatMap((n) =>
      n.cores.map((id) => ({ id, node: n.id, socket: n.socket }))
    );
    this.#hops = hopMatrix(config, nodeCount);
    this.memory = new Memory(
      {
        bytesPerNode: config.memoryPerNode,
        nodes: nodeCount,
        wordBytes: config.wordBytes,
        ecc: config.ecc,
      },
      {
        reachable: (n) => this.memoryReachable(n),
        corrected: (address, node) => this.#emit(`mc:${node}`, "ecc-corrected", { address }),
        uncorrectable: (address, node, bits) =>
          this.#emit(`mc:${node}`, "machine-check", { address, node, bits }),
        busError: (address, node, op) => this.#emit(`mc:${node}`, "bus-error", { address, op }),
      },
    );
    for (const d of config.devices) {
      const regs = Object.fromEntries(
        Object.entries(d.registers).map(([n, r]) => [n, { ...r }]),
      );
      this.attachDevice(new PciDevice(d.name, d.kind, d.node, d, regs));
    }
  }

  /** Number of NUMA nodes. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Health of a component (`core:N`, `node:N`, `mc:N`, `socket:N`, `device:NAME`). */
  health(component: string): Health {
    this.#checkComponent(component);
    return this.#health.get(component) ?? "up";
  }

  /** True when a core can run: it, its node and its socket are up. */
  coreUp(core: number): boolean {
    const c = this.cores[core];
    if (!c) throw new RangeError(`core ${core}: the machine has ${this.cores.length} cores`);
    return !this.#health.has(`core:${core}`) && this.nodeUp(c.node);
  }

  /** True when a node is up (and its socket). */
  nodeUp(node: number): boolean {
    return !this.#health.has(`node:${node}`);
  }

  /** True when a node's memory can be accessed: node and memory controller up. */
  memoryReachable(node: number): boolean {
    return this.nodeUp(node) && !this.#health.has(`mc:${node}`);
  }

  /** Attaches a device model (lib/fgft builds its NIC, sound card and mouse this way). */
  attachDevice(dev: PciDevice): void {
    if (this.devices.has(dev.name)) throw new RangeError(`device ${dev.name} already attached`);
    if (!this.nodes[dev.node]) throw new RangeError(`device ${dev.name}: no node ${dev.node}`);
    this.devices.set(dev.name, dev);
    dev.attach({
      reachable: () => this.nodeUp(dev.node) && !this.#health.has(`device:${dev.name}`),
      event: (kind, fields) => this.#emit(`device:${dev.name}`, kind as MachineEventKind, fields),
    });
  }

  /** A device by name; throws RangeError naming the known devices when absent. */
  device<D extends PciDevice = PciDevice>(name: string): D {
    const d = this.devices.get(name);
    if (!d) {
      throw new RangeError(`no device ${name} (have: ${[...this.devices.keys()].join(", ")})`);
    }
    return d as D;
  }

  /**
   * Fail-stops a component and everything it hosts: a socket halts its nodes; a node halts its
   * cores, its memory controller and the devices attached to it. Idempotent.
   */
  failStop(component: string, reason = "injected"): void {
    this.#checkComponent(component);
    if (this.#health.has(component)) return;
    this.#health.set(component, "halted");
    this.failures.push({ timeNs: this.sim.now, component, reason });
    this.#emit(component, "fail-stop", { reason });
    const [kind, id] = splitId(component);
    const cascade = `${reason} (via ${component})`;
    if (kind === "socket") {
      for (const n of this.nodes) {
        if (n.socket === Number(id)) this.failStop(`node:${n.id}`, cascade);
      }
    } else if (kind === "node") {
      const node = this.nodes[Number(id)]!;
      for (const c of node.cores) this.failStop(`core:${c}`, cascade);
      this.failStop(`mc:${node.id}`, cascade);
      for (const d of this.devices.values()) {
        if (d.node === node.id) this.failStop(`device:${d.name}`, cascade);
      }
    }
  }

  /** Flips bits of a memory word (transient fault); ECC sees it on the next read or scrub. */
  flipMemoryBits(address: number, bits: readonly number[]): void {
    this.memory.flipBits(address, bits);
    this.#emit(`mc:${this.memory.nodeOf(address)}`, "bit-flip", { address, bits: [...bits] });
  }

  /** Flips one bit of a device register (transient fault). */
  flipRegisterBit(device: string, register: string, bit: number): void {
    this.device(device).flipRegisterBit(register, bit);
  }

  /** Interconnect hops between two nodes. */
  hops(from: number, to: number): number {
    const h = this.#hops[from]?.[to];
    if (h === undefined) {
      throw new RangeError(`hops(${from}, ${to}): nodes are 0..${this.nodeCount - 1}`);
    }
    return h;
  }

  /** Latency of one memory access from a core to an address. */
  memoryLatencyNs(core: number, address: number): number {
    const c = this.cores[core];
    if (!c) throw new RangeError(`core ${core}: the machine has ${this.cores.length} cores`);
    const h = this.hops(c.node, this.memory.nodeOf(address));
    return this.config.localMemoryLatencyNs + h * this.config.hopLatencyNs;
  }

  /** Time to move `bytes` from one node to another (latency plus serialisation on one link). */
  transferNs(from: number, to: number, bytes: number): number {
    const h = this.hops(from, to);
    const wire = from === to ? 0 : Math.round((bytes / this.config.linkBytesPerSec) * 1e9);
    return this.config.localMemoryLatencyNs + h * this.config.hopLatencyNs + wire;
  }

  /** Subscribes to machine events; returns an unsubscribe function. */
  on(listener: (e: MachineEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #emit(component: string, kind: MachineEventKind, fields: Record<string, unknown>): void {
    const e: MachineEvent = { timeNs: this.sim.now, component, kind, fields };
    this.sim.trace.emit(e.timeNs, `machine.${component.replace(":", "")}`, kind, fields);
    for (const l of this.#listeners) l(e);
  }

  #checkComponent(component: string): void {
    const [kind, id] = splitId(component);
    const n = Number(id);
    const ok = kind === "core"
      ? n < this.cores.length
      : kind === "node" || kind === "mc"
      ? n < this.nodes.length
      : kind === "socket"
      ? n < this.config.sockets
      : kind === "device"
      ? this.devices.has(id)
      : false;
    // Canonical numbers only: health is keyed by the id string, so "core:01" would be a second,
    // disconnected entry for core 1.
    if (!ok || (kind !== "device" && !/^(0|[1-9]\d*)$/.test(id))) {
      throw new RangeError(
        `no component ${JSON.stringify(component)}: expected core:0..${this.cores.length - 1}, ` +
          `node:N or mc:N with N < ${this.nodes.length}, socket:N with N < ${this.config.sockets}, ` +
          `or device:NAME`,
      );
    }
  }
}

function splitId(component: string): [string, string] {
  const i = component.indexOf(":");
  return i < 0 ? [component, ""] : [component.slice(0, i), component.slice(i + 1)];
}

function hopMatrix(c: MachineConfig, n: number): number[][] {
  if (Array.isArray(c.hops)) return c.hops;
  const socketOf = (i: number) => Math.floor(i / c.nodesPerSocket);
  return Array.from(
    { length: n },
    (_, i) =>
      Array.from(
        { length: n },
        (_, j) => i === j ? 0 : c.hops === "full" || socketOf(i) === socketOf(j) ? 1 : 2,
      ),
  );
}
