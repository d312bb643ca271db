/**
 * The `campaign` command of the `ftlab` CLI.
 *
 * ```
 * ftlab campaign <campaign.json> --out results.jsonl [--workers N] [--shard K/N] [--resume]
 * ftlab campaign <campaign.json> --replay I
 * ftlab campaign merge <shard files...> --out merged.jsonl
 * ```
 *
 * Exit status: 0 when every trial returned a record; 1 when some trial threw (the campaign still
 * ran to the end and its file is complete; the failures are listed with their replay commands,
 * because a thrown exception is a bug in a trial: simulated faults are data, not exceptions), or
 * when the replayed trial throws, or on an internal error; 2 for invalid input (a missing or
 * invalid spec, a schema violation, a bad flag), reported in one line naming the field.
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { ConfigError, integerFlag, UsageError } from "../sim/errors.ts";
import { mergeResults } from "./merge.ts";
import { replayTrial } from "./replay.ts";
import { runCampaign } from "./run_campaign.ts";
import { loadCampaignSpec } from "./spec.ts";
import type { CampaignSummary } from "./summary.ts";

const USAGE = `usage:
  ftlab campaign <campaign.json> --out results.jsonl [--workers N] [--shard K/N] [--resume]
  ftlab campaign <campaign.json> --replay I
  ftlab campaign merge <shard files...> --out merged.jsonl`;

const MAX_ERRORS_PRINTED = 20;

/**
 * Runs `ftlab campaign` with `args` (the words after `campaign`) and returns the exit status.
 *
 * @example
 * ```ts
 * import { campaignCommand } from "./command.ts";
 * const status = await campaignCommand(["missing.json", "--out", "r.jsonl"]); // prints one line
 * if (status !== 2) throw new Error("a missing spec is a user error");
 * ```
 */
export async function campaignCommand(args: string[]): Promise<number> {
  try {
    return args[0] === "merge" ? await merge(args.slice(1)) : await campaign(args);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError || isArgError(err)) {
      console.error(`ftlab campaign: ${(err as Error).message}`);
      return 2;
    }
    console.error(`ftlab campaign: internal error:`, err);
    return 1;
  }
}

async function campaign(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      workers: { type: "string" },
      shard: { type: "string" },
      resume: { type: "boolean" },
      replay: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return usage(0);
  if (positionals.length !== 1) {
    throw new ConfigError("spec", positionals, `one campaign JSON file\n${USAGE}`);
  }
  const spec = await loadCampaignSpec(positionals[0]!);
  if (values.replay !== undefined) {
    return await replay(spec, integerFlag("--replay", values.replay));
  }
  if (values.out === undefined) {
    throw new ConfigError("--out", undefined, "the results file to write");
  }
  const started = performance.now();
  const summary = await runCampaign({
    spec,
    out: values.out,
    resume: values.resume ?? false,
    ...(values.workers === undefined ? {} : { workers: integerFlag("--workers", values.workers) }),
    ...(values.shard === undefined ? {} : { shard: values.shard }),
  });
  return report(summary, performance.now() - started);
}

async function replay(
  spec: Awaited<ReturnType<typeof loadCampaignSpec>>,
  index: number,
): Promise<number> {
  if (index >= spec.trialCount) {
    throw new ConfigError("--replay", index, `a trial index from 0 to ${spec.trialCount - 1}`);
  }
  try {
    const result = await replayTrial(spec, index);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    console.error(`trial ${index} threw:`);
    console.error(err instanceof Error ? err.stack ?? String(err) : `thrown value: ${String(err)}`);
    return 1;
  }
}

function report(summary: CampaignSummary, elapsedMs: number): number {
  const ran = summary.records.length - summary.resumed;
  const rate = ran > 0 ? `, ${(ran / (elapsedMs / 1000)).toFixed(1)} trials/s` : "";
  console.log(`${summary} (${(elapsedMs / 1000).toFixed(1)} s${rate})`);
  for (const e of summary.errors.slice(0, MAX_ERRORS_PRINTED)) {
    console.log(`  trial ${e.trial} (seed ${e.seed}) ${e.error}\n    replay: ${e.replay}`);
  }
  if (summary.failed > MAX_ERRORS_PRINTED) {
    console.log(
      `  ... and ${summary.failed - MAX_ERRORS_PRINTED} more failed trials (see ${summary.file})`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return usage(0);
  if (values.out === undefined) {
    throw new ConfigError("--out", undefined, "the merged file to write");
  }
  const report = await mergeResults(positionals, values.out);
  console.log(
    `merged ${positionals.length} files: campaign "${report.campaign}", ${report.trials} trials → ${report.out}`,
  );
  return 0;
}

function usage(status: number): number {
  console.log(USAGE);
  return status;
}

function isArgError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
