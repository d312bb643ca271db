import { strict as assert } from "node:assert";
import {
  createTestbed,
  defineDriver,
  DriverHost,
  e1000Driver,
  E1000Nic,
  fgftReproCommand,
  fgftSwarmCommand,
  fgftTrial,
  reproFgft,
  runNicRecovery,
  runSwarm,
  swarmCase,
} from "../../lib/fgft/mod.ts";
import { ConfigError, createSim } from "../../lib/sim/mod.ts";

Deno.test("reproFgft(): recovery reduction within 0.74-0.84, config protection overhead under 0.02", () => {
  const r = reproFgft();
  assert.ok(r.recoveryReduction >= 0.74 && r.recoveryReduction <= 0.84, `${r.recoveryReduction}`);
  assert.ok(r.configProtectionOverhead < 0.02, `${r.configProtectionOverhead}`);
  assert.ok(r.hotPathProtectionOverhead > 0.2, "the hot path costs when isolated");
  assert.ok(
    r.failureDurationNs.shadow > r.failureDurationNs.restart,
    "shadow is slower than restart",
  );
});

Deno.test("fgftReproCommand(--json) prints the figures and exits 0", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    assert.equal(await fgftReproCommand(["--json"]), 0);
  } finally {
    console.log = log;
  }
  const j = JSON.parse(lines.join("\n"));
  assert.ok(j.recoveryReduction >= 0.74 && j.recoveryReduction <= 0.84);
  assert.ok(j.configProtectionOverhead < 0.02);
});

Deno.test("runSwarm(): 200 seeds, no violation; each negative control is caught", () => {
  assert.equal(runSwarm({ seeds: 200 }).violatingSeeds, 0);
  for (const control of ["restore-skipped", "log-not-undone"] as const) {
    const s = runSwarm({ seeds: 200, control });
    assert.ok(s.violatingSeeds > 0, control);
    assert.match(
      s.failures[0]!.replay,
      new RegExp(`--seed ${s.failures[0]!.seed} --control ${control}$`),
    );
  }
});

Deno.test("fgftSwarmCommand: a control prints the seed and the replay command; bad flags are usage errors", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    assert.equal(await fgftSwarmCommand(["--seeds", "60", "--control", "log-not-undone"]), 1);
  } finally {
    console.log = log;
  }
  assert.ok(
    lines.some((l) =>
      /replay: deno task ftlab swarm fgft --seed \d+ --control log-not-undone/.test(l)
    ),
  );
  await assert.rejects(
    () => fgftSwarmCommand(["--seeds", "abc"]),
    (e: Error) => e.name === "UsageError",
  );
  await assert.rejects(
    () => fgftSwarmCommand(["--seeds", "3", "--control", "nope"]),
    (e: Error) => e.name === "UsageError" && e.message.includes("--control"),
  );
});

Deno.test("FGFT scenarios: same seed, same digest", () => {
  for (const scheme of ["fgft", "restart", "shadow", "none"] as const) {
    assert.equal(
      runNicRecovery({ scheme, durationNs: "200ms" }).digest,
      runNicRecovery({ scheme, durationNs: "200ms" }).digest,
    );
  }
  for (const seed of [1, 2, 3, 143]) assert.equal(swarmCase(seed).digest, swarmCase(seed).digest);
  assert.equal(fgftTrial({ fault: 5 }, 9).digest, fgftTrial({ fault: 5 }, 9).digest);
  assert.notEqual(swarmCase(1).digest, swarmCase(2).digest);
});

Deno.test("configs: bad values are rejected naming the field", () => {
  const sim = createSim({ seed: 1 });
  assert.throws(
    () => new E1000Nic("nic0", { macResetNs: -1 }),
    (e: Error) => e instanceof ConfigError && e.message.includes("macResetNs"),
  );
  assert.throws(
    () => createTestbed({ seed: 1, host: { retries: 99 } }),
    (e: Error) => e instanceof ConfigError && e.message.includes("retries"),
  );
  assert.throws(
    () => new DriverHost(sim, new E1000Nic("nic1"), e1000Driver(), { isolate: ["no_such_entry"] }),
    (e: Error) => e instanceof ConfigError && e.message.includes("isolate.0"),
  );
  const spec = e1000Driver();
  const bad = {
    ...spec,
    entryPoints: [...spec.entryPoints, {
      name: "poke",
      kind: "config" as const,
      costNs: 10,
      registersWritten: ["PBA_TYPO"],
    }],
  };
  assert.throws(
    () => new DriverHost(sim, new E1000Nic("nic2"), bad),
    (e: Error) => e.message.includes("registersWritten"),
  );
  assert.throws(
    () =>
      defineDriver({
        ...spec,
        entryPoints: [{ name: "x", kind: "config", costNs: 1, writes: ["adapter.nope"] }],
      }),
    (e: Error) => e instanceof ConfigError && e.message.includes("entryPoints.0.writes.0"),
  );
});
