/**
 * The outcome classes of a fault-injection trial (DESIGN.md, "Outcomes of a fault").
 *
 * Checkers classify each trial by comparing it with a fault-free reference run of the same seed:
 * - `masked`: no effect visible;
 * - `recovered`: detected and handled, the service continued (with a recovery duration);
 * - `degraded`: the service continued with visible errors (an error returned to an application,
 *   lost configuration);
 * - `failed`: the service stopped (crash or hang);
 * - `silent`: undetected wrong output.
 *
 * @module
 */
import { z } from "zod";

/** The outcome classes, in the order figures stack them (best first). */
export const OUTCOMES = ["masked", "recovered", "degraded", "failed", "silent"] as const;

/** One outcome class. */
export type Outcome = typeof OUTCOMES[number];

/** zod schema of an outcome class. */
export const outcomeSchema: z.ZodEnum<{ [K in Outcome]: K }> = z.enum(OUTCOMES);

/** Colours used for each outcome in every figure, so that figures agree with each other. */
export const OUTCOME_COLORS: Readonly<Record<Outcome, string>> = {
  masked: "#4c9a2a",
  recovered: "#2b7bba",
  degraded: "#e0a526",
  failed: "#c0392b",
  silent: "#6c3483",
};

/**
 * The classified result of one trial.
 *
 * @example
 * ```ts
 * import type { OutcomeRecord } from "./outcome.ts";
 * const r: OutcomeRecord = { outcome: "recovered", recoveryNs: 1_000_000, detail: "rolled back" };
 * ```
 */
export interface OutcomeRecord {
  outcome: Outcome;
  /** Time from detection to restored service; only for `recovered` (and `degraded` when known). */
  recoveryNs?: number;
  /** One line that says why this class was chosen. */
  detail?: string;
}

/**
 * Counts outcomes, with every class present (zero when absent), in {@linkcode OUTCOMES} order.
 *
 * @example
 * ```ts
 * import { countOutcomes } from "./outcome.ts";
 * const c = countOutcomes(["masked", "failed", "masked"]);
 * if (c.masked !== 2 || c.silent !== 0) throw new Error("bad count");
 * ```
 */
export function countOutcomes(outcomes: Iterable<Outcome>): Record<Outcome, number> {
  const counts = { masked: 0, recovered: 0, degraded: 0, failed: 0, silent: 0 };
  for (const o of outcomes) counts[o]++;
  return counts;
}
