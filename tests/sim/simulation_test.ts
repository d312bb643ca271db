import assert from "node:assert/strict";
import {
  ConfigError,
  createSim,
  SimAssertionError,
  type SimEvent,
  UnhandledFailureError,
} from "../../lib/sim/mod.ts";

Deno.test("Simulation.run() processes every event in time order and stops when empty", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  sim.schedule(30, () => log.push(`c@${sim.now}`));
  sim.schedule(10, () => log.push(`a@${sim.now}`));
  sim.after(20, () => log.push(`b@${sim.now}`));
  const r = sim.run();
  assert.deepEqual(log, ["a@10", "b@20", "c@30"]);
  assert.deepEqual(r, { nowNs: 30, events: 3, stoppedBy: "empty" });
  assert.equal(sim.eventsProcessed, 3);
  assert.equal(sim.pendingEvents, 0);
});

Deno.test("Simulation.schedule() runs callbacks at the same time in scheduling order", () => {
  const sim = createSim({ seed: 1 });
  const log: number[] = [];
  for (let i = 0; i < 10; i++) sim.schedule(5, (k: number) => log.push(k), i);
  // Scheduled during the run at the same instant: after the ones already queued.
  sim.schedule(5, () => sim.schedule(5, () => log.push(99)));
  sim.schedule(5, () => log.push(10));
  sim.run();
  assert.deepEqual(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99]);
});

Deno.test("Simulation.schedule() passes the argument and the handle to the callback", () => {
  const sim = createSim({ seed: 1 });
  const seen: [string, number][] = [];
  const h1 = sim.schedule(1, (a: string, h: number) => seen.push([a, h]), "x");
  const h2 = sim.after(2, (a: string, h: number) => seen.push([a, h]), "y");
  assert.ok(h2 > h1);
  sim.run();
  assert.deepEqual(seen, [["x", h1], ["y", h2]]);
});

Deno.test("Simulation.run({untilNs}) processes events at exactly untilNs and sets the clock", () => {
  const sim = createSim({ seed: 1 });
  const log: number[] = [];
  for (const t of [5, 10, 11, 20]) sim.schedule(t, () => log.push(sim.now));
  const r = sim.run({ untilNs: 10 });
  assert.deepEqual(log, [5, 10]);
  assert.deepEqual(r, { nowNs: 10, events: 2, stoppedBy: "until" });
  assert.equal(sim.now, 10);
  assert.equal(sim.peek(), 11);
  // The clock moves to untilNs even when nothing happens in between.
  assert.deepEqual(sim.run({ untilNs: 10 }), { nowNs: 10, events: 0, stoppedBy: "until" });
  // A later run continues where this one stopped.
  const r2 = sim.run();
  assert.deepEqual(log, [5, 10, 11, 20]);
  assert.deepEqual(r2, { nowNs: 20, events: 2, stoppedBy: "empty" });
});

Deno.test("Simulation.run({untilNs}) moves the clock to untilNs past the last event", () => {
  const sim = createSim({ seed: 1 });
  sim.schedule(3, () => {});
  const r = sim.run({ untilNs: 1_000 });
  assert.equal(r.nowNs, 1_000);
  assert.equal(sim.now, 1_000);
  assert.equal(r.events, 1);
  // Scheduling relative to the new clock.
  let at = -1;
  sim.after(5, () => at = sim.now);
  sim.run();
  assert.equal(at, 1_005);
});

Deno.test("Simulation.run({untilNs}) rejects a time before now and a NaN", () => {
  const sim = createSim({ seed: 1 });
  sim.run({ untilNs: 50 });
  assert.throws(() => sim.run({ untilNs: 49 }), RangeError);
  assert.throws(() => sim.run({ untilNs: NaN }), RangeError);
  assert.equal(sim.now, 50);
});

Deno.test("Simulation.run({maxEvents}) stops after that many events and resumes later", () => {
  const sim = createSim({ seed: 1 });
  const log: number[] = [];
  for (let t = 1; t <= 5; t++) sim.schedule(t, () => log.push(t));
  assert.deepEqual(sim.run({ maxEvents: 2 }), { nowNs: 2, events: 2, stoppedBy: "maxEvents" });
  assert.deepEqual(log, [1, 2]);
  assert.deepEqual(sim.run({ maxEvents: 3 }), { nowNs: 5, events: 3, stoppedBy: "empty" });
  assert.equal(sim.eventsProcessed, 5);
});

Deno.test("Simulation.run({maxEvents}) bounds a model that never runs dry", () => {
  const sim = createSim({ seed: 1 });
  const tick = (): void => void sim.after(1, tick);
  tick();
  const r = sim.run({ maxEvents: 1_000 });
  assert.equal(r.stoppedBy, "maxEvents");
  assert.equal(r.events, 1_000);
  assert.equal(sim.now, 1_000);
});

Deno.test("Simulation.step() processes exactly one entry and reports an empty queue", () => {
  const sim = createSim({ seed: 1 });
  const log: number[] = [];
  sim.schedule(4, () => log.push(4));
  sim.schedule(9, () => log.push(9));
  assert.equal(sim.step(), true);
  assert.deepEqual(log, [4]);
  assert.equal(sim.now, 4);
  assert.equal(sim.step(), true);
  assert.equal(sim.now, 9);
  assert.equal(sim.step(), false);
  assert.deepEqual(log, [4, 9]);
});

Deno.test("Simulation.peek() returns the time of the next entry or Infinity", () => {
  const sim = createSim({ seed: 1 });
  assert.equal(sim.peek(), Infinity);
  sim.schedule(12, () => {});
  sim.schedule(7, () => {});
  assert.equal(sim.peek(), 7);
  sim.step();
  assert.equal(sim.peek(), 12);
});

Deno.test("Simulation.cancel() prevents a scheduled callback and is not counted", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  sim.schedule(1, () => log.push("a"));
  const h = sim.schedule(2, () => log.push("cancelled"));
  sim.schedule(3, () => log.push("c"));
  sim.cancel(h);
  const r = sim.run();
  assert.deepEqual(log, ["a", "c"]);
  assert.equal(r.events, 2);
});

Deno.test("Simulation.cancel() twice, after the callback ran, or of an unknown handle is harmless", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  const ran = sim.schedule(1, () => log.push("ran"));
  const twice = sim.schedule(2, () => log.push("twice"));
  sim.step();
  sim.cancel(ran); // after it ran
  sim.cancel(twice);
  sim.cancel(twice);
  sim.cancel(10_000); // never issued
  // Later entries, including ones whose handles are issued after those cancels, still run.
  sim.schedule(5, () => log.push("later"));
  sim.schedule(6, () => log.push("latest"));
  sim.run();
  assert.deepEqual(log, ["ran", "later", "latest"]);
});

Deno.test("Simulation.cancel() from inside a callback at the same time", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  let h = -1;
  sim.schedule(5, () => sim.cancel(h));
  h = sim.schedule(5, () => log.push("should not run"));
  sim.schedule(5, () => log.push("runs"));
  sim.run();
  assert.deepEqual(log, ["runs"]);
});

Deno.test("Simulation.schedule() rejects times in the past, non-integer and non-finite times", () => {
  const sim = createSim({ seed: 1 });
  sim.run({ untilNs: 100 });
  for (const t of [99, 0, -1, 100.5, NaN, Infinity]) {
    assert.throws(() => sim.schedule(t, () => {}), RangeError, `schedule(${t})`);
  }
  for (const d of [-1, 0.5, NaN, Infinity]) {
    assert.throws(() => sim.after(d, () => {}), RangeError, `after(${d})`);
  }
  assert.throws(() => sim.schedule(1.5e300, () => {}), /integer nanoseconds/);
  assert.equal(sim.pendingEvents, 0);
  // At `now` is allowed.
  sim.schedule(100, () => {});
  sim.after(0, () => {});
  assert.equal(sim.run().events, 2);
});

Deno.test("Simulation.timeout() succeeds with its value after the delay", () => {
  const sim = createSim({ seed: 1 });
  const got: [number, string][] = [];
  sim.process(function* () {
    const v: string = yield sim.timeout(25, "done");
    got.push([sim.now, v]);
    const u: undefined = yield sim.timeout(0);
    got.push([sim.now, String(u)]);
  });
  sim.run();
  assert.deepEqual(got, [[25, "done"], [25, "undefined"]]);
  assert.throws(() => sim.timeout(-5), RangeError);
  assert.throws(() => sim.timeout(1.5), RangeError);
});

Deno.test("Simulation.timeout() can be succeeded early by hand and then does not fire twice", () => {
  const sim = createSim({ seed: 1 });
  const t = sim.timeout(100, "late");
  const seen: [number, unknown][] = [];
  t.onDone((ev) => seen.push([sim.now, ev.value]));
  sim.schedule(10, () => {
    t.succeed("early" as never);
  });
  sim.run();
  assert.deepEqual(seen, [[10, "early"]]);
});

Deno.test("Simulation.allOf() succeeds with every value, in list order, at the last one's time", () => {
  const sim = createSim({ seed: 1 });
  let got: unknown = null;
  let at = -1;
  sim.process(function* () {
    got = yield sim.allOf([sim.timeout(30, "a"), sim.timeout(10, "b"), sim.timeout(20, "c")]);
    at = sim.now;
  });
  sim.run();
  assert.deepEqual(got, ["a", "b", "c"]);
  assert.equal(at, 30);
});

Deno.test("Simulation.allOf([]) succeeds at once with an empty list", () => {
  const sim = createSim({ seed: 1 });
  let got: unknown = null;
  sim.process(function* () {
    yield 5;
    got = yield sim.allOf([]);
    assert.equal(sim.now, 5);
  });
  sim.run();
  assert.deepEqual(got, []);
});

Deno.test("Simulation.allOf() fails with the first failing member's error", () => {
  const sim = createSim({ seed: 1 });
  const bad = sim.event<string>();
  const alsoBad = sim.event<string>();
  sim.schedule(7, () => bad.fail(new Error("disk")));
  sim.schedule(8, () => alsoBad.fail(new Error("net")));
  let caught = "";
  sim.process(function* () {
    try {
      yield sim.allOf([sim.timeout(50, "slow"), bad, alsoBad]);
    } catch (e) {
      caught = `${(e as Error).message}@${sim.now}`;
    }
  });
  sim.run();
  assert.equal(caught, "disk@7");
});

Deno.test("Simulation.allOf() includes members that were already processed", () => {
  const sim = createSim({ seed: 1 });
  const early = sim.timeout(1, "early");
  let got: unknown = null;
  sim.process(function* () {
    yield 10;
    assert.ok(early.processed);
    got = yield sim.allOf([early, sim.timeout(5, "late")]);
  });
  sim.run();
  assert.deepEqual(got, ["early", "late"]);
});

Deno.test("Simulation.anyOf() succeeds with the index and value of the first member", () => {
  const sim = createSim({ seed: 1 });
  let got: unknown = null;
  let at = -1;
  sim.process(function* () {
    got = yield sim.anyOf([sim.timeout(30, "a"), sim.timeout(10, "b"), sim.timeout(10, "c")]);
    at = sim.now;
  });
  sim.run();
  // b and c tie at t=10: the one listed (and scheduled) first wins.
  assert.deepEqual(got, { index: 1, value: "b" });
  assert.equal(at, 10);
});

Deno.test("Simulation.anyOf() fails when the first member to finish fails", () => {
  const sim = createSim({ seed: 1 });
  const bad = sim.event();
  sim.schedule(3, () => bad.fail(new Error("boom")));
  let caught = "";
  sim.process(function* () {
    try {
      yield sim.anyOf([sim.timeout(10, "ok"), bad]);
    } catch (e) {
      caught = (e as Error).message;
    }
  });
  sim.run();
  assert.equal(caught, "boom");
});

Deno.test("Simulation.anyOf() ignores a failure after the first success", () => {
  const sim = createSim({ seed: 1 });
  const bad = sim.event();
  sim.schedule(20, () => bad.fail(new Error("late failure")));
  let got: unknown = null;
  sim.process(function* () {
    got = yield sim.anyOf([sim.timeout(10, "ok"), bad]);
  });
  // The late failure has anyOf's callback attached, so it does not stop the run.
  sim.run();
  assert.deepEqual(got, { index: 0, value: "ok" });
});

Deno.test("Simulation.anyOf([]) never fires (like Promise.race([]))", () => {
  const sim = createSim({ seed: 1 });
  const any = sim.anyOf([]);
  let resumed = false;
  const p = sim.process(function* () {
    yield any;
    resumed = true;
  });
  const r = sim.run();
  assert.equal(r.stoppedBy, "empty");
  assert.equal(any.pending, true);
  assert.equal(resumed, false);
  assert.equal(p.isAlive, true);
});

Deno.test("Simulation.run() stops with an error naming the seed and time when a callback throws", () => {
  const sim = createSim({ seed: 4242 });
  const log: number[] = [];
  sim.schedule(10, () => log.push(10));
  sim.schedule(17, () => {
    throw new Error("model bug");
  });
  sim.schedule(20, () => log.push(20));
  assert.throws(() => sim.run(), (e: unknown) => {
    assert.ok(e instanceof SimAssertionError);
    assert.match(e.message, /model bug/);
    assert.match(e.message, /seed 4242/);
    assert.match(e.message, /t=17ns/);
    assert.equal(e.seed, 4242);
    assert.equal(e.nowNs, 17);
    return true;
  });
  assert.deepEqual(log, [10]);
  assert.equal(sim.now, 17);
  // The events before the throw, and the throwing one, are counted.
  assert.equal(sim.eventsProcessed, 2);
});

Deno.test("Simulation.run() reports an unhandled failed event with UnhandledFailureError", () => {
  const sim = createSim({ seed: 9 });
  const ev = sim.event();
  sim.schedule(3, () => ev.fail(new Error("lost packet")));
  assert.throws(() => sim.run(), (e: unknown) => {
    assert.ok(e instanceof UnhandledFailureError);
    assert.equal(e.event, ev);
    assert.match(e.message, /t=3ns \(seed 9\).*lost packet/);
    return true;
  });
});

Deno.test("SimEvent.defuse: a defused failed event does not stop the run", () => {
  const sim = createSim({ seed: 9 });
  const ev = sim.event();
  ev.defused = true;
  sim.schedule(3, () => ev.fail(new Error("ignored")));
  sim.schedule(4, () => {});
  assert.deepEqual(sim.run(), { nowNs: 4, events: 3, stoppedBy: "empty" });
  assert.equal(ev.ok, false);
  assert.equal(ev.processed, true);
});

Deno.test("SimEvent.succeed() twice throws, and the state getters follow the life cycle", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event<number>();
  assert.deepEqual([ev.pending, ev.triggered, ev.processed], [true, false, false]);
  ev.onDone(() => {});
  ev.succeed(3);
  assert.deepEqual([ev.pending, ev.triggered, ev.processed], [false, true, false]);
  assert.throws(() => ev.succeed(4), /already triggered/);
  assert.throws(() => ev.fail(new Error("x")), /already triggered/);
  sim.run();
  assert.deepEqual([ev.pending, ev.triggered, ev.processed, ev.value], [false, true, true, 3]);
});

Deno.test("SimEvent.succeed() with nobody waiting counts as processed at once", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event<number>();
  ev.succeed(3);
  assert.deepEqual([ev.triggered, ev.processed, ev.value], [true, true, 3]);
  let got = 0;
  sim.process(function* () {
    got = (yield ev) as number;
  });
  sim.run({ maxEvents: 1 });
  assert.equal(got, 3);
});

Deno.test("SimEvent.onDone() after processing runs at the current time; offDone() removes", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event<string>();
  const log: string[] = [];
  const cb = (e: SimEvent<string>): void => void log.push(`cb:${e.value}@${sim.now}`);
  const removed = (): void => void log.push("removed");
  ev.onDone(cb);
  ev.onDone(removed);
  assert.equal(ev.offDone(removed), true);
  assert.equal(ev.offDone(removed), false);
  sim.schedule(2, () => ev.succeed("v"));
  sim.run();
  sim.run({ untilNs: 50 });
  ev.onDone(cb);
  sim.run();
  assert.deepEqual(log, ["cb:v@2", "cb:v@50"]);
});

Deno.test("createSim() rejects invalid options naming the field", () => {
  assert.throws(() => createSim({ seed: -1 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, "seed");
    return true;
  });
  assert.throws(
    () => createSim({ seed: 1, trace: { window: 1.5 } }),
    (e: unknown) => e instanceof ConfigError && e.field === "trace.window",
  );
  assert.throws(
    () => createSim({ seed: 1, extra: true } as never),
    (e: unknown) => e instanceof ConfigError && /extra/.test(e.message),
  );
});

Deno.test("createSim({maxPendingEvents}) bounds the pending events", () => {
  const sim = createSim({ seed: 1, maxPendingEvents: 16 });
  for (let i = 0; i < 16; i++) sim.schedule(i, () => {});
  assert.throws(() => sim.schedule(99, () => {}), /more than 16 pending events/);
});

Deno.test("M/M/1 (lambda 1, mu 1.1): mean time in system matches theory 1/(mu - lambda) = 10", async () => {
  const { mm1 } = await import("../bench/engine_bench.ts");
  // Tolerance: at rho = 0.909 successive sojourn times are strongly correlated. The asymptotic
  // variance of the mean number in system is 2 rho (1 + rho) / (1 - rho)^4 ~= 5.1e4 (Whitt 1989),
  // which by Little's law (lambda = 1) is also the per-customer variance constant of the sojourn
  // mean; we measured 5.8e4 over 60 seeds. With 8 x 100,000 customers the standard error is
  // sqrt(5.1e4 / 8e5) ~= 0.25, so +-1.0 is a 4-sigma band, while an engine that got FIFO service,
  // the rates or the time unit wrong misses it by far (e.g. mu = 1.05 gives 20). Starting empty
  // biases the mean low by only ~0.04 (relaxation time ~420 customers). Runs in ~0.6 s.
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  let sum = 0;
  for (const s of seeds) {
    const r = mm1(s, 100_000);
    assert.ok(r.events > 300_000, `seed ${s}: only ${r.events} events`);
    sum += r.meanSojourn;
  }
  const mean = sum / seeds.length;
  assert.ok(Math.abs(mean - 10) < 1.0, `mean time in system ${mean}, theory 10`);
});

Deno.test("PHOLD: the engine and an independent heap process the same number of events", async () => {
  const { pholdBaseline, pholdEngine } = await import("../bench/engine_bench.ts");
  const counts = new Set<number>();
  for (const [seed, end] of [[1, 5], [2, 8], [3, 8]] as const) {
    const engine = pholdEngine(seed, end);
    assert.equal(engine, pholdBaseline(seed, end), `seed ${seed}, end ${end}`);
    assert.ok(engine > 10_000);
    counts.add(engine);
  }
  assert.equal(counts.size, 3); // the cross-check is not comparing constants
});
