import assert from "node:assert/strict";
import { type ProgressState, runEach } from "../../lib/campaign/mod.ts";

function recorder() {
  const seen: ProgressState[] = [];
  let final: ProgressState | null = null;
  return {
    seen,
    final: () => final,
    sink: {
      update: (s: ProgressState) => void seen.push(s),
      finish: (s: ProgressState) => Promise.resolve(void (final = s)),
    },
  };
}

Deno.test("runEach(): results in item order, progress after every item and a final state", async () => {
  const r = recorder();
  const out = await runEach("sq", [3, 1, 2], (x, i) => x * 10 + i, r.sink);
  assert.deepEqual(out, [30, 11, 22]);
  assert.deepEqual(r.seen.map((s) => s.done), [0, 1, 2, 3]);
  assert.equal(r.final()?.done, 3);
  assert.equal(r.final()?.errors, 0);
});

Deno.test("runEach(): an error ends the sweep, propagates and shows how far it got", async () => {
  const r = recorder();
  const ran: number[] = [];
  await assert.rejects(
    runEach("boom", [1, 2, 3], (x) => {
      if (x === 2) throw new Error("point 2 failed");
      ran.push(x);
    }, r.sink),
    /point 2 failed/,
  );
  assert.deepEqual(ran, [1], "the third point never ran");
  assert.equal(r.final()?.done, 1);
  assert.equal(r.final()?.errors, 1);
});

Deno.test("runEach(): gives the event loop a turn between items (a display can update)", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("timer"), 0);
  await runEach("t", [1, 2], (x) => order.push(`item ${x}`), "none");
  assert.ok(order.indexOf("timer") < order.indexOf("item 2"), order.join());
});
