/**
 * The FGFT checkers (DESIGN.md, "Correctness checkers"): after every rollback
 * - `device-restored`: the full device state (configuration space, every register, model state)
 *   equals its state when the checkpoint was taken, except programmed registers that already
 *   disagreed with driver memory at the checkpoint (latent corruption from an earlier fault that
 *   escaped isolation: the resume path reprograms from memory, fgft.md section 5; the swarm counts
 *   these cases as `latent`);
 * - `memory-unchanged`: driver memory equals its value before the call;
 * - `no-leak`: no allocation made during the call survives it, and no driver lock is held;
 * - `next-call-succeeds`: the next call of the entry point, without the injected fault, returns
 *   success (a leaked lock shows up here as a call that never returns).
 *
 * The negative controls of host_config.ts (`restore-skipped`, `log-not-undone`) break the rollback
 * so that the first and third checkers fire; tests and `ftlab swarm fgft --control` show they do.
 *
 * @module
 */
import type { DeviceSnapshot } from "../machine/pci.ts";
import type { CallResult, RollbackRecord } from "./driver_host.ts";
import type { MemoryImage } from "./driver_memory.ts";

/** The checker names. */
export const CHECKERS = [
  "device-restored",
  "memory-unchanged",
  "no-leak",
  "next-call-succeeds",
] as const;

/** One broken invariant. */
export interface RollbackViolation {
  checker: typeof CHECKERS[number];
  entryPoint: string;
  /** One line: what differs. */
  detail: string;
}

/**
 * Checks one rollback record against the first three invariants.
 *
 * @example
 * ```ts
 * import { checkRollback } from "./checkers.ts";
 * const dev = { config: [0], registers: { CTRL: 1 }, internal: {} };
 * const v = checkRollback({
 *   entryPoint: "set_mac", manifestation: "exception", detectedNs: 0, doneNs: 1,
 *   deviceAtCheckpoint: dev, deviceAfter: { ...dev, registers: { CTRL: 2 } },
 *   memoryBefore: {}, memoryAfter: {}, allocationsBefore: [], allocationsAfter: [], locksHeldAfter: [],
 *   inconsistentAtCheckpoint: [],
 * });
 * if (v.length !== 1 || v[0]!.checker !== "device-restored") throw new Error("missed");
 * ```
 */
export function checkRollback(r: RollbackRecord): RollbackViolation[] {
  const out: RollbackViolation[] = [];
  const dev = deviceDiff(r.deviceAtCheckpoint, r.deviceAfter, r.inconsistentAtCheckpoint);
  if (dev) out.push({ checker: "device-restored", entryPoint: r.entryPoint, detail: dev });
  const mem = memoryDiff(r.memoryBefore, r.memoryAfter);
  if (mem) out.push({ checker: "memory-unchanged", entryPoint: r.entryPoint, detail: mem });
  const before = new Set(r.allocationsBefore);
  const leaked = r.allocationsAfter.filter((a) => !before.has(a));
  if (leaked.length > 0 || r.locksHeldAfter.length > 0) {
    out.push({
      checker: "no-leak",
      entryPoint: r.entryPoint,
      detail: `${leaked.length} allocation(s) and locks [${
        r.locksHeldAfter.join(", ")
      }] left after rollback`,
    });
  }
  return out;
}

/**
 * Checks the call made after a rollback: it must have returned, with success.
 *
 * @example
 * ```ts
 * import { checkNextCall } from "./checkers.ts";
 * if (checkNextCall("get_link", undefined).length !== 1) throw new Error("a hung call is a violation");
 * ```
 */
export function checkNextCall(
  entryPoint: string,
  result: CallResult | undefined,
): RollbackViolation[] {
  if (result?.ok) return [];
  const detail = result === undefined ? "the call never returned" : `returned ${result.error}`;
  return [{ checker: "next-call-succeeds", entryPoint, detail }];
}

/** The first difference between two device snapshots (outside `ignore`), or undefined. */
export function deviceDiff(
  a: DeviceSnapshot,
  b: DeviceSnapshot,
  ignore: readonly string[] = [],
): string | undefined {
  const i = a.config.findIndex((v, k) => v !== b.config[k]);
  if (i >= 0) {
    return `config[0x${i.toString(16)}]: 0x${a.config[i]!.toString(16)} -> 0x${
      b.config[i]!.toString(16)
    }`;
  }
  for (const [n, v] of Object.entries(a.registers)) {
    if (b.registers[n] !== v && !ignore.includes(n)) {
      return `${n}: 0x${v.toString(16)} -> 0x${(b.registers[n] ?? 0).toString(16)}`;
    }
  }
  const ai = JSON.stringify(a.internal), bi = JSON.stringify(b.internal);
  return ai === bi ? undefined : `internal: ${ai} -> ${bi}`;
}

/** The first difference between two memory images, or undefined. */
export function memoryDiff(a: MemoryImage, b: MemoryImage): string | undefined {
  for (const [o, fields] of Object.entries(a)) {
    for (const [f, v] of Object.entries(fields)) {
      if (b[o]?.[f] !== v) return `${o}.${f}: ${v} -> ${b[o]?.[f]}`;
    }
  }
  return undefined;
}
