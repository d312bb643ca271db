/**
 * Progress of a running campaign: a bar redrawn in place on a terminal, a live HTML display in a
 * notebook, nothing otherwise. Progress uses the wall clock (rate, ETA); it never reaches records.
 *
 * @module
 */
import {
  escapeHtml,
  inJupyter,
  type MimeBundle,
  publishDisplay,
  updateDisplay,
} from "../plot/jupyter.ts";

/** A snapshot of a campaign's progress. */
export interface ProgressState {
  /** Campaign name. */
  name: string;
  /** Trials of this run (the shard's, when sharded), including resumed ones. */
  total: number;
  /** Trials finished, including those resumed from the results file. */
  done: number;
  /** Trials resumed from the results file (not run now). */
  resumed: number;
  /** Trials that threw. */
  errors: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

/** Receives progress snapshots: `update` often (sinks throttle), `finish` once at the end. */
export interface ProgressSink {
  /** A new snapshot; called after every batch of results, so a sink should throttle. */
  update(state: ProgressState): void;
  /** The final snapshot, once, also when the campaign stops on an error. */
  finish(state: ProgressState): Promise<void>;
}

/** Where progress goes: chosen from the environment (`"auto"`), nowhere, or a custom sink. */
export type ProgressMode = "auto" | "none" | ProgressSink;

/**
 * The sink for `mode`. `"auto"` gives a live HTML display inside Jupyter, a single-line bar when
 * stderr is a terminal, and nothing otherwise (the CLI prints its own summary line).
 *
 * @example
 * ```ts
 * import { progressSink } from "./progress.ts";
 * const sink = progressSink("none");
 * const state = { name: "d", total: 2, done: 2, resumed: 0, errors: 0, elapsedMs: 5 };
 * sink.update(state);
 * await sink.finish(state);
 * ```
 */
export function progressSink(mode: ProgressMode = "auto"): ProgressSink {
  if (mode === "none") return NO_PROGRESS;
  if (mode !== "auto") return mode;
  if (inJupyter()) return notebookProgress();
  if (Deno.stderr.isTerminal()) return terminalProgress();
  return NO_PROGRESS;
}

const NO_PROGRESS: ProgressSink = { update() {}, finish: () => Promise.resolve() };

/**
 * Rate (trials/s, of trials run now) and ETA (s) of a snapshot; NaN until a trial has finished.
 *
 * @example
 * ```ts
 * import { rateAndEta } from "./progress.ts";
 * const { rate, etaS } = rateAndEta({ name: "d", total: 30, done: 10, resumed: 0, errors: 0, elapsedMs: 2000 });
 * if (rate !== 5 || etaS !== 4) throw new Error("bad rate");
 * ```
 */
export function rateAndEta(state: ProgressState): { rate: number; etaS: number } {
  const ran = state.done - state.resumed;
  const rate = ran > 0 && state.elapsedMs > 0 ? ran / (state.elapsedMs / 1000) : NaN;
  return { rate, etaS: (state.total - state.done) / rate };
}

/**
 * One line of text describing a snapshot, e.g. `demo 120/400 (30%) 12.3 trials/s ETA 23s 2 errors`.
 *
 * @example
 * ```ts
 * import { progressText } from "./progress.ts";
 * const text = progressText({ name: "d", total: 4, done: 2, resumed: 0, errors: 1, elapsedMs: 1000 });
 * if (text !== "d 2/4 (50%) 2.0 trials/s ETA 1s 1 error") throw new Error(text);
 * ```
 */
export function progressText(state: ProgressState): string {
  const { rate, etaS } = rateAndEta(state);
  const percent = state.total === 0 ? 100 : Math.floor(100 * state.done / state.total);
  const parts = [`${state.name} ${state.done}/${state.total} (${percent}%)`];
  if (Number.isFinite(rate)) parts.push(`${rate.toFixed(1)} trials/s`);
  if (state.done < state.total && Number.isFinite(etaS)) parts.push(`ETA ${formatSeconds(etaS)}`);
  if (state.done === state.total) parts.push(`in ${formatSeconds(state.elapsedMs / 1000)}`);
  if (state.errors > 0) parts.push(`${state.errors} error${state.errors === 1 ? "" : "s"}`);
  return parts.join(" ");
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Calls at most once per `intervalMs` pass; the rest are dropped (the final state is always shown). */
class Throttle {
  #last = -Infinity;
  constructor(private readonly intervalMs: number) {}
  ready(): boolean {
    const now = performance.now();
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }
}

const BAR_WIDTH = 24;

/**
 * A progress bar redrawn in place on one terminal line (carriage return, erase to end of line), at
 * most 10 times a second, ended with a newline by `finish`. `write` defaults to stderr.
 *
 * @example
 * ```ts
 * import { terminalProgress } from "./progress.ts";
 * let screen = "";
 * const bar = terminalProgress((text) => screen += text);
 * await bar.finish({ name: "d", total: 2, done: 2, resumed: 0, errors: 0, elapsedMs: 1000 });
 * if (!screen.startsWith("\rd ████") || !screen.endsWith("\n")) throw new Error(screen);
 * ```
 */
export function terminalProgress(write: (text: string) => void = writeStderr): ProgressSink {
  const throttle = new Throttle(100);
  const draw = (state: ProgressState, end: string) => {
    const filled = state.total === 0 ? BAR_WIDTH : Math.round(BAR_WIDTH * state.done / state.total);
    const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    const [name, ...rest] = progressText(state).split(" ");
    write(`\r${name} ${bar} ${rest.join(" ")}\x1b[K${end}`);
  };
  return {
    update: (state) => throttle.ready() && draw(state, ""),
    finish: (state) => Promise.resolve(draw(state, "\n")),
  };
}

const encoder = new TextEncoder();
function writeStderr(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text));
}

/** How a notebook progress display reaches Jupyter (default: `lib/plot/jupyter.ts`). */
export interface DisplayChannel {
  /** Shows `bundle` as a new output under `displayId`. */
  publish(bundle: MimeBundle, displayId: string): Promise<unknown>;
  /** Replaces the output shown under `displayId`. */
  update(displayId: string, bundle: MimeBundle): Promise<unknown>;
}

let displayCounter = 0;

/**
 * A live progress display in a notebook: published once under a display id, then updated in place
 * at most 4 times a second, and always once more by `finish` with the final state. Display errors
 * never stop the campaign.
 *
 * @example
 * ```ts
 * import { notebookProgress } from "./progress.ts";
 * const sent: string[] = [];
 * const sink = notebookProgress({
 *   publish: async (_b, id) => sent.push(`publish ${id}`),
 *   update: async (id) => sent.push(`update ${id}`),
 * });
 * const state = { name: "d", total: 2, done: 1, resumed: 0, errors: 0, elapsedMs: 10 };
 * sink.update(state);
 * await sink.finish({ ...state, done: 2 });
 * if (sent.length !== 2 || !sent[1]!.startsWith("update ftlab-campaign-")) throw new Error(sent.join());
 * ```
 */
export function notebookProgress(
  channel: DisplayChannel = { publish: publishDisplay, update: updateDisplay },
): ProgressSink {
  const throttle = new Throttle(250);
  const id = `ftlab-campaign-${Date.now()}-${displayCounter++}`;
  let shown: Promise<unknown> | undefined;
  const send = (state: ProgressState, final: boolean) => {
    // The final view stays in the saved notebook: it carries no wall-clock figures, so that an
    // executed notebook is byte-identical from run to run.
    const text = final ? finalText(state) : progressText(state);
    const bundle = { "text/plain": text, "text/html": progressHtml(state, text) };
    // Chained so that updates arrive in order and never block the trials.
    shown = shown === undefined
      ? channel.publish(bundle, id).catch(() => {})
      : shown.then(() => channel.update(id, bundle)).catch(() => {});
  };
  return {
    update: (state) => throttle.ready() && send(state, false),
    finish: async (state) => {
      send(state, true);
      await shown;
    },
  };
}

function finalText(state: ProgressState): string {
  const errors = state.errors > 0 ? `, ${state.errors} error${state.errors === 1 ? "" : "s"}` : "";
  return `${state.name} ${state.done}/${state.total} trials done${errors}`;
}

function progressHtml(state: ProgressState, text: string): string {
  const colour = state.errors > 0 ? "#c0392b" : "#2b7bba";
  return `<div style="font-family:monospace">` +
    `<progress value="${state.done}" max="${
      Math.max(state.total, 1)
    }" style="width:16em;accent-color:${colour}"></progress> ` +
    `${escapeHtml(text)}</div>`;
}
