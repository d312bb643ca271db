/**
 * The inter-kernel message ring (ft-linux.md section 2): each kernel owns a receive ring of fixed
 * slots in its memory; senders write into it directly and notify with an IPI; the receiver polls
 * while busy and sleeps when idle, and waking it costs a sample of a load-dependent distribution.
 *
 * Objects and data flow:
 *
 *   sender thread --write(msg, bytes)--> [slots reserved, writeNs per slot] --> delivered queue
 *   delivered queue --handler (IPI + wake-up when asleep, handleNs per message)--> onMessage(msg)
 *   onMessage returns how many slots to free now; the rest are freed later by `free()` when the
 *   replay consumes the entry, so a slow replay fills the ring and stalls the sender
 *   (backpressure; `stallNs`).
 *
 * Traffic counters: messages, slots and bytes (slots x slotBytes), for messages/s and MB/s.
 *
 * @module
 */
import type { SimEvent } from "../sim/event.ts";
import type { Prng } from "../sim/prng.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { FtLinuxConfig } from "./config.ts";
import type { CorePool } from "./core_pool.ts";

/** Most senders that may wait for room; more is a runaway model (RangeError). */
const MAX_BLOCKED_WRITERS = 1 << 16;

/**
 * A kernel's receive ring with its handler.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { parseFtLinuxConfig } from "./config.ts";
 * import { CorePool } from "./core_pool.ts";
 * import { MessageRing } from "./message_ring.ts";
 * const sim = createSim({ seed: 1 });
 * const cfg = parseFtLinuxConfig({ ring: { slots: 16 } });
 * const got: string[] = [];
 * const ring = new MessageRing<string>(sim, "k1", cfg.ring, new CorePool(sim, 4),
 *   sim.prng.fork("ring"), (m) => { got.push(m); return 1; });
 * sim.process(function* () { yield* ring.write("hello", 40); });
 * sim.run();
 * if (got[0] !== "hello" || ring.messages !== 1 || ring.slotsUsed !== 0) throw new Error("ring");
 * ```
 */
export class MessageRing<T> {
  readonly sim: Simulation;
  readonly name: string;
  /** Payload bytes per slot. */
  readonly payloadBytes: number;
  /** Messages written so far. */
  messages = 0;
  /** Slots written so far. */
  slots = 0;
  /** Slots occupied now. */
  slotsUsed = 0;
  /** Total time senders waited for room (backpressure), summed over senders, ns. */
  stallNs = 0;
  #fullNs = 0;
  #fullSince = -1;
  /** Wake-ups of a sleeping receiver, and their total cost (ns). */
  wakeups = 0;
  wakeupNs = 0;
  /** False once the receiving kernel died: later messages are dropped. */
  receiverAlive = true;
  readonly #cfg: FtLinuxConfig["ring"];
  readonly #cores: CorePool;
  readonly #prng: Prng;
  readonly #onMessage: (msg: T) => number;
  readonly #delivered: T[] = [];
  #dHead = 0;
  readonly #blocked: { slots: number; ev: SimEvent<void>; since: number }[] = [];
  #state: "asleep" | "waking" | "busy" | "polling" = "asleep";
  #pollTimer = -1;

  constructor(
    sim: Simulation,
    name: string,
    cfg: FtLinuxConfig["ring"],
    receiverCores: CorePool,
    prng: Prng,
    onMessage: (msg: T) => number,
  ) {
    this.sim = sim;
    this.name = name;
    this.#cfg = cfg;
    this.payloadBytes = cfg.slotBytes - cfg.headerBytes;
    this.#cores = receiverCores;
    this.#prng = prng;
    this.#onMessage = onMessage;
  }

  /** Time during which at least one sender waited for room (the ring was full), ns. */
  get fullNs(): number {
    return this.#fullNs + (this.#fullSince < 0 ? 0 : this.sim.now - this.#fullSince);
  }

  /** Ring bytes written so far (slots x slot size): the replication traffic. */
  get bytes(): number {
    return this.slots * this.#cfg.slotBytes;
  }

  /** Slots a message of `bytes` payload bytes occupies (chunking). */
  slotsFor(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / this.payloadBytes));
  }

  /** Writes a message (sender side): waits for room, pays the write latency, then delivers it. */
  *write(msg: T, bytes: number): Generator<SimEvent<void> | number, void, unknown> {
    const n = Math.min(this.slotsFor(bytes), this.#cfg.slots);
    if (!this.#reserve(n)) {
      const ev = this.sim.event<void>();
      this.#block(n, ev);
      yield ev;
    }
    yield n * this.#cfg.writeNs;
    this.#deliver(msg, n);
  }

  /**
   * Writes from a callback context (a netfilter hook, a heartbeat timer): like `write`, and
   * `done()` runs once the message is in the ring.
   */
  post(msg: T, bytes: number, done?: () => void): void {
    const n = Math.min(this.slotsFor(bytes), this.#cfg.slots);
    const go = () => {
      this.sim.after(n * this.#cfg.writeNs, () => {
        this.#deliver(msg, n);
        done?.();
      });
    };
    if (this.#reserve(n)) return go();
    const ev = this.sim.event<void>();
    this.#block(n, ev);
    ev.onDone(go);
  }

  /** Frees slots of consumed entries; unblocks waiting senders in FIFO order. */
  free(slots: number): void {
    this.slotsUsed -= slots;
    while (this.#blocked.length > 0) {
      const b = this.#blocked[0]!;
      if (this.slotsUsed + b.slots > this.#cfg.slots) break;
      this.#blocked.shift();
      this.slotsUsed += b.slots;
      this.stallNs += this.sim.now - b.since;
      b.ev.succeed();
    }
    if (this.#blocked.length === 0 && this.#fullSince >= 0) {
      this.#fullNs += this.sim.now - this.#fullSince;
      this.#fullSince = -1;
    }
  }

  #block(slots: number, ev: SimEvent<void>): void {
    if (this.#blocked.length >= MAX_BLOCKED_WRITERS) throw new RangeError(`${this.name}: blocked`);
    if (this.#blocked.length === 0) this.#fullSince = this.sim.now;
    this.#blocked.push({ slots, ev, since: this.sim.now });
  }

  /** The receiving kernel died: drop what it holds; writers never block on it again. */
  receiverDied(): void {
    this.receiverAlive = false;
    this.#delivered.length = 0;
    this.#dHead = 0;
    this.slotsUsed = 0;
    this.free(0);
  }

  #reserve(n: number): boolean {
    if (!this.receiverAlive) return true;
    if (this.#blocked.length > 0 || this.slotsUsed + n > this.#cfg.slots) return false;
    this.slotsUsed += n;
    return true;
  }

  #deliver(msg: T, n: number): void {
    this.messages++;
    this.slots += n;
    if (!this.receiverAlive) return;
    this.#delivered.push(msg);
    if (this.#state === "asleep") this.#wake();
    else if (this.#state === "polling") {
      this.sim.cancel(this.#pollTimer);
      this.#state = "busy";
      this.sim.after(this.#cfg.handleNs, handleNext, this);
    }
  }

  /**
   * One sample of the cost of `wake_up_process()` on the receiving partition now: log-normal,
   * its median growing with the run-queue load (runnable threads per core), capped at wakeMaxNs.
   */
  wakeCostNs(): number {
    const load = this.#cores.load;
    const median = this.#cfg.wakeMedianNs * (1 + this.#cfg.wakeLoadFactor * load);
    const sample = this.#prng.lognormal(Math.log(Math.max(1, median)), this.#cfg.wakeSigma);
    return Math.min(this.#cfg.wakeMaxNs, Math.round(sample));
  }

  #wake(): void {
    this.#state = "waking";
    const cost = this.wakeCostNs();
    this.wakeups++;
    this.wakeupNs += cost;
    this.sim.after(this.#cfg.ipiNs + cost, (ring: MessageRing<T>) => {
      ring.#state = "busy";
      ring.sim.after(ring.#cfg.handleNs, handleNext, ring);
    }, this);
  }

  /** @internal Handles the next delivered message (one handleNs step). */
  _handleNext(): void {
    if (!this.receiverAlive) return;
    if (this.#dHead < this.#delivered.length) {
      const msg = this.#delivered[this.#dHead++]!;
      if (this.#dHead > 4096) {
        this.#delivered.splice(0, this.#dHead);
        this.#dHead = 0;
      }
      const freeNow = this.#onMessage(msg);
      if (freeNow > 0) this.free(freeNow);
    }
    if (this.#dHead < this.#delivered.length) {
      this.sim.after(this.#cfg.handleNs, handleNext, this);
      return;
    }
    this.#state = "polling";
    this.#pollTimer = this.sim.after(this.#cfg.pollNs, (ring: MessageRing<T>) => {
      if (ring.#state === "polling") ring.#state = "asleep";
    }, this);
  }
}

// deno-lint-ignore no-explicit-any
function handleNext(ring: MessageRing<any>): void {
  ring._handleNext();
}
