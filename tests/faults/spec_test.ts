import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, createSim, parseConfig } from "../../lib/sim/mod.ts";
import { createMachine } from "../../lib/machine/mod.ts";
import {
  countOutcomes,
  DRIVER_BUG_CLASSES,
  FaultSchedule,
  type FaultSpecInput,
  faultSpecSchema,
  OUTCOME_COLORS,
  OUTCOMES,
  outcomeSchema,
} from "../../lib/faults/mod.ts";

function schedule(specs: FaultSpecInput[], withDevice = false): FaultSchedule {
  const sim = createSim({ seed: 1 });
  const machine = createMachine(sim, {
    preset: "small-2node",
    devices: withDevice
      ? [{ name: "nic0", kind: "net", registers: { CTRL: { offset: 0 } }, node: 0 }]
      : [],
  });
  return new FaultSchedule(sim, machine, specs);
}

/** Asserts a one-line ConfigError naming `field` (and matching `also`). */
function rejects(fn: () => unknown, field: string, also?: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, field, e.message);
    assert.ok(e.message.includes(field), e.message);
    if (also) assert.match(e.message, also);
    assert.equal(e.message.split("\n").length, 1);
    return true;
  });
}

const OK: FaultSpecInput = { kind: "fail-stop", target: "core:1" };

Deno.test("faultSpecSchema fills defaults and parses durations", () => {
  const [a, b, c] = parseConfig(z.array(faultSpecSchema), [
    { kind: "fail-stop", target: "node:1", at: "2ms" },
    { kind: "memory-bit-flips", ratePerSec: 10, region: { start: 0, bytes: 64 }, untilNs: "1s" },
    {
      kind: "driver-bug",
      driver: "e1000",
      entryPoint: "xmit",
      bugClass: "leak",
      on: { kind: "x" },
    },
  ]);
  assert.deepEqual(a, { kind: "fail-stop", target: "node:1", at: 2_000_000, after: 0 });
  assert.ok(b?.kind === "memory-bit-flips");
  assert.equal(b.bitsPerEvent, 1);
  assert.equal(b.untilNs, 1e9);
  assert.ok(c?.kind === "driver-bug");
  assert.deepEqual(c.on, { kind: "x", nth: 1 });
  assert.equal(c.onCall, 1);
  assert.equal(c.persistent, false);
  assert.equal(DRIVER_BUG_CLASSES.length, 14);
});

Deno.test("FaultSchedule rejects a fault with a malformed target, naming faults.N.target", () => {
  for (const target of ["gpu:1", "core", "core:x", "device:Bad", "node:-1", ""]) {
    rejects(() => schedule([OK, { kind: "fail-stop", target }]), "faults.1.target", /core:3/);
  }
});

Deno.test("FaultSchedule rejects unknown kinds, bad bits and bad fields, naming faults.N.<field>", () => {
  rejects(() => schedule([{ kind: "meteor" } as never]), "faults.0.kind", /"fail-stop"/);
  rejects(() => schedule([{ target: "core:1" } as never]), "faults.0.kind");
  rejects(
    () => schedule([OK, { kind: "memory-bit-flip", address: 0, bits: [3, 64] }]),
    "faults.1.bits.1",
    /64/,
  );
  rejects(() => schedule([{ kind: "memory-bit-flip", address: 0, bits: [] }]), "faults.0.bits");
  rejects(
    () => schedule([{ kind: "memory-bit-flip", address: -8, bits: [1] }]),
    "faults.0.address",
  );
  rejects(
    () => schedule([{ kind: "register-bit-flip", device: "nic0", register: "CTRL", bit: 32 }]),
    "faults.0.bit",
    /32/,
  );
  rejects(
    () => schedule([{ kind: "memory-bit-flips", ratePerSec: 0, region: { start: 0, bytes: 64 } }]),
    "faults.0.ratePerSec",
  );
  rejects(
    () => schedule([{ kind: "memory-bit-flips", ratePerSec: 1, region: { start: 0, bytes: 4 } }]),
    "faults.0.region.bytes",
  );
  rejects(
    () =>
      schedule([{
        kind: "driver-bug",
        driver: "e1000",
        entryPoint: "xmit",
        bugClass: "cosmic-ray" as never,
      }]),
    "faults.0.bugClass",
    /null-dereference/,
  );
  rejects(() => schedule([{ ...OK, at: "soon" }]), "faults.0.at");
  rejects(() => schedule([{ ...OK, on: { nth: 2 } }]), "faults.0.on", /component prefix or a kind/);
  rejects(() => schedule([{ ...OK, on: { kind: "x", nth: 0 } }]), "faults.0.on.nth");
  rejects(() => schedule([{ ...OK, when: 3 } as never]), "faults.0", /unknown: when/);
});

Deno.test("FaultSchedule.arm() rejects faults the machine cannot carry out, naming faults.N.<field>", () => {
  const armed = (specs: FaultSpecInput[]) => () => schedule(specs, true).arm();
  rejects(armed([OK, { kind: "fail-stop", target: "core:8" }]), "faults.1.target", /core:0\.\.7/);
  rejects(armed([{ kind: "fail-stop", target: "socket:1" }]), "faults.0.target", /N < 1/);
  rejects(armed([{ kind: "fail-stop", target: "device:nic9" }]), "faults.0.target");
  rejects(armed([{ kind: "fail-stop", target: "core:01" }]), "faults.0.target");
  rejects(
    armed([{ kind: "memory-bit-flip", address: 2 ** 31, bits: [1] }]),
    "faults.0.address",
    /outside memory/,
  );
  rejects(
    armed([{ kind: "memory-bit-flips", ratePerSec: 1, region: { start: 2 ** 31 - 8, bytes: 16 } }]),
    "faults.0.region",
  );
  rejects(
    armed([{ kind: "register-bit-flip", device: "nic9", register: "CTRL", bit: 1 }]),
    "faults.0.device",
    /nic0/,
  );
  rejects(
    armed([{ kind: "register-bit-flip", device: "nic0", register: "NOPE", bit: 1 }]),
    "faults.0.register",
  );
  const sim = createSim({ seed: 1 });
  rejects(() => new FaultSchedule(sim, undefined, [OK]).arm(), "faults.0.kind", /no machine/);
});

Deno.test("OUTCOMES: five classes in figure order, each with a colour; countOutcomes() fills zeros", () => {
  assert.deepEqual([...OUTCOMES], ["masked", "recovered", "degraded", "failed", "silent"]);
  assert.deepEqual(Object.keys(OUTCOME_COLORS), [...OUTCOMES]);
  assert.equal(new Set(Object.values(OUTCOME_COLORS)).size, 5);
  assert.deepEqual(countOutcomes(["silent", "failed", "silent"]), {
    masked: 0,
    recovered: 0,
    degraded: 0,
    failed: 1,
    silent: 2,
  });
  assert.equal(outcomeSchema.safeParse("crashed").success, false);
});
