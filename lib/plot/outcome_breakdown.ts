/**
 * {@linkcode outcomeBreakdown}: how fault-injection trials end, per group (fault rate, driver,
 * fault type...), as stacked bars of the outcome classes of DESIGN.md.
 *
 * @module
 */
import { z } from "zod";
import { type Outcome, OUTCOME_COLORS, OUTCOMES, outcomeSchema } from "../faults/outcome.ts";
import { parseConfig } from "../sim/config.ts";
import { ConfigError } from "../sim/errors.ts";
import { axis, baseConfig, baseLayout } from "./_layout.ts";
import { fieldOf, finiteNumber, type Key, keyOf, nonEmpty, orderKeys } from "./_rows.ts";
import { Figure } from "./figure.ts";
import type { BarTrace } from "./spec.ts";

const WHAT = "outcomeBreakdown";

const optionsSchema = z.object({
  /** Field of each row that names its group (one bar per distinct value). */
  groupBy: z.string().min(1),
  /** Field holding the outcome class (default `"outcome"`). */
  outcomeField: z.string().min(1).default("outcome"),
  /** Field holding a count when rows are pre-aggregated; otherwise each row is one trial. */
  countField: z.string().min(1).optional(),
  /** `"fraction"` (default): share of each group's trials; `"count"`: number of trials. */
  scale: z.enum(["fraction", "count"]).default("fraction"),
  /** Groups listed here come first, in this order; the rest follow. */
  groupOrder: z.array(z.union([z.string(), z.number()])).default([]),
  /** Omit outcome classes that never occur (default: keep all five, so legends agree). */
  dropEmpty: z.boolean().default(false),
  title: z.string().optional(),
  /** Axis title for the groups (default: the `groupBy` field name). */
  xTitle: z.string().optional(),
  yTitle: z.string().optional(),
}).strict();

/** Options of {@linkcode outcomeBreakdown} (validated; unknown keys are rejected). */
export type OutcomeBreakdownOptions = z.input<typeof optionsSchema>;

/** Trials per group and outcome. */
type Tally = Map<Key, Record<Outcome, number>>;

/**
 * Stacked bars of outcome classes per group: one bar trace per class in {@linkcode OUTCOMES}
 * order (best at the bottom), coloured with {@linkcode OUTCOME_COLORS}.
 *
 * @param rows trial records (one per trial), or pre-aggregated records with `countField`.
 * @param options see {@linkcode OutcomeBreakdownOptions}; invalid values throw a `ConfigError`
 *   naming the field, e.g. `rows.3.outcome`.
 *
 * @example
 * ```ts
 * import { outcomeBreakdown } from "./outcome_breakdown.ts";
 * const trials = [
 *   { faultRate: 0.01, outcome: "masked" },
 *   { faultRate: 0.01, outcome: "recovered" },
 *   { faultRate: 0.1, outcome: "failed" },
 * ];
 * const fig = outcomeBreakdown(trials, { groupBy: "faultRate", title: "Outcome per fault rate" });
 * if (fig.data.length !== 5 || fig.layout.barmode !== "stack") throw new Error("not stacked");
 * ```
 */
export function outcomeBreakdown(
  rows: readonly object[],
  options: OutcomeBreakdownOptions,
): Figure {
  const o = parseConfig(optionsSchema, options, WHAT);
  const tally = tallyRows(nonEmpty(rows, "rows", WHAT), o.groupBy, o.outcomeField, o.countField);
  const groups = orderKeys([...tally.keys()], o.groupOrder);
  const used = OUTCOMES.filter((c) => !o.dropEmpty || groups.some((g) => countOf(tally, g, c) > 0));
  const data = used.map((c) => outcomeTrace(c, groups, tally, o.scale));
  const layout = baseLayout(o.title);
  layout.barmode = "stack";
  layout.legend = { traceorder: "reversed", title: { text: "outcome" } };
  layout.xaxis = axis(o.xTitle ?? o.groupBy, {
    type: "category",
    categoryorder: "array",
    categoryarray: groups.map(String),
  });
  layout.yaxis = o.scale === "fraction"
    ? axis(o.yTitle ?? "fraction of trials", { tickformat: ".0%", range: [0, 1] })
    : axis(o.yTitle ?? "trials", { rangemode: "tozero" });
  return new Figure({ data, layout, config: baseConfig() });
}

function tallyRows(
  rows: readonly object[],
  groupBy: string,
  outcomeField: string,
  countField: string | undefined,
): Tally {
  const tally: Tally = new Map();
  rows.forEach((row, i) => {
    const group = keyOf(fieldOf(row, groupBy), `rows.${i}.${groupBy}`, WHAT);
    const outcome = readOutcome(fieldOf(row, outcomeField), `rows.${i}.${outcomeField}`);
    const n = countField === undefined ? 1 : readCount(row, countField, `rows.${i}.${countField}`);
    const counts = tally.get(group) ??
      { masked: 0, recovered: 0, degraded: 0, failed: 0, silent: 0 };
    counts[outcome] += n;
    tally.set(group, counts);
  });
  return tally;
}

function readOutcome(value: unknown, path: string): Outcome {
  const r = outcomeSchema.safeParse(value);
  if (r.success) return r.data;
  throw new ConfigError(path, value, `one of ${OUTCOMES.join(", ")}`, WHAT);
}

function readCount(row: object, field: string, path: string): number {
  const n = finiteNumber(fieldOf(row, field), path, WHAT);
  if (n < 0) throw new ConfigError(path, n, "a non-negative count", WHAT);
  return n;
}

function countOf(tally: Tally, group: Key, outcome: Outcome): number {
  return tally.get(group)?.[outcome] ?? 0;
}

function totalOf(tally: Tally, group: Key): number {
  return OUTCOMES.reduce((sum, c) => sum + countOf(tally, group, c), 0);
}

function outcomeTrace(
  outcome: Outcome,
  groups: readonly Key[],
  tally: Tally,
  scale: "fraction" | "count",
): BarTrace {
  const counts = groups.map((g) => countOf(tally, g, outcome));
  const totals = groups.map((g) => totalOf(tally, g));
  const y = scale === "count" ? counts : counts.map((c, i) => c / Math.max(1, totals[i] ?? 0));
  const value = scale === "count" ? "%{y}" : "%{y:.1%}";
  return {
    type: "bar",
    name: outcome,
    x: groups.map(String),
    y,
    marker: { color: OUTCOME_COLORS[outcome] },
    customdata: counts.map((c, i) => `${c} of ${totals[i] ?? 0} trials`),
    hovertemplate: `%{x}<br>${outcome}: ${value} (%{customdata})<extra></extra>`,
  };
}
