import assert from "node:assert/strict";
import fc from "fast-check";
import { createSim } from "../../lib/sim/mod.ts";
import {
  createMachine,
  type Machine,
  type MachineConfigInput,
  type MachineEvent,
} from "../../lib/machine/mod.ts";

const NIC = { kind: "net", registers: { CTRL: { offset: 0 } } };

/** The FT-Linux testbed with one device on node 2 and one on node 5. */
function testbed(): { m: Machine; events: MachineEvent[] } {
  const m = createMachine(createSim({ seed: 1 }), {
    preset: "opteron-6376-4s",
    devices: [{ name: "nic0", node: 2, ...NIC }, { name: "nic1", node: 5, ...NIC }],
  });
  const events: MachineEvent[] = [];
  m.on((e) => events.push(e));
  return { m, events };
}

function halted(m: Machine): string[] {
  const ids = [
    ...[0, 1, 2, 3].map((s) => `socket:${s}`),
    ...m.nodes.flatMap((n) => [`node:${n.id}`, `mc:${n.id}`]),
    ...m.cores.map((c) => `core:${c.id}`),
    ...[...m.devices.keys()].map((d) => `device:${d}`),
  ];
  return ids.filter((id) => m.health(id) === "halted").sort();
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

Deno.test("Machine.failStop() of a socket halts its nodes, their cores, memory controllers and devices", () => {
  const { m, events } = testbed();
  m.failStop("socket:1", "power");
  const expected = [
    "socket:1",
    "node:2",
    "node:3",
    "mc:2",
    "mc:3",
    "device:nic0",
    ...range(16, 32).map((c) => `core:${c}`),
  ].sort();
  assert.deepEqual(halted(m), expected);
  // One fail-stop event per state change, each component exactly once.
  assert.equal(events.length, expected.length);
  assert.ok(events.every((e) => e.kind === "fail-stop" && e.timeNs === 0));
  assert.deepEqual(events.map((e) => e.component).sort(), expected);
  assert.equal(events[0]!.component, "socket:1");
  assert.deepEqual(events[0]!.fields, { reason: "power" });
  assert.deepEqual(
    events.find((e) => e.component === "core:20")!.fields,
    { reason: "power (via socket:1) (via node:2)" },
  );
  assert.equal(m.failures.length, expected.length);
  // The rest of the machine runs on.
  for (const c of [...range(0, 16), ...range(32, 64)]) assert.equal(m.coreUp(c), true, `core ${c}`);
  for (const c of range(16, 32)) assert.equal(m.coreUp(c), false, `core ${c}`);
  assert.deepEqual(m.nodes.map((n) => m.memoryReachable(n.id)), [
    true,
    true,
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
  assert.equal(m.device("nic1").reachable, true);
  assert.equal(m.device("nic0").reachable, false);
});

Deno.test("Machine.failStop() of a node halts its cores, memory controller and devices, not its socket", () => {
  const { m, events } = testbed();
  m.failStop("node:5");
  assert.deepEqual(
    halted(m),
    ["node:5", "mc:5", "device:nic1", ...range(40, 48).map((c) => `core:${c}`)].sort(),
  );
  assert.equal(m.health("socket:2"), "up");
  assert.equal(m.nodeUp(4), true);
  assert.equal(events.length, 11);
});

Deno.test("Machine.failStop() of a core does not halt its node, memory or devices", () => {
  const { m, events } = testbed();
  m.failStop("core:17");
  assert.deepEqual(halted(m), ["core:17"]);
  assert.equal(m.coreUp(17), false);
  assert.equal(m.coreUp(16), true);
  assert.equal(m.nodeUp(2), true);
  assert.equal(m.memoryReachable(2), true);
  assert.equal(m.device("nic0").reachable, true);
  assert.deepEqual(events.map((e) => [e.component, e.kind]), [["core:17", "fail-stop"]]);
});

Deno.test("Machine.failStop() of a device or memory controller halts only that component", () => {
  const { m } = testbed();
  m.failStop("device:nic0");
  m.failStop("mc:6");
  assert.deepEqual(halted(m), ["device:nic0", "mc:6"]);
  assert.equal(m.device("nic0").readRegister("CTRL").status, "bus-error");
  assert.equal(m.nodeUp(6), true);
  assert.equal(m.coreUp(48), true);
});

Deno.test("Machine.failStop() is idempotent: a component changes state, and emits, at most once", () => {
  const { m, events } = testbed();
  m.failStop("core:16");
  m.failStop("core:16");
  assert.equal(events.length, 1);
  m.failStop("node:2");
  // node:2, mc:2, nic0 and the 7 other cores; core:16 was already halted.
  assert.equal(events.length, 1 + 10);
  m.failStop("socket:1");
  // socket:1, node:3, its 8 cores and mc:3; node:2 was already halted.
  assert.equal(events.length, 1 + 10 + 11);
  const before = events.length;
  for (const c of ["socket:1", "node:2", "node:3", "mc:2", "core:20", "device:nic0"]) {
    m.failStop(c, "again");
  }
  assert.equal(events.length, before);
  const components = events.map((e) => e.component);
  assert.equal(new Set(components).size, components.length, "no component twice");
  assert.equal(m.failures.length, events.length);
});

Deno.test("Machine.failStop() in any order: the halted set is the union of the cascades, one event each", () => {
  const targets = fc.constantFrom(
    "socket:0",
    "socket:3",
    "node:1",
    "node:2",
    "node:7",
    "mc:4",
    "core:0",
    "core:9",
    "core:63",
    "device:nic0",
    "device:nic1",
  );
  fc.assert(
    fc.property(fc.array(targets, { maxLength: 8 }), (list) => {
      const a = testbed(), b = testbed();
      for (const t of list) a.m.failStop(t);
      for (const t of [...list].reverse()) b.m.failStop(t);
      assert.deepEqual(halted(a.m), halted(b.m));
      assert.equal(a.events.length, halted(a.m).length);
      assert.equal(b.events.length, halted(b.m).length);
    }),
    { numRuns: 60 },
  );
});

Deno.test("Machine events go to every listener and to the trace as machine.<id>, in the same order", () => {
  const sim = createSim({ seed: 1 });
  const m = createMachine(sim, {
    preset: "small-2node",
    devices: [{ name: "nic0", node: 1, ...NIC }],
  });
  const a: MachineEvent[] = [], b: MachineEvent[] = [];
  m.on((e) => a.push(e));
  const off = m.on((e) => b.push(e));
  sim.schedule(500, () => m.failStop("node:1"));
  sim.run();
  off();
  m.failStop("core:0");
  assert.equal(a.length, 8, "node, 4 cores, mc, device, then core:0");
  assert.equal(b.length, 7, "unsubscribed before core:0");
  const recs = sim.trace.records();
  assert.deepEqual(
    recs.map((r) => [r.timeNs, r.component, r.kind]),
    a.map((e) => [e.timeNs, `machine.${e.component.replace(":", "")}`, e.kind]),
  );
  assert.deepEqual(recs.slice(0, 7).map((r) => r.component), [
    "machine.node1",
    "machine.core4",
    "machine.core5",
    "machine.core6",
    "machine.core7",
    "machine.mc1",
    "machine.devicenic0",
  ]);
  assert.ok(recs.slice(0, 7).every((r) => r.timeNs === 500));
  assert.equal(recs[7]!.timeNs, 500, "stamped with the virtual time of the change");
});

Deno.test("Machine.health() and failStop() reject unknown component ids, naming the valid ranges", () => {
  const { m } = testbed();
  const bad = [
    "core:64",
    "node:8",
    "mc:8",
    "socket:4",
    "gpu:0",
    "core",
    "core:",
    "core:-1",
    "core:1.5",
    "core:01",
    "node: 1",
    "device:nope",
    "",
  ];
  for (const id of bad) {
    const expected = (e: unknown) => {
      assert.ok(e instanceof RangeError, id);
      assert.ok(e.message.includes(JSON.stringify(id)), e.message);
      assert.match(e.message, /core:0\.\.63/);
      assert.match(e.message, /N < 8/);
      assert.match(e.message, /socket:N with N < 4/);
      assert.match(e.message, /device:NAME/);
      return true;
    };
    assert.throws(() => m.health(id), expected);
    assert.throws(() => m.failStop(id), expected);
  }
  assert.deepEqual(halted(m), [], "nothing halted by a rejected id");
  assert.equal(m.failures.length, 0);
});

Deno.test("Machine.coreUp(), hops() and device() reject out-of-range arguments", () => {
  const { m } = testbed();
  assert.throws(() => m.coreUp(64), /core 64: the machine has 64 cores/);
  assert.throws(() => m.hops(0, 8), /nodes are 0\.\.7/);
  assert.throws(() => m.memoryLatencyNs(64, 0), /64 cores/);
  assert.throws(() => m.device("eth9"), /no device eth9 \(have: nic0, nic1\)/);
});

Deno.test("Machine.attachDevice() rejects a duplicate name or a missing node", () => {
  const { m } = testbed();
  const cfg: MachineConfigInput = {
    name: "x",
    sockets: 1,
    nodesPerSocket: 1,
    coresPerNode: 1,
    memoryPerNode: 4096,
  };
  const small = createMachine(createSim({ seed: 1 }), cfg);
  assert.throws(() => small.attachDevice(m.device("nic0")), /no node 2/);
  assert.throws(() => m.attachDevice(m.device("nic0")), /nic0 already attached/);
});
