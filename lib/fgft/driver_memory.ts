/**
 * Driver memory: the driver's objects, each with a size in bytes and integer fields.
 *
 * Isolated calls work on private copies ({@linkcode DriverMemory.copyOf}) and commit them back;
 * checkers compare {@linkcode DriverMemory.snapshot}s. A restart goes back to the initial fields.
 *
 * @module
 */
import type { DriverSpec } from "./driver_spec.ts";

/** Field values by object, then by field. */
export type MemoryImage = Record<string, Record<string, number>>;

/**
 * The memory of one driver instance.
 *
 * @example
 * ```ts
 * import { DriverMemory } from "./driver_memory.ts";
 * import { psmouseDriver } from "./psmouse_driver.ts";
 * const mem = new DriverMemory(psmouseDriver());
 * const copy = mem.copyOf(["psmouse"]);
 * copy.psmouse!.rate = 200;
 * if (mem.get("psmouse.rate") !== 100) throw new Error("copy leaked into memory");
 * mem.commit(copy);
 * if (mem.get("psmouse.rate") !== 200) throw new Error("not committed");
 * ```
 */
export class DriverMemory {
  readonly #initial: MemoryImage;
  readonly #bytes: ReadonlyMap<string, number>;
  #image: MemoryImage;

  constructor(spec: DriverSpec) {
    this.#initial = Object.fromEntries(spec.objects.map((o) => [o.name, { ...o.fields }]));
    this.#bytes = new Map(spec.objects.map((o) => [o.name, o.bytes]));
    this.#image = structuredClone(this.#initial);
  }

  /** Size of an object in bytes. */
  bytesOf(object: string): number {
    return this.#bytes.get(object) ?? 0;
  }

  /** Reads "object.field" (from `image` when given, e.g. a private copy). */
  get(ref: string, image: MemoryImage = this.#image): number {
    const [o, f] = ref.split(".") as [string, string];
    return image[o]?.[f] ?? this.#image[o]![f]!;
  }

  /** Writes "object.field" into `image` (default: the real memory). */
  set(ref: string, value: number, image: MemoryImage = this.#image): void {
    const [o, f] = ref.split(".") as [string, string];
    (image[o] ??= { ...this.#image[o]! })[f] = value >>> 0;
  }

  /** Private copies of `objects` (what marshaling produces). */
  copyOf(objects: Iterable<string>): MemoryImage {
    const out: MemoryImage = {};
    for (const o of objects) out[o] = { ...this.#image[o]! };
    return out;
  }

  /** Copies the objects of `copy` back into memory (commit). */
  commit(copy: MemoryImage): void {
    for (const [o, fields] of Object.entries(copy)) this.#image[o] = { ...fields };
  }

  /** A deep copy of all of memory (for checkers). */
  snapshot(): MemoryImage {
    return structuredClone(this.#image);
  }

  /** Back to the initial fields (what a restart's probe leaves). */
  reset(): void {
    this.#image = structuredClone(this.#initial);
  }
}
