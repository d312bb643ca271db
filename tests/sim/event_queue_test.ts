import assert from "node:assert/strict";
import fc from "fast-check";
import { EventQueue } from "../../lib/sim/mod.ts";

/** Drains `q`, returning the (time, arg) pairs in pop order. */
function drain(q: EventQueue): [number, unknown][] {
  const out: [number, unknown][] = [];
  while (q.pop()) out.push([q.poppedTime, q.poppedArg]);
  return out;
}

const noop = (): void => {};

Deno.test("EventQueue.pop() matches a stable reference sort on (time, insertion order)", () => {
  // Times from a tiny range force many ties; the interleaved pops exercise slot recycling.
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 12 }).map((t) => ({ push: t })) },
    { weight: 1, arbitrary: fc.constant({ push: -1 }) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const q = new EventQueue(16);
      const model: { time: number; id: number }[] = [];
      const got: number[] = [];
      const want: number[] = [];
      let id = 0;
      const popBoth = (): void => {
        if (!q.pop()) {
          assert.equal(model.length, 0);
          return;
        }
        got.push(q.poppedArg as number);
        // Reference: the earliest time, then the smallest insertion id.
        let best = 0;
        for (let i = 1; i < model.length; i++) {
          const m = model[i]!, b = model[best]!;
          if (m.time < b.time || (m.time === b.time && m.id < b.id)) best = i;
        }
        want.push(model.splice(best, 1)[0]!.id);
      };
      for (const o of ops) {
        if (o.push < 0) popBoth();
        else {
          q.push(o.push, noop, id);
          model.push({ time: o.push, id: id++ });
        }
      }
      while (q.size > 0) popBoth();
      assert.deepEqual(got, want);
    }),
    { numRuns: 200 },
  );
});

Deno.test("EventQueue.pop() breaks ties in insertion order", () => {
  const q = new EventQueue();
  for (const name of ["a", "b", "c", "d"]) q.push(7, noop, name);
  q.push(3, noop, "first");
  assert.deepEqual(drain(q).map(([, a]) => a), ["first", "a", "b", "c", "d"]);
});

Deno.test("EventQueue.push() returns increasing sequence numbers that pop() reports back", () => {
  const q = new EventQueue();
  const seqs = [q.push(5, noop, "x"), q.push(1, noop, "y"), q.push(5, noop, "z")];
  assert.deepEqual(seqs, [0, 1, 2]);
  assert.equal(q.nextSeq, 3);
  const popped: number[] = [];
  while (q.pop()) popped.push(q.poppedSeq);
  assert.deepEqual(popped, [1, 0, 2]);
});

Deno.test("EventQueue.push() grows beyond its initial capacity and keeps every entry", () => {
  const q = new EventQueue(16);
  const n = 5_000;
  // Descending times: every push sifts to the root, the worst case for the heap.
  for (let i = 0; i < n; i++) q.push(n - i, noop, i);
  assert.equal(q.size, n);
  const out = drain(q);
  assert.equal(out.length, n);
  for (let i = 0; i < n; i++) assert.deepEqual(out[i], [i + 1, n - 1 - i]);
});

Deno.test("EventQueue.push() throws a RangeError naming the bound when maxSize is reached", () => {
  const q = new EventQueue(16, 40);
  for (let i = 0; i < 40; i++) q.push(i, noop, i);
  assert.throws(() => q.push(99, noop, 0), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /more than 40 pending events/);
    return true;
  });
  // The failed push did not corrupt the heap.
  assert.equal(q.size, 40);
  assert.deepEqual(drain(q).map(([t]) => t), Array.from({ length: 40 }, (_, i) => i));
});

Deno.test("EventQueue.push() enforces a maxSize smaller than the initial capacity", () => {
  const q = new EventQueue(1024, 20);
  for (let i = 0; i < 20; i++) q.push(i, noop, i);
  assert.throws(() => q.push(20, noop, 0), /more than 20 pending events/);
  assert.equal(q.size, 20);
});

Deno.test("EventQueue.popUntil() removes only entries at or before the limit", () => {
  const q = new EventQueue();
  for (const t of [30, 10, 20, 20, 40]) q.push(t, noop, t);
  const seen: number[] = [];
  while (q.popUntil(20)) seen.push(q.poppedTime);
  assert.deepEqual(seen, [10, 20, 20]);
  assert.equal(q.size, 2);
  assert.equal(q.peekTime(), 30);
  assert.equal(q.popUntil(29), false);
  assert.equal(q.popUntil(30), true);
  assert.equal(q.poppedTime, 30);
});

Deno.test("EventQueue.pop() and peekTime() report an empty queue", () => {
  const q = new EventQueue();
  assert.equal(q.pop(), false);
  assert.equal(q.popUntil(Infinity), false);
  assert.equal(q.peekTime(), Infinity);
  q.push(4, noop, undefined);
  assert.equal(q.peekTime(), 4);
});

Deno.test("EventQueue.pop() exposes the handler and argument of the entry", () => {
  const q = new EventQueue();
  const calls: string[] = [];
  q.push(2, (a: string, seq: number) => calls.push(`${a}:${seq}`), "late");
  q.push(1, (a: string, seq: number) => calls.push(`${a}:${seq}`), "early");
  while (q.pop()) q.poppedFn!(q.poppedArg, q.poppedSeq);
  assert.deepEqual(calls, ["early:1", "late:0"]);
});

Deno.test("EventQueue.clear() empties the queue and keeps sequence numbers unique", () => {
  const q = new EventQueue();
  q.push(1, noop, "a");
  q.push(2, noop, "b");
  q.clear();
  assert.equal(q.size, 0);
  assert.equal(q.pop(), false);
  assert.equal(q.push(0, noop, "c"), 2);
  assert.deepEqual(drain(q), [[0, "c"]]);
});
