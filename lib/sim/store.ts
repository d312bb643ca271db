/**
 * Bounded FIFO stores with blocking `put` and `get`, and slot rings with backpressure.
 *
 * A {@linkcode Store} holds up to `capacity` units of items; each item occupies `size` units
 * (1 by default). `put` returns an event that succeeds once the item is stored (immediately when
 * there is room); `get` returns an event that succeeds with the oldest item. Both lines of waiters
 * are FIFO: a large item at the head of the put line is not overtaken by smaller ones, which is what
 * makes a full store slow its producers (backpressure). Waiting lines are bounded by `maxWaiters`.
 *
 * Statistics: items and units put, the high-water mark, how many puts had to wait and for how
 * long in total (`stallNs`).
 *
 * @module
 */
import { Deque } from "./_deque.ts";
import { SimEvent } from "./event.ts";
import type { Simulation } from "./simulation.ts";

interface Entry<T> {
  item: T;
  size: number;
}
interface PendingPut<T> extends Entry<T> {
  ev: SimEvent<void>;
  sinceNs: number;
}

/**
 * A bounded FIFO queue of items.
 *
 * @example
 * ```ts
 * import { createSim, Store } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const q = new Store<number>(sim, "queue", 1);
 * const got: string[] = [];
 * sim.process(function* () { for (let i = 0; i < 3; i++) yield q.put(i); });
 * sim.process(function* () {
 *   for (let i = 0; i < 3; i++) { yield 10; got.push(`${yield q.get()}@${sim.now}`); }
 * });
 * sim.run();
 * if (got.join() !== "0@10,1@20,2@30" || q.stalledPuts !== 2) throw new Error(got.join());
 * ```
 */
export class Store<T> {
  readonly sim: Simulation;
  readonly name: string;
  /** Units the store can hold. */
  readonly capacity: number;
  readonly maxWaiters: number;
  /** Units held now. */
  used = 0;
  /** Most units ever held. */
  highWater = 0;
  /** Items stored so far. */
  itemsPut = 0;
  /** Units stored so far. */
  unitsPut = 0;
  /** Puts that had to wait for room. */
  stalledPuts = 0;
  /** Total nanoseconds puts waited for room. */
  stallNs = 0;
  #items = new Deque<Entry<T>>();
  #puts = new Deque<PendingPut<T>>();
  #gets = new Deque<SimEvent<T>>();
  #handed = new WeakMap<SimEvent<T>, number>();

  constructor(sim: Simulation, name: string, capacity: number, maxWaiters = 1 << 20) {
    if (!(capacity >= 1) || (capacity !== Infinity && !Number.isInteger(capacity))) {
      throw new RangeError(`${name}.capacity: got ${capacity}, expected a positive integer`);
    }
    this.sim = sim;
    this.name = name;
    this.capacity = capacity;
    this.maxWaiters = maxWaiters;
  }

  /** Items held now. */
  get length(): number {
    return this.#items.length;
  }

  /** Units free now. */
  get free(): number {
    return this.capacity - this.used;
  }

  /** Stores `item` (taking `size` units) once there is room; yield the event to wait. */
  put(item: T, size = 1): SimEvent<void> {
    this.#checkSize(size);
    const ev = new SimEvent<void>(this.sim);
    if (this.#puts.length === 0 && this.used + size <= this.capacity) {
      this.#store(item, size);
      ev.succeed();
      return ev;
    }
    this.#bound(this.#puts.length);
    this.stalledPuts++;
    const pending = { item, size, ev, sinceNs: this.sim.now };
    this.#puts.push(pending);
    // An interrupted producer withdraws its item if it was not stored yet.
    ev._abandoned = () => {
      if (ev.pending && this.#puts.remove(pending)) this.#admitPuts();
    };
    return ev;
  }

  /** Stores `item` now if there is room and nobody waits to put; returns whether it did. */
  tryPut(item: T, size = 1): boolean {
    this.#checkSize(size);
    if (this.#puts.length > 0 || this.used + size > this.capacity) return false;
    this.#store(item, size);
    return true;
  }

  /** Takes the oldest item once there is one; yield the event to receive it. */
  get(): SimEvent<T> {
    const ev = new SimEvent<T>(this.sim);
    if (this.#items.length > 0 && this.#gets.length === 0) {
      ev.succeed(this.#take());
      return ev;
    }
    this.#bound(this.#gets.length);
    this.#gets.push(ev);
    // An interrupted consumer withdraws; an item handed to it at this very instant goes back to
    // the head of the store, so that no item is lost.
    ev._abandoned = () => {
      if (ev.pending) this.#gets.remove(ev);
      else if (ev.ok) this.#giveBack(ev);
    };
    return ev;
  }

  /** Takes the oldest item now, or returns undefined when empty. */
  tryGet(): T | undefined {
    return this.#items.length > 0 && this.#gets.length === 0 ? this.#take() : undefined;
  }

  /** The oldest item without taking it. */
  peek(): T | undefined {
    return this.#items.peek()?.item;
  }

  #store(item: T, size: number): void {
    this.#items.push({ item, size });
    this.used += size;
    this.itemsPut++;
    this.unitsPut += size;
    if (this.used > this.highWater) this.highWater = this.used;
    const g = this.#gets.shift();
    if (!g) return;
    this.#handed.set(g, this.#items.peek()!.size);
    g.succeed(this.#take());
  }

  /** Returns the item handed to an abandoned get (may briefly exceed capacity: it was stored). */
  #giveBack(ev: SimEvent<T>): void {
    const size = this.#handed.get(ev) ?? 1;
    const g = this.#gets.shift();
    if (g) {
      this.#handed.set(g, size);
      g.succeed(ev.value as T);
      return;
    }
    this.#items.unshift({ item: ev.value as T, size });
    this.used += size;
  }

  #take(): T {
    const e = this.#items.shift()!;
    this.used -= e.size;
    this.#admitPuts();
    return e.item;
  }

  #admitPuts(): void {
    for (
      let p = this.#puts.peek();
      p && this.used + p.size <= this.capacity;
      p = this.#puts.peek()
    ) {
      this.#puts.shift();
      this.stallNs += this.sim.now - p.sinceNs;
      this.#store(p.item, p.size);
      p.ev.succeed();
    }
  }

  #checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > this.capacity) {
      throw new RangeError(
        `${this.name}: item size ${size} must be an integer in [1, ${this.capacity}]`,
      );
    }
  }

  #bound(n: number): void {
    if (n >= this.maxWaiters) {
      throw new RangeError(`${this.name}: more than ${this.maxWaiters} waiters (raise maxWaiters)`);
    }
  }
}
