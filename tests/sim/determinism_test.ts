import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createSim,
  Interrupt,
  type Process,
  type Request,
  Resource,
  Ring,
  type Simulation,
  Store,
} from "../../lib/sim/mod.ts";

interface ModelOptions {
  /** Negative control: one delay from Math.random, which the digest must catch. */
  nondeterministic?: boolean;
  /** Adds a subsystem with its own fork that draws random numbers. */
  extraSubsystem?: boolean;
  /** Makes the root stream draw before the model starts. */
  parentDrawsMore?: boolean;
}

interface ModelResult {
  digest: string;
  records: number;
  nowNs: number;
  /** The first draws of the "clients" stream, as the model consumed them. */
  clientDraws: number[];
}

/**
 * A small but nontrivial model: clients with random think times contend for a CPU,
 * hand jobs to workers through a bounded store, workers ship results over a slot ring to a sink;
 * a watchdog interrupts slow clients and every step is traced.
 */
function model(seed: number, opts: ModelOptions = {}): ModelResult {
  const sim = createSim({ seed, trace: { window: 0 } });
  if (opts.parentDrawsMore) { for (let i = 0; i < 17; i++) sim.prng.u32(); }
  const clients = sim.prng.fork("clients");
  const work = sim.prng.fork("work");
  if (opts.extraSubsystem) {
    const extra = sim.prng.fork("extra");
    sim.process(function* () {
      for (let i = 0; i < 5; i++) yield extra.intBetween(1, 100);
    }, "extra");
  }
  const cpu = new Resource(sim, "cpu", 1);
  const jobs = new Store<number>(sim, "jobs", 2);
  const ring = new Ring<number>(sim, "ring", { slots: 4 });
  const clientDraws: number[] = [];
  const emit = (component: string, kind: string, fields: Record<string, unknown> = {}): void =>
    sim.trace.emit(sim.now, component, kind, fields);
  const draw = (x: number): number => {
    clientDraws.push(x);
    return x;
  };
  const clientProcs: Process<void>[] = [];
  for (let c = 0; c < 4; c++) {
    clientProcs.push(sim.process(function* () {
      for (let j = 0; j < 6; j++) {
        yield draw(Math.round(clients.exponential(150)));
        try {
          const req: Request = yield cpu.request();
          emit(`client.${c}`, "cpu", { waited: sim.now - req.requestedNs });
          yield draw(clients.intBetween(20, 150)) +
            (opts.nondeterministic ? Math.floor(Math.random() * 1000) : 0);
          cpu.release(req);
          yield jobs.put(c * 100 + j);
          emit(`client.${c}`, "submitted", { job: c * 100 + j });
        } catch (e) {
          if (!(e instanceof Interrupt)) throw e;
          emit(`client.${c}`, "interrupted", { cause: String(e.cause) });
        }
      }
    }, `client${c}`));
  }
  for (let w = 0; w < 2; w++) {
    sim.process(function* () {
      for (;;) {
        const job: number = yield jobs.get();
        yield Math.round(work.lognormal(5, 0.5));
        const bytes = work.intBetween(1, 400);
        yield ring.send(job, bytes);
        emit(`worker.${w}`, "sent", { job, bytes });
      }
    }, `worker${w}`);
  }
  sim.process(function* () {
    for (;;) {
      const job: number = yield ring.get();
      yield work.bernoulli(0.3) ? 300 : 50;
      emit("sink", "received", { job });
    }
  }, "sink");
  sim.process(function* () {
    for (let k = 0; k < 8; k++) {
      yield 400;
      const victim = clientProcs[clients.int(clientProcs.length)]!;
      if (victim.isAlive && victim.waitingFor !== null) victim.interrupt(`watchdog${k}`);
      emit("watchdog", "tick", { k, cpuQueue: cpu.queueLength, jobs: jobs.length });
    }
  }, "watchdog");
  const r = sim.run({ untilNs: 50_000 });
  emit("stats", "end", { grants: cpu.grants, waitNs: cpu.waitNs, stallNs: ring.stallNs });
  return { digest: sim.trace.digest, records: sim.trace.count, nowNs: r.nowNs, clientDraws };
}

const seedArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

Deno.test("Determinism: the same seed and config give the same trace digest", () => {
  fc.assert(
    fc.property(seedArb, (seed) => {
      const a = model(seed), b = model(seed);
      assert.ok(a.records > 40, `only ${a.records} records`);
      assert.equal(a.digest, b.digest);
      assert.equal(a.records, b.records);
    }),
    { numRuns: 60 },
  );
});

Deno.test("Determinism: different seeds give different trace digests", () => {
  fc.assert(
    fc.property(seedArb, seedArb, (s1, s2) => {
      fc.pre(s1 !== s2);
      assert.notEqual(model(s1).digest, model(s2).digest);
    }),
    { numRuns: 60 },
  );
  // Neighbouring seeds too.
  const digests = new Set(Array.from({ length: 30 }, (_, s) => model(s).digest));
  assert.equal(digests.size, 30);
});

Deno.test("Determinism negative control: a Math.random delay changes the digest", () => {
  // If the digest missed model nondeterminism, the checker above would prove nothing.
  const a = model(5, { nondeterministic: true }), b = model(5, { nondeterministic: true });
  assert.notEqual(a.digest, b.digest);
});

Deno.test("Prng.fork(): a stream does not shift when another fork is added or the parent draws", () => {
  const plain = model(11);
  const withExtra = model(11, { extraSubsystem: true });
  const parentDrew = model(11, { parentDrawsMore: true });
  // The extra subsystem draws from its own stream and the root's draws touch no fork, so the
  // client stream, and hence the whole traced run, is unchanged.
  assert.ok(plain.clientDraws.length > 20);
  assert.deepEqual(withExtra.clientDraws, plain.clientDraws);
  assert.deepEqual(parentDrew.clientDraws, plain.clientDraws);
  assert.equal(withExtra.digest, plain.digest);
  assert.equal(parentDrew.digest, plain.digest);
  // Control: another seed does change the stream.
  assert.notDeepEqual(model(12).clientDraws, plain.clientDraws);
});

Deno.test("Determinism: events at the same time run in FIFO order across processes and callbacks", () => {
  const run = (): string[] => {
    const sim: Simulation = createSim({ seed: 1 });
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      sim.process(function* () {
        for (let k = 0; k < 3; k++) {
          yield 10;
          order.push(`p${i}.${k}`);
          sim.schedule(sim.now, () => order.push(`cb${i}.${k}`));
        }
      });
    }
    sim.run();
    return order;
  };
  const order = run();
  // At t=10: all process wake-ups were queued at t=0 in creation order, so they come first, then
  // the callbacks they scheduled, in the order they were scheduled.
  const at10 = order.slice(0, 10);
  assert.deepEqual(at10, [
    "p0.0",
    "p1.0",
    "p2.0",
    "p3.0",
    "p4.0",
    "cb0.0",
    "cb1.0",
    "cb2.0",
    "cb3.0",
    "cb4.0",
  ]);
  assert.deepEqual(run(), order);
});

Deno.test("Determinism: the digest of a fixed seed is pinned (regression)", () => {
  // Recorded from this implementation. A change means every stored digest changes: update only
  // with a deliberate change of the engine's event order, the PRNG or the digest.
  assert.equal(model(2024).digest, GOLDEN_2024);
});
const GOLDEN_2024 = "a46a7df27d359fef";
