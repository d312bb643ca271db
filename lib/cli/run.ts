/**
 * `ftlab run <scenario.json> [--seed N] [--json]`: one machine scenario, its metrics and digest.
 *
 * @module
 */
import { parseArgs } from "../_std.ts";
import { formatDuration } from "../sim/config.ts";
import { runScenario } from "../workloads/machine_scenario.ts";
import { integerFlag } from "../sim/errors.ts";
import { readJsonFile, UsageError } from "./_input.ts";

/** Runs the command; returns the exit status. */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { seed: { type: "string" }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    throw new UsageError("usage: ftlab run <scenario.json> [--seed N] [--json]");
  }
  const seed = values.seed === undefined ? undefined : integerFlag("--seed", values.seed);
  const result = runScenario(await readJsonFile(file) as never, seed);
  if (values.json) {
    const { scenario: _s, machine: _m, throughput: _t, ...rest } = result;
    console.log(JSON.stringify({ ...rest, replay: replayCommand(file, result.seed) }));
    return 0;
  }
  const m = result.metrics;
  const lines = [
    `scenario ${result.scenario.name} on ${result.machine.name} (ecc ${result.machine.ecc}), seed ${result.seed}`,
    `simulated ${formatDuration(m.endNs)} in ${m.events} events; ${m.injections} fault injections`,
    `reads ${m.reads}, writes ${m.writes}, corrected ${m.corrected}, machine checks ${m.machineChecks}, ` +
    `bus errors ${m.busErrors}, wrong reads ${m.wrongReads}`,
    m.crashNs >= 0 ? `crashed at ${formatDuration(m.crashNs)}: ${m.crashCause}` : "no crash",
    `outcome: ${result.outcome.outcome} (${result.outcome.detail ?? ""})`,
    `digest ${result.digest}`,
    `replay: ${replayCommand(file, result.seed)}`,
  ];
  console.log(lines.join("\n"));
  return 0;
}

function replayCommand(file: string, seed: number): string {
  return `deno task ftlab run ${file} --seed ${seed}`;
}
