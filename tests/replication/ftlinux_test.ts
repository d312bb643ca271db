import assert from "node:assert/strict";
import { ConfigError, createSim } from "../../lib/sim/mod.ts";
import {
  createFtLinux,
  parseFtLinuxConfig,
  reproFtLinux,
  runFailoverDownload,
  runMongoose,
  runPbzip2,
  swarmFtLinux,
} from "../../lib/replication/mod.ts";
import { pbzip2 } from "../../lib/workloads/pbzip2.ts";

// The repro runs once (about 5 s) and serves every range test.
let repro: Record<string, number | null> | null = null;
function figures(): Record<string, number | null> {
  return repro ??= reproFtLinux();
}
function inRange(key: string, lo: number, hi: number): void {
  const v = figures()[key];
  assert.ok(typeof v === "number" && v >= lo && v <= hi, `${key} = ${v}, expected ${lo}-${hi}`);
}

Deno.test("reproFtLinux(): PBZIP2 at 50 KB blocks is 0.72-0.88 of baseline (sustained)", () => {
  inRange("pbzip2_50KB", 0.72, 0.88);
  inRange("pbzip2_50KB_msgPerSec", 20_000, 50_000);
});

Deno.test("reproFtLinux(): PBZIP2 at 10 KB blocks is 0.50-0.66 of baseline (sustained)", () => {
  inRange("pbzip2_10KB", 0.5, 0.66);
});

Deno.test("reproFtLinux(): Mongoose below 1500 req/s is within 20% of baseline", () => {
  inRange("mongoose_light", 0.8, 1.05);
});

Deno.test("reproFtLinux(): forwarded packets carry their socket-buffer metadata (Mongoose ring bytes)", () => {
  // ~17 messages a request, six of them packet copies of 3+ slots: about 230 B a message.
  const f = figures();
  const perMsg = (f.mongoose_heavy_MBPerSec! * 1e6) / f.mongoose_heavy_msgPerSec!;
  assert.ok(perMsg > 200 && perMsg < 475, `${perMsg} B per ring message`);
});

Deno.test("reproFtLinux(): Mongoose under heavy load is 0.52-0.68 of baseline (sustained)", () => {
  inRange("mongoose_heavy", 0.52, 0.68);
  inRange("mongoose_heavy_msgPerSec", 25_000, 55_000);
});

Deno.test("reproFtLinux(): the failover gap is 4-6 s", () => {
  inRange("failoverGapSec", 4, 6);
});

Deno.test("FT-Linux: primary fail-stop during a 10 MB download", () => {
  const r = runFailoverDownload({ fileBytes: 10e6, failNs: 100e6, target: "node:1" });
  assert.equal(r.done, true, "the connection survives");
  assert.equal(r.violation, null, "content intact, one consistent execution");
  assert.ok(r.gapNs >= 4e9 && r.gapNs <= 6e9, `gap ${r.gapNs / 1e9} s`);
  assert.equal(r.failovers[0]?.cause, "heartbeat");
  assert.equal(r.failovers[0]?.steps[0]?.name, "nic-driver-load");
});

Deno.test("FT-Linux: failure-free download runs at about 0.85 of the baseline", () => {
  const rep = runFailoverDownload({ fileBytes: 10e6, failNs: -1 });
  const base = runFailoverDownload({ fileBytes: 10e6, failNs: -1, replicas: 1 });
  const ratio = rep.bytesPerSec / base.bytesPerSec;
  assert.ok(ratio > 0.8 && ratio < 0.92, `ratio ${ratio}`);
});

Deno.test("FT-Linux: a machine check in the primary's memory triggers failover at once", () => {
  const r = runFailoverDownload({ fileBytes: 10e6, failNs: 100e6, flipBits: [3, 17] });
  assert.equal(r.failovers[0]?.cause, "machine-check");
  assert.equal(r.violation, null);
  // No heartbeat timeout to wait for: the gap is the takeover alone.
  const hb = runFailoverDownload({ fileBytes: 10e6, failNs: 100e6 });
  assert.ok(r.gapNs < hb.gapNs, `${r.gapNs} vs ${hb.gapNs}`);
});

Deno.test("FT-Linux: the connection survives a fail-stop before the handshake is forwarded", () => {
  for (const failNs of [0, 30_000, 45_000, 100_000]) {
    const r = runFailoverDownload({ fileBytes: 1e6, failNs });
    assert.equal(r.violation, null, `fail at ${failNs} ns: ${r.violation}`);
  }
});

Deno.test("swarmFtLinux(): 150 seeds without violation under relaxed and strict commit", () => {
  for (const commit of ["relaxed", "strict"] as const) {
    const r = swarmFtLinux({ seeds: 150, commit });
    assert.equal(r.violation, null, JSON.stringify(r.violation));
  }
});

Deno.test("swarmFtLinux(): the negative control (commit none) is caught with seed and replay", () => {
  const r = swarmFtLinux({ seeds: 150, commit: "none" });
  assert.ok(r.violation, "none must be caught");
  assert.match(r.violation.replay, new RegExp(`--seed ${r.violation.seed} --commit none`));
  const again = swarmFtLinux({ seeds: 1, commit: "none", only: r.violation.seed });
  assert.equal(again.violation?.detail, r.violation.detail, "the replay reproduces it");
});

Deno.test("FT-Linux scenarios: same seed, same digest", () => {
  const scenarios: (() => string)[] = [
    () => runFailoverDownload({ fileBytes: 2e6, failNs: 20e6, seed: 3 }).digest,
    () => runFailoverDownload({ fileBytes: 2e6, failNs: -1, seed: 3 }).digest,
    () => runFailoverDownload({ fileBytes: 2e6, failNs: 20e6, flipBits: [3, 17], seed: 3 }).digest,
    () =>
      runFailoverDownload({
        fileBytes: 2e6,
        failNs: 20e6,
        seed: 3,
        config: { mode: "logical-time" },
      }).digest,
    () =>
      runFailoverDownload({
        fileBytes: 2e6,
        failNs: 20e6,
        flipBits: [3, 17, 29],
        replicas: 3,
        config: { vote: true },
      }).digest,
    () => runPbzip2({ blockKB: 10, replicas: 2, durNs: 60e6, warmNs: 20e6, seed: 3 }).digest,
    () => runMongoose({ replicas: 2, durNs: 60e6, warmNs: 20e6, seed: 3 }).digest,
  ];
  for (const [i, run] of scenarios.entries()) assert.equal(run(), run(), `scenario ${i}`);
  assert.notEqual(scenarios[0]!(), scenarios[1]!(), "the digest covers the outcome");
});

Deno.test("FT-Linux logical-time mode: replicas write the same blocks, no divergence", () => {
  const sim = createSim({ seed: 1, trace: { window: 0 } });
  const sys = createFtLinux(sim, { mode: "logical-time" });
  const out: Record<string, number[]> = { k0: [], k1: [] };
  sys.start(
    "pb",
    pbzip2({
      blockBytes: 10_000,
      blocks: 40,
      workers: 4,
      compressNsPerByte: 460,
      readNsPerByte: 2,
      allocBytes: 10_000,
      allocPerBlock: 4,
      queueBlocks: 8,
      onBlock: (t, b) => out[t.ns.kernel.name]!.push(b),
    }),
  );
  sim.run({ untilNs: 2e9 });
  assert.equal(out.k0!.length, 40);
  assert.deepEqual(out.k1, out.k0);
  assert.deepEqual(sys.kernels.map((k) => k.divergences), [[], []]);
});

Deno.test("FT-Linux logical-time mode: a download survives a primary fail-stop", () => {
  const r = runFailoverDownload({ fileBytes: 3e6, failNs: 30e6, config: { mode: "logical-time" } });
  assert.equal(r.violation, null);
});

Deno.test("FT-Linux: an undetected 3-bit error is masked by 3 voting replicas, detected by 2", () => {
  const flip = { fileBytes: 2e6, failNs: 5e6, flipBits: [3, 17, 29] };
  const three = runFailoverDownload({ ...flip, replicas: 3, config: { vote: true } });
  assert.equal(three.violation, null, "majority voting masks it");
  assert.equal(three.failovers.length, 1, "the outvoted primary is replaced");
  const two = runFailoverDownload({ ...flip, replicas: 2 });
  assert.equal(two.divergenceDetected, true, "the checksum comparison detects it");
  assert.notEqual(two.violation, null, "two replicas cannot mask it");
});

Deno.test("parseFtLinuxConfig(): bad configs are rejected naming the field", () => {
  const bad: [unknown, string][] = [
    [{ commit: "lazy" }, "commit"],
    [{ replicas: 0 }, "replicas"],
    [{ ring: { slots: 3 } }, "ring.slots"],
    [{ heartbeat: { periodNs: "100ms", timeoutNs: "50ms" } }, "heartbeat.timeoutNs"],
    [{ failover: "teleport" }, "failover"],
    [{ mode: "lockstep" }, "mode"],
    [{ network: { linkBitsPerSec: -1 } }, "network.linkBitsPerSec"],
  ];
  for (const [input, field] of bad) {
    assert.throws(
      () => parseFtLinuxConfig(input as never),
      (e: unknown) => e instanceof ConfigError && e.message.includes(field),
      field,
    );
  }
});
