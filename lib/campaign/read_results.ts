/**
 * Reading a finished (or partial) campaign results file back for analysis.
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";
import { parseResultLine, readResultsFile } from "./results_file.ts";
import { CampaignSummary } from "./summary.ts";

/**
 * Reads a results file (a run's, a shard's or a merged one) into a {@linkcode CampaignSummary}.
 * A torn last line is ignored. `total` is the number of trials the file should hold.
 *
 * @example
 * ```ts
 * import { readResults, runCampaign } from "./mod.ts";
 * const out = `${await Deno.makeTempDir()}/r.jsonl`;
 * const spec = { name: "d", seed: 1, grid: { x: [1, 2] } };
 * await runCampaign({ spec, trial: (p: { x: number }) => ({ y: p.x * 2 }), out });
 * const summary = await readResults(out);
 * if (summary.rows[1]!.y !== 4) throw new Error("bad read");
 * ```
 */
export async function readResults(path: string): Promise<CampaignSummary> {
  const content = await readResultsFile(path).catch((err) => {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError("", path, `a readable results file (${err.message})`);
  });
  if (!content) throw new ConfigError("", path, "a results file with a header line");
  const { header, lines } = content;
  const shard = header.shard === null ? undefined : header.shard.split("/").map(Number);
  const total = shard
    ? Math.max(0, Math.ceil((header.trials - (shard[0]! - 1)) / shard[1]!))
    : header.trials;
  return new CampaignSummary({
    name: header.campaign,
    specHash: header.specHash,
    shard: header.shard,
    total,
    records: lines.map((line) => parseResultLine(line.text)),
    resumed: 0,
    file: path,
  });
}
