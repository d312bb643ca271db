/**
 * Running a campaign: every trial of a spec (or of one shard), on workers or in-process, streamed
 * in trial order to a resumable JSONL results file.
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";
import { type Executor, InlineExecutor, WorkerPool } from "./_executor.ts";
import { ResultsWriter } from "./_results_writer.ts";
import { runInOrder } from "./_schedule.ts";
import { type ProgressMode, progressSink, type ProgressState } from "./progress.ts";
import { missingTrial, resolveTrial } from "./_execute.ts";
import { replayCommand } from "./replay.ts";
import { parseResultLine, resultLine, type TrialResult } from "./results_file.ts";
import { formatShard, parseShard, type Shard, shardTrials } from "./shard.ts";
import {
  type CampaignSpec,
  type CampaignSpecInput,
  type Params,
  toCampaignSpec,
  type TrialFn,
  type TrialRef,
} from "./spec.ts";
import { CampaignSummary } from "./summary.ts";
import { trialAt } from "./trial.ts";

/** Options of {@linkcode runCampaign}. */
export interface RunCampaignOptions<P = Params> {
  /** The campaign: a parsed spec (`loadCampaignSpec`) or a spec object. */
  spec: CampaignSpec | CampaignSpecInput;
  /**
   * The trial: a function (runs in-process: closures cannot move to workers) or a module and
   * export (runs on workers). Default: the spec's `trial`.
   */
  trial?: TrialFn<P> | TrialRef;
  /** Results file (JSONL). Without it results are only returned. */
  out?: string;
  /**
   * Worker count; 0 runs in-process. Default: `navigator.hardwareConcurrency` for a module trial,
   * 0 for a function. Never more workers than trials to run.
   */
  workers?: number;
  /** Run only shard `"K/N"` (trials i with i mod N = K - 1); each shard writes its own file. */
  shard?: string | Shard;
  /** Continue `out` if it exists: keep its complete lines, drop a torn last one, run the rest. */
  resume?: boolean;
  /** Progress display: `"auto"` (default: notebook or terminal), `"none"`, or a custom sink. */
  progress?: ProgressMode;
}

/** The most workers a campaign starts. */
export const MAX_WORKERS = 256;

/**
 * Runs the trials of a campaign and returns their results in trial order.
 *
 * Trial i gets parameters and seed from (spec, i) alone, so results do not depend on the number of
 * workers, on sharding or on resuming: every way of running a campaign writes the same bytes. A
 * trial that throws is recorded (`ok: false` with its error, seed and replay command) and the
 * campaign goes on. Lines reach the file in trial order as soon as all earlier trials are done; a
 * killed run loses only the trials in flight, and `resume: true` continues it.
 *
 * Throws a `ConfigError` for invalid input (spec, shard, workers, an existing `out` without
 * `resume`, a results file of another campaign); any other error (a worker that crashed, a disk
 * error) stops the campaign, leaving a file that `resume` continues.
 *
 * @example
 * ```ts
 * import { runCampaign } from "./run_campaign.ts";
 * const summary = await runCampaign({
 *   spec: { name: "coin", seed: 1, repetitions: 3, grid: { bias: [0.1, 0.9] } },
 *   trial: (p: { bias: number }, seed: number) => ({ heads: (seed % 1000) / 1000 < p.bias }),
 * });
 * if (summary.records.length !== 6 || summary.failed !== 0) throw new Error("bad campaign");
 * ```
 */
export async function runCampaign<P = Params>(
  options: RunCampaignOptions<P>,
): Promise<CampaignSummary> {
  const spec = toCampaignSpec(options.spec);
  const shard = options.shard === undefined ? undefined : toShard(options.shard);
  const trial = (options.trial ?? spec.trial) as TrialFn | TrialRef | undefined;
  if (trial === undefined) throw missingTrial();
  const order = [...shardTrials(spec.trialCount, shard)];
  const workers = workerCount(options.workers, typeof trial === "function", order.length);
  // The trial is loaded before the file is touched, so a wrong module or export leaves no file.
  const executor = order.length === 0 ? undefined : await startExecutor(spec, trial, workers);
  let opened;
  try {
    opened = options.out === undefined
      ? { writer: ResultsWriter.none(), prior: [] }
      : await ResultsWriter.open(
        options.out,
        spec,
        formatShard(shard),
        options.resume ?? false,
        order,
      );
  } catch (err) {
    executor?.close();
    throw err;
  }
  const { writer, prior } = opened;
  const run = new CampaignRun(spec, order, prior, writer, progressSink(options.progress));
  await run.execute(executor);
  return new CampaignSummary({
    name: spec.name,
    specHash: spec.hash,
    shard: formatShard(shard),
    total: order.length,
    records: run.records,
    resumed: prior.length,
    file: options.out,
  });
}

async function startExecutor(
  spec: CampaignSpec,
  trial: TrialFn | TrialRef,
  workers: number,
): Promise<Executor> {
  if (workers > 0 && typeof trial !== "function") return await WorkerPool.start(workers, trial);
  return new InlineExecutor(await resolveTrial(spec, trial));
}

function toShard(shard: string | Shard): Shard {
  return typeof shard === "string"
    ? parseShard(shard)
    : parseShard(`${shard.index}/${shard.count}`);
}

function workerCount(requested: number | undefined, isFunction: boolean, trials: number): number {
  if (requested === undefined) {
    return isFunction ? 0 : Math.min(navigator.hardwareConcurrency, trials);
  }
  if (!Number.isInteger(requested) || requested < 0 || requested > MAX_WORKERS) {
    throw new ConfigError("workers", requested, `an integer from 0 to ${MAX_WORKERS}`);
  }
  if (isFunction && requested > 0) {
    throw new ConfigError(
      "workers",
      requested,
      "0 for a trial function (give { module, export } to use workers)",
    );
  }
  return Math.min(requested, trials);
}

/** One execution of a campaign's remaining trials, feeding the file, the records and the progress. */
class CampaignRun {
  readonly records: TrialResult[];
  #errors: number;
  #started = performance.now();

  constructor(
    private readonly spec: CampaignSpec,
    private readonly order: readonly number[],
    private readonly prior: readonly TrialResult[],
    private readonly writer: ResultsWriter,
    private readonly progress: ReturnType<typeof progressSink>,
  ) {
    this.records = [...prior];
    this.#errors = prior.filter((r) => !r.ok).length;
  }

  /** Runs the trials not yet in the file on `executor` (undefined only when there are none). */
  async execute(executor: Executor | undefined): Promise<void> {
    const todo = this.order.slice(this.prior.length);
    try {
      await runInOrder(todo.length, executor?.capacity ?? 1, (k) => {
        const info = trialAt(this.spec, todo[k]!);
        return executor!.run(info.params, info.seed);
      }, (first, outcomes) => this.#deliver(todo.slice(first, first + outcomes.length), outcomes));
    } finally {
      executor?.close();
      await this.writer.close();
      await this.progress.finish(this.#state());
    }
  }

  async #deliver(indices: number[], outcomes: Parameters<typeof resultLine>[1][]): Promise<void> {
    const lines = outcomes.map((outcome, j) => {
      const index = indices[j]!;
      return resultLine(trialAt(this.spec, index), outcome, replayCommand(this.spec, index));
    });
    await this.writer.append(lines.join(""));
    for (const line of lines) this.records.push(parseResultLine(line));
    this.#errors += outcomes.filter((o) => !o.ok).length;
    this.progress.update(this.#state());
  }

  #state(): ProgressState {
    return {
      name: this.spec.name,
      total: this.order.length,
      done: this.records.length,
      resumed: this.prior.length,
      errors: this.#errors,
      elapsedMs: performance.now() - this.#started,
    };
  }
}
