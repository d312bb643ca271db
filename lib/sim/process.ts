/**
 * Processes: generator functions (`function*`) that the engine steps through virtual time.
 *
 * A process yields what it waits for:
 * - a number: a delay in integer nanoseconds (the fast path: no allocation);
 * - a {@linkcode SimEvent} (including timeouts, resource requests, store gets and other processes):
 *   the `yield` expression evaluates to the event's value, or throws the event's error.
 *
 * A process is itself an event that succeeds with the generator's return value or fails with the
 * exception it let escape. {@linkcode Process.interrupt} throws an {@linkcode Interrupt} into the
 * process at its current `yield`, detaching it from what it waited for (a resource request that
 * was not granted yet is withdrawn).
 *
 * @module
 */
import { SimEvent } from "./event.ts";
import type { Simulation } from "./simulation.ts";

/** What a process may yield. */
export type Yieldable = number | SimEvent<unknown>;

/** The generator type of a process body returning `R`. */
// deno-lint-ignore no-explicit-any
export type ProcessBody<R = unknown> = Generator<Yieldable, R, any>;

/** Thrown into a process by {@linkcode Process.interrupt}. */
export class Interrupt extends Error {
  /** Why the process was interrupted (any value). */
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super(
      `interrupted: ${typeof cause === "string" ? cause : JSON.stringify(cause) ?? String(cause)}`,
    );
    this.name = "Interrupt";
    this.cause = cause;
  }
}

/** Most events a process may consume without advancing time in one step (runaway-loop guard). */
const MAX_IMMEDIATE_RESUMES = 1_000_000;

/**
 * A running generator process.
 *
 * @example
 * ```ts
 * import { createSim, Interrupt } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const log: string[] = [];
 * const sleeper = sim.process(function* () {
 *   try {
 *     yield 1_000;
 *   } catch (e) {
 *     if (e instanceof Interrupt) log.push(`woken at ${sim.now} by ${e.cause}`);
 *   }
 * }, "sleeper");
 * sim.process(function* () { yield 10; sleeper.interrupt("alarm"); });
 * sim.run();
 * if (log[0] !== "woken at 10 by alarm") throw new Error(log.join());
 * ```
 */
export class Process<R = unknown> extends SimEvent<R> {
  /** Name used in traces and error messages. */
  readonly name: string;
  _gen: ProcessBody<R>;
  _wake = -1;
  _target: SimEvent<unknown> | null = null;
  _interrupts: Interrupt[] = [];
  _interruptPending = false;
  /** Resumes the process with the outcome of the event it waited for. */
  _onEvent(ev: SimEvent<unknown>): void {
    if (this._target !== ev) return;
    this._target = null;
    if (ev.ok) this._step(ev._value, undefined, false);
    else this._step(undefined, ev._error, true);
  }

  constructor(sim: Simulation, gen: ProcessBody<R>, name: string) {
    super(sim);
    this._gen = gen;
    this.name = name;
    sim.schedule(sim.now, startProcess, this);
  }

  /** True until the generator returned or threw. */
  get isAlive(): boolean {
    return this.pending;
  }

  /** What the process waits for now (an event), or null when waiting on a delay or running. */
  get waitingFor(): SimEvent<unknown> | null {
    return this._target;
  }

  override describe(): string {
    return `process "${this.name}"`;
  }

  /**
   * Throws an {@linkcode Interrupt} carrying `cause` into the process at its current `yield`
   * (delivered at the current time, after events already scheduled for now).
   */
  interrupt(cause: unknown = "interrupt"): void {
    if (!this.isAlive) throw new Error(`cannot interrupt ${this.describe()}: it has finished`);
    this._interrupts.push(new Interrupt(cause));
    if (this._interruptPending) return;
    this._detach();
    this._interruptPending = true;
    this.sim.schedule(this.sim.now, deliverInterrupt, this);
  }

  _detach(): void {
    this._wake = -1;
    const t = this._target;
    this._target = null;
    if (t && t.offDone(this) && t._callbacks?.length === 0) {
      // The process was waiting for it and was interrupted: a failure it would have received
      // is the interrupted process's business, not an unhandled error of the run.
      if (t.triggered && !t.ok) t.defused = true;
      t._abandoned();
    }
  }

  _step(send: unknown, err: unknown, isThrow: boolean): void {
    const sim = this.sim;
    const prev = sim.activeProcess;
    sim.activeProcess = this;
    try {
      for (let i = 0; i < MAX_IMMEDIATE_RESUMES; i++) {
        let r: IteratorResult<Yieldable, R>;
        try {
          r = isThrow ? this._gen.throw(err) : this._gen.next(send);
        } catch (e) {
          this.fail(e);
          return;
        }
        if (r.done) {
          this.succeed(r.value);
          return;
        }
        const y = r.value;
        if (typeof y === "number") {
          // `y <= MAX_SAFE_INTEGER` rejects Infinity, which would otherwise reach schedule().
          if (!(y >= 0 && y <= Number.MAX_SAFE_INTEGER) || y !== Math.floor(y)) {
            [send, err, isThrow] = [undefined, badYield(this, y), true];
            continue;
          }
          this._wake = sim.schedule(sim.now + y, wakeAfterDelay, this);
          return;
        }
        if (!(y instanceof SimEvent)) {
          [send, err, isThrow] = [undefined, badYield(this, y), true];
          continue;
        }
        if (y._callbacks !== null) {
          this._target = y;
          y._callbacks.push(this);
          return;
        }
        [send, err, isThrow] = [y._value, y._error, !y.ok];
      }
      this.fail(
        new RangeError(`${this.describe()} resumed ${MAX_IMMEDIATE_RESUMES} times without waiting`),
      );
    } finally {
      sim.activeProcess = prev;
      if (this._interrupts.length > 0 && !this._interruptPending && this.isAlive) {
        this._detach();
        this._interruptPending = true;
        sim.schedule(sim.now, deliverInterrupt, this);
      }
    }
  }
}

function badYield(p: Process<unknown>, y: unknown): TypeError {
  const what = typeof y === "number" ? `the delay ${y}` : typeof y;
  return new TypeError(
    `${p.describe()} yielded ${what}; expected a non-negative integer delay in ns or an event`,
  );
}

function startProcess(p: Process<unknown>): void {
  p._step(undefined, undefined, false);
}

function wakeAfterDelay(p: Process<unknown>, handle: number): void {
  if (p._wake !== handle) return;
  p._wake = -1;
  p._step(undefined, undefined, false);
}

function deliverInterrupt(p: Process<unknown>): void {
  p._interruptPending = false;
  const i = p._interrupts.shift();
  if (i === undefined || !p.isAlive) return;
  p._detach();
  p._step(undefined, i, true);
}
