/**
 * The results file of a campaign: JSON Lines, one header line then one line per trial in trial
 * order.
 *
 * ```
 * {"format":"ftlab-campaign-results/1","campaign":"demo","specHash":"9f1c…","trials":40,"shard":null}
 * {"trial":0,"params":{"rate":1},"rep":0,"seed":2948019,"ok":true,"record":{"outcome":"masked"}}
 * {"trial":1,"params":{"rate":1},"rep":1,"seed":103920,"ok":false,"error":"Error: boom","replay":"deno task ftlab campaign c.json --replay 1"}
 * ```
 *
 * Keys always appear in this order; `params` keeps the spec's key order and `record` the key order
 * the trial built it with. No line holds wall-clock data, so a run, a resumed run, and the merge of
 * shards all produce the same bytes. `shard` is `"K/N"` in a shard's file and null otherwise.
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";
import type { CampaignSpec } from "./spec.ts";
import type { TrialInfo } from "./trial.ts";

/** The format tag in the first line of every results file. */
export const RESULTS_FORMAT = "ftlab-campaign-results/1";

/** The first line of a results file: which campaign (and shard) the trial lines belong to. */
export interface ResultsHeader {
  /** Always {@linkcode RESULTS_FORMAT}. */
  format: string;
  /** Campaign name. */
  campaign: string;
  /** The spec's hash (see `CampaignSpec.hash`). */
  specHash: string;
  /** Trials in the whole campaign (all shards). */
  trials: number;
  /** `"K/N"` for a shard's file, null for the whole campaign. */
  shard: string | null;
}

/** A trial that returned a record. */
export interface TrialSuccess extends TrialInfo {
  /** The trial returned a record. */
  ok: true;
  /** What the trial returned, after a JSON round trip. */
  record: unknown;
}

/** A trial that threw. The campaign went on; `replay` is the command that reruns it. */
export interface TrialFailure extends TrialInfo {
  /** The trial threw. */
  ok: false;
  /** `Name: message` of the exception. */
  error: string;
  /** The command (or call, for a spec without a file) that reruns this trial in-process. */
  replay: string;
}

/** What one trial produced: its record as JSON text, or its error (message and stack). */
export type TrialOutcome =
  | { ok: true; json: string }
  | { ok: false; error: string; stack: string | undefined };

/** One line of a results file. */
export type TrialResult = TrialSuccess | TrialFailure;

/**
 * The header of a results file for `spec` (and `shard`, `"K/N"`), as one line with its newline.
 *
 * @example
 * ```ts
 * import { parseCampaignSpec } from "./spec.ts";
 * import { headerLine } from "./results_file.ts";
 * const spec = parseCampaignSpec({ name: "d", seed: 1, grid: { x: [1] } });
 * if (!headerLine(spec, null).startsWith('{"format":"ftlab-campaign-results/1","campaign":"d"')) {
 *   throw new Error("bad header");
 * }
 * ```
 */
export function headerLine(spec: CampaignSpec, shard: string | null): string {
  const header: ResultsHeader = {
    format: RESULTS_FORMAT,
    campaign: spec.name,
    specHash: spec.hash,
    trials: spec.trialCount,
    shard,
  };
  return JSON.stringify(header) + "\n";
}

/**
 * The results line of one trial, with its newline. The record's JSON text is used verbatim.
 *
 * @example
 * ```ts
 * import { resultLine } from "./results_file.ts";
 * const ok = { ok: true, json: '{"y":2}' } as const;
 * const line = resultLine({ trial: 3, params: { x: 1 }, rep: 0, seed: 9 }, ok, "");
 * if (line !== '{"trial":3,"params":{"x":1},"rep":0,"seed":9,"ok":true,"record":{"y":2}}\n') {
 *   throw new Error(line);
 * }
 * ```
 */
export function resultLine(info: TrialInfo, outcome: TrialOutcome, replay: string): string {
  const head = `{"trial":${info.trial},"params":${JSON.stringify(info.params)},"rep":${info.rep}` +
    `,"seed":${info.seed}`;
  if (outcome.ok) return `${head},"ok":true,"record":${outcome.json}}\n`;
  return `${head},"ok":false,"error":${JSON.stringify(outcome.error)},"replay":${
    JSON.stringify(replay)
  }}\n`;
}

/** A results file as read back: header, complete trial lines, and whether a torn line was dropped. */
export interface ResultsFileContent {
  /** The parsed header. */
  header: ResultsHeader;
  /** The header line as written, with its newline. */
  headerText: string;
  /** Complete trial lines in file order, each with its newline. */
  lines: { trial: number; text: string }[];
  /** Length in bytes of the header and the complete lines (the file is cut here on resume). */
  completeBytes: number;
  /** True when the file ended in a partial line (an interrupted write), which was dropped. */
  torn: boolean;
}

const NEWLINE = 0x0a;

/**
 * Reads a results file. A last line without its newline (the process was killed while writing it)
 * is dropped and reported as `torn`; any other malformed line is an error naming the line.
 * Returns undefined for a file without even a complete header line.
 *
 * @example
 * ```ts
 * import { readResultsFile } from "./results_file.ts";
 * const dir = await Deno.makeTempDir();
 * const header = '{"format":"ftlab-campaign-results/1","campaign":"d","specHash":"0","trials":2,"shard":null}';
 * await Deno.writeTextFile(`${dir}/r.jsonl`, header + '\n{"trial":0,"ok":true}\n{"tri');
 * const content = await readResultsFile(`${dir}/r.jsonl`);
 * if (!content?.torn || content.lines.length !== 1) throw new Error("torn line not dropped");
 * ```
 */
export async function readResultsFile(path: string): Promise<ResultsFileContent | undefined> {
  const bytes = await Deno.readFile(path);
  const completeBytes = bytes.lastIndexOf(NEWLINE) + 1;
  const texts = new TextDecoder().decode(bytes.subarray(0, completeBytes)).split("\n");
  texts.pop(); // the empty string after the last newline
  const [first, ...rest] = texts;
  if (first === undefined) return undefined;
  const header = parseHeader(first, path);
  const lines = rest.map((text, i) => ({ trial: lineTrial(text, path, i + 2), text: text + "\n" }));
  return {
    header,
    headerText: first + "\n",
    lines,
    completeBytes,
    torn: completeBytes < bytes.length,
  };
}

function parseHeader(text: string, path: string): ResultsHeader {
  let header: Partial<ResultsHeader> | undefined;
  try {
    header = JSON.parse(text);
  } catch { /* reported below */ }
  if (header?.format !== RESULTS_FORMAT || typeof header.specHash !== "string") {
    throw new ConfigError(
      "",
      path,
      `a campaign results file (first line: {"format":"${RESULTS_FORMAT}",...})`,
    );
  }
  return header as ResultsHeader;
}

function lineTrial(text: string, path: string, lineNumber: number): number {
  try {
    const trial = (JSON.parse(text) as { trial?: unknown }).trial;
    if (Number.isInteger(trial)) return trial as number;
  } catch { /* reported below */ }
  throw new ConfigError(`line ${lineNumber}`, text, "a trial result object", path);
}

/**
 * Throws a ConfigError unless `header` belongs to the campaign `spec` (and the same shard).
 *
 * @example
 * ```ts
 * import { parseCampaignSpec } from "./spec.ts";
 * import { checkHeader, RESULTS_FORMAT } from "./results_file.ts";
 * const spec = parseCampaignSpec({ name: "d", seed: 1, grid: { x: [1] } });
 * const header = { format: RESULTS_FORMAT, campaign: "d", specHash: spec.hash, trials: 1, shard: null };
 * checkHeader(header, spec, null, "r.jsonl"); // same campaign: no error
 * ```
 */
export function checkHeader(
  header: ResultsHeader,
  spec: CampaignSpec,
  shard: string | null,
  path: string,
): void {
  if (header.campaign === spec.name && header.specHash === spec.hash && header.shard === shard) {
    return;
  }
  throw new ConfigError(
    "",
    path,
    `results of campaign "${spec.name}" (spec ${spec.hash}, shard ${
      shard ?? "none"
    }), but it holds ` +
      `"${header.campaign}" (spec ${header.specHash}, shard ${header.shard ?? "none"}): ` +
      "use another output file, or delete this one",
    "resume",
  );
}

/**
 * Parses one results line (a {@linkcode TrialResult}).
 *
 * @example
 * ```ts
 * import { parseResultLine } from "./results_file.ts";
 * const r = parseResultLine('{"trial":0,"params":{},"rep":0,"seed":1,"ok":true,"record":5}');
 * if (!r.ok || r.record !== 5) throw new Error("bad line");
 * ```
 */
export function parseResultLine(text: string): TrialResult {
  return JSON.parse(text) as TrialResult;
}
