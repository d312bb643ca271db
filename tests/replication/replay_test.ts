/**
 * The secondary's replay pace: spinners that give their core up, and computation times that vary
 * per replica (the two mechanisms behind PBZIP2's sustained throughput, ft-linux.md section 6).
 */
import assert from "node:assert/strict";
import { createSim } from "../../lib/sim/mod.ts";
import { CorePool, createFtLinux, runPbzip2 } from "../../lib/replication/mod.ts";

Deno.test("CorePool.yieldable(): a spinner gives its core to a thread that waits for one", () => {
  const sim = createSim({ seed: 1 });
  const cores = new CorePool(sim, 1);
  let gaveUp = -1, computed = -1;
  sim.process(function* () {
    yield* cores.acquire();
    const off = cores.yieldable(() => {
      gaveUp = sim.now;
      cores.release();
    });
    yield 1_000_000; // would spin for 1 ms
    off();
  });
  sim.process(function* () {
    yield 10_000;
    yield* cores.run(5_000);
    computed = sim.now;
  });
  sim.run();
  assert.equal(gaveUp, 10_000, "asked as soon as the second thread waits");
  assert.equal(computed, 15_000, "which computes at once, not after the spin");
});

Deno.test("CorePool.yieldable(): a deregistered holder is not asked (negative control)", () => {
  const sim = createSim({ seed: 1 });
  const cores = new CorePool(sim, 1);
  let asked = false, computed = -1;
  sim.process(function* () {
    yield* cores.acquire();
    const off = cores.yieldable(() => asked = true);
    off();
    yield 1_000_000;
    cores.release();
  });
  sim.process(function* () {
    yield 10_000;
    yield* cores.run(5_000);
    computed = sim.now;
  });
  sim.run();
  assert.equal(asked, false);
  assert.equal(computed, 1_005_000, "the waiter queues behind the holder");
});

Deno.test("Kernel.computeNs(): varies per call around the nominal time; exact with computeSigma 0", () => {
  const sys = createFtLinux(createSim({ seed: 4 }), {});
  const k = sys.kernels[1]!;
  const xs = Array.from({ length: 4000 }, () => k.computeNs(1_000_000));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 1e6) < 5_000, `mean ${mean}`);
  assert.ok(sd > 50_000 && sd < 70_000, `sd ${sd} for sigma 0.06`);
  const exact = createFtLinux(createSim({ seed: 4 }), { computeSigma: 0 }).kernels[1]!;
  assert.equal(exact.computeNs(1_000_000), 1_000_000);
  const again = createFtLinux(createSim({ seed: 4 }), {}).kernels[1]!;
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => again.computeNs(1_000_000)));
});

// Sustained throughput needs the ring full: within about 1 s at 10 KB blocks, 2 s at 50 KB.
function ratio(blockKB: number, config: Record<string, unknown>): number {
  const o = blockKB < 50
    ? { blockKB, durNs: 1.2e9, warmNs: 0.6e9, config }
    : { blockKB, durNs: 3.5e9, warmNs: 2e9, config };
  return runPbzip2({ ...o, replicas: 2 }).blocksPerSec /
    runPbzip2({ ...o, replicas: 1 }).blocksPerSec;
}

Deno.test("PBZIP2 50 KB: the loss comes from computation times that differ between replicas", () => {
  const varied = ratio(50, {}), same = ratio(50, { computeSigma: 0 });
  assert.ok(same > 0.95, `identical computation times: ${same}`);
  assert.ok(varied < same - 0.08, `varied ${varied} vs identical ${same}`);
});

Deno.test("PBZIP2 10 KB: spinners that keep their core starve the threads the replay waits for", () => {
  const polite = ratio(10, {}), greedy = ratio(10, { replay: { spinYields: false } });
  assert.ok(greedy < polite - 0.1, `greedy ${greedy} vs polite ${polite}`);
});
