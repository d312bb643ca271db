/**
 * Validation of user-facing configs and the duration type used across ftlab.
 *
 * Every public factory calls {@linkcode parseConfig} once with its zod schema; the inner classes then
 * see only complete, typed values. Durations are integer nanoseconds, given either as a number or as a
 * string with a unit: `"0.55us"`, `"100ms"`, `"5s"`, `"2min"`.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError, describeValue } from "./errors.ts";

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  ms: 1e6,
  s: 1e9,
  min: 60e9,
  h: 3600e9,
};

/**
 * Parses a duration into integer nanoseconds. Numbers are taken as nanoseconds and rounded.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./config.ts";
 * if (parseDuration("0.55us") !== 550) throw new Error("bad");
 * if (parseDuration("5s") !== 5_000_000_000) throw new Error("bad");
 * ```
 */
export function parseDuration(value: number | string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigError("", value, "a non-negative duration in nanoseconds");
    }
    return safeNs(Math.round(value), value);
  }
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ns|us|µs|ms|s|min|h)\s*$/i.exec(value);
  const unit = m?.[2]?.toLowerCase();
  const scale = unit === undefined ? undefined : UNIT_NS[unit];
  if (!m || scale === undefined) {
    throw new ConfigError("", value, 'a duration such as "100ms", "5s" or "0.55us"');
  }
  return safeNs(Math.round(Number(m[1]) * scale), value);
}

/** Virtual time is exact only below 2^53 ns; "1e300s" would otherwise parse to Infinity. */
function safeNs(ns: number, value: number | string): number {
  if (!Number.isSafeInteger(ns)) {
    throw new ConfigError("", value, "a duration below 2^53 ns (about 104 days)");
  }
  return ns;
}

/**
 * Formats nanoseconds for people: `1500000` → `"1.5ms"`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./config.ts";
 * if (formatDuration(1_500_000) !== "1.5ms") throw new Error("bad");
 * ```
 */
export function formatDuration(ns: number): string {
  const abs = Math.abs(ns);
  const [scale, unit] = abs >= 1e9
    ? [1e9, "s"]
    : abs >= 1e6
    ? [1e6, "ms"]
    : abs >= 1e3
    ? [1e3, "us"]
    : [1, "ns"];
  return `${Number((ns / scale).toPrecision(4))}${unit}`;
}

/**
 * zod schema for a duration: a non-negative number of nanoseconds or a string with a unit; the
 * parsed value is integer nanoseconds.
 */
export const durationNs: z.ZodType<number, number | string> = z.union([z.number(), z.string()])
  .transform((v, ctx) => {
    try {
      return parseDuration(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "expected a duration such as 100ms, 5s, 0.55us, or nanoseconds as a number",
        input: v,
      });
      return z.NEVER;
    }
  });

/**
 * Parses `input` with `schema`. On failure throws a {@linkcode ConfigError} that names the first
 * offending field (dotted path), its value and what was expected.
 *
 * @param what names the input in the message, e.g. `"scenario.json"` or `"machine config"`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseConfig } from "./config.ts";
 * const schema = z.object({ cores: z.number().int().positive() });
 * try {
 *   parseConfig(schema, { cores: 0 }, "machine");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("cores")) throw e;
 * }
 * ```
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what?: string,
): z.output<S> {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (!issue) throw new ConfigError("", input, "valid input", what);
  const path = issue.path.map(String).join(".");
  const value = "input" in issue ? issue.input : undefined;
  throw new ConfigError(path, value, expectedText(issue), what);
}

function expectedText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `no unknown keys (unknown: ${issue.keys.join(", ")})`;
    case "invalid_union":
      if ("options" in issue && Array.isArray(issue.options)) {
        return `one of ${issue.options.map((o: unknown) => JSON.stringify(o)).join(", ")}`;
      }
      return issue.message.replace(/^Invalid input:?\s*/i, "");
    case "invalid_value":
      return `one of ${issue.values.map((v) => describeValue(v)).join(", ")}`;
    case "too_big":
      return `${issue.origin === "array" ? "at most" : issue.inclusive ? "at most" : "below"} ${
        String(issue.maximum)
      }${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    case "too_small":
      return `${issue.origin === "array" ? "at least" : issue.inclusive ? "at least" : "above"} ${
        String(issue.minimum)
      }${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    default:
      // ConfigError already says "expected": strip it from custom messages too (durationNs's),
      // which otherwise read "expected expected a duration ...".
      return issue.message.replace(/^Invalid input:\s*expected\s*/i, "").replace(
        /^Invalid input:?\s*/i,
        "",
      ).replace(/^expected\s+/i, "");
  }
}
