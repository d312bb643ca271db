/**
 * The result of a campaign: every trial's result in trial order, with counts and the failures.
 *
 * @module
 */
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "../plot/jupyter.ts";
import type { TrialFailure, TrialResult, TrialSuccess } from "./results_file.ts";

/** What a {@linkcode CampaignSummary} is built from. */
export interface CampaignSummaryInit {
  /** Campaign name. */
  name: string;
  /** The spec's hash. */
  specHash: string;
  /** `"K/N"` when these are one shard's results, else null. */
  shard: string | null;
  /** Trials of this run (of the shard, when sharded). */
  total: number;
  /** Results in trial order. */
  records: TrialResult[];
  /** How many of them were read back from the results file rather than run. */
  resumed: number;
  /** The results file, if any. */
  file: string | undefined;
}

const MAX_ERRORS_SHOWN = 10;

/**
 * A campaign's results. End a notebook cell with it to see a small table; use `records` (every
 * results line) or `rows` (successful trials flattened for tabulating and `groupBy`) for analysis.
 *
 * @example
 * ```ts
 * import { CampaignSummary } from "./summary.ts";
 * import { JUPYTER_DISPLAY } from "../plot/jupyter.ts";
 * const s = new CampaignSummary({
 *   name: "d", specHash: "0", shard: null, total: 1, resumed: 0, file: undefined,
 *   records: [{ trial: 0, params: { x: 1 }, rep: 0, seed: 9, ok: true, record: { y: 2 } }],
 * });
 * if (s.rows[0]!.y !== 2 || s.failed !== 0) throw new Error("bad summary");
 * const bundle = s[JUPYTER_DISPLAY](); // what a notebook calls: Symbol.for("Jupyter.display")
 * if (!String(bundle["text/html"]).includes("<table")) throw new Error("no table");
 * ```
 */
export class CampaignSummary {
  /** Campaign name. */
  readonly name: string;
  /** The spec's hash. */
  readonly specHash: string;
  /** `"K/N"` for one shard's results, else null. */
  readonly shard: string | null;
  /** Trials of this run (of the shard, when sharded). */
  readonly total: number;
  /** Every trial's result, in trial order. */
  readonly records: readonly TrialResult[];
  /** The trials that threw, in trial order, each with its seed and replay command. */
  readonly errors: readonly TrialFailure[];
  /** Trials read back from the results file (resume) rather than run. */
  readonly resumed: number;
  /** The results file, if any. */
  readonly file: string | undefined;

  /** Builds a summary; `errors` is derived from `records`. */
  constructor(init: CampaignSummaryInit) {
    this.name = init.name;
    this.specHash = init.specHash;
    this.shard = init.shard;
    this.total = init.total;
    this.records = init.records;
    this.errors = init.records.filter((r): r is TrialFailure => !r.ok);
    this.resumed = init.resumed;
    this.file = init.file;
  }

  /** Trials that returned a record. */
  get succeeded(): number {
    return this.records.length - this.errors.length;
  }

  /** Trials that threw. */
  get failed(): number {
    return this.errors.length;
  }

  /**
   * Successful trials as flat rows `{ trial, rep, seed, ...params, ...record }` (a record that is
   * not an object becomes `{ value: record }`); record fields win over parameter fields.
   */
  get rows(): Record<string, unknown>[] {
    return this.records.filter((r): r is TrialSuccess => r.ok).map((r) => ({
      trial: r.trial,
      rep: r.rep,
      seed: r.seed,
      ...r.params,
      ...(isObject(r.record) ? r.record : { value: r.record }),
    }));
  }

  /** One line: `campaign "d": 40/40 trials, 38 ok, 2 failed (12 resumed) → out.jsonl`. */
  toString(): string {
    const shard = this.shard === null ? "" : ` shard ${this.shard}`;
    const resumed = this.resumed > 0 ? ` (${this.resumed} resumed)` : "";
    const file = this.file === undefined ? "" : ` → ${this.file}`;
    return `campaign "${this.name}"${shard}: ${this.records.length}/${this.total} trials, ` +
      `${this.succeeded} ok, ${this.failed} failed${resumed}${file}`;
  }

  /** Notebook display: the summary line and a table of counts and failures. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.#html() };
  }

  #html(): string {
    const row = (k: string, v: string | number) =>
      `<tr><th style="text-align:left">${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`;
    const rows = [
      row("campaign", this.shard === null ? this.name : `${this.name} (shard ${this.shard})`),
      row("trials", `${this.records.length} / ${this.total}`),
      row("ok", this.succeeded),
      row("failed", this.failed),
      ...(this.resumed > 0 ? [row("resumed", this.resumed)] : []),
      ...(this.file === undefined ? [] : [row("file", this.file)]),
    ];
    const errors = this.errors.slice(0, MAX_ERRORS_SHOWN).map((e) =>
      `<tr><td>${e.trial}</td><td>${e.seed}</td><td>${escapeHtml(e.error)}</td>` +
      `<td><code>${escapeHtml(e.replay)}</code></td></tr>`
    );
    const more = this.failed > MAX_ERRORS_SHOWN
      ? `<p>… and ${this.failed - MAX_ERRORS_SHOWN} more</p>`
      : "";
    const errorTable = errors.length === 0 ? "" : `<table><tr><th>trial</th><th>seed</th>` +
      `<th>error</th><th>replay</th></tr>${errors.join("")}</table>${more}`;
    return `<table>${rows.join("")}</table>${errorTable}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
