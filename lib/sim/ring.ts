/**
 * A ring of fixed-size slots carrying variable-length messages, with backpressure.
 *
 * This is the shape of a shared-memory message ring between kernels: `slots` slots of `slotBytes`
 * bytes, of which `headerBytes` are a per-slot header, so a message of `n` bytes occupies
 * `ceil(n / (slotBytes - headerBytes))` slots (at least one). When the ring is full the sender
 * waits (backpressure); `stallNs` accumulates how long senders were held up. Traffic counters
 * (messages, slots, payload bytes) let a model report messages/s and MB/s.
 *
 * @module
 */
import type { SimEvent } from "./event.ts";
import type { Simulation } from "./simulation.ts";
import { Store } from "./store.ts";

/** Geometry of a {@linkcode Ring}. */
export interface RingGeometry {
  /** Number of slots (default 8192). */
  slots?: number;
  /** Bytes per slot (default 128, a cache line pair on many machines). */
  slotBytes?: number;
  /** Header bytes per slot (default 13, leaving 115 bytes of payload). */
  headerBytes?: number;
}

/**
 * A slot ring of messages.
 *
 * @example
 * ```ts
 * import { createSim, Ring } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const ring = new Ring<string>(sim, "ring", { slots: 4 });
 * if (ring.slotsFor(300) !== 3) throw new Error("chunking");
 * sim.process(function* () { yield ring.send("big", 300); yield ring.send("second", 200); });
 * sim.process(function* () { yield 50; yield ring.get(); });
 * sim.run();
 * if (ring.messages !== 2 || ring.stallNs !== 50) throw new Error(`stall ${ring.stallNs}`);
 * ```
 */
export class Ring<T> extends Store<T> {
  readonly slotBytes: number;
  readonly payloadBytes: number;
  /** Payload bytes sent so far. */
  bytes = 0;

  constructor(sim: Simulation, name: string, geometry: RingGeometry = {}) {
    const slots = geometry.slots ?? 8192;
    super(sim, name, slots);
    this.slotBytes = geometry.slotBytes ?? 128;
    this.payloadBytes = this.slotBytes - (geometry.headerBytes ?? 13);
    if (!(this.payloadBytes >= 1)) {
      throw new RangeError(`${name}: headerBytes must be smaller than slotBytes`);
    }
  }

  /** Messages sent so far. */
  get messages(): number {
    return this.itemsPut;
  }

  /** Slots a message of `bytes` payload bytes occupies. */
  slotsFor(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / this.payloadBytes));
  }

  /** Sends a message of `bytes` payload bytes; yield the event to wait for room. */
  send(msg: T, bytes: number): SimEvent<void> {
    // Count only after put() accepted the message: it throws for oversize messages or full lines.
    const ev = this.put(msg, this.slotsFor(bytes));
    this.bytes += bytes;
    return ev;
  }

  /** Sends now if there is room; returns whether it did. */
  trySend(msg: T, bytes: number): boolean {
    const ok = this.tryPut(msg, this.slotsFor(bytes));
    if (ok) this.bytes += bytes;
    return ok;
  }
}
