import assert from "node:assert/strict";
import { z } from "zod";
import {
  assert as simAssert,
  ConfigError,
  describeValue,
  durationNs,
  formatDuration,
  parseConfig,
  parseDuration,
  SimAssertionError,
} from "../../lib/sim/mod.ts";

Deno.test("parseDuration() converts every unit to integer nanoseconds", () => {
  const cases: [string, number][] = [
    ["7ns", 7],
    ["3us", 3_000],
    ["3µs", 3_000],
    ["0.55us", 550],
    ["100ms", 100_000_000],
    ["5s", 5_000_000_000],
    ["2min", 120_000_000_000],
    ["1.5h", 5_400_000_000_000],
    [".5s", 500_000_000],
    ["1e3ns", 1_000],
    ["2.5e-3s", 2_500_000],
    ["  10 ms ", 10_000_000],
    ["5MS", 5_000_000],
    ["1.5ns", 2], // rounded to whole nanoseconds
    ["0s", 0],
  ];
  for (const [text, ns] of cases) assert.equal(parseDuration(text), ns, text);
});

Deno.test("parseDuration() takes numbers as nanoseconds, rounded", () => {
  assert.equal(parseDuration(0), 0);
  assert.equal(parseDuration(1234), 1234);
  assert.equal(parseDuration(12.6), 13);
  assert.equal(parseDuration(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
});

Deno.test("parseDuration() rejects invalid strings and numbers with a ConfigError", () => {
  const bad: (string | number)[] = [
    "",
    "5",
    "ms",
    "-5s",
    "5 sec",
    "5ms5",
    "five s",
    "5.s",
    "Infinity ms",
    "5 m s",
    "1e300s", // would be Infinity
    "200d",
    -1,
    NaN,
    Infinity,
    2 ** 60, // beyond exact integer nanoseconds
  ];
  for (const v of bad) {
    assert.throws(() => parseDuration(v), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `${String(v)}: ${e}`);
      assert.ok(e.message.includes("expected"), e.message);
      return true;
    }, String(v));
  }
  assert.throws(() => parseDuration("5 sec"), /got "5 sec", expected a duration such as/);
});

Deno.test("durationNs schema parses numbers and strings to integer nanoseconds", () => {
  assert.equal(durationNs.parse("250us"), 250_000);
  assert.equal(durationNs.parse(42), 42);
  for (const v of ["soon", -3, true, null, "1e300s"]) {
    const r = durationNs.safeParse(v);
    assert.equal(r.success, false, String(v));
  }
  const r = durationNs.safeParse("soon");
  assert.match(r.error!.issues[0]!.message, /expected a duration such as 100ms/);
});

Deno.test("parseConfig() names the nested field path, the value and what was expected", () => {
  const schema = z.object({
    machine: z.object({
      nodes: z.array(z.object({ cores: z.number().int().positive(), mcTimeout: durationNs })),
    }),
  });
  const ok = parseConfig(schema, {
    machine: { nodes: [{ cores: 4, mcTimeout: "1ms" }] },
  });
  assert.equal(ok.machine.nodes[0]!.mcTimeout, 1_000_000);
  const cases: [unknown, string, RegExp][] = [
    [
      { machine: { nodes: [{ cores: 4, mcTimeout: 1 }, { cores: 0, mcTimeout: 1 }] } },
      "machine.nodes.1.cores",
      /got 0/,
    ],
    [
      { machine: { nodes: [{ cores: 4, mcTimeout: "later" }] } },
      "machine.nodes.0.mcTimeout",
      /got "later", expected a duration/,
    ],
    [{ machine: { nodes: "all" } }, "machine.nodes", /got "all", expected array/],
  ];
  for (const [input, field, message] of cases) {
    assert.throws(() => parseConfig(schema, input, "scenario.json"), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.field, field);
      assert.match(e.message, new RegExp(`^scenario\\.json: ${field.replace(/\./g, "\\.")}: `));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("parseConfig() explains unknown keys and enum values", () => {
  const schema = z.object({ ecc: z.enum(["none", "secded"]) }).strict();
  assert.throws(
    () => parseConfig(schema, { ecc: "parity" }),
    /ecc: got "parity", expected one of "none", "secded"/,
  );
  assert.throws(
    () => parseConfig(schema, { ecc: "none", eccc: 1 }),
    /expected no unknown keys \(unknown: eccc\)/,
  );
});

Deno.test("formatDuration() picks a readable unit", () => {
  assert.equal(formatDuration(0), "0ns");
  assert.equal(formatDuration(999), "999ns");
  assert.equal(formatDuration(1_234), "1.234us");
  assert.equal(formatDuration(1_500_000), "1.5ms");
  assert.equal(formatDuration(2_000_000_000), "2s");
  assert.equal(formatDuration(-1_500), "-1.5us");
  assert.equal(parseDuration(formatDuration(1_500_000)), 1_500_000);
});

Deno.test("describeValue() renders values compactly for error messages", () => {
  assert.equal(describeValue(undefined), "nothing");
  assert.equal(describeValue("x"), '"x"');
  assert.equal(describeValue(3), "3");
  assert.equal(describeValue([1, 2]), "an array of 2");
  assert.equal(describeValue({ a: 1 }), '{"a":1}');
  assert.equal(describeValue({ long: "y".repeat(80) }), "an object");
  assert.ok(describeValue("z".repeat(100)).endsWith('..."'));
});

Deno.test("assert() throws a SimAssertionError carrying the seed and time", () => {
  simAssert(true, "fine");
  assert.throws(() => simAssert(false, "heap broken", { seed: 3, nowNs: 40 }), (e: unknown) => {
    assert.ok(e instanceof SimAssertionError);
    assert.equal(e.message, "heap broken (seed 3, t=40ns)");
    return true;
  });
});
