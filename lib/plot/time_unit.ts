/**
 * Display units for virtual time. ftlab's data is integer nanoseconds; figures show it in the
 * largest unit that keeps the axis readable and say the unit in the axis title.
 *
 * @module
 */

/** A display unit for durations and instants measured in nanoseconds. */
export interface TimeUnit {
  /** Identifier, as accepted by the `timeUnit` option of the builders. */
  readonly name: "s" | "ms" | "us" | "ns";
  /** Text used in axis titles, e.g. `"µs"`. */
  readonly label: string;
  /** Nanoseconds per unit: divide a value in ns by this to display it. */
  readonly ns: number;
}

const UNITS: readonly TimeUnit[] = [
  { name: "s", label: "s", ns: 1e9 },
  { name: "ms", label: "ms", ns: 1e6 },
  { name: "us", label: "µs", ns: 1e3 },
  { name: "ns", label: "ns", ns: 1 },
];

/** Names accepted where a unit may be chosen; `"auto"` picks from the data. */
export const TIME_UNIT_NAMES = ["auto", "s", "ms", "us", "ns"] as const;

/**
 * Picks the display unit for values in nanoseconds: the largest unit in which the largest
 * magnitude is at least 1. `name` forces a unit (`"auto"` or omitted picks one).
 *
 * @param valuesNs values in nanoseconds (non-finite values are ignored).
 *
 * @example
 * ```ts
 * import { pickTimeUnit } from "./time_unit.ts";
 * const unit = pickTimeUnit([0, 2_500_000]);
 * if (unit.name !== "ms" || 2_500_000 / unit.ns !== 2.5) throw new Error("expected ms");
 * if (pickTimeUnit([1], "s").label !== "s") throw new Error("forced unit ignored");
 * ```
 */
export function pickTimeUnit(
  valuesNs: Iterable<number>,
  name: typeof TIME_UNIT_NAMES[number] = "auto",
): TimeUnit {
  if (name !== "auto") return UNITS.find((u) => u.name === name) ?? nsUnit();
  let max = 0;
  for (const v of valuesNs) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return UNITS.find((u) => max >= u.ns) ?? nsUnit();
}

function nsUnit(): TimeUnit {
  return UNITS[UNITS.length - 1] as TimeUnit;
}

/** Converts nanoseconds to `unit`, rounding away binary noise (1e-9 relative). */
export function toUnit(valueNs: number, unit: TimeUnit): number {
  return Number((valueNs / unit.ns).toPrecision(12));
}
