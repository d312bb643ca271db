import assert from "node:assert/strict";
import { e1000Driver } from "../../lib/fgft/e1000_driver.ts";
import { E1000Nic } from "../../lib/fgft/e1000_nic.ts";
import { parseFtLinuxConfig } from "../../lib/replication/config.ts";
import {
  availability,
  measureStandbyOverhead,
  runCombinedFailover,
  runCombinedSwarmSeed,
  swarmCombined,
} from "../../lib/replication/combined_run.ts";
import { swarmFtLinux } from "../../lib/replication/swarm.ts";

// 20 MB at ~35 MB/s: the download is still running when node:1 fails at 300 ms.
const SMALL = { fileBytes: 20e6, failNs: 300e6 };

Deno.test("device-checkpoint: failover gap under 1 s with the 400 ms timeout, dominated by detection", () => {
  const r = runCombinedFailover({ policy: "device-checkpoint", ...SMALL });
  assert.equal(r.violation, null);
  assert.equal(r.configViolation, null);
  assert.ok(r.done);
  assert.ok(r.gapNs < 1e9, `gap ${r.gapNs}`);
  assert.ok(r.detectNs >= 300e6 && r.detectNs <= 500e6, `detect ${r.detectNs}`);
  assert.ok(r.detectNs / r.gapNs > 0.7, `detection share ${r.detectNs / r.gapNs}`);
  assert.ok(r.nicNs < 0.1 * r.gapNs, `NIC ${r.nicNs}`);
  // The NIC step is lib/fgft's resume path (+ attach + ring rebuild), not a constant.
  const spec = e1000Driver();
  const resume = new E1000Nic("n").resumeSteps(
    spec.suspendRegisters.length - 2,
    Object.keys(spec.programs).length,
  ).reduce((a, s) => a + s.ns, 0);
  assert.equal(r.nicNs, 1_000_000 + resume + 512 * 500);
  const slow = runCombinedFailover({
    policy: "device-checkpoint",
    ...SMALL,
    config: { deviceCheckpoint: { device: { macResetNs: "50ms" } } },
  });
  assert.equal(slow.nicNs - r.nicNs, 45_000_000);
});

Deno.test("runCombinedFailover(): driver-reload keeps FT-Linux's ~5 s gap; second-nic is fastest", () => {
  const [dr, dc, sn] = (["driver-reload", "device-checkpoint", "second-nic"] as const).map((
    policy,
  ) => runCombinedFailover({ policy, ...SMALL }));
  assert.ok(dr!.gapNs > 4e9 && dr!.gapNs < 6e9, `driver-reload ${dr!.gapNs}`);
  assert.ok(sn!.gapNs < dc!.gapNs && dc!.gapNs < dr!.gapNs);
  for (const r of [dr!, dc!, sn!]) assert.equal(r.violation, null, r.policy);
});

Deno.test("device-checkpoint: the restored NIC has the MAC, multicast list, MTU and offloads the primary set", () => {
  const r = runCombinedFailover({ policy: "device-checkpoint", ...SMALL });
  const x = r.restore!;
  assert.equal(x.checkpointSeq, 5);
  assert.equal(x.replayedCalls, 0);
  assert.equal(x.restored.macLo, 0x0a0b0c0d);
  assert.equal(x.restored.multicast[3], 0x10);
  assert.equal(x.restored.mtu, 9000);
  assert.equal(x.restored.tso, 0);
  assert.equal(x.restored.rxCsum, 0);
  assert.ok(r.standby!.checkpointMessages >= 6 && r.standby!.configMessages === 5);
});

Deno.test("device-checkpoint: without refresh on configuration the log tail is replayed at takeover", () => {
  const r = runCombinedFailover({
    policy: "device-checkpoint",
    ...SMALL,
    config: { deviceCheckpoint: { refreshOnConfig: false, refreshIntervalNs: "10s" } },
  });
  assert.equal(r.configViolation, null);
  assert.equal(r.restore!.replayedCalls, 5);
  assert.equal(r.restore!.checkpointSeq, 0);
  assert.ok(r.failover!.steps.some((s) => s.name === "nic-replay-config-tail"));
  assert.ok(r.gapNs < 1e9);
});

Deno.test("device-checkpoint: a primary that dies before the first checkpoint arrives falls back to cold boot + probe", () => {
  const r = runCombinedFailover({ policy: "device-checkpoint", fileBytes: 2e6, failNs: 10_000 });
  assert.equal(r.restore!.checkpointSeq, -1);
  assert.ok(r.failover!.steps.some((s) => s.name === "nic-probe"));
  assert.equal(r.violation, null);
  assert.equal(r.configViolation, null);
});

Deno.test("negative control stale-checkpoint: the NIC configuration checker catches it", () => {
  const r = runCombinedFailover({
    policy: "device-checkpoint",
    ...SMALL,
    config: { deviceCheckpoint: { control: "stale-checkpoint" } },
  });
  assert.match(r.configViolation ?? "", /restored NIC on k1: macLo/);
  const s = swarmCombined({ seeds: 50, control: "stale-checkpoint" });
  assert.ok(s.violation, "swarm must catch the control");
  assert.match(
    s.violation.replay,
    /^deno task ftlab swarm combined --seed \d+ --control stale-checkpoint$/,
  );
});

Deno.test("swarmFtLinux(): no violation under device-checkpoint (relaxed and strict)", () => {
  assert.equal(
    swarmFtLinux({ seeds: 300, commit: "relaxed", failover: "device-checkpoint" }).violation,
    null,
  );
  assert.equal(
    swarmFtLinux({ seeds: 100, commit: "strict", failover: "device-checkpoint" }).violation,
    null,
  );
  assert.equal(
    swarmFtLinux({ seeds: 100, commit: "relaxed", failover: "second-nic" }).violation,
    null,
  );
});

Deno.test("swarmFtLinux(): the commit-none negative control is caught under the fast policies too", () => {
  // The file server's header carries a microsecond timestamp, so a survivor that recomputes the
  // time after a sub-second failover differs from what the client already received.
  for (const failover of ["device-checkpoint", "second-nic"]) {
    const r = swarmFtLinux({ seeds: 100, commit: "none", failover });
    assert.ok(r.violation, `${failover}: commit none not caught`);
    assert.match(r.violation.replay, /--commit none/);
  }
});

Deno.test("swarmCombined(): configuration calls, random refresh settings and faults: no violation", () => {
  assert.equal(swarmCombined({ seeds: 200 }).violation, null);
});

Deno.test("measureStandbyOverhead(): keeping the checkpoint fresh costs Mongoose under 2%", () => {
  for (const refreshIntervalNs of [1e9, 10e6]) {
    const o = measureStandbyOverhead({ refreshIntervalNs });
    assert.ok(o.overhead < 0.02, `${refreshIntervalNs}: ${o.overhead}`);
    assert.ok(o.checkpointMessagesPerSec > 0.5e9 / refreshIntervalNs);
  }
});

Deno.test("issue 6 scenarios: same seed, same digest", () => {
  for (const policy of ["device-checkpoint", "second-nic"]) {
    const a = runCombinedFailover({ policy, fileBytes: 2e6, failNs: 100e6, seed: 7 });
    const b = runCombinedFailover({ policy, fileBytes: 2e6, failNs: 100e6, seed: 7 });
    assert.equal(a.digest, b.digest, policy);
  }
  assert.equal(runCombinedSwarmSeed(11), runCombinedSwarmSeed(11));
});

Deno.test("availability(): MTBF / (MTBF + gap) per failure", () => {
  const a = availability({ gapSec: 0.45, failuresPerYear: 1 });
  assert.ok(Math.abs(a.availability - 1 / (1 + 0.45 / (365.25 * 86400))) < 1e-15);
  assert.ok(a.nines > 7.8 && a.nines < 7.9);
});

Deno.test("parseFtLinuxConfig(): deviceCheckpoint errors name the field", () => {
  assert.throws(
    () => parseFtLinuxConfig(JSON.parse('{ "deviceCheckpoint": { "control": "lazy" } }')),
    /deviceCheckpoint\.control/,
  );
  assert.equal(
    parseFtLinuxConfig({ deviceCheckpoint: { refreshIntervalNs: "10ms" } }).deviceCheckpoint
      .refreshIntervalNs,
    10_000_000,
  );
});
