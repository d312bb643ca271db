import { strict as assert } from "node:assert";
import { createSim } from "../../lib/sim/mod.ts";
import {
  type CallResult,
  checkNextCall,
  checkRollback,
  DriverHost,
  e1000Driver,
  E1000Nic,
  ens1371Driver,
  Ens1371Sound,
  type HostConfigInput,
  type Manifestation,
  PsMouse,
  psmouseDriver,
} from "../../lib/fgft/mod.ts";

function runOne(
  config: HostConfigInput,
  entryPoint: string,
  manifestation: Manifestation,
  device: "nic" | "sound" | "mouse" = "nic",
) {
  const sim = createSim({ seed: 5 });
  const host = device === "nic"
    ? new DriverHost(sim, new E1000Nic("nic0"), e1000Driver(), config)
    : device === "sound"
    ? new DriverHost(sim, new Ens1371Sound("snd0"), ens1371Driver(), config)
    : new DriverHost(sim, new PsMouse("mouse0"), psmouseDriver(), config);
  host.armBug({ entryPoint, bugClass: "null-dereference", manifestation });
  const results: (CallResult | undefined)[] = [undefined, undefined];
  sim.process(function* () {
    results[0] = yield* host.call(entryPoint, { mac_lo: 0x1234, rate: 200 });
    results[1] = yield* host.call(entryPoint, { mac_lo: 0x1234, rate: 200 });
  });
  sim.run({ untilNs: 10_000_000_000 });
  return { host, results };
}

Deno.test("DriverHost: an isolated call that faults is rolled back: device equals checkpoint", () => {
  for (
    const [dev, ep] of [["nic", "set_rx_mode"], ["sound", "mixer_put_volume"], [
      "mouse",
      "store_rate",
    ]] as const
  ) {
    const { host, results } = runOne(
      { isolate: "config", retries: 0 },
      ep,
      "wild-write-outside",
      dev,
    );
    assert.equal(host.rollbacks.length, 1);
    assert.deepEqual(checkRollback(host.rollbacks[0]!), []);
    assert.deepEqual(host.rollbacks[0]!.deviceAfter, host.rollbacks[0]!.deviceAtCheckpoint);
    assert.equal(results[0]!.ok, false);
    assert.equal(results[0]!.error, "EIO");
    assert.deepEqual(checkNextCall(ep, results[1]), []);
  }
});

Deno.test("DriverHost: retry after rollback succeeds for a transient bug", () => {
  const { host, results } = runOne({ isolate: "config", retries: 1 }, "set_mac", "exception");
  assert.equal(results[0]!.ok, true);
  assert.equal(results[0]!.rolledBack, true);
  assert.equal(host.memory.get("hw.mac_lo"), 0x1234);
  assert.equal(host.device.readRegister("RAL0").value, 0x1234);
});

Deno.test("DriverHost: negative control restore-skipped is caught by device-restored", () => {
  const { host } = runOne(
    { isolate: "config", retries: 0, control: "restore-skipped" },
    "set_rx_mode",
    "exception",
  );
  // set_rx_mode writes registers before the fault with some probability; force a late fault by
  // checking over several seeds is the swarm's job; here the write of RCTL happened or not.
  const v = checkRollback(host.rollbacks[0]!);
  assert.ok(v.every((x) => x.checker === "device-restored"));
});

Deno.test("DriverHost: negative control log-not-undone leaks the lock and the next call hangs", () => {
  const { host, results } = runOne(
    { isolate: "config", retries: 0, control: "log-not-undone" },
    "get_eeprom",
    "exception",
  );
  const v = checkRollback(host.rollbacks[0]!);
  assert.ok(v.some((x) => x.checker === "no-leak"));
  assert.equal(checkNextCall("get_eeprom", results[1]).length, 1);
});

Deno.test("DriverHost: a missing unlock is masked when isolated and deadlocks natively", () => {
  const iso = runOne({ isolate: "config" }, "get_eeprom", "missing-unlock");
  assert.equal(iso.results[1]!.ok, true);
  const nat = runOne({ isolate: "none" }, "get_eeprom", "missing-unlock");
  assert.equal(nat.results[1], undefined);
});

Deno.test("DriverHost: without protection a detected-class fault crashes the kernel", () => {
  const { host, results } = runOne({ recovery: "none" }, "set_mac", "exception");
  assert.equal(results[0]!.error, "ECRASH");
  assert.ok(host.crashedNs !== undefined);
});

Deno.test("DriverHost: restart loses the configuration, shadow replays it", () => {
  for (const recovery of ["restart", "shadow"] as const) {
    const sim = createSim({ seed: 1 });
    const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver(), { recovery });
    const out: CallResult[] = [];
    sim.process(function* () {
      out.push(yield* host.call("set_mac", { mac_lo: 0x4242 }));
      host.armBug({
        entryPoint: "set_coalesce",
        bugClass: "null-dereference",
        manifestation: "exception",
      });
      out.push(yield* host.call("set_coalesce", { itr: 4000 }));
    });
    sim.run();
    assert.equal(host.recoveries.length, 1);
    if (recovery === "restart") {
      assert.equal(out[1]!.error, "EIO");
      assert.notEqual(host.memory.get("hw.mac_lo"), 0x4242);
    } else {
      assert.equal(out[1]!.ok, true);
      assert.equal(host.memory.get("hw.mac_lo"), 0x4242);
      assert.equal(host.device.readRegister("RAL0").value, 0x4242);
    }
  }
});
