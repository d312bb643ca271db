/**
 * The cores of one partition as a FIFO run queue: a thread computes or spins only while it holds a
 * core; a thread that finds every core busy waits (that wait is part of the wake-up cost under
 * load). Callback-based on the hot path; generator helpers for threads.
 *
 * @module
 */
import type { SimEvent } from "../sim/event.ts";
import type { Simulation } from "../sim/simulation.ts";

/** Most threads that may wait for a core; beyond it a RangeError reports a runaway model. */
const MAX_WAITERS = 1 << 16;

/**
 * A partition's cores.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { CorePool } from "./core_pool.ts";
 * const sim = createSim({ seed: 1 });
 * const cores = new CorePool(sim, 1);
 * for (let i = 0; i < 2; i++) sim.process(function* () { yield* cores.run(1_000); });
 * sim.run();
 * if (sim.now !== 2_000) throw new Error("one core serialises");
 * ```
 */
export class CorePool {
  readonly sim: Simulation;
  /** Number of cores. */
  readonly cores: number;
  /** Cores held right now. */
  busy = 0;
  /** Integral of busy cores over time (core-ns), for utilisation. */
  #busyNs = 0;
  #since = 0;
  readonly #waiters: SimEvent<void>[] = [];
  #head = 0;
  /** Holders that give their core up on demand (spinners), oldest first. */
  readonly #yielders = new Set<() => void>();

  constructor(sim: Simulation, cores: number) {
    this.sim = sim;
    this.cores = cores;
  }

  /** Threads waiting for a core. */
  get runQueue(): number {
    return this.#waiters.length - this.#head;
  }

  /** Runnable threads per core (held + waiting) / cores: the load the wake-up cost grows with. */
  get load(): number {
    return (this.busy + this.runQueue) / this.cores;
  }

  /** Core-ns used so far. */
  get busyCoreNs(): number {
    return this.#busyNs + this.busy * (this.sim.now - this.#since);
  }

  /** Takes a core; yields until one is free. */
  *acquire(): Generator<SimEvent<void>, void, unknown> {
    if (this.busy < this.cores && this.runQueue === 0) {
      this.#account(1);
      return;
    }
    if (this.runQueue >= MAX_WAITERS) throw new RangeError("core run queue overflow");
    const ev = this.sim.event<void>();
    this.#waiters.push(ev);
    const oldest = this.#yielders.values().next();
    if (!oldest.done) {
      this.#yielders.delete(oldest.value);
      oldest.value();
    }
    yield ev;
  }

  /**
   * Registers a holder that gives its core up when a thread waits for one (a spinner that checks
   * `need_resched()`): `yieldCore` is called at most once, for one waiter; it must release the core
   * (at once or soon). Returns the deregistration function.
   */
  yieldable(yieldCore: () => void): () => void {
    this.#yielders.add(yieldCore);
    return () => this.#yielders.delete(yieldCore);
  }

  /** Gives a core back (to the first waiter, if any). */
  release(): void {
    if (this.#head < this.#waiters.length) {
      const ev = this.#waiters[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
        this.#waiters.splice(0, this.#head);
        this.#head = 0;
      }
      ev.succeed();
      return;
    }
    this.#account(-1);
  }

  /** Runs `ns` of work on a core. */
  *run(ns: number): Generator<SimEvent<void> | number, void, unknown> {
    yield* this.acquire();
    yield ns;
    this.release();
  }

  #account(delta: number): void {
    const now = this.sim.now;
    this.#busyNs += this.busy * (now - this.#since);
    this.#since = now;
    this.busy += delta;
  }
}
