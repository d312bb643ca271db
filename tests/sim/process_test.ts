import assert from "node:assert/strict";
import {
  createSim,
  Interrupt,
  type Process,
  Resource,
  type Simulation,
  UnhandledFailureError,
} from "../../lib/sim/mod.ts";

/** Runs `sim` and returns the UnhandledFailureError it must stop with. */
function runExpectingUnhandled(sim: Simulation): UnhandledFailureError {
  try {
    sim.run();
  } catch (e) {
    if (e instanceof UnhandledFailureError) return e;
    throw e;
  }
  throw new Error("the run did not stop");
}

Deno.test("Process: yielding a delay advances virtual time by that many ns", () => {
  const sim = createSim({ seed: 1 });
  const times: number[] = [];
  sim.process(function* () {
    times.push(sim.now);
    yield 15;
    times.push(sim.now);
    yield 0;
    times.push(sim.now);
    yield 1_000_000;
    times.push(sim.now);
  });
  sim.run();
  assert.deepEqual(times, [0, 15, 15, 1_000_015]);
});

Deno.test("Process: yield 0 lets callbacks already scheduled for now run first", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  sim.process(function* () {
    sim.schedule(sim.now, () => log.push("callback"));
    yield 0;
    log.push("process");
  });
  sim.run();
  assert.deepEqual(log, ["callback", "process"]);
});

Deno.test("Process: processes started at the same time run in creation order", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  for (const n of ["a", "b", "c"]) {
    sim.process(function* () {
      log.push(`${n}0`);
      yield 5;
      log.push(`${n}5`);
    });
  }
  sim.run();
  assert.deepEqual(log, ["a0", "b0", "c0", "a5", "b5", "c5"]);
});

Deno.test("Process: yield event evaluates to the event's value at its time", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event<{ n: number }>();
  let got: unknown = null;
  sim.process(function* () {
    got = [yield ev, sim.now];
  });
  sim.schedule(40, () => ev.succeed({ n: 3 }));
  sim.run();
  assert.deepEqual(got, [{ n: 3 }, 40]);
});

Deno.test("Process: yielding an already processed event resumes at once with its value", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.timeout(1, "v");
  let got: unknown = null;
  sim.process(function* () {
    yield 10;
    got = [yield ev, sim.now];
  });
  sim.run();
  assert.deepEqual(got, ["v", 10]);
});

Deno.test("Process: yield process waits for it and evaluates to its return value", () => {
  const sim = createSim({ seed: 1 });
  const child = sim.process(function* () {
    yield 30;
    return "child result";
  }, "child");
  let got: unknown = null;
  sim.process(function* () {
    got = [yield child, sim.now];
  });
  const r = sim.run();
  assert.deepEqual(got, ["child result", 30]);
  assert.equal(child.value, "child result");
  assert.equal(child.isAlive, false);
  assert.equal(r.stoppedBy, "empty");
});

Deno.test("Process accepts a generator object as well as a generator function", () => {
  const sim = createSim({ seed: 1 });
  function* body(x: number): Generator<number, number, unknown> {
    yield x;
    return x * 2;
  }
  const p = sim.process(body(7), "obj");
  sim.run();
  assert.equal(p.value, 14);
  assert.equal(sim.now, 7);
});

Deno.test("Process.name defaults to a unique name and is used by describe()", () => {
  const sim = createSim({ seed: 1 });
  const a = sim.process(function* () {});
  const b = sim.process(function* () {});
  assert.notEqual(a.name, b.name);
  assert.match(a.name, /^p\d+$/);
  const named = sim.process(function* () {}, "worker-3");
  assert.equal(named.describe(), 'process "worker-3"');
  sim.run();
});

Deno.test("Simulation.activeProcess is the process being stepped, null outside", () => {
  const sim = createSim({ seed: 1 });
  const seen: (string | null)[] = [];
  const p = sim.process(function* () {
    seen.push(sim.activeProcess?.name ?? null);
    yield 1;
    seen.push(sim.activeProcess?.name ?? null);
  }, "me");
  sim.schedule(0, () => seen.push(sim.activeProcess?.name ?? null));
  sim.run();
  assert.deepEqual(seen, ["me", null, "me"]);
  assert.equal(p.isAlive, false);
});

Deno.test("Process: a failed event throws its error at the yield, and the process can catch it", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event();
  const err = new Error("link down");
  const log: unknown[] = [];
  const p = sim.process(function* () {
    try {
      yield ev;
      log.push("not reached");
    } catch (e) {
      log.push(e, sim.now);
    }
    yield 5;
    return "recovered";
  }, "handler");
  sim.schedule(12, () => ev.fail(err));
  sim.run();
  assert.deepEqual(log, [err, 12]);
  assert.equal(p.value, "recovered");
  assert.equal(sim.now, 17);
});

Deno.test("Process: an already failed and processed event throws at the yield", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event();
  ev.onDone(() => {}); // a handler, so the failure itself does not stop the run
  ev.fail(new Error("old failure"));
  let caught = "";
  sim.process(function* () {
    yield 3;
    try {
      yield ev;
    } catch (e) {
      caught = (e as Error).message;
    }
  });
  sim.run();
  assert.equal(caught, "old failure");
});

Deno.test("Process: an uncaught error crashes the process; the run stops naming it", () => {
  const sim = createSim({ seed: 77 });
  const boom = new Error("division by zero");
  sim.process(function* () {
    yield 8;
    throw boom;
  }, "calculator");
  const e = runExpectingUnhandled(sim);
  assert.match(e.message, /process "calculator" failed at t=8ns \(seed 77\)/);
  assert.match(e.message, /division by zero/);
  assert.equal(e.cause, boom);
  assert.equal((e.event as Process).name, "calculator");
});

Deno.test("Process: an unhandled failed event the process waited on crashes it and names it", () => {
  const sim = createSim({ seed: 5 });
  const ev = sim.event();
  sim.process(function* () {
    yield ev;
  }, "waiter");
  sim.schedule(4, () => ev.fail(new Error("sensor fault")));
  const e = runExpectingUnhandled(sim);
  // The event had a waiter, so it is the process that failed without a handler.
  assert.match(e.message, /process "waiter" failed at t=4ns/);
  assert.match(e.message, /sensor fault/);
});

Deno.test("Process: a crash is delivered to a process that waits for it, not reported", () => {
  const sim = createSim({ seed: 5 });
  const child = sim.process(function* () {
    yield 2;
    throw new RangeError("child crashed");
  }, "child");
  let caught: unknown = null;
  sim.process(function* () {
    try {
      yield child;
    } catch (e) {
      caught = e;
    }
  }, "parent");
  assert.equal(sim.run().stoppedBy, "empty");
  assert.ok(caught instanceof RangeError);
  assert.equal(child.ok, false);
});

Deno.test("Process.defused: a defused crashed process does not stop the run", () => {
  const sim = createSim({ seed: 5 });
  const p = sim.process(function* () {
    yield 2;
    throw new Error("expected crash");
  }, "fragile");
  p.defused = true;
  sim.schedule(10, () => {});
  assert.deepEqual(sim.run().nowNs, 10);
  assert.equal(p.isAlive, false);
  assert.equal(p.ok, false);
  assert.equal((p.error as Error).message, "expected crash");
});

Deno.test("Process.interrupt() while sleeping throws Interrupt at the yield; the old wake is void", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  const sleeper = sim.process(function* () {
    try {
      yield 100;
      log.push("woke normally");
    } catch (e) {
      assert.ok(e instanceof Interrupt);
      log.push(`interrupted@${sim.now} cause=${e.cause}`);
    }
    yield 200; // must wake at 10 + 200, not at the stale wake-up at 100
    log.push(`slept@${sim.now}`);
  }, "sleeper");
  sim.schedule(10, () => sleeper.interrupt("alarm"));
  sim.run();
  assert.deepEqual(log, ["interrupted@10 cause=alarm", "slept@210"]);
});

Deno.test("Process.interrupt() while waiting on an event detaches the process from it", () => {
  const sim = createSim({ seed: 1 });
  const ev = sim.event<string>();
  const log: string[] = [];
  const p = sim.process(function* () {
    try {
      yield ev;
    } catch (e) {
      log.push(`${(e as Interrupt).message}@${sim.now}`);
    }
    yield 100;
    log.push(`done@${sim.now}`);
  });
  sim.schedule(5, () => {
    assert.equal(p.waitingFor, ev);
    p.interrupt({ reason: "timeout" });
    assert.equal(p.waitingFor, null);
  });
  sim.schedule(20, () => ev.succeed("too late")); // must not resume the process
  sim.run();
  assert.deepEqual(log, ['interrupted: {"reason":"timeout"}@5', "done@105"]);
});

Deno.test("Process.interrupt() while waiting on a request withdraws it; the next waiter is served", () => {
  const sim = createSim({ seed: 1 });
  const cpu = new Resource(sim, "cpu", 1);
  const log: string[] = [];
  sim.process(function* () {
    const req = yield cpu.request();
    yield 50;
    cpu.release(req);
  }, "holder");
  const impatient = sim.process(function* () {
    yield 1;
    try {
      yield cpu.request();
      log.push("impatient got the cpu");
    } catch (e) {
      log.push(`impatient gave up@${sim.now}: ${(e as Interrupt).cause}`);
    }
  }, "impatient");
  sim.process(function* () {
    yield 2;
    const req = yield cpu.request();
    log.push(`patient got the cpu@${sim.now}`);
    cpu.release(req);
  }, "patient");
  sim.schedule(10, () => {
    assert.equal(cpu.queueLength, 2);
    impatient.interrupt("deadline");
    assert.equal(cpu.queueLength, 1);
  });
  sim.run();
  assert.deepEqual(log, ["impatient gave up@10: deadline", "patient got the cpu@50"]);
  assert.equal(cpu.inUse, 0);
  assert.equal(cpu.grants, 2);
});

Deno.test("Process.interrupt() right after its request was granted gives the unit back", () => {
  // The grant is triggered but not yet delivered when the interrupt detaches the process: the
  // process never sees the unit, so it must not stay allocated.
  const sim = createSim({ seed: 1 });
  const cpu = new Resource(sim, "cpu", 1);
  let waiter: Process | null = null;
  sim.process(function* () {
    const req = yield cpu.request();
    yield 10;
    cpu.release(req); // grants the unit to `waiter` ...
    waiter!.interrupt("cancelled"); // ... which is interrupted before it resumes
  }, "holder");
  waiter = sim.process(function* () {
    try {
      yield cpu.request();
    } catch { /* gave up */ }
  }, "waiter");
  let thirdAt = -1;
  sim.process(function* () {
    yield 20;
    const req = yield cpu.request();
    thirdAt = sim.now;
    cpu.release(req);
  }, "third");
  sim.run({ untilNs: 1_000 });
  assert.equal(thirdAt, 20);
  assert.equal(cpu.inUse, 0);
});

Deno.test("Process.interrupt() several times delivers each Interrupt in order, one per yield", () => {
  const sim = createSim({ seed: 1 });
  const log: string[] = [];
  const p = sim.process(function* () {
    for (let i = 0; i < 3; i++) {
      try {
        yield 1_000;
        log.push(`slept@${sim.now}`);
      } catch (e) {
        log.push(`${(e as Interrupt).cause}@${sim.now}`);
      }
    }
  });
  sim.schedule(10, () => {
    p.interrupt("first");
    p.interrupt("second");
  });
  sim.run();
  assert.deepEqual(log, ["first@10", "second@10", "slept@1010"]);
});

Deno.test("Process.interrupt() of a process that has finished throws", () => {
  const sim = createSim({ seed: 1 });
  const p = sim.process(function* () {
    yield 1;
  }, "short");
  sim.run();
  assert.throws(() => p.interrupt(), /cannot interrupt process "short": it has finished/);
});

Deno.test("Process: an uncaught Interrupt crashes the process and stops the run", () => {
  const sim = createSim({ seed: 3 });
  const p = sim.process(function* () {
    yield 100;
  }, "victim");
  sim.schedule(5, () => p.interrupt("kill"));
  const e = runExpectingUnhandled(sim);
  assert.match(e.message, /process "victim" failed at t=5ns/);
  assert.ok(e.cause instanceof Interrupt);
});

Deno.test("Process: yielding an invalid value throws a TypeError naming the process", () => {
  for (const bad of [-1, 1.5, NaN, Infinity, "10ms", {}, null]) {
    const sim = createSim({ seed: 1 });
    let caught: unknown = null;
    let after = -1;
    sim.process(function* () {
      yield 3;
      try {
        yield bad as never;
      } catch (e) {
        caught = e;
      }
      yield 4; // the process is still usable
      after = sim.now;
    }, "sloppy");
    sim.run();
    assert.ok(caught instanceof TypeError, `yield ${String(bad)}`);
    assert.match(caught.message, /process "sloppy" yielded/);
    assert.equal(after, 7);
  }
});

Deno.test("Process: an uncaught invalid yield fails the process with the TypeError", () => {
  const sim = createSim({ seed: 1 });
  sim.process(function* () {
    yield -5;
  }, "negative");
  const e = runExpectingUnhandled(sim);
  assert.ok(e.cause instanceof TypeError);
  assert.match(e.message, /process "negative" yielded the delay -5/);
});

Deno.test("Process: the runaway guard fails a process that never waits", () => {
  const sim = createSim({ seed: 1 });
  const done = sim.timeout(0, "x");
  let loops = 0;
  const p = sim.process(function* () {
    yield 1;
    for (;;) {
      yield done; // already processed: resumes at once, time never advances
      loops++;
    }
  }, "spinner");
  p.defused = true;
  sim.run();
  assert.equal(p.isAlive, false);
  assert.ok(p.error instanceof RangeError);
  assert.match((p.error as Error).message, /process "spinner" resumed \d+ times without waiting/);
  assert.ok(loops >= 1_000 && loops < 10_000_000);
  assert.equal(sim.now, 1);
});
