/**
 * Partitions: disjoint sets of NUMA nodes (with their cores and memory controllers) and devices
 * of one machine, each running one kernel replica (ft-linux.md section 1).
 *
 * @module
 */
import type { Machine } from "../machine/machine.ts";
import { ConfigError } from "../sim/errors.ts";

/** One partition of a machine. */
export interface Partition {
  /** Index, 0 = the partition of the initial primary. */
  id: number;
  /** NUMA nodes it owns. */
  nodes: number[];
  /** Cores it owns. */
  cores: number[];
  /** Devices attached to its nodes (it owns them). */
  devices: string[];
  /** Component ids whose fail-stop stops the partition's kernel (nodes, mcs, cores, sockets). */
  components: Set<string>;
  /** First byte of its memory (its first node's memory). */
  memoryBase: number;
}

/**
 * Splits a machine into `count` partitions of `nodesPerPartition` consecutive NUMA nodes. A socket
 * is a component of a partition when any of its nodes is.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createMachine } from "../machine/mod.ts";
 * import { partitionMachine } from "./partition.ts";
 * const m = createMachine(createSim({ seed: 1 }), "opteron-6376-4s");
 * const [p0, p1] = partitionMachine(m, 2, 4);
 * if (p0!.cores.length !== 32 || !p1!.components.has("mc:5")) throw new Error("split");
 * ```
 */
export function partitionMachine(machine: Machine, count: number, nodesPerPartition: number) {
  if (count * nodesPerPartition > machine.nodeCount) {
    throw new ConfigError(
      "nodesPerPartition",
      nodesPerPartition,
      `at most ${
        Math.floor(machine.nodeCount / count)
      } (${machine.nodeCount} nodes, ${count} partitions)`,
      "ftlinux",
    );
  }
  const parts: Partition[] = [];
  for (let p = 0; p < count; p++) {
    const nodes = Array.from({ length: nodesPerPartition }, (_, k) => p * nodesPerPartition + k);
    const components = new Set<string>();
    const cores: number[] = [];
    for (const n of nodes) {
      const info = machine.nodes[n]!;
      components.add(`node:${n}`).add(`mc:${n}`).add(`socket:${info.socket}`);
      for (const c of info.cores) {
        cores.push(c);
        components.add(`core:${c}`);
      }
    }
    const devices = [...machine.devices.values()].filter((d) => nodes.includes(d.node))
      .map((d) => d.name);
    parts.push({
      id: p,
      nodes,
      cores,
      devices,
      components,
      memoryBase: machine.memory.baseOf(nodes[0]!),
    });
  }
  return parts;
}
