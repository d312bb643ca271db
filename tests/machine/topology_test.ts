import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, createSim } from "../../lib/sim/mod.ts";
import {
  createMachine,
  type Machine,
  MACHINE_PRESETS,
  machineConfig,
  type MachineConfigInput,
  parseBytes,
} from "../../lib/machine/mod.ts";

const GiB = 2 ** 30;

function build(config: Parameters<typeof createMachine>[1]): Machine {
  return createMachine(createSim({ seed: 1 }), config);
}

function assertHopMatrix(m: Machine): void {
  for (let i = 0; i < m.nodeCount; i++) {
    assert.equal(m.hops(i, i), 0, `hops(${i}, ${i})`);
    for (let j = 0; j < m.nodeCount; j++) {
      assert.equal(m.hops(i, j), m.hops(j, i), `hops(${i}, ${j}) symmetric`);
      if (i !== j) assert.ok(m.hops(i, j) >= 1, `hops(${i}, ${j}) >= 1`);
    }
  }
}

Deno.test("machineConfig('opteron-6376-4s'): 4 sockets, 8 nodes, 64 cores, 128 GiB, SECDED", () => {
  const c = machineConfig("opteron-6376-4s");
  assert.equal(c.sockets, 4);
  assert.equal(c.sockets * c.nodesPerSocket, 8);
  assert.equal(c.memoryPerNode, 16 * GiB);
  assert.equal(c.ecc, "secded");
  const m = build("opteron-6376-4s");
  assert.equal(m.nodeCount, 8);
  assert.equal(m.cores.length, 64);
  assert.equal(m.memory.size, 128 * GiB);
  assert.equal(m.memory.storedWords, 0, "a 128 GiB machine costs nothing until used");
  for (const n of m.nodes) {
    assert.deepEqual(n.cores, Array.from({ length: 8 }, (_, k) => n.id * 8 + k));
    assert.equal(n.socket, Math.floor(n.id / 2));
    assert.equal(n.memoryBase, n.id * 16 * GiB);
    assert.equal(m.memory.nodeOf(n.memoryBase), n.id);
    assert.equal(m.memory.nodeOf(n.memoryBase + 16 * GiB - 1), n.id);
  }
  assert.deepEqual(m.cores[37], { id: 37, node: 4, socket: 2 });
});

Deno.test("machineConfig('small-2node'): 1 socket, 2 nodes of 4 cores and 1 GiB, every node 1 hop away", () => {
  const m = build("small-2node");
  assert.equal(m.config.sockets, 1);
  assert.equal(m.nodeCount, 2);
  assert.equal(m.cores.length, 8);
  assert.deepEqual(m.nodes.map((n) => n.cores), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.equal(m.memory.size, 2 * GiB);
  assert.equal(m.hops(0, 1), 1);
});

Deno.test("Machine.hops(): every preset's matrix is symmetric with zeros on the diagonal", () => {
  for (const name of Object.keys(MACHINE_PRESETS)) assertHopMatrix(build(name));
  const m = build("opteron-6376-4s");
  for (let s = 0; s < 4; s++) assert.equal(m.hops(2 * s, 2 * s + 1), 1, `dies of socket ${s}`);
  assert.equal(Math.max(...m.nodes.flatMap((a) => m.nodes.map((b) => m.hops(a.id, b.id)))), 2);
});

Deno.test("Machine.hops() of the generated 'socket' and 'full' layouts", () => {
  const base = { name: "g", sockets: 3, nodesPerSocket: 2, coresPerNode: 1, memoryPerNode: 4096 };
  const socket = build({ ...base, hops: "socket" });
  assertHopMatrix(socket);
  assert.equal(socket.hops(0, 1), 1, "same socket");
  assert.equal(socket.hops(1, 2), 2, "across sockets");
  const full = build({ ...base, hops: "full" });
  assertHopMatrix(full);
  assert.equal(full.hops(1, 5), 1);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom("socket" as const, "full" as const),
      (sockets, nodesPerSocket, coresPerNode, hops) => {
        const m = build({
          name: "p",
          sockets,
          nodesPerSocket,
          coresPerNode,
          memoryPerNode: "1MiB",
          hops,
        });
        assert.equal(m.nodeCount, sockets * nodesPerSocket);
        assert.equal(m.cores.length, sockets * nodesPerSocket * coresPerNode);
        assert.deepEqual(m.cores.map((c) => c.id), m.cores.map((_, i) => i));
        assertHopMatrix(m);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("Machine.memoryLatencyNs() is the local latency plus one hop latency per hop", () => {
  const m = build("opteron-6376-4s");
  for (const core of [0, 13, 63]) {
    const from = m.cores[core]!.node;
    const byHops = new Map<number, number>();
    for (const n of m.nodes) {
      const lat = m.memoryLatencyNs(core, n.memoryBase + 64);
      assert.equal(lat, 90 + 40 * m.hops(from, n.id));
      byHops.set(m.hops(from, n.id), lat);
    }
    assert.deepEqual([...byHops.entries()].sort(), [[0, 90], [1, 130], [2, 170]]);
  }
  const slow = build({ preset: "small-2node", localMemoryLatencyNs: "0.1us", hopLatencyNs: 55 });
  assert.equal(slow.memoryLatencyNs(0, 0), 100);
  assert.equal(slow.memoryLatencyNs(0, slow.memory.baseOf(1)), 155);
});

Deno.test("Machine.transferNs() adds serialisation at the link bandwidth between nodes, none locally", () => {
  const m = build("opteron-6376-4s");
  assert.equal(m.transferNs(0, 0, 1 << 20), 90, "same node: no link crossed");
  // 6.4e9 bytes/s: 6400 bytes take 1000 ns on the wire.
  assert.equal(m.transferNs(0, 1, 6400), 90 + 40 + 1000);
  assert.equal(m.transferNs(0, 3, 6400), 90 + 80 + 1000);
  assert.equal(m.transferNs(0, 3, 0), 170);
  assert.equal(m.transferNs(3, 0, 6400), m.transferNs(0, 3, 6400));
  let last = -1;
  for (const bytes of [0, 64, 4096, 1 << 20, 1 << 30]) {
    const t = m.transferNs(2, 5, bytes);
    assert.ok(t > last, `${bytes} bytes`);
    assert.ok(Number.isInteger(t));
    last = t;
  }
});

Deno.test("machineConfig() overrides a preset's fields and keeps the rest", () => {
  const c = machineConfig({ preset: "opteron-6376-4s", ecc: "none", memoryPerNode: "2GiB" });
  assert.equal(c.ecc, "none");
  assert.equal(c.memoryPerNode, 2 * GiB);
  assert.equal(c.coresPerNode, 8);
  assert.equal(c.name, "opteron-6376-4s");
});

Deno.test("parseBytes() reads binary and decimal units and rejects anything else", () => {
  assert.equal(parseBytes("16GiB"), 16 * GiB);
  assert.equal(parseBytes("1.5MiB"), 1.5 * 2 ** 20);
  assert.equal(parseBytes(" 4KiB "), 4096);
  assert.equal(parseBytes("2GB"), 2e9);
  assert.equal(parseBytes("512"), 512);
  assert.equal(parseBytes(512), 512);
  for (const bad of ["", "lots", "1 XiB", "-1GiB", "1e3B", -1, 1.5, Number.NaN]) {
    assert.equal(parseBytes(bad), undefined, String(bad));
  }
});

/** Asserts that `fn` throws a ConfigError whose field is `field` and whose message names it. */
function rejects(fn: () => unknown, field: string, also?: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, field, e.message);
    if (field !== "") assert.ok(e.message.includes(field), e.message);
    if (also) assert.match(e.message, also);
    assert.equal(e.message.split("\n").length, 1, "one line");
    return true;
  });
}

Deno.test("machineConfig() rejects invalid configs with an error naming the field", () => {
  const full: MachineConfigInput = {
    name: "x",
    sockets: 1,
    nodesPerSocket: 2,
    coresPerNode: 2,
    memoryPerNode: "1MiB",
  };
  rejects(() => machineConfig({ preset: "small-2node", ecc: "parity" as never }), "ecc", /secded/);
  rejects(() => machineConfig({ ...full, ecc: "chipkill" as never }), "ecc");
  rejects(() => machineConfig({ ...full, coresPerNode: -1 }), "coresPerNode", /-1/);
  rejects(() => machineConfig({ ...full, sockets: 0 }), "sockets");
  rejects(() => machineConfig({ ...full, memoryPerNode: "lots" }), "memoryPerNode", /"lots"/);
  rejects(() => machineConfig({ ...full, hopLatencyNs: "fast" }), "hopLatencyNs");
  rejects(
    () => machineConfig({ ...full, devices: [{ name: "nic0", kind: "net", node: 2 }] }),
    "devices.0.node",
    /below 2/,
  );
  rejects(
    () =>
      machineConfig({
        ...full,
        devices: [
          { name: "nic0", kind: "net", node: 0 },
          { name: "Bad Name", kind: "net", node: 0 },
        ],
      }),
    "devices.1.name",
  );
  rejects(() => machineConfig({ ...full, hops: [[0, 1], [2, 0]] }), "hops.0.1", /symmetric/);
  rejects(() => machineConfig({ ...full, hops: [[1, 1], [1, 0]] }), "hops.0.0", /diagonal/);
  rejects(() => machineConfig({ ...full, hops: [[0, 1]] }), "hops", /2x2/);
  rejects(() => machineConfig({ ...full, hops: [[0, 1], [1]] }), "hops.1", /2 columns/);
  rejects(() => machineConfig({ ...full, hops: "ring" as never }), "hops");
  rejects(() => machineConfig("nope"), "preset", /opteron-6376-4s, small-2node/);
  rejects(() => machineConfig({ preset: "xeon" }), "preset", /"xeon"/);
  rejects(() => machineConfig({ ...full, gpus: 2 } as never), "", /unknown: gpus/);
  // A preset whose hop matrix no longer fits the overridden topology is caught too.
  rejects(() => machineConfig({ preset: "opteron-6376-4s", sockets: 2 }), "hops", /4x4/);
});
