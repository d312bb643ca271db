/**
 * Error types shared by every layer of ftlab.
 *
 * Two kinds of failure are kept apart (DESIGN.md, "Inputs and errors"):
 * - {@linkcode ConfigError}: the user gave invalid input. It names the field, the value and what was
 *   expected; the CLI prints its message in one or two lines and exits with status 2.
 * - {@linkcode SimAssertionError}: an internal invariant broke. That is a bug in ftlab; the error
 *   carries the seed and virtual time so that the run can be replayed.
 *
 * Simulated faults are neither: they are data (state changes and outcome records).
 *
 * @module
 */

/**
 * Invalid user input: a config, a scenario file, a command-line flag.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const e = new ConfigError("machine.ecc", "parity", "one of none, secded");
 * if (!e.message.includes("machine.ecc")) throw new Error("field not named");
 * ```
 */
export class ConfigError extends Error {
  /** Dotted path of the offending field, or "" for the whole input. */
  readonly field: string;
  /** Short description of what was expected. */
  readonly expected: string;
  /** The offending value (not serialised into the message when large). */
  readonly value: unknown;

  constructor(field: string, value: unknown, expected: string, context?: string) {
    const where = field === "" ? "input" : field;
    const prefix = context ? `${context}: ` : "";
    super(`${prefix}${where}: got ${describeValue(value)}, expected ${expected}`);
    this.name = "ConfigError";
    this.field = field;
    this.expected = expected;
    this.value = value;
  }
}

/**
 * A command-line usage error: a bad flag or argument. The CLI prints its message in one line and
 * exits with status 2, like a {@linkcode ConfigError}.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const e = new UsageError("--seeds: got -1, expected a positive integer");
 * if (e.name !== "UsageError") throw new Error("name");
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Parses an integer command-line value (a seed, a count) of at least `min`; anything else is a
 * {@linkcode UsageError} naming the flag.
 *
 * @example
 * ```ts
 * import { integerFlag } from "./errors.ts";
 * if (integerFlag("--seeds", "200", 1) !== 200) throw new Error("parse");
 * try {
 *   integerFlag("--seed", "x");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("--seed")) throw e;
 * }
 * ```
 */
export function integerFlag(flag: string, text: string, min = 0): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    const what = min === 0
      ? "a non-negative integer"
      : min === 1
      ? "a positive integer"
      : `an integer >= ${min}`;
    throw new UsageError(`${flag}: got ${JSON.stringify(text)}, expected ${what}`);
  }
  return n;
}

/**
 * The message of a thrown value: an Error's message, else its string form.
 *
 * @example
 * ```ts
 * import { messageOf } from "./errors.ts";
 * if (messageOf(new Error("boom")) !== "boom" || messageOf(42) !== "42") throw new Error();
 * ```
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * An internal invariant failed: a bug, reported with what is needed to replay it.
 *
 * @example
 * ```ts
 * import { SimAssertionError } from "./errors.ts";
 * const e = new SimAssertionError("queue not empty", { seed: 7, nowNs: 10 });
 * if (!e.message.includes("seed 7")) throw new Error("seed missing");
 * ```
 */
export class SimAssertionError extends Error {
  readonly seed: number | undefined;
  readonly nowNs: number | undefined;
  constructor(
    message: string,
    where: { seed?: number; nowNs?: number } = {},
    options?: { cause?: unknown },
  ) {
    const parts: string[] = [];
    if (where.seed !== undefined) parts.push(`seed ${where.seed}`);
    if (where.nowNs !== undefined) parts.push(`t=${where.nowNs}ns`);
    super(parts.length > 0 ? `${message} (${parts.join(", ")})` : message, options);
    this.name = "SimAssertionError";
    this.seed = where.seed;
    this.nowNs = where.nowNs;
  }
}

/**
 * Asserts an internal invariant. Use only for conditions that user input cannot cause.
 *
 * @example
 * ```ts
 * import { assert } from "./errors.ts";
 * assert(1 + 1 === 2, "arithmetic");
 * ```
 */
export function assert(
  cond: unknown,
  message: string,
  where?: { seed?: number; nowNs?: number },
): asserts cond {
  if (!cond) throw new SimAssertionError(message, where);
}

/** A compact, one-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") {
    const text = safeJson(value);
    return text.length <= 60 ? text : "an object";
  }
  return typeof value;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
