/**
 * What each injected driver-bug class does, and what the isolation detects.
 *
 * A bug of a class (DRIVER_BUG_CLASSES, fgft.md section 2 "Fault injection") shows up as one
 * *manifestation*, drawn from the class's distribution in {@linkcode BUG_CLASS_MODELS}. The
 * mechanism then decides detection per manifestation ({@linkcode DETECTION}):
 *
 * | manifestation        | isolated (FGFT, Nooks)                  | native                 |
 * |----------------------|-----------------------------------------|------------------------|
 * | exception            | detected (processor exception)          | kernel crash           |
 * | wild-write-outside   | detected (SFI range check)              | kernel crash           |
 * | double-free          | detected (free wrapper, allocation log) | kernel crash           |
 * | missing-unlock       | masked (locks released at commit)       | next caller deadlocks  |
 * | hang                 | escapes (hang), watchdog extension      | hang                   |
 * | wild-write-inside    | escapes: committed, latent corruption   | latent corruption      |
 * | wrong-return         | escapes: the caller gets a wrong value  | same                   |
 * | device-misconfig     | escapes: wrong value in a register      | same                   |
 * | leak                 | escapes: allocation never freed         | same                   |
 * | benign               | masked                                  | masked                 |
 *
 * The distributions are modelling assumptions in the spirit of the software-fault-injection studies
 * behind Nooks (e.g. a corrupted pointer mostly points outside the call's writable ranges, sometimes
 * into an object the call may write); they are not calibrated to the paper's per-class results,
 * which fgft.md does not give.
 *
 * @module
 */
import type { DriverBugClass } from "../faults/spec.ts";
import type { Prng } from "../sim/prng.ts";

/** How a bug shows up in one call. */
export type Manifestation =
  | "exception"
  | "wild-write-outside"
  | "wild-write-inside"
  | "double-free"
  | "missing-unlock"
  | "hang"
  | "wrong-return"
  | "device-misconfig"
  | "leak"
  | "benign";

/** Whether the isolation detects a manifestation (the table in the module doc). */
export const DETECTION: Readonly<Record<Manifestation, "detected" | "masked" | "escapes">> = {
  "exception": "detected",
  "wild-write-outside": "detected",
  "double-free": "detected",
  "missing-unlock": "masked",
  "hang": "escapes",
  "wild-write-inside": "escapes",
  "wrong-return": "escapes",
  "device-misconfig": "escapes",
  "leak": "escapes",
  "benign": "masked",
};

/** Per class: manifestation -> probability (each row sums to 1). */
export const BUG_CLASS_MODELS: Readonly<
  Record<DriverBugClass, Readonly<Partial<Record<Manifestation, number>>>>
> = {
  "pointer-corruption": {
    "wild-write-outside": 0.55,
    "exception": 0.2,
    "wild-write-inside": 0.15,
    "benign": 0.1,
  },
  "null-dereference": { "exception": 0.95, "benign": 0.05 },
  "stack-corruption": {
    "exception": 0.35,
    "wild-write-outside": 0.25,
    "wrong-return": 0.2,
    "benign": 0.2,
  },
  "heap-corruption": { "wild-write-outside": 0.5, "wild-write-inside": 0.3, "benign": 0.2 },
  "wrong-register-write": { "device-misconfig": 0.8, "benign": 0.2 },
  "missing-unlock": { "missing-unlock": 1 },
  "leak": { "leak": 1 },
  "double-free": { "double-free": 0.9, "benign": 0.1 },
  "bad-copy-length": {
    "wild-write-outside": 0.6,
    "wild-write-inside": 0.25,
    "exception": 0.1,
    "benign": 0.05,
  },
  "infinite-loop": { "hang": 1 },
  "wrong-return-value": { "wrong-return": 1 },
  "branch-flip": {
    "benign": 0.35,
    "wrong-return": 0.25,
    "exception": 0.15,
    "wild-write-inside": 0.15,
    "hang": 0.1,
  },
  "nop-instruction": {
    "benign": 0.45,
    "wild-write-inside": 0.2,
    "exception": 0.2,
    "wrong-return": 0.15,
  },
  "interface-fault": {
    "exception": 0.5,
    "wrong-return": 0.2,
    "wild-write-outside": 0.2,
    "benign": 0.1,
  },
};

/**
 * Draws the manifestation of one bug of `bugClass` from its distribution.
 *
 * @example
 * ```ts
 * import { Prng } from "../sim/prng.ts";
 * import { drawManifestation } from "./bug_classes.ts";
 * const m = drawManifestation("null-dereference", new Prng(1));
 * if (m !== "exception" && m !== "benign") throw new Error(m);
 * ```
 */
export function drawManifestation(bugClass: DriverBugClass, prng: Prng): Manifestation {
  const table = Object.entries(BUG_CLASS_MODELS[bugClass]) as [Manifestation, number][];
  let u = prng.float53();
  for (const [m, p] of table) {
    if (u < p) return m;
    u -= p;
  }
  return table[table.length - 1]![0];
}
