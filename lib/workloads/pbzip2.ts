/**
 * A PBZIP2-like parallel compressor for the FT namespace ([P] section 6): a reader thread splits
 * the input into blocks and queues them (mutex + condition variables, bounded queue), worker
 * threads take a block, compress it (compute proportional to the block size; the allocator takes
 * a lock per `allocBytes` processed) and queue the result, and a writer thread writes the
 * compressed blocks in order. Every Pthreads operation is a section of the replicated schedule.
 *
 * @module
 */
import type { FtThread, FtThreadBody } from "../replication/namespace.ts";

/** Options of {@linkcode pbzip2}. */
export interface Pbzip2Options {
  /** Block size in bytes. */
  blockBytes: number;
  /** Blocks to compress. */
  blocks: number;
  /** Worker threads ([P]: 32). */
  workers: number;
  /** Compression cost per input byte, ns (calibrated: 50 KB in about 23 ms on one core). */
  compressNsPerByte: number;
  /** Reading one block, ns per byte. */
  readNsPerByte: number;
  /** Bytes processed per allocator lock (malloc arena) section pair (output buffer growth). */
  allocBytes: number;
  /**
   * Allocator lock/unlock pairs per block whatever its size: the compressor's state and work
   * arrays (bzip2 allocates four per block). Default 0.
   */
  allocPerBlock?: number;
  /** Queue capacity in blocks. */
  queueBlocks: number;
  /** Called by the writer for each block written, in order (on every replica). */
  onBlock?: (api: FtThread, index: number) => void;
}

/**
 * The compressor's main thread: starts the reader, the workers and the writer.
 *
 * @example
 * ```ts
 * import { pbzip2 } from "./pbzip2.ts";
 * const main = pbzip2({ blockBytes: 10_000, blocks: 4, workers: 2, compressNsPerByte: 460,
 *   readNsPerByte: 1, allocBytes: 10_000, queueBlocks: 4 });
 * if (typeof main !== "function") throw new Error("not a thread body");
 * ```
 */
export function pbzip2(o: Pbzip2Options): FtThreadBody {
  return function* (api) {
    const state = { queued: [] as number[], done: new Map<number, boolean>(), next: 0, read: 0 };
    api.spawn("reader", (t) => reader(t, o, state));
    for (let w = 0; w < o.workers; w++) api.spawn(`w${w}`, (t) => worker(t, o, state));
    api.spawn("writer", (t) => writer(t, o, state));
    yield 0;
  };
}

type State = { queued: number[]; done: Map<number, boolean>; next: number; read: number };

function* reader(t: FtThread, o: Pbzip2Options, s: State) {
  for (let b = 0; b < o.blocks; b++) {
    yield* t.compute(Math.round(o.blockBytes * o.readNsPerByte));
    yield* t.lock("q");
    for (let i = 0; s.queued.length >= o.queueBlocks && i < 1_000_000; i++) {
      yield* t.condWait("notFull", "q");
    }
    s.queued.push(b);
    yield* t.signal("notEmpty");
    yield* t.unlock("q");
  }
}

function* worker(t: FtThread, o: Pbzip2Options, s: State) {
  for (let i = 0; i < o.blocks; i++) {
    yield* t.lock("q");
    for (let k = 0; s.queued.length === 0 && s.read < o.blocks && k < 1_000_000; k++) {
      yield* t.condWait("notEmpty", "q");
    }
    const b = s.queued.shift();
    if (b === undefined) {
      yield* t.unlock("q");
      return;
    }
    s.read++;
    yield* t.signal("notFull");
    yield* t.unlock("q");
    yield* compress(t, o);
    yield* t.lock("out");
    s.done.set(b, true);
    yield* t.signal("outReady");
    yield* t.unlock("out");
  }
}

function* compress(t: FtThread, o: Pbzip2Options) {
  for (let a = 0; a < (o.allocPerBlock ?? 0); a++) {
    yield* t.lock("malloc");
    yield* t.unlock("malloc");
  }
  const pieces = Math.max(1, Math.round(o.blockBytes / o.allocBytes));
  const ns = Math.round((o.blockBytes * o.compressNsPerByte) / pieces);
  for (let p = 0; p < pieces; p++) {
    yield* t.lock("malloc");
    yield* t.unlock("malloc");
    yield* t.compute(ns);
  }
}

function* writer(t: FtThread, o: Pbzip2Options, s: State) {
  while (s.next < o.blocks) {
    yield* t.lock("out");
    for (let k = 0; !s.done.has(s.next) && k < 1_000_000; k++) yield* t.condWait("outReady", "out");
    const first = s.next;
    while (s.done.has(s.next)) s.done.delete(s.next++);
    yield* t.unlock("out");
    for (let b = first; b < s.next; b++) o.onBlock?.(t, b);
  }
}
