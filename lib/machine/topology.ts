/**
 * Machine topology configs and presets.
 *
 * A machine has sockets; each socket holds NUMA nodes; each node has cores, a memory controller and
 * a contiguous range of physical memory. Nodes talk over an interconnect whose latency grows with
 * the number of hops between them. PCI devices are attached to a node (their I/O hub).
 *
 * Presets:
 * - `opteron-6376-4s`: the FT-Linux testbed (ft-linux.md section 1): 4 AMD Opteron 6376 sockets,
 *   2 dies (NUMA nodes) per socket, 8 cores per node = 64 cores, 16 GiB per node = 128 GiB. The hop
 *   matrix follows the usual 4-socket HyperTransport layout (the two dies of a socket 1 hop apart,
 *   other nodes 1 or 2 hops); the latencies are typical published values for that generation
 *   (local DRAM about 90 ns, about 40 ns per hop) and are parameters, not measurements of ours.
 * - `small-2node`: 1 socket, 2 nodes, 4 cores each, 1 GiB per node: quick tests and examples.
 *
 * @module
 */
import { z } from "zod";
import { durationNs, parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";

/** Sizes such as `"16GiB"`, `"512MiB"`, `"4KiB"` or a number of bytes. */
export const byteSize: z.ZodType<number, number | string> = z.union([z.number(), z.string()])
  .transform((v, ctx) => {
    const n = parseBytes(v);
    if (n === undefined) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a size such as "16GiB" or bytes',
        input: v,
      });
      return z.NEVER;
    }
    return n;
  });

/** Parses `"16GiB"`, `"1.5MiB"`, `"512B"` or a non-negative integer number of bytes. */
export function parseBytes(v: number | string): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?\s*$/.exec(v);
  if (!m) return undefined;
  const scale: Record<string, number> = {
    B: 1,
    KiB: 2 ** 10,
    MiB: 2 ** 20,
    GiB: 2 ** 30,
    TiB: 2 ** 40,
    KB: 1e3,
    MB: 1e6,
    GB: 1e9,
    TB: 1e12,
  };
  return Math.round(Number(m[1]) * scale[m[2] ?? "B"]!);
}

/** A named register of a PCI device (32 bits wide). */
export const registerSchema = z.object({
  offset: z.number().int().min(0),
  reset: z.number().int().min(0).max(0xffffffff).default(0),
  /** Bits software may change; writes to other bits are ignored (read-only bits). */
  writeMask: z.number().int().min(0).max(0xffffffff).default(0xffffffff),
}).strict();

/** A PCI device attached to a node. */
export const deviceConfigSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, "lower-case name"),
  /** Device class, used by drivers to find their devices. */
  kind: z.string().min(1),
  node: z.number().int().min(0),
  vendorId: z.number().int().min(0).max(0xffff).default(0x8086),
  deviceId: z.number().int().min(0).max(0xffff).default(0),
  registers: z.record(z.string(), registerSchema).default({}),
}).strict();

/** zod schema of a machine topology. */
export const machineConfigSchema = z.object({
  name: z.string().min(1),
  sockets: z.number().int().min(1).max(64),
  nodesPerSocket: z.number().int().min(1).max(16),
  coresPerNode: z.number().int().min(1).max(256),
  memoryPerNode: byteSize,
  /** Bytes per memory word (ECC protects one word). */
  wordBytes: z.literal(8).default(8),
  ecc: z.enum(["none", "secded"]).default("secded"),
  /** Latency of a memory access to the local node. */
  localMemoryLatencyNs: durationNs.default(90),
  /** Extra latency per interconnect hop. */
  hopLatencyNs: durationNs.default(40),
  /** Interconnect bandwidth per link, bytes per second. */
  linkBytesPerSec: z.number().positive().default(6.4e9),
  /**
   * Hops between nodes: `"full"` (every other node 1 hop away), `"socket"` (1 hop inside a socket, 2
   * across) or an explicit symmetric matrix with zeros on the diagonal.
   */
  hops: z.union([z.enum(["full", "socket"]), z.array(z.array(z.number().int().min(0)))])
    .default("socket"),
  devices: z.array(deviceConfigSchema).default([]),
}).strict().superRefine((c, ctx) => {
  const nodes = c.sockets * c.nodesPerSocket;
  c.devices.forEach((d, i) => {
    if (d.node >= nodes) {
      ctx.addIssue({
        code: "custom",
        path: ["devices", i, "node"],
        message: `a node number below ${nodes}`,
        input: d.node,
      });
    }
  });
  if (Array.isArray(c.hops)) checkHops(c.hops, nodes, ctx);
});

function checkHops(h: number[][], nodes: number, ctx: z.RefinementCtx): void {
  const bad = (path: (string | number)[], message: string, input: unknown) =>
    ctx.addIssue({ code: "custom", path: ["hops", ...path], message, input });
  if (h.length !== nodes) return bad([], `a ${nodes}x${nodes} matrix`, `${h.length} rows`);
  h.forEach((row, i) => {
    if (row.length !== nodes) return bad([i], `${nodes} columns`, `${row.length} columns`);
    row.forEach((v, j) => {
      if (i === j && v !== 0) bad([i, j], "0 on the diagonal", v);
      if (h[j]?.[i] !== v) bad([i, j], `a symmetric matrix (hops[${j}][${i}] = ${h[j]?.[i]})`, v);
    });
  });
}

/** A validated machine topology with every default filled in. */
export type MachineConfig = z.output<typeof machineConfigSchema>;
/** What a user may write for a machine topology. */
export type MachineConfigInput = z.input<typeof machineConfigSchema>;

/** 4-socket hop matrix: dies 2s and 2s+1 share socket s. */
const OPTERON_HOPS = [
  [0, 1, 1, 2, 1, 2, 1, 2],
  [1, 0, 2, 1, 2, 1, 2, 1],
  [1, 2, 0, 1, 1, 2, 2, 1],
  [2, 1, 1, 0, 2, 1, 1, 2],
  [1, 2, 1, 2, 0, 1, 1, 2],
  [2, 1, 2, 1, 1, 0, 2, 1],
  [1, 2, 2, 1, 1, 2, 0, 1],
  [2, 1, 1, 2, 2, 1, 1, 0],
];

/** The built-in machine presets. */
export const MACHINE_PRESETS: Readonly<Record<string, MachineConfigInput>> = {
  "opteron-6376-4s": {
    name: "opteron-6376-4s",
    sockets: 4,
    nodesPerSocket: 2,
    coresPerNode: 8,
    memoryPerNode: "16GiB",
    ecc: "secded",
    localMemoryLatencyNs: 90,
    hopLatencyNs: 40,
    hops: OPTERON_HOPS,
  },
  "small-2node": {
    name: "small-2node",
    sockets: 1,
    nodesPerSocket: 2,
    coresPerNode: 4,
    memoryPerNode: "1GiB",
    ecc: "secded",
    hops: "full",
  },
};

/**
 * Resolves a preset name or a config object (optionally a preset plus overrides) into a validated
 * {@linkcode MachineConfig}. Errors name the field.
 *
 * @example
 * ```ts
 * import { machineConfig } from "./topology.ts";
 * const m = machineConfig("opteron-6376-4s");
 * if (m.sockets * m.nodesPerSocket * m.coresPerNode !== 64) throw new Error("64 cores");
 * const small = machineConfig({ preset: "small-2node", ecc: "none" });
 * if (small.ecc !== "none") throw new Error("override lost");
 * ```
 */
export function machineConfig(
  input: string | MachineConfigInput | ({ preset: string } & Partial<MachineConfigInput>),
): MachineConfig {
  if (typeof input === "string") return parseConfig(machineConfigSchema, preset(input), "machine");
  if ("preset" in input) {
    const { preset: name, ...overrides } = input;
    return parseConfig(machineConfigSchema, { ...preset(name), ...overrides }, "machine");
  }
  return parseConfig(machineConfigSchema, input, "machine");
}

function preset(name: string): MachineConfigInput {
  const p = MACHINE_PRESETS[name];
  if (!p) {
    const known = Object.keys(MACHINE_PRESETS).join(", ");
    throw new ConfigError("preset", name, `one of ${known}`, "machine");
  }
  return p;
}
