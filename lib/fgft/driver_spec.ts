/**
 * Drivers as plain, scriptable data: memory objects with sizes and fields, entry points that declare
 * what they read and write, which registers they touch, which locks and allocations they take, and
 * what they cost; the register <- memory mapping the driver reprograms at resume (`programs`); the
 * registers its suspend routine saves (`suspendRegisters`); and its restart costs.
 *
 * Semantics of a call with arguments `args` (record of numbers):
 * - each `writes` entry `"object.field"` becomes `args[field]` if given, else its old value + 1
 *   (a counter or sequence number: ring indices, statistics);
 * - each register in `registersWritten` gets the value of the field `programs` maps it to (so device
 *   and memory agree), else `args[register]`, else its old value + 1;
 * - locks are taken in order and held to the end of the call; `tempAllocations` kernel allocations are
 *   made and freed inside the call; `checkedWrites` pointer writes are range-checked when isolated.
 *
 * A user defines a new driver or adds an entry point by writing such an object and passing it to
 * {@linkcode defineDriver}, which validates it once (a bad field throws a ConfigError naming it).
 *
 * @module
 */
import { z } from "zod";
import { durationNs, parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, "a lower-case identifier");
const fieldRef = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "object.field");

/** The entry-point classes: configuration paths, the I/O hot path, and control (open, close...). */
export const ENTRY_POINT_KINDS = ["config", "hot", "control"] as const;

/** zod schema of an entry point. */
export const entryPointSchema = z.object({
  name: identifier,
  kind: z.enum(ENTRY_POINT_KINDS),
  /** Native execution time of one call. */
  costNs: durationNs,
  /** Objects the call reads (marshaled into private copies when isolated). */
  reads: z.array(identifier).default([]),
  /** Fields the call writes, as "object.field". */
  writes: z.array(fieldRef).default([]),
  registersRead: z.array(z.string().min(1)).default([]),
  registersWritten: z.array(z.string().min(1)).default([]),
  /** Driver locks taken, in order; held until the call ends. */
  locks: z.array(identifier).default([]),
  /** Kernel allocations made and freed within the call. */
  tempAllocations: z.number().int().min(0).max(64).default(0),
  /** Pointer writes the isolated copy range-checks. */
  checkedWrites: z.number().int().min(0).max(1_000_000).default(8),
  /** Argument bytes marshaled besides the objects (e.g. an ethtool command struct). */
  argBytes: z.number().int().min(0).max(1 << 24).default(0),
}).strict();

/** An entry point as a user writes it. */
export type EntryPointInput = z.input<typeof entryPointSchema>;
/** A validated entry point. */
export type EntryPoint = z.output<typeof entryPointSchema>;

/** The device models a driver can drive. */
export const DEVICE_MODELS = ["e1000", "ens1371", "psmouse"] as const;

/** zod schema of a driver. */
export const driverSpecSchema = z.object({
  name: identifier,
  device: z.enum(DEVICE_MODELS),
  objects: z.array(
    z.object({
      name: identifier,
      /** Size of the object in bytes (what marshaling copies). */
      bytes: z.number().int().min(1).max(1 << 26),
      /** Initial field values: what probe sets up (and what a restart goes back to). */
      fields: z.record(identifier, z.number().int()),
    }).strict(),
  ).min(1).max(256),
  entryPoints: z.array(entryPointSchema).min(1).max(512),
  /** Register -> "object.field": the resume path reprograms these from driver memory. */
  programs: z.record(z.string().min(1), fieldRef).default({}),
  /** Registers the suspend subset saves (besides PCI configuration space). */
  suspendRegisters: z.array(z.string().min(1)).default([]),
  /** Restart costs (driver software only; the device's cold boot is the device model's). */
  costs: z.object({
    /** Unloading the module: unregister, free, tear down (Nooks also releases tracked objects). */
    moduleUnloadNs: durationNs.default(30_000_000),
    /** Loading the module: relocation, symbol resolution, init. */
    moduleLoadNs: durationNs.default(20_000_000),
    /** Probe software work: allocate and register the device with its subsystem. */
    probeNs: durationNs.default(15_000_000),
    /** Open/activate after probe: allocate rings or buffers, request the interrupt. */
    openNs: durationNs.default(3_000_000),
  }).strict().default({
    moduleUnloadNs: 30_000_000,
    moduleLoadNs: 20_000_000,
    probeNs: 15_000_000,
    openNs: 3_000_000,
  }),
}).strict();

/** A driver as a user writes it. */
export type DriverSpecInput = z.input<typeof driverSpecSchema>;
/** A validated driver. */
export type DriverSpec = z.output<typeof driverSpecSchema>;

/**
 * Validates a driver definition, including references: every written field and every `programs`
 * target names an object field, read objects exist, names are unique.
 *
 * @example
 * ```ts
 * import { defineDriver } from "./driver_spec.ts";
 * const led = defineDriver({
 *   name: "led",
 *   device: "psmouse",
 *   objects: [{ name: "state", bytes: 64, fields: { rate: 100 } }],
 *   entryPoints: [{ name: "set_rate", kind: "config", costNs: "2us", writes: ["state.rate"],
 *     registersWritten: ["PS2_RATE"] }],
 *   programs: { PS2_RATE: "state.rate" },
 * });
 * if (led.entryPoints[0]!.checkedWrites !== 8) throw new Error("defaults not filled");
 * ```
 */
export function defineDriver(input: DriverSpecInput | DriverSpec): DriverSpec {
  const d = parseConfig(driverSpecSchema, input, "driver");
  const objects = new Map(d.objects.map((o) => [o.name, o]));
  unique(d.objects.map((o) => o.name), "objects");
  unique(d.entryPoints.map((e) => e.name), "entryPoints");
  const checkField = (ref: string, where: string) => {
    const [obj, field] = ref.split(".") as [string, string];
    const o = objects.get(obj);
    if (!o || !(field in o.fields)) {
      throw new ConfigError(where, ref, "a field of one of the driver's objects", "driver");
    }
  };
  d.entryPoints.forEach((ep, i) => {
    ep.writes.forEach((w, j) => checkField(w, `entryPoints.${i}.writes.${j}`));
    ep.reads.forEach((r, j) => {
      if (!objects.has(r)) {
        throw new ConfigError(
          `entryPoints.${i}.reads.${j}`,
          r,
          "one of the driver's objects",
          "driver",
        );
      }
    });
  });
  for (const [reg, ref] of Object.entries(d.programs)) checkField(ref, `programs.${reg}`);
  return d;
}

function unique(names: string[], where: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new ConfigError(`${where}.${i}.name`, n, "a unique name", "driver");
    seen.add(n);
  });
}
