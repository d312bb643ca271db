import assert from "node:assert/strict";
import { createSim } from "../../lib/sim/mod.ts";
import { createMachine, type Machine } from "../../lib/machine/mod.ts";
import { MemoryTest, memoryTestSchema } from "../../lib/workloads/mod.ts";

function start(
  workload: Record<string, unknown>,
  seed = 3,
  binNs = 0,
): { m: Machine; w: MemoryTest } {
  const m = createMachine(createSim({ seed }), "small-2node");
  const w = new MemoryTest(m, memoryTestSchema.parse({ kind: "memory-test", ...workload }));
  w.start(binNs);
  return { m, w };
}

Deno.test("MemoryTest runs opsPerSecPerCore accesses per core with writeFraction of them writes", () => {
  const { m, w } = start({ cores: 4, wordsPerCore: 256, writeFraction: 0.3 }, 3, 100_000);
  m.sim.run({ untilNs: 2_000_000 });
  const ops = w.metrics.reads + w.metrics.writes;
  // Each access is an exponential think time (mean 1000 ns) plus 90 ns of local memory latency:
  // 4 cores x 2 ms / 1090 ns = 7339 accesses, sd about 86; 5% is over 4 sd.
  assert.ok(Math.abs(ops / 7339 - 1) < 0.05, `${ops} accesses`);
  assert.ok(Math.abs(w.metrics.writes / ops - 0.3) < 0.03, `${w.metrics.writes} writes`);
  assert.equal(w.metrics.wrongReads, 0);
  assert.equal(w.crashed, false);
  assert.match(w.metrics.outputChecksum, /^[0-9a-f]{16}$/);
  // Throughput bins account for every access.
  const tp = w.throughput();
  assert.equal(tp.length, 20);
  assert.equal(tp.reduce((s, p) => s + p.value * 100_000 / 1e9, 0), ops);
  assert.deepEqual(tp.slice(0, 2).map((p) => p.tNs), [0, 100_000]);
});

Deno.test("MemoryTest stays on its node: another node's memory can fail without it noticing", () => {
  const { m, w } = start({ cores: 2, wordsPerCore: 64, node: 0 });
  m.failStop("mc:1");
  m.sim.run({ untilNs: 500_000 });
  assert.equal(w.crashed, false);
  assert.equal(m.memory.busErrors, 0);
  assert.ok(w.metrics.reads > 100);
});

Deno.test("MemoryTest on node 1 uses node 1's cores and memory", () => {
  const { m, w } = start({ cores: 1, wordsPerCore: 4, node: 1, writeFraction: 1 });
  m.failStop("core:0");
  m.sim.run({ untilNs: 100_000 });
  assert.equal(w.crashed, false, "core 0 is not one of its cores");
  assert.ok(w.metrics.writes > 0);
  assert.equal(m.memory.storedWords, 4);
  const base = m.memory.baseOf(1);
  const written = [0, 8, 16, 24].map((o) => m.memory.intendedValue(base + o));
  assert.ok(written.every((v) => v !== 0n), "all four words of its working set");
});

Deno.test("MemoryTest crashes on a machine check anywhere: an unreplicated kernel panics", () => {
  const { m, w } = start({ cores: 2, wordsPerCore: 64 });
  const other = m.memory.baseOf(1);
  m.sim.schedule(300_000, () => {
    m.flipMemoryBits(other, [1, 2]);
    m.memory.read(other);
  });
  m.sim.run({ untilNs: 1_000_000 });
  assert.equal(w.metrics.crashNs, 300_000);
  assert.equal(w.metrics.crashCause, "machine-check mc:1");
  const ops = w.metrics.reads + w.metrics.writes;
  m.sim.run({ untilNs: 2_000_000 });
  assert.equal(w.metrics.reads + w.metrics.writes, ops, "no access after the crash");
});

Deno.test("MemoryTest with writeFraction 0 only reads, and unwritten words read as 0", () => {
  const { m, w } = start({ cores: 1, wordsPerCore: 4, writeFraction: 0 });
  m.sim.run({ untilNs: 100_000 });
  assert.equal(w.metrics.writes, 0);
  assert.ok(w.metrics.reads > 50);
  assert.equal(w.metrics.wrongReads, 0);
  assert.equal(m.memory.storedWords, 0);
});
