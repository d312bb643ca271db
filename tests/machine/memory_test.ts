import assert from "node:assert/strict";
import fc from "fast-check";
import { createSim } from "../../lib/sim/mod.ts";
import { createMachine, type Machine, type MachineEvent } from "../../lib/machine/mod.ts";

const MASK64 = (1n << 64n) - 1n;

function setup(ecc: "none" | "secded" = "secded"): { m: Machine; events: MachineEvent[] } {
  const m = createMachine(createSim({ seed: 1 }), { preset: "small-2node", ecc });
  const events: MachineEvent[] = [];
  m.on((e) => events.push(e));
  return { m, events };
}

const word = fc.bigInt({ min: 0n, max: MASK64 });
const bit = fc.integer({ min: 0, max: 63 });

Deno.test("Memory.read() of a word never written returns 0 with status ok and stores nothing", () => {
  const { m, events } = setup();
  const base1 = m.memory.baseOf(1);
  for (const a of [0, 8, 0x1000, base1, m.memory.size - 8]) {
    assert.deepEqual(m.memory.read(a), { status: "ok", value: 0n });
  }
  assert.equal(m.memory.storedWords, 0);
  assert.equal(m.memory.reads, 5);
  assert.deepEqual(events, []);
});

Deno.test("Memory.write() stores 64-bit words: bytes of a word alias, the value is truncated to 64 bits", () => {
  const { m } = setup();
  m.memory.write(0x1000, 0x1234n);
  assert.deepEqual(m.memory.read(0x1003), { status: "ok", value: 0x1234n });
  m.memory.write(0x1008, (1n << 64n) + 5n);
  assert.equal(m.memory.read(0x1008).value, 5n);
  assert.equal(m.memory.storedWords, 2);
  assert.equal(m.memory.writes, 2);
});

Deno.test("Memory.read() under SECDED corrects any single flipped bit, counts it and traces ecc-corrected", () => {
  fc.assert(
    fc.property(word, bit, fc.integer({ min: 0, max: 1 }), (value, b, node) => {
      const { m, events } = setup();
      const address = m.memory.baseOf(node) + 0x40;
      m.memory.write(address, value);
      m.flipMemoryBits(address, [b]);
      assert.equal(m.memory.flippedBits(address), 1n << BigInt(b));
      assert.deepEqual(m.memory.read(address), { status: "corrected", value });
      assert.equal(m.memory.corrections, 1);
      assert.equal(m.memory.uncorrectable, 0);
      assert.deepEqual(events.map((e) => [e.component, e.kind]), [
        [`mc:${node}`, "bit-flip"],
        [`mc:${node}`, "ecc-corrected"],
      ]);
      assert.deepEqual(events[1]!.fields, { address });
      const traced = m.sim.trace.records().map((r) => `${r.component} ${r.kind}`);
      assert.deepEqual(traced, [`machine.mc${node} bit-flip`, `machine.mc${node} ecc-corrected`]);
      // The correction writes the word back: the next read is clean and counts nothing.
      assert.equal(m.memory.flippedBits(address), 0n);
      assert.deepEqual(m.memory.read(address), { status: "ok", value });
      assert.equal(m.memory.corrections, 1);
    }),
    { numRuns: 100 },
  );
});

Deno.test("Memory.read() under SECDED raises a machine check for a double flip (status uncorrectable)", () => {
  fc.assert(
    fc.property(word, fc.uniqueArray(bit, { minLength: 2, maxLength: 2 }), (value, bits) => {
      const { m, events } = setup();
      m.memory.write(0x80, value);
      m.flipMemoryBits(0x80, bits);
      const r = m.memory.read(0x80);
      assert.equal(r.status, "uncorrectable");
      assert.notEqual(r.value, value);
      assert.equal(m.memory.uncorrectable, 1);
      assert.equal(m.memory.corrections, 0);
      const mce = events.filter((e) => e.kind === "machine-check");
      assert.equal(mce.length, 1);
      assert.deepEqual(mce[0]!.fields, { address: 0x80, node: 0, bits: 2 });
      assert.equal(mce[0]!.component, "mc:0");
      // Uncorrectable errors are not scrubbed away by the read: the next read sees them again.
      assert.equal(m.memory.read(0x80).status, "uncorrectable");
    }),
    { numRuns: 50 },
  );
});

Deno.test("Memory.read() with ECC none returns the flipped value silently (status ok, no event)", () => {
  fc.assert(
    fc.property(word, fc.uniqueArray(bit, { minLength: 1, maxLength: 4 }), (value, bits) => {
      const { m, events } = setup("none");
      m.memory.write(0x80, value);
      m.flipMemoryBits(0x80, bits);
      const flipped = bits.reduce((v, b) => v ^ (1n << BigInt(b)), value);
      assert.deepEqual(m.memory.read(0x80), { status: "ok", value: flipped });
      assert.notEqual(flipped, value);
      assert.equal(m.memory.corrections + m.memory.uncorrectable, 0);
      assert.deepEqual(events.map((e) => e.kind), ["bit-flip"]);
      // Nothing repairs it either: a scrub pass does nothing without ECC.
      assert.equal(m.memory.scrub(), 0);
      assert.equal(m.memory.read(0x80).value, flipped);
    }),
    { numRuns: 50 },
  );
});

Deno.test("Memory.read() under SECDED: odd flip counts >= 3 are miscorrected silently, even counts detected", () => {
  fc.assert(
    fc.property(word, fc.uniqueArray(bit, { minLength: 3, maxLength: 12 }), (value, bits) => {
      const { m, events } = setup();
      m.memory.write(0x80, value);
      m.flipMemoryBits(0x80, bits);
      const r = m.memory.read(0x80);
      if (bits.length % 2 === 1) {
        assert.equal(r.status, "ok", `${bits.length} flips`);
        assert.notEqual(r.value, value, "a miscorrection still returns a wrong value");
        assert.equal(events.filter((e) => e.kind !== "bit-flip").length, 0);
      } else {
        assert.equal(r.status, "uncorrectable", `${bits.length} flips`);
        assert.equal(events.filter((e) => e.kind === "machine-check").length, 1);
      }
      assert.equal(m.memory.corrections, 0);
    }),
    { numRuns: 100 },
  );
  // The two cases the issue names, explicitly.
  const { m } = setup();
  m.memory.write(0, 7n);
  m.flipMemoryBits(0, [0, 1, 2]);
  const three = m.memory.read(0);
  assert.equal(three.status, "ok");
  assert.notEqual(three.value, 7n);
  m.memory.write(8, 7n);
  m.flipMemoryBits(8, [0, 1, 2, 3]);
  assert.equal(m.memory.read(8).status, "uncorrectable");
});

Deno.test("Memory.write() clears flipped bits, whatever their number", () => {
  for (const bits of [[5], [5, 9], [1, 2, 3], [0, 63, 7, 8]]) {
    const { m, events } = setup();
    m.memory.write(0x100, 1n);
    m.flipMemoryBits(0x100, bits);
    assert.equal(m.memory.write(0x100, 99n), true);
    assert.equal(m.memory.flippedBits(0x100), 0n);
    assert.deepEqual(m.memory.read(0x100), { status: "ok", value: 99n });
    assert.equal(events.filter((e) => e.kind !== "bit-flip").length, 0);
  }
});

Deno.test("Memory.flipBits() twice on the same bit restores the word (flips are XOR)", () => {
  const { m } = setup();
  m.memory.write(0x100, 42n);
  m.flipMemoryBits(0x100, [7]);
  m.flipMemoryBits(0x100, [7]);
  assert.equal(m.memory.flippedBits(0x100), 0n);
  assert.deepEqual(m.memory.read(0x100), { status: "ok", value: 42n });
});

Deno.test("Memory.flipBits() on an unwritten word: SECDED corrects it to 0, ECC none returns the flip", () => {
  const secded = setup().m;
  secded.flipMemoryBits(0x200, [4]);
  assert.deepEqual(secded.memory.read(0x200), { status: "corrected", value: 0n });
  const none = setup("none").m;
  none.flipMemoryBits(0x200, [4]);
  assert.deepEqual(none.memory.read(0x200), { status: "ok", value: 16n });
});

Deno.test("Memory.flipBits() rejects a bit outside 0..63 without changing the word", () => {
  const { m, events } = setup();
  m.memory.write(0x100, 42n);
  for (const bad of [[64], [3, 64], [-1], [1.5], [2, 2, 70]]) {
    assert.throws(() => m.flipMemoryBits(0x100, bad), RangeError);
    assert.equal(m.memory.flippedBits(0x100), 0n, `after ${JSON.stringify(bad)}`);
  }
  assert.deepEqual(m.memory.read(0x100), { status: "ok", value: 42n });
  assert.deepEqual(events, []);
  // Nor does it create a word that was never there.
  assert.throws(() => m.memory.flipBits(0x300, [99]), RangeError);
  assert.equal(m.memory.storedWords, 1);
});

Deno.test("Memory rejects addresses outside memory with a RangeError naming the range", () => {
  const { m } = setup();
  for (const a of [-8, m.memory.size, m.memory.size + 8, 1.5, Number.NaN]) {
    assert.throws(() => m.memory.read(a), /outside memory \[0, 2147483648\)/);
    assert.throws(() => m.memory.write(a, 1n), RangeError);
    assert.throws(() => m.memory.flipBits(a, [1]), RangeError);
  }
});

Deno.test("Memory.scrub() corrects single flips (counted, traced), leaves multi-bit flips alone", () => {
  const { m, events } = setup();
  const b1 = m.memory.baseOf(1);
  for (const [a, bits] of [[0, [1]], [8, [2]], [16, [3, 4]], [b1, [5]]] as const) {
    m.memory.write(a, BigInt(a) + 1n);
    m.flipMemoryBits(a, bits);
  }
  assert.equal(m.memory.scrub(0), 2, "node 0 only");
  assert.equal(m.memory.flippedBits(b1), 1n << 5n);
  assert.equal(m.memory.scrub(), 1, "then the rest");
  assert.equal(m.memory.corrections, 3);
  assert.deepEqual(
    events.filter((e) => e.kind === "ecc-corrected").map((e) => e.fields.address),
    [0, 8, b1],
  );
  for (const a of [0, 8, b1]) {
    assert.deepEqual(m.memory.read(a), { status: "ok", value: BigInt(a) + 1n });
  }
  assert.equal(m.memory.flippedBits(16), (1n << 3n) | (1n << 4n));
  assert.equal(m.memory.read(16).status, "uncorrectable");
  assert.equal(m.memory.scrub(), 0, "nothing left to correct");
});

Deno.test("Memory.scrub() skips a node whose memory is unreachable", () => {
  const { m } = setup();
  const b1 = m.memory.baseOf(1);
  m.flipMemoryBits(b1, [1]);
  m.failStop("mc:1");
  assert.equal(m.memory.scrub(), 0);
  assert.equal(m.memory.flippedBits(b1), 2n);
});

Deno.test("Memory.read() behind a fail-stopped node or memory controller is a bus error, not an exception", () => {
  for (const target of ["node:1", "mc:1", "socket:0"]) {
    const { m, events } = setup();
    const a = m.memory.baseOf(1) + 0x40;
    m.memory.write(a, 5n);
    m.failStop(target);
    events.length = 0;
    assert.deepEqual(m.memory.read(a), { status: "bus-error", value: MASK64 }, target);
    assert.equal(m.memory.write(a, 6n), false, target);
    assert.equal(m.memory.intendedValue(a), 5n, `${target}: the write was dropped`);
    assert.equal(m.memory.busErrors, 2);
    assert.deepEqual(events.map((e) => [e.component, e.kind, e.fields]), [
      ["mc:1", "bus-error", { address: a, op: "read" }],
      ["mc:1", "bus-error", { address: a, op: "write" }],
    ]);
    const traced = m.sim.trace.records().filter((r) => r.kind === "bus-error");
    assert.deepEqual(traced.map((r) => r.component), ["machine.mc1", "machine.mc1"]);
  }
});

Deno.test("Memory of other nodes stays reachable when one memory controller fail-stops", () => {
  const { m } = setup();
  m.memory.write(0, 3n);
  m.failStop("mc:1");
  assert.equal(m.nodeUp(1), true, "the node itself keeps running");
  assert.equal(m.coreUp(4), true);
  assert.equal(m.memoryReachable(1), false);
  assert.equal(m.memoryReachable(0), true);
  assert.deepEqual(m.memory.read(0), { status: "ok", value: 3n });
  assert.equal(m.memory.busErrors, 0);
});

Deno.test("Memory.read() behind a fail-stopped node reports a bus error even for a flipped word", () => {
  const { m, events } = setup();
  const a = m.memory.baseOf(1);
  m.flipMemoryBits(a, [1, 2]);
  m.failStop("node:1");
  assert.equal(m.memory.read(a).status, "bus-error");
  assert.equal(events.filter((e) => e.kind === "machine-check").length, 0);
});
