import assert from "node:assert/strict";
import fc from "fast-check";
import { createSim, Mutex, type Request, Resource } from "../../lib/sim/mod.ts";

Deno.test("Resource.request() grants strictly first-in first-out", () => {
  const sim = createSim({ seed: 1 });
  const cpu = new Resource(sim, "cpu", 1);
  const order: string[] = [];
  const arrivals: [string, number][] = [["a", 0], ["b", 3], ["c", 3], ["d", 1], ["e", 2]];
  for (const [who, at] of arrivals) {
    sim.process(function* () {
      yield at;
      const req: Request = yield cpu.request();
      order.push(`${who}@${sim.now}`);
      yield 10;
      cpu.release(req);
    }, who);
  }
  sim.run();
  assert.deepEqual(order, ["a@0", "d@10", "e@20", "b@30", "c@40"]);
  assert.equal(cpu.grants, 5);
  assert.equal(cpu.inUse, 0);
});

Deno.test("Resource with capacity > 1 grants up to capacity at once; release wakes the next", () => {
  const sim = createSim({ seed: 1 });
  const pool = new Resource(sim, "pool", 3);
  const starts: number[] = [];
  for (let i = 0; i < 7; i++) {
    sim.process(function* () {
      const req = yield pool.request();
      starts.push(sim.now);
      yield 10 + i; // distinct hold times: a release wakes exactly one waiter
      pool.release(req);
    });
  }
  sim.run({ untilNs: 5 });
  assert.equal(pool.inUse, 3);
  assert.equal(pool.queueLength, 4);
  sim.run();
  // Holders 0,1,2 release at 10,11,12 -> waiters 3,4,5 start then; 3 releases at 10+13=23.
  assert.deepEqual(starts, [0, 0, 0, 10, 11, 12, 23]);
});

Deno.test("Resource.release() twice throws, and so does releasing another resource's request", () => {
  const sim = createSim({ seed: 1 });
  const r1 = new Resource(sim, "disk", 1);
  const r2 = new Resource(sim, "net", 1);
  const req = r1.tryRequest()!;
  const other = r1.request(); // waits: a withdrawal after the double release must still work
  assert.throws(() => r2.release(req), /belongs to disk/);
  r1.release(req);
  assert.throws(() => r1.release(req), /disk: request released twice/);
  assert.equal(other.granted, true);
  r1.release(other);
  assert.equal(r1.inUse, 0);
  assert.equal(r2.inUse, 0);
});

Deno.test("Resource.tryRequest() grants a free unit at once and never queues", () => {
  const sim = createSim({ seed: 1 });
  const r = new Resource(sim, "r", 2);
  const a = r.tryRequest();
  const b = r.tryRequest();
  assert.ok(a?.granted && b?.granted);
  assert.equal(r.tryRequest(), null);
  assert.equal(r.queueLength, 0);
  r.release(a);
  // A waiter holds priority over tryRequest even if a unit is free for a moment.
  const queued = r.request();
  assert.equal(queued.granted, true);
  const waiting = r.request();
  assert.equal(waiting.granted, false);
  assert.equal(r.tryRequest(), null);
  assert.equal(r.inUse, 2);
  sim.run();
});

Deno.test("Resource.release() of a pending request withdraws it; later waiters keep their order", () => {
  const sim = createSim({ seed: 1 });
  const r = new Resource(sim, "r", 1);
  const holder = r.request();
  const w1 = r.request(), w2 = r.request(), w3 = r.request();
  assert.equal(r.queueLength, 3);
  r.release(w2);
  assert.equal(w2.released, true);
  assert.equal(r.queueLength, 2);
  assert.equal(r.inUse, 1);
  r.release(holder);
  assert.equal(w1.granted, true);
  assert.equal(w2.granted, false);
  r.release(w1);
  assert.equal(w3.granted, true);
  sim.run();
  assert.equal(w2.pending, true); // a withdrawn request never fires
});

Deno.test("Resource.request() beyond maxWaiters throws a RangeError naming the resource", () => {
  const sim = createSim({ seed: 1 });
  const r = new Resource(sim, "nic", 1, 2);
  r.request();
  r.request();
  r.request();
  assert.throws(() => r.request(), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /nic: more than 2 waiters/);
    return true;
  });
  assert.equal(r.queueLength, 2);
});

Deno.test("Resource rejects a capacity that is not a positive integer", () => {
  const sim = createSim({ seed: 1 });
  for (const c of [0, -1, 1.5, NaN]) {
    assert.throws(() => new Resource(sim, "bad", c), /bad\.capacity/);
  }
});

Deno.test("Resource utilization(), busyUnitNs and waitNs are exact on a hand-computed scenario", () => {
  const sim = createSim({ seed: 1 });
  const r = new Resource(sim, "r", 2);
  // who, arrival, hold. Hand computation:
  //   A: 0..10, B: 0..30, C waits 5..10 then 10..30, D waits 6..30 then 30..40.
  //   busy unit-ns: [0,10) 2 units = 20, [10,30) 2 units = 40, [30,40) 1 unit = 10 -> 70.
  //   waitNs = 0 + 0 + 5 + 24 = 29.
  const plan: [string, number, number][] = [["A", 0, 10], ["B", 0, 30], ["C", 5, 20], [
    "D",
    6,
    10,
  ]];
  const granted: string[] = [];
  for (const [who, at, hold] of plan) {
    sim.process(function* () {
      yield at;
      const req: Request = yield r.request();
      granted.push(`${who}@${req.grantedNs}`);
      yield hold;
      r.release(req);
    }, who);
  }
  const probes: [number, number][] = [];
  sim.schedule(20, () => probes.push([r.busyUnitNs, r.utilization()]));
  sim.run({ untilNs: 50 });
  assert.deepEqual(granted, ["A@0", "B@0", "C@10", "D@30"]);
  assert.deepEqual(probes, [[40, 1]]);
  assert.equal(r.busyUnitNs, 70);
  assert.equal(r.utilization(), 70 / (50 * 2));
  assert.equal(r.waitNs, 29);
  assert.equal(r.grants, 4);
});

Deno.test("Resource.utilization() counts from creation and is 0 before time passes", () => {
  const sim = createSim({ seed: 1 });
  sim.run({ untilNs: 100 });
  const r = new Resource(sim, "late", 1);
  assert.equal(r.utilization(), 0);
  r.tryRequest();
  sim.run({ untilNs: 150 });
  assert.equal(r.utilization(), 1);
  assert.equal(r.busyUnitNs, 50);
});

Deno.test("Mutex is a Resource of capacity 1", () => {
  const sim = createSim({ seed: 1 });
  const m = new Mutex(sim, "lock", 1);
  assert.equal(m.capacity, 1);
  const a = m.request();
  m.request();
  assert.throws(() => m.request(), /lock: more than 1 waiters/);
  assert.equal(a.granted, true);
  sim.run();
});

Deno.test("Resource: random request/release/withdraw sequences match a FIFO model", () => {
  // Synchronous use (grants happen inside request/release), so no processes are needed; many
  // withdrawals from the middle of a wrapped-around waiting line exercise the internal deque.
  const op = fc.oneof(
    fc.constant({ kind: "request" as const, pick: 0 }),
    fc.nat(1_000).map((pick) => ({ kind: "release" as const, pick })),
    fc.nat(1_000).map((pick) => ({ kind: "withdraw" as const, pick })),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 200 }), (cap, ops) => {
      const sim = createSim({ seed: 1 });
      const r = new Resource(sim, "r", cap);
      const holding: Request[] = [];
      const waiting: Request[] = [];
      for (const o of ops) {
        if (o.kind === "request") {
          const req = r.request();
          if (holding.length < cap && waiting.length === 0) holding.push(req);
          else waiting.push(req);
        } else if (o.kind === "release" && holding.length > 0) {
          r.release(holding.splice(o.pick % holding.length, 1)[0]!);
          if (waiting.length > 0) holding.push(waiting.shift()!);
        } else if (o.kind === "withdraw" && waiting.length > 0) {
          r.release(waiting.splice(o.pick % waiting.length, 1)[0]!);
        }
        assert.equal(r.inUse, holding.length);
        assert.equal(r.queueLength, waiting.length);
        for (const h of holding) assert.ok(h.granted);
        for (const w of waiting) assert.ok(!w.granted);
      }
    }),
    { numRuns: 300 },
  );
});
