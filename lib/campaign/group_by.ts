/**
 * Grouping of records by one or more fields, with a summary per group.
 *
 * @module
 */

/** The fields that identify a group, by name, e.g. `"rate"` or `["rate", "params.mode"]`. */
export type GroupKeys = string | readonly string[];

/**
 * One row per group: the key fields (named as given in `keys`), `n` the group's size, and the
 * summary's fields.
 */
export type GroupRow<S> = Record<string, unknown> & { n: number } & S;

const MAX_DEPTH = 16; // dotted paths deeper than this are a mistake, not data

/**
 * Groups `records` by the values of `keys` and summarises each group: returns plain rows ready to
 * tabulate or plot, `{ ...key fields, n, ...summarise(group) }`, in order of first appearance
 * (for campaign results: trial order, so the grid's order). Without `summarise` each row carries
 * its `records`.
 *
 * A key may be a dotted path (`"params.rate"`); the row then has a field of that exact name.
 * Values are compared by their JSON text, so `1` and `"1"` are different groups and objects group
 * by content. A missing field groups as `undefined`.
 *
 * @example
 * ```ts
 * import { groupBy } from "./group_by.ts";
 * import { proportion } from "./proportion.ts";
 * const records = [
 *   { rate: 1, outcome: "masked" },
 *   { rate: 1, outcome: "failed" },
 *   { rate: 2, outcome: "masked" },
 * ];
 * const rows = groupBy(records, "rate", (g) => ({
 *   masked: proportion(g.filter((r) => r.outcome === "masked").length, g.length),
 * }));
 * if (rows.length !== 2 || rows[0]!.n !== 2 || rows[0]!.masked.p !== 0.5) throw new Error("bad");
 * ```
 */
export function groupBy<R>(records: readonly R[], keys: GroupKeys): GroupRow<{ records: R[] }>[];
/** Groups `records` by `keys`, one row per group with the fields `summarise(group)` returns. */
export function groupBy<R, S extends object>(
  records: readonly R[],
  keys: GroupKeys,
  summarise: (group: R[], key: Record<string, unknown>) => S,
): GroupRow<S>[];
export function groupBy<R, S extends object>(
  records: readonly R[],
  keys: GroupKeys,
  summarise?: (group: R[], key: Record<string, unknown>) => S,
): GroupRow<S | { records: R[] }>[] {
  const names = typeof keys === "string" ? [keys] : [...keys];
  const groups = new Map<string, { key: Record<string, unknown>; records: R[] }>();
  for (const record of records) {
    const key = Object.fromEntries(names.map((name) => [name, lookup(record, name)]));
    const id = JSON.stringify(names.map((name) => key[name] ?? null));
    const group = groups.get(id) ?? { key, records: [] };
    group.records.push(record);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ key, records }) => ({
    ...key,
    n: records.length,
    ...(summarise ? summarise(records, key) : { records }),
  }));
}

function lookup(record: unknown, path: string): unknown {
  let value: unknown = record;
  const parts = path.split(".");
  if (parts.length > MAX_DEPTH) throw new RangeError(`key: "${path}" is nested too deeply`);
  for (const part of parts) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
