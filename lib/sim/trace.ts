/**
 * The trace of a simulation run: structured records, a bounded in-memory window, JSONL export, and
 * a running 64-bit digest over every record.
 *
 * A record is `(timeNs, component, kind, fields)`. Components are dotted names whose first segment is
 * the record's *category* (`machine.node3.mc` is in category `machine`). The digest covers every
 * record emitted, whatever the filters, so two runs are compared by comparing two strings; the
 * window keeps only the last `window` records that pass the filters. Subscribers see every record
 * (fault triggers and checkers use this).
 *
 * The digest is two independent 32-bit FNV-1a style lanes (different offsets and primes, with a
 * final avalanche), printed as 16 hex digits. It is a fingerprint, not a cryptographic hash.
 *
 * @module
 */

/** One trace record. Field values must be JSON-able. */
export interface TraceRecord {
  /** Virtual time in nanoseconds. */
  timeNs: number;
  /** Dotted component name, e.g. `"machine.node3.mc"`. */
  component: string;
  /** What happened, e.g. `"fail-stop"`, `"machine-check"`. */
  kind: string;
  /** Details. */
  fields: Readonly<Record<string, unknown>>;
}

/** Which records the window keeps. */
export interface TraceFilter {
  /** Keep only these categories (first segment of the component); all when absent. */
  categories?: readonly string[] | undefined;
  /** Keep only these kinds; all when absent. */
  kinds?: readonly string[] | undefined;
}

/** Options of a {@linkcode Trace}. */
export interface TraceOptions extends TraceFilter {
  /** How many records the in-memory window keeps (oldest dropped first). Default 10,000; 0 = none. */
  window?: number | undefined;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A trace with digest, window and subscribers.
 *
 * @example
 * ```ts
 * import { Trace } from "./trace.ts";
 * const a = new Trace({ window: 2 }), b = new Trace();
 * for (const t of [a, b]) {
 *   t.emit(0, "machine.node0", "boot");
 *   t.emit(5, "machine.node0.mc", "fail-stop", { reason: "injected" });
 * }
 * if (a.digest !== b.digest) throw new Error("digest differs");
 * if (a.records().length !== 2 || a.count !== 2) throw new Error("window");
 * ```
 */
export class Trace {
  /** Number of records emitted (all of them, filtered or not). */
  count = 0;
  #h1 = 0x811c9dc5;
  #h2 = 0x6a09e667;
  readonly #window: number;
  #buf: TraceRecord[] = [];
  #head = 0;
  readonly #categories: ReadonlySet<string> | undefined;
  readonly #kinds: ReadonlySet<string> | undefined;
  #subscribers: ((r: TraceRecord) => void)[] = [];

  constructor(options: TraceOptions = {}) {
    const w = options.window ?? 10_000;
    if (!Number.isInteger(w) || w < 0) {
      throw new RangeError(`trace.window: got ${w}, expected a non-negative integer`);
    }
    this.#window = w;
    this.#categories = options.categories ? new Set(options.categories) : undefined;
    this.#kinds = options.kinds ? new Set(options.kinds) : undefined;
  }

  /** Records an event; updates the digest, the window and notifies subscribers. */
  emit(
    timeNs: number,
    component: string,
    kind: string,
    fields: Readonly<Record<string, unknown>> = EMPTY,
  ): void {
    this.count++;
    // Length prefixes keep the encoding unambiguous; fields (JSON) come last.
    const f = fields === EMPTY ? "{}" : JSON.stringify(fields);
    this.#absorb(`${timeNs}|${component.length}:${component}|${kind.length}:${kind}|${f}\n`);
    const needRecord = this.#window > 0 || this.#subscribers.length > 0;
    if (!needRecord) return;
    const rec: TraceRecord = { timeNs, component, kind, fields };
    if (this.#window > 0 && this.#keeps(component, kind)) this.#keep(rec);
    for (const s of this.#subscribers) s(rec);
  }

  /** The running digest over every record so far: 16 hex digits. */
  get digest(): string {
    const f1 = finalize(this.#h1 ^ this.count), f2 = finalize(this.#h2 ^ Math.imul(this.count, 31));
    return f1.toString(16).padStart(8, "0") + f2.toString(16).padStart(8, "0");
  }

  /** Calls `fn` for every later record; returns a function that unsubscribes. */
  subscribe(fn: (r: TraceRecord) => void): () => void {
    this.#subscribers.push(fn);
    return () => {
      this.#subscribers = this.#subscribers.filter((s) => s !== fn);
    };
  }

  /** The records in the window, oldest first. */
  records(): TraceRecord[] {
    if (this.#buf.length < this.#window) return this.#buf.slice();
    return this.#buf.slice(this.#head).concat(this.#buf.slice(0, this.#head));
  }

  /** The window as JSON Lines: one `{"timeNs","component","kind","fields"}` object a line. */
  toJsonl(): string {
    return this.records().map((r) => JSON.stringify(r) + "\n").join("");
  }

  #keeps(component: string, kind: string): boolean {
    if (this.#kinds && !this.#kinds.has(kind)) return false;
    if (!this.#categories) return true;
    const dot = component.indexOf(".");
    return this.#categories.has(dot < 0 ? component : component.slice(0, dot));
  }

  #keep(rec: TraceRecord): void {
    if (this.#buf.length < this.#window) {
      this.#buf.push(rec);
      return;
    }
    this.#buf[this.#head] = rec;
    this.#head = (this.#head + 1) % this.#window;
  }

  #absorb(s: string): void {
    let h1 = this.#h1, h2 = this.#h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    this.#h1 = h1;
    this.#h2 = h2;
  }
}

function finalize(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
