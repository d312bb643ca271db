/**
 * Merging the results files of a campaign's shards into the single-machine results file.
 *
 * @module
 */
import { writeFileAtomic } from "../_std.ts";
import { ConfigError } from "../sim/errors.ts";
import { readResultsFile, RESULTS_FORMAT, type ResultsHeader } from "./results_file.ts";

/** What {@linkcode mergeResults} wrote. */
export interface MergeReport {
  /** Campaign name. */
  campaign: string;
  /** Trials in the merged file. */
  trials: number;
  /** The merged file. */
  out: string;
}

const MAX_LISTED = 10;

/**
 * Merges results files of one campaign (typically its shards `1/N` … `N/N`) into `out`, which then
 * equals byte for byte the file of a single uninterrupted run: the header without a shard, then
 * every trial's line, verbatim, in trial order. `out` is written atomically.
 *
 * Throws a `ConfigError` naming the file when a file is not a results file, belongs to another
 * campaign or spec, repeats a trial already in another file, or when trials are missing (an
 * unfinished shard: resume it first). A torn last line counts as missing.
 *
 * @example
 * ```ts
 * import { mergeResults, runCampaign } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const spec = { name: "m", seed: 3, grid: { x: [1, 2, 3, 4, 5] } };
 * const trial = (p: { x: number }, seed: number) => ({ y: p.x * seed });
 * for (const shard of ["1/2", "2/2"]) {
 *   await runCampaign({ spec, trial, shard, out: `${dir}/${shard[0]}.jsonl` });
 * }
 * await mergeResults([`${dir}/1.jsonl`, `${dir}/2.jsonl`], `${dir}/all.jsonl`);
 * await runCampaign({ spec, trial, out: `${dir}/single.jsonl` });
 * const [a, b] = await Promise.all([`${dir}/all.jsonl`, `${dir}/single.jsonl`].map((f) => Deno.readTextFile(f)));
 * if (a !== b) throw new Error("merge differs from a single run");
 * ```
 */
export async function mergeResults(files: readonly string[], out: string): Promise<MergeReport> {
  if (files.length === 0) throw new ConfigError("files", files, "at least one results file");
  const lines = new Map<number, { text: string; file: string }>();
  let first: ResultsHeader | undefined;
  for (const file of files) {
    const content = await readShardFile(file);
    first ??= content.header;
    checkSameCampaign(content.header, first, file);
    for (const { trial, text } of content.lines) addLine(lines, trial, text, file, first.trials);
  }
  const header = first!;
  checkComplete(lines, header.trials, files);
  const merged: ResultsHeader = {
    format: RESULTS_FORMAT,
    campaign: header.campaign,
    specHash: header.specHash,
    trials: header.trials,
    shard: null,
  };
  const body = [...lines.keys()].sort((a, b) => a - b).map((trial) => lines.get(trial)!.text);
  await writeFileAtomic(out, JSON.stringify(merged) + "\n" + body.join(""));
  return { campaign: header.campaign, trials: header.trials, out };
}

async function readShardFile(file: string) {
  try {
    const content = await readResultsFile(file);
    if (content) return content;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError("", file, `a readable results file (${(err as Error).message})`, "merge");
  }
  throw new ConfigError("", file, "a results file with a header line", "merge");
}

function checkSameCampaign(header: ResultsHeader, first: ResultsHeader, file: string): void {
  if (
    header.campaign === first.campaign && header.specHash === first.specHash &&
    header.trials === first.trials
  ) {
    return;
  }
  throw new ConfigError(
    "",
    file,
    `results of campaign "${first.campaign}" (spec ${first.specHash}, ${first.trials} trials) like the ` +
      `first file, but it holds "${header.campaign}" (spec ${header.specHash}, ${header.trials} trials)`,
    "merge",
  );
}

function addLine(
  lines: Map<number, { text: string; file: string }>,
  trial: number,
  text: string,
  file: string,
  trials: number,
): void {
  if (trial < 0 || trial >= trials) {
    throw new ConfigError("trial", trial, `a trial index below ${trials}`, `merge: ${file}`);
  }
  const seen = lines.get(trial);
  if (seen) {
    throw new ConfigError(
      "",
      file,
      `no duplicate trials, but trial ${trial} is also in ${seen.file}`,
      "merge",
    );
  }
  lines.set(trial, { text, file });
}

function checkComplete(
  lines: Map<number, unknown>,
  trials: number,
  files: readonly string[],
): void {
  if (lines.size === trials) return;
  const missing: number[] = [];
  for (let i = 0; i < trials && missing.length < MAX_LISTED; i++) {
    if (!lines.has(i)) missing.push(i);
  }
  const more = trials - lines.size > MAX_LISTED ? ", ..." : "";
  throw new ConfigError(
    "",
    files.join(" "),
    `all ${trials} trials, but ${trials - lines.size} are missing (trials ${
      missing.join(", ")
    }${more}): ` +
      "a shard file is missing or unfinished (resume it)",
    "merge",
  );
}
