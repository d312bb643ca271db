/**
 * Private: executors run trials, in-process or on a pool of Deno workers.
 *
 * @module
 */
import { assert, ConfigError } from "../sim/errors.ts";
import { executeTrial, moduleUrl, type Outcome } from "./_execute.ts";
import type { FromWorker, ToWorker } from "./_worker.ts";
import type { Params, TrialFn, TrialRef } from "./spec.ts";

/** Runs trials; at most `capacity` may be in flight at once. */
export interface Executor {
  readonly capacity: number;
  run(params: Readonly<Params>, seed: number): Promise<Outcome>;
  close(): void;
}

/** Runs trials one at a time on the calling thread. */
export class InlineExecutor implements Executor {
  readonly capacity = 1;
  constructor(private readonly fn: TrialFn) {}
  run(params: Readonly<Params>, seed: number): Promise<Outcome> {
    return executeTrial(this.fn, params, seed);
  }
  close(): void {}
}

/** Trials queued on one worker: one running and one waiting, so a worker never idles between trials. */
export const TRIALS_PER_WORKER = 2;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(o: Outcome): void; reject(e: Error): void }>;
}

/** A fixed pool of workers, each with the trial module imported. */
export class WorkerPool implements Executor {
  readonly capacity: number;
  #nextId = 0;
  #failure: Error | undefined;

  private constructor(private readonly slots: Slot[]) {
    this.capacity = slots.length * TRIALS_PER_WORKER;
  }

  /** Starts `count` workers and waits until each has imported the trial module. */
  static async start(count: number, ref: TrialRef): Promise<WorkerPool> {
    const url = new URL("./_worker.ts", import.meta.url).href;
    const slots: Slot[] = [];
    for (let i = 0; i < count; i++) {
      slots.push({ worker: new Worker(url, { type: "module" }), pending: new Map() });
    }
    const pool = new WorkerPool(slots);
    try {
      await Promise.all(slots.map((slot) => pool.#init(slot, ref)));
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  run(params: Readonly<Params>, seed: number): Promise<Outcome> {
    if (this.#failure) return Promise.reject(this.#failure);
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    assert(slot.pending.size < TRIALS_PER_WORKER, "worker pool over capacity");
    const id = this.#nextId++;
    return new Promise<Outcome>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const msg: ToWorker = { type: "run", id, params: params as Params, seed };
      slot.worker.postMessage(msg);
    });
  }

  close(): void {
    for (const slot of this.slots) slot.worker.terminate();
  }

  #init(slot: Slot, ref: TrialRef): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      slot.worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const msg = event.data;
        if (msg.type === "ready") resolve();
        else if (msg.type === "init-error") {
          reject(new ConfigError(msg.field, msg.value, msg.expected));
        } else this.#settle(slot, msg.id, msg.outcome);
      };
      slot.worker.onerror = (event) => {
        event.preventDefault(); // the error is reported through the campaign, not as uncaught
        this.#crash(slot, new Error(`campaign worker crashed: ${event.message}`));
        reject(this.#failure);
      };
      const msg: ToWorker = { type: "init", ref: { ...ref, module: moduleUrl(ref.module) } };
      slot.worker.postMessage(msg);
    });
  }

  #settle(slot: Slot, id: number, outcome: Outcome): void {
    slot.pending.get(id)?.resolve(outcome);
    slot.pending.delete(id);
  }

  #crash(slot: Slot, error: Error): void {
    this.#failure ??= error;
    for (const { reject } of slot.pending.values()) reject(error);
    slot.pending.clear();
  }
}
