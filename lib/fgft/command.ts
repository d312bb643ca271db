/**
 * The FGFT commands of the `ftlab` CLI (wired by lib/cli/main.ts):
 *
 * ```
 * ftlab repro fgft [--json]
 * ftlab swarm fgft --seeds N [--first-seed S] [--control restore-skipped|log-not-undone] [--json]
 * ftlab swarm fgft --seed S [--control ...]           # replay one seed
 * ```
 *
 * Exit status: 1 when the swarm finds a violation (as every swarm: with a negative control that
 * is the expected result) or the repro falls outside its ranges, 0 otherwise; user errors throw a
 * UsageError (one line) so that the CLI exits 2.
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { NEGATIVE_CONTROLS, type NegativeControl } from "./host_config.ts";
import { PAPER, reproFgft } from "./repro.ts";
import { runSwarm, swarmCase, swarmReplayCommand } from "./swarm.ts";
import { integerFlag, UsageError } from "../sim/errors.ts";

/** The ranges `ftlab repro fgft` must meet (issue 4). */
export const FGFT_REPRO_RANGES = {
  recoveryReduction: [0.74, 0.84],
  configProtectionOverheadMax: 0.02,
} as const;

/**
 * `ftlab repro fgft [--json]`: the headline figures beside the paper's values.
 *
 * @example
 * ```ts
 * import { fgftReproCommand } from "./command.ts";
 * const status = await fgftReproCommand(["--json"]);
 * if (status !== 0) throw new Error("repro out of range");
 * ```
 */
export async function fgftReproCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: "boolean" } }, "usage: ftlab repro fgft [--json]");
  const r = reproFgft();
  const ok = r.recoveryReduction >= FGFT_REPRO_RANGES.recoveryReduction[0] &&
    r.recoveryReduction <= FGFT_REPRO_RANGES.recoveryReduction[1] &&
    r.configProtectionOverhead < FGFT_REPRO_RANGES.configProtectionOverheadMax;
  const json = {
    recoveryReduction: r.recoveryReduction,
    configProtectionOverhead: r.configProtectionOverhead,
    hotPathProtectionOverhead: r.hotPathProtectionOverhead,
    failureDurationNs: r.failureDurationNs,
    throughputMbps: r.throughputMbps,
    paper: PAPER,
  };
  if (values.json) console.log(JSON.stringify(json, null, 2));
  else printRepro(json);
  return await Promise.resolve(ok ? 0 : 1);
}

function printRepro(j: {
  recoveryReduction: number;
  configProtectionOverhead: number;
  hotPathProtectionOverhead: number;
  failureDurationNs: Record<string, number>;
}): void {
  const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log("FGFT (fgft.md section 3)                  simulated     paper");
  console.log(
    `failure duration, restart (NIC)           ${ms(j.failureDurationNs.restart!).padEnd(13)} -`,
  );
  console.log(
    `failure duration, shadow driver (NIC)     ${ms(j.failureDurationNs.shadow!).padEnd(13)} -`,
  );
  console.log(
    `failure duration, FGFT (NIC)              ${ms(j.failureDurationNs.fgft!).padEnd(13)} -`,
  );
  console.log(
    `recovery reduction vs restart             ${pct(j.recoveryReduction).padEnd(13)} 79%`,
  );
  console.log(
    `netperf loss, config entry points         ${
      pct(j.configProtectionOverhead).padEnd(13)
    } ~0 ("almost zero")`,
  );
  console.log(
    `netperf loss, hot path isolated           ${
      pct(j.hotPathProtectionOverhead).padEnd(13)
    } not isolated in the paper`,
  );
}

/**
 * `ftlab swarm fgft --seeds N [--control C] [--json]` or `--seed S` to replay one seed.
 *
 * @example
 * ```ts
 * import { fgftSwarmCommand } from "./command.ts";
 * if (await fgftSwarmCommand(["--seeds", "10", "--json"]) !== 0) throw new Error("violation");
 * ```
 */
export async function fgftSwarmCommand(args: string[]): Promise<number> {
  const usage =
    "usage: ftlab swarm fgft --seeds N [--first-seed S] [--control restore-skipped|log-not-undone] [--json] | --seed S";
  const { values } = parse(args, {
    seeds: { type: "string" },
    seed: { type: "string" },
    "first-seed": { type: "string" },
    control: { type: "string" },
    json: { type: "boolean" },
  }, usage);
  const control = values.control as string | undefined;
  if (control !== undefined && !(NEGATIVE_CONTROLS as readonly string[]).includes(control)) {
    throw new UsageError(
      `--control: got ${JSON.stringify(control)}, expected one of ${NEGATIVE_CONTROLS.join(", ")}`,
    );
  }
  const c = control as NegativeControl | undefined;
  if (values.seed !== undefined) {
    return await Promise.resolve(
      replay(integerFlag("--seed", values.seed as string), c, values.json === true),
    );
  }
  if (values.seeds === undefined) throw new UsageError(`--seeds is required; ${usage}`);
  const seeds = integerFlag("--seeds", values.seeds as string);
  if (seeds < 1 || seeds > 1_000_000) {
    throw new UsageError(`--seeds: got ${seeds}, expected 1..1000000`);
  }
  const first = values["first-seed"] === undefined
    ? 1
    : integerFlag("--first-seed", values["first-seed"] as string);
  const s = runSwarm({ seeds, firstSeed: first, ...(c ? { control: c } : {}) });
  if (values.json) console.log(JSON.stringify({ control: c ?? null, ...s }, null, 2));
  else {
    console.log(
      `swarm fgft: ${s.seeds} seeds, ${s.rollbacks} rollbacks checked (${s.latent} after latent corruption), ` +
        `${s.violatingSeeds} seed(s) with a violation${c ? ` [negative control: ${c}]` : ""}`,
    );
    for (const f of s.failures.slice(0, 5)) {
      console.log(
        `  seed ${f.seed}: ${
          f.violations[0]!.checker
        } in ${f.driver}.${f.entryPoint} (${f.bugClass}): ${f.violations[0]!.detail}`,
      );
      console.log(`    replay: ${f.replay}`);
    }
  }
  // Same rule as every swarm: status 1 exactly when a checker found a violation (with a negative
  // control that is the expected outcome, and the printed seed and replay command are the point).
  return await Promise.resolve(s.violatingSeeds > 0 ? 1 : 0);
}

function replay(seed: number, control: NegativeControl | undefined, json: boolean): number {
  const c = swarmCase(seed, control);
  if (json) {
    console.log(JSON.stringify({ ...c, replay: swarmReplayCommand(seed, control) }, null, 2));
  } else {
    console.log(
      `seed ${seed}: ${c.driver}.${c.entryPoint} ${c.bugClass}, ${c.rollbacks} rollback(s), digest ${c.digest}`,
    );
    for (const v of c.violations) console.log(`  ${v.checker}: ${v.detail}`);
  }
  return c.violations.length > 0 ? 1 : 0;
}

function parse(
  args: string[],
  options: Record<string, { type: "string" | "boolean" }>,
  usage: string,
): { values: Record<string, string | boolean | undefined> } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; ${usage}`);
    }
    return { values: values as Record<string, string | boolean | undefined> };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${(e as Error).message.split("\n")[0]}; ${usage}`);
  }
}
