/**
 * A memory-test workload: cores write patterns into their working sets and read them back.
 *
 * Each core of the workload runs a process that repeats: think (exponential, mean
 * `1 / opsPerSecPerCore`), pick a word of its working set, and write a fresh random pattern (with
 * probability `writeFraction`) or read the word back. Each access takes the machine's memory latency
 * from that core. The workload keeps a shadow copy of what it wrote, the ground truth against which
 * a read is judged; it also folds every value it reads into an output checksum, so that a run can be
 * compared with a fault-free reference run of the same seed.
 *
 * The workload runs on an unreplicated machine: a machine check, a bus error or the fail-stop of a
 * component it uses crashes it (the kernel would panic), and it stops.
 *
 * @module
 */
import { z } from "zod";
import type { Machine, MachineEvent } from "../machine/machine.ts";
import { ConfigError } from "../sim/errors.ts";
import type { Simulation } from "../sim/simulation.ts";

/** zod schema of the memory-test workload. */
export const memoryTestSchema = z.object({
  kind: z.literal("memory-test"),
  /** NUMA node whose cores and memory the workload uses. */
  node: z.number().int().min(0).default(0),
  /** Cores used (the first N cores of the node). */
  cores: z.number().int().min(1).default(4),
  /** Words in each core's working set. */
  wordsPerCore: z.number().int().min(1).max(1 << 22).default(4096),
  /** Accesses per second per core. */
  opsPerSecPerCore: z.number().positive().default(1e6),
  /** Fraction of accesses that are writes. */
  writeFraction: z.number().min(0).max(1).default(0.3),
}).strict();

/** A validated memory-test workload. */
export type MemoryTestConfig = z.output<typeof memoryTestSchema>;

/** Counters of a memory-test run. */
export interface MemoryTestMetrics {
  reads: number;
  writes: number;
  /** Reads that returned a value different from the last one written (undetected corruption). */
  wrongReads: number;
  corrected: number;
  machineChecks: number;
  busErrors: number;
  /** Virtual time of the crash, or -1 when the workload did not crash. */
  crashNs: number;
  crashCause: string;
  /** Checksum of every value read, in order (16 hex digits). */
  outputChecksum: string;
}

/** Byte range holding the workload's working sets (for targeting bit flips). */
export function memoryTestRegion(
  machine: Machine,
  w: MemoryTestConfig,
): { start: number; bytes: number } {
  return {
    start: machine.memory.baseOf(w.node),
    bytes: w.cores * w.wordsPerCore * machine.memory.wordBytes,
  };
}

/**
 * Starts the workload's processes on `machine`; read the metrics after the run.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createMachine } from "../machine/mod.ts";
 * import { MemoryTest, memoryTestSchema } from "./memory_test.ts";
 * const sim = createSim({ seed: 1 });
 * const machine = createMachine(sim, "small-2node");
 * const w = new MemoryTest(machine, memoryTestSchema.parse({ kind: "memory-test", cores: 2 }));
 * w.start();
 * sim.run({ untilNs: 1_000_000 });
 * if (w.metrics.reads + w.metrics.writes === 0 || w.metrics.wrongReads !== 0) throw new Error("bad");
 * ```
 */
export class MemoryTest {
  readonly machine: Machine;
  readonly config: MemoryTestConfig;
  readonly metrics: MemoryTestMetrics = {
    reads: 0,
    writes: 0,
    wrongReads: 0,
    corrected: 0,
    machineChecks: 0,
    busErrors: 0,
    crashNs: -1,
    crashCause: "",
    outputChecksum: "",
  };
  /** Accesses completed per time bin of `binNs` (see {@linkcode MemoryTest.throughput}). */
  readonly opsPerBin: number[] = [];
  /** Width of a throughput bin (0 = not recorded). */
  binNs = 0;
  readonly #shadow = new Map<number, bigint>();
  readonly #cores: number[];
  #h1 = 0x811c9dc5;
  #h2 = 0x12345678;

  constructor(machine: Machine, config: MemoryTestConfig) {
    // A workload that does not fit the machine is a user error (CLI exit status 2), not a bug.
    const node = machine.nodes[config.node];
    if (!node) {
      throw new ConfigError("workload.node", config.node, `a node 0..${machine.nodeCount - 1}`);
    }
    if (config.cores > node.cores.length) {
      throw new ConfigError(
        "workload.cores",
        config.cores,
        `at most ${node.cores.length} (the cores of node ${config.node})`,
      );
    }
    const region = memoryTestRegion(machine, config);
    if (region.bytes > machine.memory.bytesPerNode) {
      throw new ConfigError(
        "workload.wordsPerCore",
        config.wordsPerCore,
        `working sets that fit the node's ${machine.memory.bytesPerNode} bytes ` +
          `(${config.cores} x ${config.wordsPerCore} words need ${region.bytes})`,
      );
    }
    this.machine = machine;
    this.config = config;
    this.#cores = node.cores.slice(0, config.cores);
  }

  /** True once a fault crashed the workload. */
  get crashed(): boolean {
    return this.metrics.crashNs >= 0;
  }

  /** Throughput over time: accesses per second in each bin, at the bin's start. */
  throughput(): { tNs: number; value: number }[] {
    return this.opsPerBin.map((n, i) => ({ tNs: i * this.binNs, value: (n * 1e9) / this.binNs }));
  }

  /**
   * Starts one process per core and watches the machine for fatal events. With `binNs` > 0 the
   * workload also counts accesses per time bin, for throughput-over-time plots.
   */
  start(binNs = 0): void {
    this.binNs = binNs;
    const sim = this.machine.sim;
    this.machine.on((e) => this.#onMachineEvent(e));
    this.#cores.forEach((core, i) =>
      sim.process(this.#coreLoop(sim, core, i), `memtest.core${core}`)
    );
  }

  *#coreLoop(sim: Simulation, core: number, index: number): Generator<number, void, unknown> {
    const { wordsPerCore, opsPerSecPerCore, writeFraction } = this.config;
    const rng = sim.prng.fork(`memtest${index}`);
    const base = memoryTestRegion(this.machine, this.config).start + index * wordsPerCore * 8;
    const meanThinkNs = 1e9 / opsPerSecPerCore;
    const maxOps = 1e9;
    for (let op = 0; op < maxOps && !this.crashed; op++) {
      yield Math.round(rng.exponential(meanThinkNs));
      if (this.crashed || !this.machine.coreUp(core)) return;
      const address = base + rng.int(wordsPerCore) * 8;
      yield this.machine.memoryLatencyNs(core, address);
      if (this.crashed) return;
      if (rng.bernoulli(writeFraction)) {
        this.#write(address, BigInt(rng.u32()) << 32n | BigInt(rng.u32()));
      } else this.#read(address);
      if (this.binNs > 0) this.#countOp(sim.now);
    }
  }

  #countOp(nowNs: number): void {
    const bin = Math.floor(nowNs / this.binNs);
    while (this.opsPerBin.length <= bin) this.opsPerBin.push(0);
    this.opsPerBin[bin]!++;
  }

  #write(address: number, value: bigint): void {
    this.metrics.writes++;
    if (this.machine.memory.write(address, value)) this.#shadow.set(address, value);
  }

  #read(address: number): void {
    this.metrics.reads++;
    const r = this.machine.memory.read(address);
    if (r.status === "corrected") this.metrics.corrected++;
    if (r.status === "uncorrectable" || r.status === "bus-error") return;
    if (r.value !== (this.#shadow.get(address) ?? 0n)) this.metrics.wrongReads++;
    this.#absorb(r.value);
    this.metrics.outputChecksum = hex(this.#h1) + hex(this.#h2);
  }

  #absorb(v: bigint): void {
    const lo = Number(v & 0xffffffffn), hi = Number(v >> 32n);
    this.#h1 = Math.imul(this.#h1 ^ lo, 0x01000193) ^ Math.imul(hi, 0x5bd1e995);
    this.#h2 = Math.imul(this.#h2 ^ hi, 0x01000193) ^ Math.imul(lo, 0x27d4eb2d);
  }

  #onMachineEvent(e: MachineEvent): void {
    if (e.kind === "machine-check") this.metrics.machineChecks++;
    if (e.kind === "bus-error") this.metrics.busErrors++;
    const fatal = e.kind === "machine-check" || e.kind === "bus-error" ||
      (e.kind === "fail-stop" && this.#uses(e.component));
    if (fatal && !this.crashed) {
      this.metrics.crashNs = e.timeNs;
      this.metrics.crashCause = `${e.kind} ${e.component}`;
    }
  }

  #uses(component: string): boolean {
    const [kind, id] = component.split(":");
    const n = Number(id);
    if (kind === "core") return this.#cores.includes(n);
    if (kind === "node" || kind === "mc") return n === this.config.node;
    if (kind === "socket") return this.machine.nodes[this.config.node]!.socket === n;
    return false;
  }
}

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, "0");
}
