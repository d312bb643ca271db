/**
 * Translating kernel iopub messages into nbformat outputs.
 *
 * One {@linkcode CellOutputs} per executed cell collects its outputs; a {@linkcode DisplayRegistry}
 * shared by the whole notebook remembers which outputs carry which `display_id`, so that an
 * `update_display_data` from any later cell replaces them in place. Consecutive stream messages of
 * the same name are coalesced; `transient` data is never stored; `clear_output` (also with
 * `wait: true`, which clears just before the next output) empties the cell.
 *
 * @module
 */
import type { Output } from "./notebook_format.ts";

/**
 * The part of a Jupyter message that output translation reads.
 *
 * @example
 * ```ts
 * import type { IopubMessage } from "./outputs.ts";
 * const msg: IopubMessage = {
 *   header: { msg_type: "stream" },
 *   content: { name: "stdout", text: "hi\n" },
 * } as IopubMessage;
 * if (msg.header.msg_type !== "stream") throw new Error();
 * ```
 */
export interface IopubMessage {
  header: { msg_type: string };
  content: Record<string, unknown>;
}

type DataOutput = Extract<Output, { data: Record<string, unknown> }>;

/**
 * Maps display ids to the outputs that carry them, across all cells of a notebook.
 *
 * @example
 * ```ts
 * import { CellOutputs, DisplayRegistry } from "./outputs.ts";
 * const displays = new DisplayRegistry();
 * const cell = new CellOutputs(displays, 1);
 * const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, content });
 * cell.add(msg("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } }));
 * cell.add(msg("update_display_data", { data: { "text/plain": "100%" }, metadata: {}, transient: { display_id: "p" } }));
 * if (cell.outputs.length !== 1 || cell.outputs[0]?.output_type !== "display_data") throw new Error();
 * if (cell.outputs[0].data["text/plain"] !== "100%") throw new Error();
 * ```
 */
export class DisplayRegistry {
  readonly #byId = new Map<string, Set<DataOutput>>();

  /** Records that `output` carries `displayId`. */
  register(displayId: string, output: DataOutput): void {
    let set = this.#byId.get(displayId);
    if (!set) this.#byId.set(displayId, set = new Set());
    set.add(output);
  }

  /** Replaces data and metadata of every output carrying `displayId`; returns how many. */
  update(displayId: string, data: Record<string, unknown>, metadata: Record<string, unknown>) {
    const set = this.#byId.get(displayId);
    if (!set) return 0;
    for (const output of set) {
      output.data = data;
      output.metadata = metadata;
    }
    return set.size;
  }

  /** Forgets `output` (it was cleared). */
  forget(output: Output): void {
    for (const set of this.#byId.values()) set.delete(output as DataOutput);
  }
}

/**
 * The outputs of one cell, built from its iopub messages in arrival order.
 *
 * @example
 * ```ts
 * import { CellOutputs, DisplayRegistry } from "./outputs.ts";
 * const cell = new CellOutputs(new DisplayRegistry(), 3);
 * const stream = (name: string, text: string) => ({ header: { msg_type: "stream" }, content: { name, text } });
 * cell.add(stream("stdout", "a\n"));
 * cell.add(stream("stdout", "b\n"));
 * cell.add(stream("stderr", "c\n"));
 * if (cell.outputs.length !== 2) throw new Error("not coalesced");
 * ```
 */
export class CellOutputs {
  /** The cell's outputs so far. */
  readonly outputs: Output[] = [];
  /** The first error output's content, if any. */
  error: { ename: string; evalue: string; traceback: string[] } | undefined;
  readonly #displays: DisplayRegistry;
  readonly #executionCount: number;
  #clearPending = false;

  /**
   * @param displays the notebook-wide display registry
   * @param executionCount the count written into `execute_result` outputs
   */
  constructor(displays: DisplayRegistry, executionCount: number) {
    this.#displays = displays;
    this.#executionCount = executionCount;
  }

  /** Applies one iopub message; returns false for message types that carry no output. */
  add(msg: IopubMessage): boolean {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case "stream":
        this.#push({ output_type: "stream", name: streamName(c.name), text: String(c.text ?? "") });
        return true;
      case "display_data":
        this.#pushData({
          output_type: "display_data",
          data: obj(c.data),
          metadata: obj(c.metadata),
        }, c);
        return true;
      case "execute_result":
        this.#pushData({
          output_type: "execute_result",
          data: obj(c.data),
          metadata: obj(c.metadata),
          execution_count: this.#executionCount,
        }, c);
        return true;
      case "update_display_data": {
        const id = displayId(c);
        if (id !== undefined) this.#displays.update(id, obj(c.data), obj(c.metadata));
        return true;
      }
      case "error":
        return this.#addError(c);
      case "clear_output":
        if (c.wait === true) this.#clearPending = true;
        else this.#clear();
        return true;
      default:
        return false;
    }
  }

  #addError(c: Record<string, unknown>): boolean {
    const error = {
      ename: String(c.ename ?? "Error"),
      evalue: String(c.evalue ?? ""),
      traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
    };
    this.error ??= error;
    this.#push({ output_type: "error", ...error });
    return true;
  }

  #clear(): void {
    for (const output of this.outputs) this.#displays.forget(output);
    this.outputs.length = 0;
    this.#clearPending = false;
  }

  #pushData(output: DataOutput, content: Record<string, unknown>): void {
    this.#push(output);
    const id = displayId(content);
    if (id !== undefined) this.#displays.register(id, output);
  }

  #push(output: Output): void {
    if (this.#clearPending) this.#clear();
    const last = this.outputs[this.outputs.length - 1];
    if (
      output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name
    ) {
      last.text = String(last.text) + String(output.text);
      return;
    }
    this.outputs.push(output);
  }
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function streamName(value: unknown): "stdout" | "stderr" {
  return value === "stderr" ? "stderr" : "stdout";
}

function displayId(content: Record<string, unknown>): string | undefined {
  const id = obj(content.transient).display_id;
  return typeof id === "string" ? id : undefined;
}
