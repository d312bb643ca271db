/**
 * Private: appends results lines to a campaign's file, creating it or resuming it.
 *
 * @module
 */
import { ConfigError } from "../sim/errors.ts";
import {
  checkHeader,
  headerLine,
  parseResultLine,
  readResultsFile,
  type TrialResult,
} from "./results_file.ts";
import type { CampaignSpec } from "./spec.ts";

/** fdatasync at most this often: a killed process loses nothing written, a crashed machine ≤ 1 s. */
const SYNC_INTERVAL_MS = 1000;
const MAX_SHORT_WRITES = 1_000_000; // FsFile.write may write less than asked; bound the retries

/** An open results file, positioned after its last complete line. */
export class ResultsWriter {
  #lastSync = performance.now();
  private constructor(private readonly file: Deno.FsFile | undefined) {}

  /** A writer that keeps nothing (a campaign without an output file). */
  static none(): ResultsWriter {
    return new ResultsWriter(undefined);
  }

  /**
   * Opens `path` for `spec` and `shard`. Without `resume` the file must not exist. With `resume`
   * an existing file must belong to the same campaign and shard and hold a prefix of `order`; its
   * torn last line is cut off and its results are returned.
   */
  static async open(
    path: string,
    spec: CampaignSpec,
    shard: string | null,
    resume: boolean,
    order: readonly number[],
  ): Promise<{ writer: ResultsWriter; prior: TrialResult[] }> {
    const content = resume ? await readExisting(path) : undefined;
    if (!content) {
      const file = await openFile(path, {
        write: true,
        create: resume,
        truncate: true,
        createNew: !resume,
      });
      const writer = new ResultsWriter(file);
      await writer.append(headerLine(spec, shard));
      return { writer, prior: [] };
    }
    checkHeader(content.header, spec, shard, path);
    content.lines.forEach((line, j) => checkOrder(line.trial, order[j], j, path));
    await Deno.truncate(path, content.completeBytes);
    const file = await openFile(path, { append: true });
    return {
      writer: new ResultsWriter(file),
      prior: content.lines.map((l) => parseResultLine(l.text)),
    };
  }

  /** Writes `text` in full; syncs to disk when the last sync is older than a second. */
  async append(text: string): Promise<void> {
    if (!this.file) return;
    let bytes = new TextEncoder().encode(text);
    for (let i = 0; bytes.length > 0 && i < MAX_SHORT_WRITES; i++) {
      bytes = bytes.subarray(await this.file.write(bytes));
    }
    if (performance.now() - this.#lastSync > SYNC_INTERVAL_MS) await this.#sync();
  }

  /** Syncs and closes the file. */
  async close(): Promise<void> {
    if (!this.file) return;
    await this.#sync();
    this.file.close();
  }

  async #sync(): Promise<void> {
    await this.file?.syncData();
    this.#lastSync = performance.now();
  }
}

async function readExisting(path: string) {
  try {
    return await readResultsFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function openFile(path: string, options: Deno.OpenOptions): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, options);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      throw new ConfigError("out", path, "a new file (resume to continue it, or delete it)");
    }
    throw new ConfigError("out", path, `a writable file (${(err as Error).message})`);
  }
}

function checkOrder(found: number, expected: number | undefined, j: number, path: string): void {
  if (found === expected) return;
  throw new ConfigError(
    `line ${j + 2}`,
    found,
    `trial ${expected ?? "(none: the file has more lines than trials)"} in this campaign's order`,
    path,
  );
}
