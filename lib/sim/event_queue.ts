/**
 * The pending-event set of the engine: a binary min-heap on typed arrays, ordered by
 * (time, insertion sequence), so that events at the same virtual time run first-in first-out.
 *
 * Each entry carries a handler function and an argument. Keys live in `Float64Array`s
 * (integer nanoseconds and sequence numbers are exact up to 2^53); handlers and arguments live in
 * plain arrays indexed by a recycled slot number, so the heap moves only numbers. The capacity grows
 * by doubling up to `maxSize` entries; reaching that bound throws, naming the bound.
 *
 * @module
 */

/** A queued callback: receives its argument and the entry's sequence number (its handle). */
// deno-lint-ignore no-explicit-any
export type Handler = (arg: any, seq: number) => void;

/**
 * Binary heap of timed callbacks.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const q = new EventQueue();
 * const seen: string[] = [];
 * q.push(5, (s: string) => seen.push(s), "b");
 * q.push(1, (s: string) => seen.push(s), "a");
 * q.push(5, (s: string) => seen.push(s), "c");
 * while (q.pop()) q.poppedFn!(q.poppedArg, q.poppedSeq);
 * if (seen.join("") !== "abc") throw new Error(seen.join(""));
 * ```
 */
export class EventQueue {
  /** Number of pending entries. */
  size = 0;
  /** Time of the entry removed by the last {@linkcode pop}. */
  poppedTime = 0;
  /** Handler of the entry removed by the last {@linkcode pop}. */
  poppedFn: Handler | undefined = undefined;
  /** Argument of the entry removed by the last {@linkcode pop}. */
  poppedArg: unknown = undefined;
  /** Sequence number of the entry removed by the last {@linkcode pop}. */
  poppedSeq = 0;

  #time: Float64Array;
  #seq: Float64Array;
  #slot: Int32Array;
  #fn: (Handler | undefined)[] = [];
  #arg: unknown[] = [];
  #free: Int32Array;
  #freeTop = 0;
  #nextSlot = 0;
  #nextSeq = 0;
  #capacity: number;
  readonly #maxSize: number;

  /**
   * @param initialCapacity entries allocated up front (grows by doubling).
   * @param maxSize hard bound on pending entries; a push beyond it throws.
   */
  constructor(initialCapacity = 1024, maxSize = 1 << 26) {
    // Never allocate past the bound: #grow() only checks it once the array is full.
    this.#capacity = Math.min(Math.max(16, initialCapacity), maxSize);
    this.#maxSize = maxSize;
    this.#time = new Float64Array(this.#capacity);
    this.#seq = new Float64Array(this.#capacity);
    this.#slot = new Int32Array(this.#capacity);
    this.#free = new Int32Array(this.#capacity);
  }

  /** Sequence number the next {@linkcode push} will get (also the count of pushes so far). */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Time of the earliest entry, or `Infinity` when empty. */
  peekTime(): number {
    return this.size > 0 ? this.#time[0]! : Infinity;
  }

  /** Adds an entry; returns its sequence number (unique for the life of the queue). */
  push(time: number, fn: Handler, arg: unknown): number {
    if (this.size === this.#capacity) this.#grow();
    const slot = this.#freeTop > 0 ? this.#free[--this.#freeTop]! : this.#nextSlot++;
    this.#fn[slot] = fn;
    this.#arg[slot] = arg;
    const seq = this.#nextSeq++;
    const times = this.#time, seqs = this.#seq, slots = this.#slot;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      slots[i] = slots[p]!;
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
    return seq;
  }

  /**
   * Removes the earliest entry and exposes it through the `popped*` fields (no allocation).
   * Returns false when the queue is empty.
   */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /**
   * Like {@linkcode pop}, but only if the earliest entry's time is <= `limit`; returns whether an
   * entry was removed.
   */
  popUntil(limit: number): boolean {
    if (this.size === 0) return false;
    const times = this.#time, seqs = this.#seq, slots = this.#slot;
    const t0 = times[0]!;
    if (t0 > limit) return false;
    const slot = slots[0]!;
    this.poppedTime = t0;
    this.poppedSeq = seqs[0]!;
    this.poppedFn = this.#fn[slot];
    this.poppedArg = this.#arg[slot];
    this.#arg[slot] = undefined;
    this.#free[this.#freeTop++] = slot;
    const n = --this.size;
    if (n > 0) this.#siftDownLast(n);
    return true;
  }

  #siftDownLast(n: number): void {
    const times = this.#time, seqs = this.#seq, slots = this.#slot;
    const t = times[n]!, s = seqs[n]!, sl = slots[n]!;
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = times[c]!, cs = seqs[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = times[r]!;
        if (rt < ct || (rt === ct && seqs[r]! < cs)) {
          c = r;
          ct = rt;
          cs = seqs[r]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      slots[i] = slots[c]!;
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    slots[i] = sl;
  }

  /** Sequence numbers of the pending entries (O(n); for housekeeping, not hot paths). */
  pendingSeqs(): Set<number> {
    const s = new Set<number>();
    for (let i = 0; i < this.size; i++) s.add(this.#seq[i]!);
    return s;
  }

  /** Removes every entry. */
  clear(): void {
    this.size = 0;
    this.#fn.length = 0;
    this.#arg.length = 0;
    this.#freeTop = 0;
    this.#nextSlot = 0;
  }

  #grow(): void {
    if (this.#capacity >= this.#maxSize) {
      throw new RangeError(
        `event queue full: more than ${this.#maxSize} pending events (raise maxPendingEvents)`,
      );
    }
    const cap = Math.min(this.#capacity * 2, this.#maxSize);
    const grow = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, (n) => new Float64Array(n));
    this.#seq = grow(this.#seq, (n) => new Float64Array(n));
    this.#slot = grow(this.#slot, (n) => new Int32Array(n));
    this.#free = grow(this.#free, (n) => new Int32Array(n));
    this.#capacity = cap;
  }
}
