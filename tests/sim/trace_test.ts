import assert from "node:assert/strict";
import { createSim, Trace, type TraceRecord } from "../../lib/sim/mod.ts";

type Rec = [number, string, string, Record<string, unknown>?];

const BASE: Rec[] = [
  [0, "machine.node0", "boot"],
  [5, "machine.node0.mc", "fail-stop", { reason: "injected", bank: 3 }],
  [9, "replication.ring", "send", { bytes: 300 }],
  [9, "fgft.driver", "rollback", {}],
];

function digestOf(recs: Rec[], trace = new Trace()): string {
  for (const [t, c, k, f] of recs) f === undefined ? trace.emit(t, c, k) : trace.emit(t, c, k, f);
  return trace.digest;
}

Deno.test("Trace.digest is 16 hex digits and identical for identical records", () => {
  const d = digestOf(BASE);
  assert.match(d, /^[0-9a-f]{16}$/);
  assert.equal(digestOf(BASE), d);
  assert.match(new Trace().digest, /^[0-9a-f]{16}$/);
  assert.notEqual(new Trace().digest, d);
});

Deno.test("Trace.digest changes with every field of every record", () => {
  const d = digestOf(BASE);
  const variants: [string, Rec[]][] = [
    ["time", [[1, "machine.node0", "boot"], ...BASE.slice(1)]],
    ["component", [[0, "machine.node1", "boot"], ...BASE.slice(1)]],
    ["kind", [[0, "machine.node0", "reboot"], ...BASE.slice(1)]],
    ["field value", [BASE[0]!, [5, "machine.node0.mc", "fail-stop", {
      reason: "injected",
      bank: 4,
    }], ...BASE.slice(2)]],
    ["field name", [BASE[0]!, [5, "machine.node0.mc", "fail-stop", {
      reason: "injected",
      bnk: 3,
    }], ...BASE.slice(2)]],
    ["last record's time", [...BASE.slice(0, 3), [10, "fgft.driver", "rollback", {}]]],
    ["order", [BASE[1]!, BASE[0]!, ...BASE.slice(2)]],
    ["one record fewer", BASE.slice(0, 3)],
    ["one record more", [...BASE, [9, "fgft.driver", "rollback", {}]]],
  ];
  const seen = new Set([d]);
  for (const [what, recs] of variants) {
    const v = digestOf(recs);
    assert.notEqual(v, d, what);
    seen.add(v);
  }
  assert.equal(seen.size, variants.length + 1);
});

Deno.test("Trace.digest does not depend on the window or the filters", () => {
  const all = digestOf(BASE, new Trace());
  assert.equal(digestOf(BASE, new Trace({ window: 0 })), all);
  assert.equal(digestOf(BASE, new Trace({ window: 1 })), all);
  assert.equal(digestOf(BASE, new Trace({ categories: ["fgft"] })), all);
  assert.equal(digestOf(BASE, new Trace({ kinds: ["nothing-matches"] })), all);
});

Deno.test("Trace.records() keeps the last N records in order", () => {
  const t = new Trace({ window: 3 });
  for (let i = 0; i < 11; i++) t.emit(i, "c", "k", { i });
  assert.deepEqual(t.records().map((r) => r.fields.i), [8, 9, 10]);
  assert.equal(t.count, 11);
  const exact = new Trace({ window: 3 });
  for (let i = 0; i < 3; i++) exact.emit(i, "c", "k", { i });
  assert.deepEqual(exact.records().map((r) => r.timeNs), [0, 1, 2]);
  const roomy = new Trace({ window: 100 });
  for (let i = 0; i < 5; i++) roomy.emit(i, "c", "k");
  assert.deepEqual(roomy.records().map((r) => r.timeNs), [0, 1, 2, 3, 4]);
});

Deno.test("Trace.records() returns a copy that later records do not change", () => {
  const t = new Trace({ window: 2 });
  t.emit(1, "c", "a");
  const snap = t.records();
  t.emit(2, "c", "b");
  t.emit(3, "c", "c");
  assert.deepEqual(snap.map((r) => r.kind), ["a"]);
});

Deno.test("Trace({window: 0}) keeps no records but counts them", () => {
  const t = new Trace({ window: 0 });
  t.emit(1, "c", "k");
  assert.deepEqual(t.records(), []);
  assert.equal(t.toJsonl(), "");
  assert.equal(t.count, 1);
});

Deno.test("Trace category and kind filters select what the window keeps", () => {
  const comps = ["machine", "machine.node0", "machinery.x", "fgft.driver", "replication"];
  const byCat = new Trace({ categories: ["machine", "replication"] });
  const byKind = new Trace({ kinds: ["fault"] });
  const both = new Trace({ categories: ["machine"], kinds: ["fault"] });
  for (const t of [byCat, byKind, both]) {
    comps.forEach((c, i) => t.emit(i, c, i % 2 === 0 ? "fault" : "info"));
  }
  assert.deepEqual(byCat.records().map((r) => r.component), [
    "machine",
    "machine.node0",
    "replication",
  ]);
  assert.deepEqual(byKind.records().map((r) => r.component), [
    "machine",
    "machinery.x",
    "replication",
  ]);
  assert.deepEqual(both.records().map((r) => r.component), ["machine"]);
  for (const t of [byCat, byKind, both]) assert.equal(t.count, comps.length);
});

Deno.test("Trace.toJsonl() exports one JSON record a line that parses back", () => {
  const t = new Trace();
  digestOf(BASE, t);
  const text = t.toJsonl();
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, BASE.length);
  const parsed = lines.map((l) => JSON.parse(l) as TraceRecord);
  assert.deepEqual(parsed, t.records().map((r) => ({ ...r, fields: { ...r.fields } })));
  assert.deepEqual(parsed[0], { timeNs: 0, component: "machine.node0", kind: "boot", fields: {} });
  assert.deepEqual(parsed[1]!.fields, { reason: "injected", bank: 3 });
});

Deno.test("Trace.subscribe() sees every record, filtered or not, until unsubscribed", () => {
  const t = new Trace({ window: 0, kinds: ["keep"] });
  const seen: string[] = [];
  const other: string[] = [];
  const off = t.subscribe((r) => seen.push(`${r.timeNs}:${r.kind}`));
  t.subscribe((r) => other.push(r.kind));
  t.emit(1, "a", "keep");
  t.emit(2, "a", "drop", { x: 1 });
  off();
  t.emit(3, "a", "keep");
  assert.deepEqual(seen, ["1:keep", "2:drop"]);
  assert.deepEqual(other, ["keep", "drop", "keep"]);
});

Deno.test("Trace rejects a window that is not a non-negative integer", () => {
  for (const w of [-1, 1.5, NaN]) assert.throws(() => new Trace({ window: w }), /trace\.window/);
});

Deno.test("createSim({trace}) configures the simulation's trace", () => {
  const sim = createSim({ seed: 1, trace: { window: 2, categories: ["net"] } });
  sim.process(function* () {
    for (let i = 0; i < 4; i++) {
      sim.trace.emit(sim.now, i % 2 === 0 ? "net.rx" : "disk", "io", { i });
      yield 10;
    }
  });
  sim.run();
  assert.deepEqual(sim.trace.records().map((r) => [r.timeNs, r.fields.i]), [[0, 0], [20, 2]]);
  assert.equal(sim.trace.count, 4);
});
