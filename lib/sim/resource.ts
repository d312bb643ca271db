/**
 * Counted resources and mutexes with FIFO waiters.
 *
 * A {@linkcode Resource} has `capacity` units. `request()` returns a {@linkcode Request} event that
 * succeeds when a unit is granted; requests are granted strictly first-in first-out. `release(req)`
 * gives the unit back (or withdraws a request not granted yet). A process interrupted while waiting
 * for a request withdraws it automatically. The waiting line is bounded by `maxWaiters`; a request
 * beyond it throws a RangeError naming the resource.
 *
 * Utilisation is integrated over virtual time (`busyUnitNs`), so CPU-like resources report it
 * without any extra process.
 *
 * @module
 */
import { Deque } from "./_deque.ts";
import { SimEvent } from "./event.ts";
import type { Simulation } from "./simulation.ts";

/** A claim on one unit of a {@linkcode Resource}; succeeds (with itself) when granted. */
export class Request extends SimEvent<Request> {
  /** The resource requested. */
  readonly resource: Resource;
  /** Time the request was made. */
  readonly requestedNs: number;
  /** Time the unit was granted, or -1. */
  grantedNs = -1;
  /** Set once released or withdrawn. */
  released = false;
  /** Set when the request was withdrawn because its process was interrupted. */
  withdrawn = false;

  constructor(resource: Resource) {
    super(resource.sim);
    this.resource = resource;
    this.requestedNs = resource.sim.now;
  }

  /** True once the unit was granted. */
  get granted(): boolean {
    return this.grantedNs >= 0;
  }

  override describe(): string {
    return `request for ${this.resource.name}`;
  }

  override _abandoned(): void {
    // Only reached before the request event was processed, so its waiter never saw a grant made
    // at this instant: give that unit back too, or it would stay allocated to nobody.
    if (this.released) return;
    this.resource.release(this);
    this.withdrawn = true;
  }
}

/**
 * A resource with `capacity` identical units.
 *
 * @example
 * ```ts
 * import { createSim, Resource } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const cpu = new Resource(sim, "cpu", 1);
 * const done: string[] = [];
 * for (const who of ["a", "b"]) {
 *   sim.process(function* () {
 *     const req = yield cpu.request();
 *     yield 10;
 *     cpu.release(req);
 *     done.push(`${who}@${sim.now}`);
 *   });
 * }
 * sim.run();
 * if (done.join() !== "a@10,b@20") throw new Error(done.join());
 * ```
 */
export class Resource {
  readonly sim: Simulation;
  readonly name: string;
  readonly capacity: number;
  readonly maxWaiters: number;
  /** Units granted now. */
  inUse = 0;
  /** Requests granted so far. */
  grants = 0;
  /** Total nanoseconds granted requests waited. */
  waitNs = 0;
  #waiters = new Deque<Request>();
  #busyUnitNs = 0;
  #lastChangeNs: number;
  readonly #createdNs: number;

  constructor(sim: Simulation, name: string, capacity = 1, maxWaiters = 1 << 20) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`${name}.capacity: got ${capacity}, expected a positive integer`);
    }
    this.sim = sim;
    this.name = name;
    this.capacity = capacity;
    this.maxWaiters = maxWaiters;
    this.#lastChangeNs = this.#createdNs = sim.now;
  }

  /** Requests waiting for a unit. */
  get queueLength(): number {
    return this.#waiters.length;
  }

  /** Unit-nanoseconds granted so far (integral of `inUse` over time). */
  get busyUnitNs(): number {
    return this.#busyUnitNs + this.inUse * (this.sim.now - this.#lastChangeNs);
  }

  /** Mean fraction of units in use since the resource was created (0 when no time passed). */
  utilization(): number {
    const span = this.sim.now - this.#createdNs;
    return span > 0 ? this.busyUnitNs / (span * this.capacity) : 0;
  }

  /** Asks for a unit; yield the returned request to wait until it is granted. */
  request(): Request {
    const req = new Request(this);
    if (this.inUse < this.capacity && this.#waiters.length === 0) {
      this.#grant(req);
    } else {
      if (this.#waiters.length >= this.maxWaiters) {
        throw new RangeError(
          `${this.name}: more than ${this.maxWaiters} waiters (raise maxWaiters)`,
        );
      }
      this.#waiters.push(req);
    }
    return req;
  }

  /** A unit now if one is free (the request is already granted), else null; never queues. */
  tryRequest(): Request | null {
    if (this.inUse >= this.capacity || this.#waiters.length > 0) return null;
    const req = new Request(this);
    this.#grant(req);
    return req;
  }

  /**
   * Releases a granted unit, or withdraws a request not granted yet. Releasing a granted unit
   * twice throws; releasing a request that was already withdrawn (for instance automatically,
   * when its process was interrupted) does nothing.
   */
  release(req: Request): void {
    if (req.resource !== this) {
      throw new Error(`release: the request belongs to ${req.resource.name}`);
    }
    if (req.released && (req.withdrawn || !req.granted)) return;
    if (req.released) throw new Error(`${this.name}: request released twice`);
    req.released = true;
    if (!req.granted) {
      this.#waiters.remove(req);
      return;
    }
    this.#account();
    this.inUse--;
    while (this.inUse < this.capacity && this.#waiters.length > 0) {
      this.#grant(this.#waiters.shift()!);
    }
  }

  #grant(req: Request): void {
    this.#account();
    this.inUse++;
    this.grants++;
    req.grantedNs = this.sim.now;
    this.waitNs += req.grantedNs - req.requestedNs;
    req.succeed(req);
  }

  #account(): void {
    const now = this.sim.now;
    this.#busyUnitNs += this.inUse * (now - this.#lastChangeNs);
    this.#lastChangeNs = now;
  }
}

/**
 * A mutual-exclusion lock: a {@linkcode Resource} of capacity 1.
 *
 * @example
 * ```ts
 * import { createSim, Mutex } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const m = new Mutex(sim, "lock");
 * sim.process(function* () { const r = yield m.request(); yield 5; m.release(r); });
 * sim.run();
 * if (m.inUse !== 0 || m.grants !== 1) throw new Error("lock state");
 * ```
 */
export class Mutex extends Resource {
  constructor(sim: Simulation, name: string, maxWaiters?: number) {
    super(sim, name, 1, maxWaiters);
  }
}
