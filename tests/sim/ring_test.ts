import assert from "node:assert/strict";
import { createSim, Ring } from "../../lib/sim/mod.ts";

Deno.test("Ring.slotsFor() chunks messages into 128-byte slots with 115 payload bytes", () => {
  const ring = new Ring(createSim({ seed: 1 }), "ring");
  assert.equal(ring.slotBytes, 128);
  assert.equal(ring.payloadBytes, 115);
  assert.equal(ring.capacity, 8192);
  const cases: [number, number][] = [[0, 1], [1, 1], [115, 1], [116, 2], [230, 2], [231, 3], [
    1500,
    14,
  ], [65_536, 570]];
  for (const [bytes, slots] of cases) assert.equal(ring.slotsFor(bytes), slots, `${bytes} bytes`);
});

Deno.test("Ring geometry: custom slot and header sizes; a header filling the slot throws", () => {
  const sim = createSim({ seed: 1 });
  const ring = new Ring(sim, "small", { slots: 16, slotBytes: 64, headerBytes: 4 });
  assert.equal(ring.payloadBytes, 60);
  assert.equal(ring.slotsFor(61), 2);
  assert.equal(ring.capacity, 16);
  assert.throws(() => new Ring(sim, "bad", { slotBytes: 64, headerBytes: 64 }), /bad: headerBytes/);
  assert.throws(() => new Ring(sim, "zero", { slots: 0 }), /zero\.capacity/);
});

Deno.test("Ring.send() backpressure stalls the sender until the receiver frees slots", () => {
  const sim = createSim({ seed: 1 });
  const ring = new Ring<string>(sim, "ring", { slots: 4 });
  const sent: string[] = [];
  sim.process(function* () {
    yield ring.send("m1", 300); // 3 slots
    sent.push(`m1@${sim.now}`);
    yield ring.send("m2", 200); // 2 slots: 3 + 2 > 4, waits for m1 to be received
    sent.push(`m2@${sim.now}`);
    yield ring.send("m3", 100); // 1 slot: fits beside m2
    sent.push(`m3@${sim.now}`);
  }, "sender");
  const got: string[] = [];
  sim.process(function* () {
    yield 50;
    for (let i = 0; i < 3; i++) got.push(`${yield ring.get()}@${sim.now}`);
  }, "receiver");
  sim.run();
  assert.deepEqual(sent, ["m1@0", "m2@50", "m3@50"]);
  assert.deepEqual(got, ["m1@50", "m2@50", "m3@50"]);
  assert.equal(ring.stallNs, 50);
  assert.equal(ring.stalledPuts, 1);
  assert.equal(ring.highWater, 3);
});

Deno.test("Ring traffic counters: messages, slots and payload bytes", () => {
  const sim = createSim({ seed: 1 });
  const ring = new Ring<number>(sim, "ring", { slots: 8 });
  ring.send(1, 10);
  ring.send(2, 116);
  assert.equal(ring.trySend(3, 500), true); // 5 slots: 1 + 2 + 5 = 8
  assert.equal(ring.trySend(4, 1), false); // full: not counted
  assert.equal(ring.messages, 3);
  assert.equal(ring.unitsPut, 8);
  assert.equal(ring.bytes, 626);
  assert.equal(ring.used, 8);
  sim.run();
});

Deno.test("Ring.send() of a message larger than the ring throws and counts nothing", () => {
  const sim = createSim({ seed: 1 });
  const ring = new Ring<string>(sim, "tiny", { slots: 2 });
  assert.throws(() => ring.send("huge", 1_000), /tiny: item size 9/);
  assert.equal(ring.bytes, 0);
  assert.equal(ring.messages, 0);
});
