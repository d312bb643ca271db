/**
 * The secondary's replay pace: spinners that give their core up, and thread speeds that vary per
 * replica and drift (the mechanisms behind PBZIP2's sustained throughput, ft-linux.md section 6).
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

Deno.test("Kernel.computeNs(): without a thread's speed state, varies per call around the nominal time", () => {
  const sys = createFtLinux(createSim({ seed: 4 }), { computeSigma: 0.06 });
  const k = sys.kernels[1]!;
  const xs = Array.from({ length: 4000 }, () => k.computeNs(1_000_000));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 1e6) < 5_000, `mean ${mean}`);
  assert.ok(sd > 50_000 && sd < 70_000, `sd ${sd} for sigma 0.06`);
  const exact = createFtLinux(createSim({ seed: 4 }), { computeSigma: 0 }).kernels[1]!;
  assert.equal(exact.computeNs(1_000_000), 1_000_000);
  assert.ok(
    exact.computeNs(1_000_000, 0.1) !== 1_000_000,
    "the work's own variation still applies",
  );
  const again = createFtLinux(createSim({ seed: 4 }), { computeSigma: 0.06 }).kernels[1]!;
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => again.computeNs(1_000_000)));
});

/** Log speed factors of `threads` threads sampled every `stepNs` for `steps` steps. */
function speedSamples(threads: number, stepNs: number, steps: number): number[][] {
  const sim = createSim({ seed: 5 });
  const k = createFtLinux(sim, { computeSigma: 0.05, computeTauNs: 100e6 }).kernels[1]!;
  const speeds = Array.from({ length: threads }, () => ({ log: 0, atNs: -1 }));
  const rows: number[][] = speeds.map(() => []);
  for (let i = 0; i < steps; i++) {
    sim.schedule(i * stepNs, () => {
      for (const [t, sp] of speeds.entries()) {
        rows[t]!.push(Math.log(k.computeNs(1e9, 0, sp) / 1e9));
      }
    });
  }
  sim.run({ untilNs: steps * stepNs });
  return rows;
}

function correlation(xs: number[], lag: number): number {
  const a = xs.slice(0, -lag), b = xs.slice(lag);
  const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = m(a), mb = m(b);
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

Deno.test("Kernel.computeNs(): a thread's speed drifts with correlation time computeTauNs, mean 1", () => {
  const rows = speedSamples(20, 10e6, 400); // 4 s in 10 ms steps
  const all = rows.flat();
  const sd = Math.sqrt(all.reduce((a, x) => a + x * x, 0) / all.length);
  assert.ok(sd > 0.04 && sd < 0.06, `log sd ${sd} for sigma 0.05`);
  const mean = all.reduce((a, x) => a + Math.exp(x), 0) / all.length;
  assert.ok(Math.abs(mean - 1) < 0.01, `mean factor ${mean}`);
  const r = (lag: number) => rows.reduce((a, xs) => a + correlation(xs, lag), 0) / rows.length;
  assert.ok(r(1) > 0.85, `10 ms apart: ${r(1)} (exp(-0.1) = 0.90)`);
  assert.ok(Math.abs(r(10) - Math.exp(-1)) < 0.1, `100 ms apart: ${r(10)}`);
  assert.ok(Math.abs(r(60)) < 0.15, `600 ms apart: ${r(60)}`);
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
  assert.ok(varied < same - 0.1, `varied ${varied} vs identical ${same}`);
});

Deno.test("PBZIP2 100 KB: a speed that drifts slowly does not average out over the block's pieces", () => {
  const drifting = ratio(100, {}), perCall = ratio(100, { computeTauNs: 0 });
  assert.ok(perCall > 0.95, `speed drawn afresh per call: ${perCall}`);
  assert.ok(drifting < perCall - 0.05, `drifting ${drifting} vs per call ${perCall}`);
});

Deno.test("PBZIP2 10 KB: spinners that keep their core starve the threads the replay waits for", () => {
  const polite = ratio(10, {}), greedy = ratio(10, { replay: { spinYields: false } });
  assert.ok(greedy < polite - 0.1, `greedy ${greedy} vs polite ${polite}`);
});
