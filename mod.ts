/**
 * ftlab: fault-tolerant operating-system mechanisms as deterministic discrete-event simulations.
 *
 * - {@link "./lib/sim/mod.ts"}: the engine (virtual time in integer nanoseconds, events, generator
 *   processes, resources, stores, slot rings, seeded random streams, traces with digests);
 * - {@link "./lib/machine/mod.ts"}: an SMP machine (sockets, NUMA nodes, memory controllers, memory
 *   with ECC, interconnect, PCI devices) whose components fail-stop or suffer bit flips;
 * - {@link "./lib/faults/mod.ts"}: fault specs, the injection schedule and the outcome classes;
 * - {@link "./lib/replication/mod.ts"}: FT-Linux: partitions, kernel replicas, message rings,
 *   replicated threads and TCP, heartbeats and failover (ft-linux.md);
 * - {@link "./lib/fgft/mod.ts"}: FGFT: device models, drivers as data, entry-point transactions
 *   with device checkpoints, restart and shadow-driver baselines, checkers (fgft.md);
 * - {@link "./lib/workloads/mod.ts"}: workloads, clients and scenarios;
 * - {@link "./lib/campaign/mod.ts"}: campaigns over parameter grids, on workers, resumable, sharded,
 *   with statistics;
 * - {@link "./lib/plot/mod.ts"}: plotly figures that show inline in Jupyter and export to files.
 *
 * @example
 * ```ts
 * import { createMachine, createSim, FaultSchedule } from "./mod.ts";
 *
 * const sim = createSim({ seed: 42 });
 * const machine = createMachine(sim, "opteron-6376-4s");
 * machine.on((e) => {
 *   if (e.kind === "machine-check") console.log(`machine check at ${e.timeNs} ns on ${e.component}`);
 * });
 * machine.memory.write(0x1000, 7n);
 * new FaultSchedule(sim, machine, [
 *   { kind: "memory-bit-flip", address: 0x1000, bits: [0, 9], at: "1ms" },
 * ]).arm();
 * sim.process(function* () {
 *   yield 2_000_000; // 2 ms
 *   const r = machine.memory.read(0x1000);
 *   if (r.status !== "uncorrectable") throw new Error("SECDED should detect a double flip");
 * });
 * sim.run();
 * console.log(`trace digest ${sim.trace.digest}`);
 * ```
 *
 * @module
 */
export * from "./lib/sim/mod.ts";
export * from "./lib/machine/mod.ts";
export * from "./lib/faults/mod.ts";
export * from "./lib/workloads/mod.ts";
export * from "./lib/replication/mod.ts";
export * from "./lib/fgft/mod.ts";
export * from "./lib/campaign/mod.ts";
export * from "./lib/plot/mod.ts";
