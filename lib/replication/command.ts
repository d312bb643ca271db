/**
 * CLI pieces: `ftlab repro ftlinux [--json]` and `ftlab swarm ftlinux --seeds N [--json]
 * [--commit relaxed|strict|none]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { reproFtLinux } from "./repro.ts";
import { swarmFtLinux, type Violation } from "./swarm.ts";
import { integerFlag, UsageError } from "../sim/errors.ts";

/**
 * `ftlab repro ftlinux`: prints the headline figures beside the paper's.
 *
 * @example
 * ```ts
 * import { ftlinuxReproCommand } from "./command.ts";
 * if (typeof ftlinuxReproCommand !== "function") throw new Error("missing");
 * ```
 */
export async function ftlinuxReproCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } }, strict: true });
  const r = reproFtLinux();
  await Promise.resolve();
  const missed = Object.entries(FTLINUX_REPRO_RANGES).filter(([k, [lo, hi]]) => {
    const v = (r as unknown as Record<string, number | null>)[k];
    return v === null || v === undefined || !(v >= lo && v <= hi);
  }).map(([k]) => k);
  if (values.json) {
    console.log(JSON.stringify(r));
    return missed.length > 0 ? 1 : 0;
  }
  for (const [k, v] of Object.entries(r)) {
    const range = FTLINUX_REPRO_RANGES[k as keyof typeof FTLINUX_REPRO_RANGES];
    const mark = range ? (missed.includes(k) ? "  MISS" : "  ok") : "";
    const value = v === null ? "n/a" : String(Number((v as number).toPrecision(4)));
    console.log(`${k.padEnd(24)} ${value.padStart(8)}  (paper ${PAPER_VALUES[k] ?? "n/a"})${mark}`);
  }
  if (missed.length > 0) console.log(`outside the issue's ranges: ${missed.join(", ")}`);
  return missed.length > 0 ? 1 : 0;
}

/** The ranges `ftlab repro ftlinux` must meet (issue 5); the exit status is 1 when one is missed. */
export const FTLINUX_REPRO_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  pbzip2_50KB: [0.72, 0.88],
  pbzip2_10KB: [0.50, 0.66],
  mongoose_light: [0.80, Infinity],
  mongoose_heavy: [0.52, 0.68],
  failoverGapSec: [4, 6],
};

const PAPER_VALUES: Readonly<Record<string, string>> = {
  pbzip2_50KB: "0.80",
  pbzip2_10KB: "0.58",
  mongoose_light: ">= 0.80",
  mongoose_heavy: "0.60",
  failoverGapSec: "~5",
  pbzip2_50KB_msgPerSec: "34000",
  pbzip2_50KB_MBPerSec: "4.3",
  pbzip2_10KB_msgPerSec: "90000",
  pbzip2_10KB_MBPerSec: "11.5",
  mongoose_heavy_msgPerSec: "40000",
  mongoose_heavy_MBPerSec: "19",
};

/**
 * `ftlab swarm ftlinux --seeds N`: random fault schedules against the checkers.
 *
 * @example
 * ```ts
 * import { ftlinuxSwarmCommand } from "./command.ts";
 * if (typeof ftlinuxSwarmCommand !== "function") throw new Error("missing");
 * ```
 */
export async function ftlinuxSwarmCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: "string" },
      json: { type: "boolean" },
      commit: { type: "string" },
      failover: { type: "string" },
      seed: { type: "string" },
    },
    strict: true,
  });
  const seeds = integerFlag("--seeds", values.seeds ?? "100", 1);
  const commit = values.commit ?? "relaxed";
  if (!["relaxed", "strict", "none"].includes(commit)) {
    throw new UsageError(`--commit: got ${commit}, expected relaxed, strict or none`);
  }
  await Promise.resolve();
  const r = swarmFtLinux({
    seeds,
    commit: commit as "relaxed",
    failover: values.failover ?? "driver-reload",
    ...(values.seed === undefined ? {} : { only: integerFlag("--seed", values.seed) }),
  });
  return reportSwarm(r, values.json === true, `commit ${commit}`);
}

/**
 * Prints a swarm's result: the JSON, or the violation with its replay command, or the clean
 * count (`setting` names what was swept). Returns the exit status: 1 exactly on a violation.
 *
 * @example
 * ```ts
 * import { reportSwarm } from "./command.ts";
 * if (reportSwarm({ seeds: 0, violation: null }, false, "commit relaxed") !== 0) throw new Error();
 * ```
 */
export function reportSwarm(
  r: { seeds: number; violation: Violation | null },
  json: boolean,
  setting: string,
): number {
  if (json) console.log(JSON.stringify(r));
  else if (r.violation) {
    console.log(`violation at seed ${r.violation.seed}: ${r.violation.detail}`);
    console.log(`replay: ${r.violation.replay}`);
  } else console.log(`${r.seeds} seeds, no violation (${setting})`);
  return r.violation ? 1 : 0;
}
