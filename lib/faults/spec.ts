/**
 * Fault specifications: one zod discriminated union on `kind`.
 *
 * - `fail-stop`: a component stops (`core:N`, `node:N`, `mc:N`, `socket:N`, `device:NAME`).
 * - `memory-bit-flip`: bits of one memory word flip (a particle strike).
 * - `memory-bit-flips`: a Poisson process of bit flips at `ratePerSec` over a region of memory;
 *   each event flips `bitsPerEvent` distinct bits of one word chosen uniformly in the region.
 * - `register-bit-flip`: one bit of a device register flips.
 * - `driver-bug`: a software fault in a driver entry point, of one of the classes of fgft.md
 *   (the FGFT layer registers the injector that carries it out).
 *
 * Every fault fires at a virtual time (`at`), or on a trigger: the `nth` trace record matching a
 * component prefix and/or kind, plus an optional delay (`after`).
 *
 * @module
 */
import { z } from "zod";
import { durationNs } from "../sim/config.ts";

/** The driver fault classes of fgft.md section 2 ("Fault injection"). */
export const DRIVER_BUG_CLASSES = [
  "pointer-corruption",
  "null-dereference",
  "stack-corruption",
  "heap-corruption",
  "wrong-register-write",
  "missing-unlock",
  "leak",
  "double-free",
  "bad-copy-length",
  "infinite-loop",
  "wrong-return-value",
  "branch-flip",
  "nop-instruction",
  "interface-fault",
] as const;

/** One driver fault class. */
export type DriverBugClass = typeof DRIVER_BUG_CLASSES[number];

/** When a fault fires. */
export const triggerSchema = z.object({
  /**
   * Match trace records of this component or below it (`machine.node1` matches `machine.node1.x`
   * but not `machine.node10`); a trailing `*` matches any prefix (`machine.core*`).
   */
  component: z.string().optional(),
  /** Match trace records of this kind. */
  kind: z.string().optional(),
  /** Fire on the nth match (1-based). */
  nth: z.number().int().min(1).default(1),
}).strict().refine((t) => t.component !== undefined || t.kind !== undefined, {
  message: "a trigger needs a component prefix or a kind",
});

const timing = {
  /** Absolute virtual time; the default when neither `at` nor `on` is given is 0. */
  at: durationNs.optional(),
  /** Fire on a trace record instead of at a time. */
  on: triggerSchema.optional(),
  /** Delay after `at` or after the trigger. */
  after: durationNs.default(0),
  /** A label for traces and reports. */
  label: z.string().optional(),
};

const componentId = z.string().regex(
  /^(core|node|mc|socket):\d+$|^device:[a-z][a-z0-9_-]*$/,
  "a component id such as core:3, node:1, mc:1, socket:0 or device:nic0",
);

const bit64 = z.number().int().min(0).max(63);

/** zod schema of a fault. */
export const faultSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fail-stop"), target: componentId, ...timing }).strict(),
  z.object({
    kind: z.literal("memory-bit-flip"),
    address: z.number().int().min(0),
    bits: z.array(bit64).min(1).max(64),
    ...timing,
  }).strict(),
  z.object({
    kind: z.literal("memory-bit-flips"),
    ratePerSec: z.number().positive(),
    bitsPerEvent: z.number().int().min(1).max(64).default(1),
    region: z.object({
      start: z.number().int().min(0),
      bytes: z.number().int().min(8),
    }).strict(),
    /** Stop injecting after this time (default: never). */
    untilNs: durationNs.optional(),
    ...timing,
  }).strict(),
  z.object({
    kind: z.literal("register-bit-flip"),
    device: z.string().min(1),
    register: z.string().min(1),
    bit: z.number().int().min(0).max(31),
    ...timing,
  }).strict(),
  z.object({
    kind: z.literal("driver-bug"),
    driver: z.string().min(1),
    entryPoint: z.string().min(1),
    bugClass: z.enum(DRIVER_BUG_CLASSES),
    /** Fire on this call of the entry point after arming (1 = the next call). */
    onCall: z.number().int().min(1).default(1),
    /** Whether the bug recurs on every later call (a deterministic bug) or fires once. */
    persistent: z.boolean().default(false),
    ...timing,
  }).strict(),
]);

/** A validated fault. */
export type FaultSpec = z.output<typeof faultSpecSchema>;
/** A fault as a user writes it. */
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
/** The fault kinds. */
export type FaultKind = FaultSpec["kind"];
