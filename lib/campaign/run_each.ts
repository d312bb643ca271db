/**
 * A sweep run in order, in this process, with progress: the loop of a notebook cell or a script
 * that runs one simulation per point (a block size, a request rate) and takes seconds to minutes.
 * Between points it gives the event loop a turn, so that a notebook's progress display updates
 * while the cell runs. For many independent trials, parallel workers and a resumable results
 * file, use `runCampaign` (run_campaign.ts) instead.
 *
 * @module
 */
import { type ProgressMode, progressSink, type ProgressState } from "./progress.ts";

/**
 * Runs `fn` on every item in order and returns the results in the same order. Progress goes to
 * `mode` (default `"auto"`: a live display in a notebook, a bar on a terminal); an error thrown
 * by `fn` ends the sweep and propagates, after the progress display shows how far it got.
 *
 * @example
 * ```ts
 * import { runEach } from "./run_each.ts";
 * const squares = await runEach("squares", [1, 2, 3], (x) => x * x, "none");
 * if (squares.join() !== "1,4,9") throw new Error(squares.join());
 * ```
 */
export async function runEach<T, R>(
  name: string,
  items: readonly T[],
  fn: (item: T, index: number) => R,
  mode: ProgressMode = "auto",
): Promise<R[]> {
  const sink = progressSink(mode);
  const started = performance.now();
  const state = (done: number, errors = 0): ProgressState => ({
    name,
    total: items.length,
    done,
    resumed: 0,
    errors,
    elapsedMs: performance.now() - started,
  });
  const out: R[] = [];
  sink.update(state(0));
  try {
    for (const [i, item] of items.entries()) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      out.push(fn(item, i));
      sink.update(state(i + 1));
    }
  } catch (e) {
    await sink.finish(state(out.length, 1));
    throw e;
  }
  await sink.finish(state(out.length));
  return out;
}
