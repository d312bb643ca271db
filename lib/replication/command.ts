/**
 * CLI pieces: `ftlab repro ftlinux [--json]` and `ftlab swarm ftlinux --seeds N [--json]
 * [--commit relaxed|strict|none]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { reproFtLinux } from "./repro.ts";
import { swarmFtLinux } from "./swarm.ts";
import { UsageError } from "../sim/errors.ts";

function usage(msg: string): UsageError {
  return new UsageError(msg);
}

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
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } }, strict: false });
  const r = reproFtLinux();
  await Promise.resolve();
  if (values.json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  const paper: Record<string, string> = {
    pbzip2_50KB: "0.80",
    pbzip2_10KB: "0.58",
    mongoose_light: ">= 0.80",
    mongoose_heavy: "0.60",
    failoverGapSec: "~5",
    pbzip2_50KB_msgPerSec: "34000",
    pbzip2_50KB_MBPerSec: "4.3",
    pbzip2_10KB_msgPerSec: "90000",
    pbzip2_10KB_MBPerSec: "11.5",
    mongoose_heavy_reqPerSec: "n/a",
    mongoose_heavy_msgPerSec: "40000",
    mongoose_heavy_MBPerSec: "19",
  };
  for (const [k, v] of Object.entries(r)) {
    console.log(
      `${k.padEnd(24)} ${v === null ? "n/a" : Number(v.toPrecision(4))}  (paper ${paper[k]})`,
    );
  }
  return 0;
}

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
  const seeds = Number(values.seeds ?? "100");
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw usage(`--seeds: got ${values.seeds}, expected a positive integer`);
  }
  const commit = values.commit ?? "relaxed";
  if (!["relaxed", "strict", "none"].includes(commit)) {
    throw usage(`--commit: got ${commit}, expected relaxed, strict or none`);
  }
  await Promise.resolve();
  const r = swarmFtLinux({
    seeds,
    commit: commit as "relaxed",
    failover: values.failover ?? "driver-reload",
    ...(values.seed === undefined ? {} : { only: Number(values.seed) }),
  });
  if (values.json) console.log(JSON.stringify(r));
  else if (r.violation) {
    console.log(`violation at seed ${r.violation.seed}: ${r.violation.detail}`);
    console.log(`replay: ${r.violation.replay}`);
  } else console.log(`${r.seeds} seeds, no violation (commit ${commit})`);
  return r.violation ? 1 : 0;
}
