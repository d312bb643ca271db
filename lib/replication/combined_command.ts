/**
 * `ftlab repro combined [--json]`: issue 6's headline numbers. The failover gap (longest time a
 * downloading client receives nothing) across a primary fail-stop under each NIC policy, and the
 * failure-free throughput cost of keeping the device checkpoint fresh (Mongoose, closed loop).
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  measureStandbyOverhead,
  NIC_POLICIES,
  runCombinedFailover,
  runCombinedSwarmSeed,
  type StandbyOverhead,
  swarmCombined,
} from "./combined_run.ts";
import { integerFlag, UsageError } from "../sim/errors.ts";
import { reportSwarm } from "./command.ts";

/** The numbers `repro combined` prints. */
export interface CombinedRepro {
  failoverGapSec: Record<string, number>;
  /** 1 - throughput with the warm standby / throughput without (Mongoose, closed loop). */
  failureFreeOverhead: number;
  detectSec: Record<string, number>;
  nicSec: Record<string, number>;
  checkpointMessagesPerSec: number;
  checkpointMegabytesPerSec: number;
  /** Both checkers held in every run (download and restored NIC configuration). */
  checkersHeld: boolean;
}

/**
 * Runs the three failovers (30 MB download, fail-stop of node:1 at 300 ms, default heartbeats
 * 100/400 ms, five configuration calls before the failure) and the overhead measurement.
 *
 * @example
 * ```ts
 * import { reproCombined } from "./combined_command.ts";
 * if (typeof reproCombined !== "function") throw new Error("missing");
 * ```
 */
export function reproCombined(): CombinedRepro {
  const runs = NIC_POLICIES.map((policy) => runCombinedFailover({ policy }));
  const by = (f: (r: typeof runs[number]) => number) =>
    Object.fromEntries(runs.map((r) => [r.policy, f(r)]));
  const o: StandbyOverhead = measureStandbyOverhead();
  return {
    failoverGapSec: by((r) => r.gapNs / 1e9),
    failureFreeOverhead: o.overhead,
    detectSec: by((r) => r.detectNs / 1e9),
    nicSec: by((r) => r.nicNs / 1e9),
    checkpointMessagesPerSec: o.checkpointMessagesPerSec,
    checkpointMegabytesPerSec: o.checkpointMegabytesPerSec,
    checkersHeld: runs.every((r) => r.violation === null && r.configViolation === null),
  };
}

/**
 * `ftlab repro combined`: prints {@linkcode reproCombined} as JSON (`--json`) or as a table.
 *
 * @example
 * ```ts
 * import { combinedReproCommand } from "./combined_command.ts";
 * if (typeof combinedReproCommand !== "function") throw new Error("missing");
 * ```
 */
export async function combinedReproCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } }, strict: true });
  const r = reproCombined();
  await Promise.resolve();
  if (values.json) {
    console.log(JSON.stringify(r));
    return r.checkersHeld ? 0 : 1;
  }
  console.log("FT-Linux failover gap by NIC policy (30 MB download, primary fail-stop at 0.3 s)");
  console.log(`${"policy".padEnd(18)} ${"gap s".padStart(7)} ${"detect s".padStart(9)} nic s`);
  for (const p of NIC_POLICIES) {
    const f = (x: number) => x.toFixed(3);
    console.log(
      `${p.padEnd(18)} ${f(r.failoverGapSec[p]!).padStart(7)} ${f(r.detectSec[p]!).padStart(9)} ${
        f(r.nicSec[p]!)
      }`,
    );
  }
  console.log(
    `failure-free overhead of the device checkpoint (Mongoose, refresh 1 s): ` +
      `${(100 * r.failureFreeOverhead).toFixed(2)}% ` +
      `(${r.checkpointMessagesPerSec.toFixed(1)} ring msg/s, ` +
      `${(1e3 * r.checkpointMegabytesPerSec).toFixed(2)} KB/s)`,
  );
  console.log(
    "detect = heartbeat timeout (100 ms period, 400 ms timeout); nic = the policy's NIC steps: " +
      "driver load (FT-Linux, ~4.6 s), or attach + lib/fgft e1000 resume path + ring rebuild, " +
      "or a route switch to a second NIC. Checkers " + (r.checkersHeld ? "held." : "FAILED."),
  );
  return r.checkersHeld ? 0 : 1;
}

/**
 * `ftlab swarm combined --seeds N [--control none|stale-checkpoint] [--seed S] [--json]`: random
 * configuration calls, refresh settings and fail-stops under the `device-checkpoint` policy,
 * against the FT-Linux checkers and the restored-NIC-configuration checker. `--seed S` replays one
 * seed. Exit status 1 exactly when a violation is found (with the negative control
 * `stale-checkpoint` that is the expected result).
 *
 * @example
 * ```ts
 * import { combinedSwarmCommand } from "./combined_command.ts";
 * if (typeof combinedSwarmCommand !== "function") throw new Error("missing");
 * ```
 */
export async function combinedSwarmCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: "string" },
      seed: { type: "string" },
      control: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  const control = values.control ?? "none";
  if (control !== "none" && control !== "stale-checkpoint") {
    throw new UsageError(
      `--control: got ${JSON.stringify(control)}, expected none or stale-checkpoint`,
    );
  }
  await Promise.resolve();
  if (values.seed !== undefined) {
    const seed = integerFlag("--seed", values.seed, 1);
    const v = runCombinedSwarmSeed(seed, control);
    console.log(
      values.json ? JSON.stringify({ seed, violation: v }) : v ?? "no violation",
    );
    return v ? 1 : 0;
  }
  const r = swarmCombined({ seeds: integerFlag("--seeds", values.seeds ?? "100", 1), control });
  return reportSwarm(r, values.json === true, `control ${control}`);
}
