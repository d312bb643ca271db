/**
 * Reading fields of user records, with errors that name the record and field
 * (`rows.3.outcome: got "crashed", expected one of ...`).
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";

/** A group or category key as shown on an axis. */
export type Key = string | number;

/** The value of `field` in `row` (undefined when absent or when `row` is not an object). */
export function fieldOf(row: unknown, field: string): unknown {
  return row !== null && typeof row === "object"
    ? (row as Record<string, unknown>)[field]
    : undefined;
}

/** A finite number, or a ConfigError naming `path`. */
export function finiteNumber(value: unknown, path: string, what: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new ConfigError(path, value, "a finite number", what);
}

/** A key usable as a category (string, or finite number), or a ConfigError naming `path`. */
export function keyOf(value: unknown, path: string, what: string): Key {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "boolean") return String(value);
  throw new ConfigError(path, value, "a string or a finite number", what);
}

/**
 * Orders distinct keys: those in `order` first (in that order), then the rest ascending when all
 * are numbers, else in order of first appearance.
 */
export function orderKeys(seen: readonly Key[], order: readonly Key[] = []): Key[] {
  const distinct = [...new Set(seen)];
  const rest = distinct.filter((k) => !order.includes(k));
  if (rest.every((k) => typeof k === "number")) rest.sort((a, b) => (a as number) - (b as number));
  return [...order.filter((k) => distinct.includes(k)), ...rest];
}

/** A non-empty array, or a ConfigError naming `path`. */
export function nonEmpty<T>(value: readonly T[], path: string, what: string): readonly T[] {
  if (Array.isArray(value) && value.length > 0) return value;
  throw new ConfigError(path, value, "a non-empty array", what);
}
