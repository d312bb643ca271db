/**
 * Private: the script of a campaign worker. It imports the trial module once (`init`), then runs
 * trials (`run`) one at a time in arrival order and posts each outcome back (`done`).
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";
import { errorMessage, executeTrial, importTrial } from "./_execute.ts";
import type { Outcome } from "./_execute.ts";
import type { Params, TrialFn, TrialRef } from "./spec.ts";

/** Messages from the runner to a worker. */
export type ToWorker =
  | { type: "init"; ref: TrialRef }
  | { type: "run"; id: number; params: Params; seed: number };

/** Messages from a worker to the runner. */
export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; field: string; value: string; expected: string }
  | { type: "done"; id: number; outcome: Outcome };

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;
let trialFn: TrialFn | undefined;
let queue: Promise<void> = Promise.resolve(); // serialises async trials within this worker

scope.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(() => msg.type === "init" ? init(msg.ref) : run(msg.id, msg.params, msg.seed));
};

async function init(ref: TrialRef): Promise<void> {
  try {
    trialFn = await importTrial(ref);
    scope.postMessage({ type: "ready" });
  } catch (err) {
    const e = err instanceof ConfigError
      ? { field: err.field, value: String(err.value), expected: err.expected }
      : { field: "trial.module", value: ref.module, expected: errorMessage(err) };
    scope.postMessage({ type: "init-error", ...e });
  }
}

async function run(id: number, params: Params, seed: number): Promise<void> {
  const fn = trialFn;
  const outcome: Outcome = fn
    ? await executeTrial(fn, params, seed)
    : { ok: false, error: "Error: worker not initialised", stack: undefined };
  scope.postMessage({ type: "done", id, outcome });
}
