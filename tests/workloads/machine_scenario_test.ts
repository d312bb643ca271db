import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, createSim } from "../../lib/sim/mod.ts";
import { createMachine } from "../../lib/machine/mod.ts";
import type { FaultSpecInput } from "../../lib/faults/mod.ts";
import {
  type MachineScenarioInput,
  memoryTestRegion,
  memoryTestSchema,
  runScenario,
} from "../../lib/workloads/mod.ts";

/**
 * Two cores of node 0 reading 8 words each, a million accesses a second, no writes: a flipped word
 * of the working set is read within microseconds and nothing overwrites it first. Core 0's words
 * start at 0, core 1's at 64.
 */
function scenario(
  ecc: "none" | "secded",
  faults: FaultSpecInput[] = [],
  workload: Partial<MachineScenarioInput["workload"] & object> = {},
): MachineScenarioInput {
  return {
    name: "test",
    machine: { preset: "small-2node", ecc },
    durationNs: "2ms",
    workload: { kind: "memory-test", cores: 2, wordsPerCore: 8, writeFraction: 0, ...workload },
    faults,
  };
}

const flip = (address: number, bits: number[], at = "0.5ms"): FaultSpecInput => ({
  kind: "memory-bit-flip",
  address,
  bits,
  at,
});

Deno.test("runScenario: a fault-free run is masked, with reads, no errors and no reference run needed", () => {
  const r = runScenario(scenario("secded", [], { writeFraction: 0.3 }), 5);
  assert.equal(r.outcome.outcome, "masked");
  assert.equal(r.seed, 5);
  assert.ok(r.metrics.reads > 1000 && r.metrics.writes > 400, JSON.stringify(r.metrics));
  assert.equal(r.metrics.wrongReads + r.metrics.corrected + r.metrics.machineChecks, 0);
  assert.equal(r.metrics.crashNs, -1);
  assert.equal(r.metrics.endNs, 2_000_000);
  assert.deepEqual(r.timeline, []);
  assert.match(r.digest, /^[0-9a-f]{16}$/);
  assert.equal(r.throughput.length, 50);
});

Deno.test("runScenario: single flips in the working set under SECDED are recovered", () => {
  const r = runScenario(scenario("secded", [flip(0, [5]), flip(64 + 8, [63], "1ms")]));
  assert.equal(r.outcome.outcome, "recovered", r.outcome.detail);
  assert.equal(r.metrics.corrected, 2);
  assert.equal(r.metrics.wrongReads, 0);
  assert.equal(r.metrics.injections, 2);
  assert.deepEqual(
    r.timeline.map((e) => `${e.component} ${e.kind}`),
    ["mc:0 bit-flip", "mc:0 ecc-corrected", "mc:0 bit-flip", "mc:0 ecc-corrected"],
  );
});

Deno.test("runScenario: a double flip read under SECDED is a machine check and the run failed", () => {
  const r = runScenario(scenario("secded", [flip(16, [1, 40])]));
  assert.equal(r.outcome.outcome, "failed");
  assert.equal(r.metrics.machineChecks, 1);
  assert.equal(r.metrics.crashCause, "machine-check mc:0");
  assert.ok(r.metrics.crashNs > 500_000 && r.metrics.crashNs < 600_000, `${r.metrics.crashNs}`);
  assert.match(r.outcome.detail ?? "", /machine-check/);
  // The workload stopped: nothing completes after the crash.
  const after = r.throughput.filter((p) => p.tNs >= 640_000);
  assert.ok(after.every((p) => p.value === 0));
});

Deno.test("runScenario: flips read under ECC none are silent corruption", () => {
  const r = runScenario(scenario("none", [flip(0, [5]), flip(72, [0, 1])]));
  assert.equal(r.outcome.outcome, "silent", r.outcome.detail);
  assert.ok(r.metrics.wrongReads > 0);
  assert.equal(r.metrics.crashNs, -1);
  assert.equal(r.metrics.corrected + r.metrics.machineChecks, 0);
});

Deno.test("runScenario: a triple flip under SECDED is miscorrected: silent, not recovered or failed", () => {
  const r = runScenario(scenario("secded", [flip(24, [2, 3, 4])]));
  assert.equal(r.outcome.outcome, "silent", r.outcome.detail);
  assert.equal(r.metrics.machineChecks, 0);
  assert.ok(r.metrics.wrongReads > 0);
});

Deno.test("runScenario: fail-stop of a component the workload uses is failed; of others, masked", () => {
  const at = "1ms";
  const outcome = (target: string) =>
    runScenario(scenario("secded", [{ kind: "fail-stop", target, at }]));
  for (const target of ["core:0", "core:1", "node:0", "mc:0", "socket:0"]) {
    const r = outcome(target);
    assert.equal(r.outcome.outcome, "failed", target);
    assert.equal(r.metrics.crashNs, 1_000_000, target);
    assert.equal(r.metrics.crashCause, `fail-stop ${target}`);
  }
  for (const target of ["core:2", "core:7", "node:1", "mc:1"]) {
    const r = outcome(target);
    assert.equal(r.outcome.outcome, "masked", target);
    assert.equal(r.metrics.crashNs, -1, target);
  }
});

Deno.test("runScenario: flips overwritten before anyone reads them are masked", () => {
  const r = runScenario(scenario("none", [flip(0, [5]), flip(8, [1, 2])], { writeFraction: 1 }));
  assert.equal(r.metrics.reads, 0);
  assert.equal(r.outcome.outcome, "masked");
});

Deno.test("runScenario negative control: ECC none, flips in the working set, no writes: silent, never masked", () => {
  // A classifier that only looked at what the machine detected would call these runs masked:
  // no crash, no correction, no machine check. The reference comparison must catch them.
  const sim = createSim({ seed: 1 });
  const w = memoryTestSchema.parse({ kind: "memory-test", cores: 2, wordsPerCore: 8 });
  const region = memoryTestRegion(createMachine(sim, "small-2node"), w);
  assert.deepEqual(region, { start: 0, bytes: 128 });
  for (const seed of [1, 2, 3]) {
    for (const reference of [true, false]) {
      const r = runScenario({
        ...scenario("none", [{ kind: "memory-bit-flips", ratePerSec: 1e4, region, at: "0.1ms" }]),
        reference,
      }, seed);
      assert.ok(r.metrics.injections > 5, `seed ${seed}: ${r.metrics.injections} flips`);
      assert.equal(r.metrics.crashNs, -1);
      assert.equal(r.metrics.corrected + r.metrics.machineChecks + r.metrics.busErrors, 0);
      assert.equal(r.outcome.outcome, "silent", `seed ${seed}, reference ${reference}`);
    }
  }
});

Deno.test("runScenario: same seed, same digest, metrics and outcome; different seeds differ", () => {
  const withFaults = scenario("secded", [
    { kind: "memory-bit-flips", ratePerSec: 5e3, region: { start: 0, bytes: 128 } },
  ], { writeFraction: 0.2 });
  const faultFree = scenario("secded", [], { writeFraction: 0.2 });
  const seeds = fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 }), {
    minLength: 2,
    maxLength: 2,
  });
  for (const s of [withFaults, faultFree]) {
    fc.assert(
      fc.property(seeds, ([a, b]) => {
        const ra = runScenario(s, a), again = runScenario(s, a), rb = runScenario(s, b);
        assert.equal(again.digest, ra.digest);
        assert.deepEqual(again.metrics, ra.metrics);
        assert.deepEqual(again.outcome, ra.outcome);
        assert.deepEqual(again.timeline, ra.timeline);
        assert.notEqual(rb.metrics.outputChecksum, ra.metrics.outputChecksum);
        assert.notEqual(
          rb.digest,
          ra.digest,
          `seeds ${a} and ${b}: the digest must tell runs apart`,
        );
      }),
      { numRuns: 4 },
    );
  }
});

Deno.test("runScenario: the scenario's seed is used unless overridden", () => {
  const s = { ...scenario("secded", [], { writeFraction: 0.2 }), seed: 9 };
  assert.equal(runScenario(s).seed, 9);
  assert.equal(runScenario(s).digest, runScenario(s, 9).digest);
  assert.equal(runScenario(s, 10).seed, 10);
});

Deno.test("runScenario: patrol scrubbing corrects flips the workload never reads", () => {
  // Word 15 is core 1's last word; with 1 core only core 0's words (0..7) are read.
  const base = scenario("secded", [flip(15 * 8, [9])], { cores: 1 });
  const plain = runScenario(base);
  assert.equal(plain.outcome.outcome, "masked");
  assert.deepEqual(plain.timeline.map((e) => e.kind), ["bit-flip"]);
  const scrubbed = runScenario({ ...base, scrubIntervalNs: "0.3ms" });
  assert.deepEqual(scrubbed.timeline.map((e) => [e.timeNs, e.kind]), [
    [500_000, "bit-flip"],
    [600_000, "ecc-corrected"],
  ]);
  assert.notEqual(scrubbed.outcome.outcome, "silent");
  assert.notEqual(scrubbed.outcome.outcome, "failed");
});

/** Asserts a one-line ConfigError naming `field`. */
function rejects(input: unknown, field: string, also?: RegExp): void {
  assert.throws(() => runScenario(input as MachineScenarioInput), (e) => {
    assert.ok(e instanceof ConfigError, `${field}: ${e}`);
    assert.equal(e.field, field, e.message);
    if (field !== "") assert.ok(e.message.includes(field), e.message);
    if (also) assert.match(e.message, also);
    assert.equal(e.message.split("\n").length, 1);
    return true;
  });
}

Deno.test("runScenario rejects invalid scenarios with an error naming the field", () => {
  const ok = scenario("secded");
  const full = {
    name: "x",
    sockets: 1,
    nodesPerSocket: 1,
    coresPerNode: 2,
    memoryPerNode: "1MiB",
  };
  rejects({ ...ok, machine: "nope" }, "machine.preset", /small-2node/);
  rejects({ ...ok, machine: { preset: "small-2node", ecc: "parity" } }, "machine.ecc", /secded/);
  rejects({ ...ok, machine: { ...full, ecc: "parity" } }, "machine.ecc", /secded/);
  rejects({ ...ok, machine: { ...full, coresPerNode: -1 } }, "machine.coresPerNode");
  rejects(
    { ...ok, machine: { ...full, devices: [{ name: "nic0", kind: "net", node: 1 }] } },
    "machine.devices.0.node",
  );
  rejects({ ...ok, durationNs: "forever" }, "durationNs");
  rejects({ ...ok, seed: -1 }, "seed");
  rejects({ ...ok, colour: "red" }, "", /unknown: colour/);
  rejects({ ...ok, workload: { kind: "stream" } }, "workload.kind");
  rejects({ ...ok, workload: { kind: "memory-test", writeFraction: 2 } }, "workload.writeFraction");
  rejects({ ...ok, faults: [{ kind: "fail-stop", target: "gpu:0" }] }, "faults.0.target");
  rejects({ ...ok, faults: [{ kind: "fail-stop", target: "core:99" }] }, "faults.0.target");
  rejects({ ...ok, faults: [flip(0, [64])] }, "faults.0.bits.0");
  rejects(
    { ...ok, faults: [{ kind: "driver-bug", driver: "d", entryPoint: "e", bugClass: "leak" }] },
    "faults.0.kind",
    /no injector/,
  );
});

Deno.test("runScenario rejects a workload that does not fit the machine, naming the workload field", () => {
  const ok = scenario("secded");
  rejects({ ...ok, workload: { kind: "memory-test", node: 2 } }, "workload.node", /2/);
  rejects({ ...ok, workload: { kind: "memory-test", cores: 5 } }, "workload.cores", /4/);
  rejects(
    {
      ...ok,
      machine: { preset: "small-2node", memoryPerNode: "64KiB" },
      workload: { kind: "memory-test", cores: 4, wordsPerCore: 4096 },
    },
    "workload.wordsPerCore",
  );
});
