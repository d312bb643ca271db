/**
 * The simulation: virtual clock, pending-event queue, processes, and the run loop.
 *
 * Data flow: handlers and processes schedule work into the {@linkcode EventQueue}; `run()` pops the
 * earliest entry, advances `now` to its time and calls it. Time is integer nanoseconds. Two entries
 * at the same time run in the order they were scheduled. One seed drives the run: subsystems draw
 * from `sim.prng.fork("name")`; nothing here reads the wall clock.
 *
 * Hot paths use callbacks (`schedule`/`after`: a function and an argument, with no
 * allocation); model logic reads best as generator processes (`process(function* () {...})`).
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "./config.ts";
import { messageOf, SimAssertionError } from "./errors.ts";
import { EventQueue, type Handler } from "./event_queue.ts";
import { type EventCallback, SimEvent, UnhandledFailureError } from "./event.ts";
import { Process, type ProcessBody } from "./process.ts";
import { Prng } from "./prng.ts";
import { Trace } from "./trace.ts";

/** Latest schedulable time: integer nanoseconds are exact below 2^53 (DESIGN.md). */
const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

/** zod schema of {@linkcode SimOptions}. */
export const simOptionsSchema = z.object({
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  trace: z.object({
    window: z.number().int().min(0).optional(),
    categories: z.array(z.string()).optional(),
    kinds: z.array(z.string()).optional(),
  }).strict().optional(),
  maxPendingEvents: z.number().int().min(16).optional(),
}).strict();

/** Options of {@linkcode createSim}. */
export type SimOptions = z.input<typeof simOptionsSchema>;

/** Options of {@linkcode Simulation.run}. */
export interface RunOptions {
  /** Process events with time <= untilNs, then set the clock to untilNs. */
  untilNs?: number;
  /** Stop after this many events (a bound for runaway models). */
  maxEvents?: number;
}

/** What a run did. */
export interface RunSummary {
  /** The clock when the run stopped. */
  nowNs: number;
  /** Events processed by this call. */
  events: number;
  /** Why it stopped. */
  stoppedBy: "empty" | "until" | "maxEvents";
}

/**
 * Creates a simulation after validating the options.
 *
 * @example
 * ```ts
 * import { createSim } from "./simulation.ts";
 * const sim = createSim({ seed: 7 });
 * const served: number[] = [];
 * sim.process(function* () {
 *   for (let i = 0; i < 3; i++) {
 *     yield Math.round(sim.prng.exponential(1_000));
 *     served.push(sim.now);
 *   }
 * }, "customer");
 * const summary = sim.run();
 * if (served.length !== 3 || summary.stoppedBy !== "empty") throw new Error("did not run");
 * ```
 */
export function createSim(options: SimOptions): Simulation {
  const o = parseConfig(simOptionsSchema, options, "simulation options");
  return new Simulation(o.seed, new Trace(o.trace ?? {}), o.maxPendingEvents ?? 1 << 26);
}

/** A discrete-event simulation. Build with {@linkcode createSim}. */
export class Simulation {
  /** The seed of this run. */
  readonly seed: number;
  /** The root random stream; subsystems should use `prng.fork(name)`. */
  readonly prng: Prng;
  /** The run's trace and digest. */
  readonly trace: Trace;
  /** The process being stepped right now, if any. */
  activeProcess: Process<unknown> | null = null;
  #now = 0;
  #events = 0;
  readonly #queue: EventQueue;
  readonly #cancelled = new Set<number>();

  constructor(seed: number, trace: Trace, maxPendingEvents = 1 << 26) {
    this.seed = seed;
    this.prng = new Prng(seed);
    this.trace = trace;
    this.#queue = new EventQueue(1024, maxPendingEvents);
  }

  /** Virtual time in integer nanoseconds. */
  get now(): number {
    return this.#now;
  }

  /** Events processed so far. */
  get eventsProcessed(): number {
    return this.#events;
  }

  /** Number of pending entries (including cancelled ones not yet reached). */
  get pendingEvents(): number {
    return this.#queue.size;
  }

  /**
   * Calls `fn(arg, handle)` at absolute time `timeNs` (>= now, integer). Returns the handle, for
   * {@linkcode cancel}; handles increase with every call.
   */
  schedule<A>(timeNs: number, fn: (arg: A, handle: number) => void, arg?: A): number {
    // The upper bound also rejects Infinity, which passes the floor test; beyond 2^53 ns is inexact.
    if (!(timeNs >= this.#now && timeNs <= MAX_TIME_NS) || timeNs !== Math.floor(timeNs)) {
      this.#badTime(timeNs);
    }
    return this.#queue.push(timeNs, fn as Handler, arg);
  }

  /** Calls `fn(arg, handle)` after `delayNs` (integer, >= 0). Returns the handle. */
  after<A>(delayNs: number, fn: (arg: A, handle: number) => void, arg?: A): number {
    const t = this.#now + delayNs;
    if (!(delayNs >= 0 && t <= MAX_TIME_NS) || t !== Math.floor(t)) this.#badTime(t);
    return this.#queue.push(t, fn as Handler, arg);
  }

  /** Cancels a scheduled callback by its handle; cancelling twice or after it ran is harmless. */
  cancel(handle: number): void {
    if (handle >= this.#queue.nextSeq) return;
    this.#cancelled.add(handle);
    // Handles of callbacks that already ran never leave the set by themselves: prune it when it
    // outgrows the queue (amortised O(1) per cancel).
    if (this.#cancelled.size > 2 * this.#queue.size + 1024) {
      const pending = this.#queue.pendingSeqs();
      for (const h of this.#cancelled) if (!pending.has(h)) this.#cancelled.delete(h);
    }
  }

  /** A new pending event. */
  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  /** An event that succeeds with `value` after `delayNs`. */
  timeout<T = undefined>(delayNs: number, value?: T): SimEvent<T> {
    const ev = new SimEvent<T>(this);
    this.after(delayNs, fireTimeout, ev);
    ev._value = value;
    return ev;
  }

  /**
   * Starts a process from a generator or a generator function; it runs from the current time.
   */
  process<R>(body: ProcessBody<R> | (() => ProcessBody<R>), name?: string): Process<R> {
    const gen = typeof body === "function" ? body() : body;
    return new Process<R>(this, gen, name ?? `p${this.#queue.nextSeq}`);
  }

  /** An event that succeeds with all values once every event succeeded, or fails with the first. */
  allOf<T>(events: readonly SimEvent<T>[]): SimEvent<T[]> {
    const all = new SimEvent<T[]>(this);
    let left = events.length;
    if (left === 0) return all.succeed([]);
    const onDone: EventCallback = (ev) => {
      if (!all.pending) return;
      if (!ev.ok) all.fail(ev.error);
      else if (--left === 0) all.succeed(events.map((e) => e.value as T));
    };
    for (const e of events) e.onDone(onDone);
    return all;
  }

  /** An event that succeeds with `{ index, value }` of the first event to succeed (or fails). */
  anyOf<T>(events: readonly SimEvent<T>[]): SimEvent<{ index: number; value: T }> {
    const any = new SimEvent<{ index: number; value: T }>(this);
    events.forEach((e, index) =>
      e.onDone((ev) => {
        if (!any.pending) return;
        if (ev.ok) any.succeed({ index, value: ev.value as T });
        else any.fail(ev.error);
      })
    );
    return any;
  }

  /** Time of the next pending entry, or `Infinity`. */
  peek(): number {
    return this.#queue.peekTime();
  }

  /** Processes one entry; returns false when there was none. */
  step(): boolean {
    return this.run({ maxEvents: 1 }).events === 1;
  }

  /** Runs until the queue is empty, `untilNs` is passed, or `maxEvents` were processed. */
  run(options: RunOptions = {}): RunSummary {
    const until = options.untilNs ?? Infinity;
    const max = options.maxEvents ?? Infinity;
    // Negated so that NaN is rejected too (it would pop every entry and set the clock to NaN).
    if (!(until >= this.#now)) this.#badTime(until);
    const q = this.#queue, cancelled = this.#cancelled;
    let n = 0;
    let stoppedBy: RunSummary["stoppedBy"] = "empty";
    try {
      for (;;) {
        if (n >= max) {
          stoppedBy = q.size > 0 ? "maxEvents" : "empty";
          break;
        }
        if (!q.popUntil(until)) {
          stoppedBy = q.size > 0 ? "until" : "empty";
          break;
        }
        if (cancelled.size > 0 && cancelled.delete(q.poppedSeq)) continue;
        this.#now = q.poppedTime;
        n++;
        q.poppedFn!(q.poppedArg, q.poppedSeq);
      }
    } catch (e) {
      this.#events += n;
      throw this.#annotate(e);
    }
    this.#events += n;
    if (until !== Infinity && stoppedBy !== "maxEvents") {
      this.#now = until;
      stoppedBy = "until";
    }
    return { nowNs: this.#now, events: n, stoppedBy };
  }

  /** @internal Schedules the processing of a triggered event at the current time. */
  _enqueueEvent(ev: SimEvent<unknown>): void {
    this.#queue.push(this.#now, processEvent, ev);
  }

  /** @internal A failed event had nobody to handle it. */
  _unhandledFailure(ev: SimEvent<unknown>): never {
    throw new UnhandledFailureError(ev, this.seed, this.#now);
  }

  #annotate(e: unknown): unknown {
    if (e instanceof UnhandledFailureError || e instanceof SimAssertionError) return e;
    const msg = messageOf(e);
    return new SimAssertionError(
      `a callback threw: ${msg}`,
      { seed: this.seed, nowNs: this.#now },
      {
        cause: e,
      },
    );
  }

  #badTime(t: number): never {
    throw new RangeError(
      `cannot schedule at t=${t}ns: times are integer nanoseconds not before now (${this.#now}ns)`,
    );
  }
}

function processEvent(ev: SimEvent<unknown>): void {
  ev._process();
}

function fireTimeout(ev: SimEvent<unknown>): void {
  if (!ev.pending) return;
  ev._setNow(true, ev._value);
  ev._process();
}
