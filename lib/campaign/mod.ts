/**
 * Fault-injection campaigns: a trial function run over a parameter grid × repetitions, on Deno
 * workers or in-process, sharded across machines, streamed to resumable JSONL results, and the
 * statistics to analyse them.
 *
 * ```ts
 * import { groupBy, proportion, runCampaign } from "./mod.ts";
 * const summary = await runCampaign({
 *   spec: { name: "coin", seed: 7, repetitions: 50, grid: { bias: [0.2, 0.8] } },
 *   trial: (p: { bias: number }, seed: number) => ({ heads: seed / 2 ** 32 < p.bias }),
 * });
 * const rows = groupBy(summary.rows, "bias", (g) => proportion(g.filter((r) => r.heads).length, g.length));
 * if (rows.length !== 2 || !(rows[0]!.p < rows[1]!.p)) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./seed.ts";
export * from "./trial.ts";
export * from "./shard.ts";
export * from "./results_file.ts";
export * from "./run_campaign.ts";
export * from "./run_each.ts";
export * from "./merge.ts";
export * from "./replay.ts";
export * from "./read_results.ts";
export * from "./summary.ts";
export * from "./progress.ts";
export * from "./normal_quantile.ts";
export * from "./t_quantile.ts";
export * from "./proportion.ts";
export * from "./mean.ts";
export * from "./quantile.ts";
export * from "./ecdf.ts";
export * from "./group_by.ts";
export * from "./command.ts";
export type { MimeBundle } from "../plot/jupyter.ts";
