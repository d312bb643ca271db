/**
 * Events: things a process can wait for.
 *
 * A {@linkcode SimEvent} is pending until someone calls `succeed(value)` or `fail(error)`; it is then
 * *triggered*, and its callbacks run when the engine processes it (at the same virtual time, in FIFO
 * order with other events). A failed event that nobody waits for and nobody `defuse()`d stops the
 * run with an {@linkcode UnhandledFailureError}: silent failures hide bugs.
 *
 * @module
 */
import type { Simulation } from "./simulation.ts";

const PENDING = 0, TRIGGERED = 1, PROCESSED = 2;

/** Callback run when an event is processed. */
// deno-lint-ignore no-explicit-any
export type EventCallback = (ev: SimEvent<any>) => void;

/** An object waiting for an event (a process); cheaper than a closure per waiter. */
export interface EventWaiter {
  // deno-lint-ignore no-explicit-any
  _onEvent(ev: SimEvent<any>): void;
}

/**
 * A one-shot event with a value or an error.
 *
 * @example
 * ```ts
 * import { createSim } from "./simulation.ts";
 * const sim = createSim({ seed: 1 });
 * const ready = sim.event<string>();
 * let got = "";
 * sim.process(function* () { got = yield ready; });
 * sim.schedule(10, () => ready.succeed("go"));
 * sim.run();
 * if (got !== "go" || sim.now !== 10) throw new Error("event not delivered");
 * ```
 */
export class SimEvent<T = unknown> {
  /** The simulation this event belongs to. */
  readonly sim: Simulation;
  /** True when triggered with `succeed`; false when failed (meaningful once triggered). */
  ok = true;
  /** Set when nobody needs to see a failure of this event: it then does not stop the run. */
  defused = false;
  _state = PENDING;
  _value: T | undefined = undefined;
  _error: unknown = undefined;
  _callbacks: (EventCallback | EventWaiter)[] | null = [];

  constructor(sim: Simulation) {
    this.sim = sim;
  }

  /** Not yet triggered. */
  get pending(): boolean {
    return this._state === PENDING;
  }
  /** Triggered (possibly not yet processed). */
  get triggered(): boolean {
    return this._state !== PENDING;
  }
  /** Processed: its callbacks have run. */
  get processed(): boolean {
    return this._state === PROCESSED;
  }
  /** The value of a succeeded event (undefined before). */
  get value(): T | undefined {
    return this._value;
  }
  /** The error of a failed event. */
  get error(): unknown {
    return this._error;
  }

  /**
   * Triggers the event with a value; callbacks run at the current time. With nobody waiting yet
   * the event counts as processed at once: a later waiter gets the value immediately.
   */
  succeed(value?: T): this {
    this.#trigger();
    this.ok = true;
    this._value = value;
    if (this._callbacks!.length === 0) {
      this._callbacks = null;
      this._state = PROCESSED;
    } else this.sim._enqueueEvent(this);
    return this;
  }

  /** Triggers the event as failed; waiting processes get `error` thrown at their `yield`. */
  fail(error: unknown): this {
    this.#trigger();
    this.ok = false;
    this._error = error;
    this.sim._enqueueEvent(this);
    return this;
  }

  /** Runs `cb` when the event is processed (at once, scheduled now, if it already was). */
  onDone(cb: EventCallback): void {
    if (this._callbacks) this._callbacks.push(cb);
    else this.sim.schedule(this.sim.now, cb, this);
  }

  /** Removes a callback (or waiter) added earlier; returns whether it was there. */
  offDone(cb: EventCallback | EventWaiter): boolean {
    const cbs = this._callbacks;
    const i = cbs ? cbs.indexOf(cb) : -1;
    if (i >= 0) cbs!.splice(i, 1);
    return i >= 0;
  }

  /** Called when the last waiter detached (a process was interrupted); resources withdraw here. */
  _abandoned(): void {}

  /** Runs the callbacks; the engine calls this once, at the event's time. */
  _process(): void {
    const cbs = this._callbacks!;
    this._callbacks = null;
    this._state = PROCESSED;
    if (!this.ok && cbs.length === 0 && !this.defused) this.sim._unhandledFailure(this);
    for (let i = 0; i < cbs.length; i++) {
      const cb = cbs[i]!;
      if (typeof cb === "function") cb(this);
      else cb._onEvent(this);
    }
  }

  /** Marks as triggered without scheduling (timeouts are processed directly by their timer). */
  _setNow(ok: boolean, value: T | undefined): void {
    this.#trigger();
    this.ok = ok;
    this._value = value;
  }

  #trigger(): void {
    if (this._state !== PENDING) {
      throw new Error(`${this.describe()} was already triggered`);
    }
    this._state = TRIGGERED;
  }

  /** A short description for error messages. */
  describe(): string {
    return "event";
  }
}

/**
 * The error a run stops with when a failed event (or a crashed process) has nobody to handle it.
 */
export class UnhandledFailureError extends Error {
  /** The failed event. */
  readonly event: SimEvent<unknown>;
  constructor(event: SimEvent<unknown>, seed: number, nowNs: number) {
    const cause = event.error instanceof Error ? event.error.message : String(event.error);
    super(
      `${event.describe()} failed at t=${nowNs}ns (seed ${seed}) and nobody handled it: ${cause}`,
      {
        cause: event.error,
      },
    );
    this.name = "UnhandledFailureError";
    this.event = event;
  }
}
