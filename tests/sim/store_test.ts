import assert from "node:assert/strict";
import { createSim, Ring, Store } from "../../lib/sim/mod.ts";

Deno.test("Store.put() blocks at capacity; stall accounting is exact on a hand-computed scenario", () => {
  // Capacity 2. The producer puts a,b,c,d back to back at t=0; the consumer gets at 10 and 25.
  //   t=0: a,b stored; c waits from 0.     t=10: a taken, c stored (stall 10); d waits from 10.
  //   t=25: b taken, d stored (stall 15).  -> stalledPuts 2, stallNs 25, highWater 2.
  const sim = createSim({ seed: 1 });
  const s = new Store<string>(sim, "buf", 2);
  const putDone: string[] = [];
  sim.process(function* () {
    for (const x of ["a", "b", "c", "d"]) {
      yield s.put(x);
      putDone.push(`${x}@${sim.now}`);
    }
  }, "producer");
  const got: string[] = [];
  sim.process(function* () {
    yield 10;
    got.push(`${yield s.get()}@${sim.now}`);
    yield 15;
    for (let i = 0; i < 3; i++) got.push(`${yield s.get()}@${sim.now}`);
  }, "consumer");
  sim.run();
  assert.deepEqual(putDone, ["a@0", "b@0", "c@10", "d@25"]);
  assert.deepEqual(got, ["a@10", "b@25", "c@25", "d@25"]);
  assert.equal(s.stalledPuts, 2);
  assert.equal(s.stallNs, 25);
  assert.equal(s.highWater, 2);
  assert.equal(s.itemsPut, 4);
  assert.equal(s.unitsPut, 4);
  assert.equal(s.length, 0);
  assert.equal(s.used, 0);
});

Deno.test("Store.get() blocks while empty and receivers are served first-in first-out", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<number>(sim, "mailbox", 10);
  const got: string[] = [];
  for (const who of ["g1", "g2", "g3"]) {
    sim.process(function* () {
      const x: number = yield s.get();
      got.push(`${who}:${x}@${sim.now}`);
    });
  }
  sim.schedule(7, () => {
    s.put(100);
    s.put(200);
  });
  sim.schedule(9, () => s.put(300));
  sim.run();
  assert.deepEqual(got, ["g1:100@7", "g2:200@7", "g3:300@9"]);
  assert.equal(s.stalledPuts, 0);
});

Deno.test("Store.put() waiters are admitted first-in first-out", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<string>(sim, "s", 1);
  s.put("first");
  const admitted: string[] = [];
  for (const x of ["p1", "p2", "p3"]) s.put(x).onDone(() => admitted.push(x));
  const got: string[] = [];
  for (let t = 1; t <= 4; t++) sim.schedule(t * 10, () => got.push(s.tryGet()!));
  sim.run();
  assert.deepEqual(got, ["first", "p1", "p2", "p3"]);
  assert.deepEqual(admitted, ["p1", "p2", "p3"]);
  // Waits: p1 0..10, p2 0..20, p3 0..30.
  assert.equal(s.stallNs, 60);
});

Deno.test("Store.put() with sizes > 1: a large item at the head is not overtaken (head-of-line)", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<string>(sim, "s", 4);
  const order: string[] = [];
  const track = (x: string, size: number): void => s.put(x, size).onDone(() => order.push(x));
  track("big", 3); // stored: used 3
  track("large", 2); // 3 + 2 > 4: waits
  track("small", 1); // would fit (3 + 1 <= 4) but must not overtake "large"
  assert.equal(s.used, 3);
  assert.equal(s.tryPut("tiny", 1), false); // nor may tryPut
  sim.run();
  assert.deepEqual(order, ["big"]);
  assert.equal(s.stalledPuts, 2);
  sim.schedule(5, () => assert.equal(s.tryGet(), "big"));
  sim.run();
  assert.deepEqual(order, ["big", "large", "small"]);
  assert.equal(s.used, 3);
  assert.equal(s.free, 1);
  assert.equal(s.unitsPut, 6);
  assert.equal(s.stallNs, 10);
  assert.equal(s.highWater, 3);
  assert.equal(s.peek(), "large");
});

Deno.test("Store.tryPut() and tryGet() never wait", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<number>(sim, "s", 2);
  assert.equal(s.tryGet(), undefined);
  assert.equal(s.tryPut(1), true);
  assert.equal(s.tryPut(2), true);
  assert.equal(s.tryPut(3), false);
  assert.equal(s.length, 2);
  assert.equal(s.itemsPut, 2);
  assert.equal(s.stalledPuts, 0);
  assert.equal(s.tryGet(), 1);
  assert.equal(s.tryGet(), 2);
  assert.equal(s.tryGet(), undefined);
  assert.equal(s.tryPut(4, 2), true);
  assert.equal(s.highWater, 2);
});

Deno.test("Store.tryPut() hands the item to a waiting receiver", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<string>(sim, "s", 1);
  let got = "";
  sim.process(function* () {
    got = yield s.get();
  });
  sim.run();
  assert.equal(s.tryPut("direct"), true);
  sim.run();
  assert.equal(got, "direct");
  assert.equal(s.length, 0);
});

Deno.test("Store rejects a bad capacity, bad item sizes and too many waiters", () => {
  const sim = createSim({ seed: 1 });
  for (const c of [0, -2, 2.5, NaN]) assert.throws(() => new Store(sim, "q", c), /q\.capacity/);
  const s = new Store<number>(sim, "q", 3, 1);
  for (const size of [0, -1, 1.5, 4]) {
    assert.throws(() => s.put(1, size), /q: item size .* must be an integer in \[1, 3\]/);
    assert.throws(() => s.tryPut(1, size), RangeError);
  }
  s.put(1, 3);
  s.put(2, 1); // one waiting putter is allowed
  assert.throws(() => s.put(3, 1), /q: more than 1 waiters/);
  const empty = new Store<number>(sim, "e", 1, 1);
  empty.get();
  assert.throws(() => empty.get(), /e: more than 1 waiters/);
});

Deno.test("Store with Infinity capacity never blocks a put", () => {
  const sim = createSim({ seed: 1 });
  const s = new Store<number>(sim, "unbounded", Infinity);
  for (let i = 0; i < 1_000; i++) assert.equal(s.put(i, 1_000).triggered, true);
  assert.equal(s.used, 1_000_000);
  assert.equal(s.stalledPuts, 0);
  sim.run();
});

Deno.test("Store.get(): an interrupted consumer loses no item handed to it at the same instant", () => {
  const sim = createSim({ seed: 1 });
  const q = new Ring<string>(sim, "q", { slots: 4 });
  const a = sim.process(function* () {
    try {
      yield q.get();
    } catch { /* interrupted */ }
  }, "a");
  sim.process(function* () {
    yield 5;
    q.trySend("x", 300);
    a.interrupt("stop");
  });
  const got: unknown[] = [];
  sim.process(function* () {
    yield 10;
    got.push(yield q.get());
  });
  sim.run();
  assert.deepEqual(got, ["x"]);
  assert.equal(q.used, 0);
});

Deno.test("Store.put(): an interrupted producer withdraws an item not stored yet", () => {
  const sim = createSim({ seed: 1 });
  const q = new Store<string>(sim, "q", 1);
  q.tryPut("first");
  const p = sim.process(function* () {
    try {
      yield q.put("second");
    } catch { /* interrupted */ }
  });
  sim.process(function* () {
    yield 1;
    p.interrupt("stop");
    yield 1;
    q.tryGet();
  });
  sim.run();
  assert.equal(q.length, 0);
  assert.equal(q.itemsPut, 1);
});
