/** A growable circular FIFO buffer (internal): O(1) push/shift, no array shifting. */
export class Deque<T> {
  #buf: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(initialCapacity = 8) {
    this.#buf = new Array(Math.max(2, initialCapacity));
  }

  get length(): number {
    return this.#size;
  }

  push(x: T): void {
    if (this.#size === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#size) % this.#buf.length] = x;
    this.#size++;
  }

  /** Puts `x` at the front (it will be shifted first). */
  unshift(x: T): void {
    if (this.#size === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1 + this.#buf.length) % this.#buf.length;
    this.#buf[this.#head] = x;
    this.#size++;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#buf[this.#head];
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const x = this.#buf[this.#head];
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#buf.length;
    this.#size--;
    return x;
  }

  /** Removes the first element equal to `x`; O(n). Returns whether it was found. */
  remove(x: T): boolean {
    const n = this.#buf.length;
    for (let i = 0; i < this.#size; i++) {
      if (this.#buf[(this.#head + i) % n] !== x) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#buf[(this.#head + j) % n] = this.#buf[(this.#head + j + 1) % n];
      }
      this.#buf[(this.#head + this.#size - 1) % n] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#buf[(this.#head + i) % this.#buf.length] as T;
  }

  #grow(): void {
    const old = this.#buf;
    const next: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) % old.length];
    this.#buf = next;
    this.#head = 0;
  }
}
