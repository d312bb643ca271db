/**
 * Physical memory: a sparse word-level model with ECC.
 *
 * Memory is an address space split into per-node ranges. Only words that were written or hit by a
 * fault are stored (a `Map` from word index to state), so a 128 GiB machine costs nothing until used.
 * Each stored word keeps its 64-bit value and the mask of bits flipped since it was last written.
 *
 * ECC modes (per machine):
 * - `none`: a flipped bit is returned as read: silent corruption.
 * - `secded` (single-error correction, double-error detection, per 64-bit word): a read of a word
 *   with 1 flipped bit returns the correct value, scrubs the word and counts a correction; 2 flipped
 *   bits raise a machine check (the read reports `uncorrectable`). With 3 or more flips the code can
 *   be fooled: an odd count is miscorrected (reported `ok`, wrong value: silent), an even count is
 *   detected as uncorrectable. This is the standard behaviour of a Hamming SECDED code.
 *
 * A read or write to a node whose memory controller (or the node) has fail-stopped gets `bus-error`.
 * Faults are data: reads return a status; nothing throws for a simulated fault.
 *
 * @module
 */

/** Outcome of a memory read. */
export type ReadStatus = "ok" | "corrected" | "uncorrectable" | "bus-error";

/** What a reader sees. `value` is what the hardware delivers (garbage on errors). */
export interface ReadResult {
  status: ReadStatus;
  value: bigint;
}

interface Word {
  value: bigint;
  flips: bigint;
}

/** Hooks the memory calls so the machine can raise machine checks and trace events. */
export interface MemoryHooks {
  reachable(node: number): boolean;
  corrected(address: number, node: number): void;
  uncorrectable(address: number, node: number, bits: number): void;
  busError(address: number, node: number, op: "read" | "write"): void;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Word-level memory of a machine.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { createMachine } from "./machine.ts";
 * const m = createMachine(createSim({ seed: 1 }), "small-2node");
 * m.memory.write(0x1000, 42n);
 * m.memory.flipBits(0x1000, [3]);
 * const r = m.memory.read(0x1000);
 * if (r.status !== "corrected" || r.value !== 42n) throw new Error(r.status);
 * ```
 */
export class Memory {
  readonly bytesPerNode: number;
  readonly nodes: number;
  readonly wordBytes: number;
  readonly ecc: "none" | "secded";
  /** Reads so far. */
  reads = 0;
  /** Writes so far. */
  writes = 0;
  /** Single-bit errors corrected by ECC. */
  corrections = 0;
  /** Uncorrectable errors detected (machine checks raised). */
  uncorrectable = 0;
  /** Accesses that hit an unreachable node. */
  busErrors = 0;
  #words = new Map<number, Word>();
  readonly #hooks: MemoryHooks;

  constructor(
    opts: { bytesPerNode: number; nodes: number; wordBytes: number; ecc: "none" | "secded" },
    hooks: MemoryHooks,
  ) {
    this.bytesPerNode = opts.bytesPerNode;
    this.nodes = opts.nodes;
    this.wordBytes = opts.wordBytes;
    this.ecc = opts.ecc;
    this.#hooks = hooks;
  }

  /** Total bytes. */
  get size(): number {
    return this.bytesPerNode * this.nodes;
  }

  /** The node whose memory holds `address`. Throws RangeError outside memory. */
  nodeOf(address: number): number {
    this.#check(address);
    return Math.floor(address / this.bytesPerNode);
  }

  /** The first byte address of node `node`'s memory. */
  baseOf(node: number): number {
    return node * this.bytesPerNode;
  }

  /** Number of words stored (written or faulted). */
  get storedWords(): number {
    return this.#words.size;
  }

  /** Writes a 64-bit word (clears any flipped bits). Returns false on a bus error. */
  write(address: number, value: bigint): boolean {
    const node = this.nodeOf(address);
    this.writes++;
    if (!this.#hooks.reachable(node)) {
      this.busErrors++;
      this.#hooks.busError(address, node, "write");
      return false;
    }
    this.#words.set(this.#index(address), { value: value & MASK64, flips: 0n });
    return true;
  }

  /** Reads a 64-bit word through ECC. Unwritten words read as 0. */
  read(address: number): ReadResult {
    const node = this.nodeOf(address);
    this.reads++;
    if (!this.#hooks.reachable(node)) {
      this.busErrors++;
      this.#hooks.busError(address, node, "read");
      return { status: "bus-error", value: MASK64 };
    }
    const w = this.#words.get(this.#index(address));
    if (!w || w.flips === 0n) return { status: "ok", value: w?.value ?? 0n };
    const raw = w.value ^ w.flips;
    if (this.ecc === "none") return { status: "ok", value: raw };
    const n = popcount(w.flips);
    if (n === 1) {
      w.flips = 0n;
      this.corrections++;
      this.#hooks.corrected(address, node);
      return { status: "corrected", value: w.value };
    }
    if (n % 2 === 0) {
      this.uncorrectable++;
      this.#hooks.uncorrectable(address, node, n);
      return { status: "uncorrectable", value: raw };
    }
    return { status: "ok", value: raw ^ (1n << BigInt(n % 64)) };
  }

  /** Flips bits (0-63) of a word, as a particle strike would; no trace of it until read. */
  flipBits(address: number, bits: readonly number[]): void {
    this.nodeOf(address);
    // Validate every bit first: a rejected call must not leave some bits flipped (untraced).
    for (const b of bits) {
      if (!Number.isInteger(b) || b < 0 || b > 63) throw new RangeError(`bit ${b}: expected 0..63`);
    }
    const i = this.#index(address);
    let w = this.#words.get(i);
    if (!w) this.#words.set(i, w = { value: 0n, flips: 0n });
    for (const b of bits) w.flips ^= 1n << BigInt(b);
  }

  /** Ground truth for checkers: the bits currently flipped in a word (0n when clean). */
  flippedBits(address: number): bigint {
    return this.#words.get(this.#index(address))?.flips ?? 0n;
  }

  /** Ground truth for checkers: the value last written (ignoring flips). */
  intendedValue(address: number): bigint {
    return this.#words.get(this.#index(address))?.value ?? 0n;
  }

  /**
   * One patrol-scrub pass over the stored words of `node` (all nodes when omitted): corrects single
   * flips (counted as corrections). Uncorrectable words are left for the next read to report
   * (a machine check then). Returns words corrected.
   */
  scrub(node?: number): number {
    if (this.ecc === "none") return 0;
    let fixed = 0;
    for (const [i, w] of this.#words) {
      const address = i * this.wordBytes;
      const n = Math.floor(address / this.bytesPerNode);
      if (w.flips === 0n || (node !== undefined && n !== node) || !this.#hooks.reachable(n)) {
        continue;
      }
      if (popcount(w.flips) === 1) {
        w.flips = 0n;
        this.corrections++;
        fixed++;
        this.#hooks.corrected(address, n);
      }
    }
    return fixed;
  }

  #index(address: number): number {
    return Math.floor(address / this.wordBytes);
  }

  #check(address: number): void {
    if (!Number.isSafeInteger(address) || address < 0 || address >= this.size) {
      throw new RangeError(`address ${address} outside memory [0, ${this.size})`);
    }
  }
}

function popcount(x: bigint): number {
  let n = 0;
  for (; x !== 0n; x &= x - 1n) n++;
  return n;
}
