/**
 * Machine scenarios: a machine, a workload and a list of faults, run for a while, then classified.
 *
 * This is what `ftlab run <scenario.json>` executes and what the getting-started notebook sweeps.
 * A scenario runs twice with the same seed: once as given and once without faults (the reference).
 * The outcome (DESIGN.md, "Outcomes of a fault") follows from the two:
 * - `failed`: the workload crashed (machine check, bus error, fail-stop of a component it uses);
 * - `silent`: it did not crash but its output differs from the reference;
 * - `recovered`: same output, and ECC corrected at least one error on the way;
 * - `masked`: same output, nothing detected.
 *
 * @module
 */
import { z } from "zod";
import { type FaultSpec, faultSpecSchema } from "../faults/spec.ts";
import { FaultSchedule } from "../faults/schedule.ts";
import type { OutcomeRecord } from "../faults/outcome.ts";
import { createMachine, type MachineEvent } from "../machine/machine.ts";
import { type MachineConfig, machineConfig, machineConfigSchema } from "../machine/topology.ts";
import { ConfigError } from "../sim/errors.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import { createSim } from "../sim/simulation.ts";
import { MemoryTest, type MemoryTestMetrics, memoryTestSchema } from "./memory_test.ts";

const machineRef = z.union([
  z.string(),
  z.looseObject({ preset: z.string() }),
  machineConfigSchema,
]);

/** zod schema of a machine scenario (the JSON file of `ftlab run`). */
export const machineScenarioSchema = z.object({
  name: z.string().default("scenario"),
  seed: z.number().int().min(0).default(1),
  /** A preset name, a preset with overrides (`{ "preset": ..., "ecc": "none" }`) or a full config. */
  machine: machineRef.default("small-2node"),
  /** Virtual time to simulate. */
  durationNs: durationNs.prefault("10ms"),
  /** Patrol-scrub period (0 = no scrubbing). */
  scrubIntervalNs: durationNs.default(0),
  workload: memoryTestSchema.prefault({ kind: "memory-test" }),
  faults: z.array(faultSpecSchema).default([]),
  /** Width of the throughput-over-time bins (0 = one fiftieth of the duration). */
  throughputBinNs: durationNs.default(0),
  /** Run the fault-free reference to classify silent corruption (doubles the cost). */
  reference: z.boolean().default(true),
}).strict();

/** A scenario as written by a user. */
export type MachineScenarioInput = z.input<typeof machineScenarioSchema>;
/** A validated scenario. */
export type MachineScenario = z.output<typeof machineScenarioSchema>;

/** The result of one scenario run. */
export interface ScenarioResult {
  seed: number;
  scenario: MachineScenario;
  machine: MachineConfig;
  metrics: MemoryTestMetrics & { injections: number; events: number; endNs: number };
  outcome: OutcomeRecord;
  /** Trace digest of the run (16 hex digits). */
  digest: string;
  /** Machine events (fail-stops, machine checks, corrections...), at most 10,000. */
  timeline: { timeNs: number; component: string; kind: string }[];
  /** Workload accesses per second over time (one point per bin). */
  throughput: { tNs: number; value: number }[];
}

/**
 * Validates and runs a scenario; `seed` overrides the scenario's seed.
 *
 * @example
 * ```ts
 * import { runScenario } from "./machine_scenario.ts";
 * const r = runScenario({
 *   machine: { preset: "small-2node", ecc: "secded" },
 *   durationNs: "2ms",
 *   workload: { kind: "memory-test", cores: 2, wordsPerCore: 64 },
 *   faults: [{ kind: "memory-bit-flip", address: 0, bits: [1, 2], at: "1ms" }],
 * });
 * if (r.outcome.outcome === "silent") throw new Error("SECDED let a double flip through");
 * ```
 */
export function runScenario(
  input: MachineScenarioInput | MachineScenario,
  seed?: number,
): ScenarioResult {
  // The machine is checked first, on its own: when a full machine config is invalid, the union
  // of the scenario schema can only say "machine", with no field and no expectation.
  const raw = (input as { machine?: unknown } | null)?.machine;
  if (typeof raw === "string" || (typeof raw === "object" && raw !== null && !Array.isArray(raw))) {
    checkMachine(raw);
  }
  const scenario = parseConfig(machineScenarioSchema, input, "scenario");
  checkMachine(scenario.machine);
  const s = seed ?? scenario.seed;
  const run = runOnce(scenario, s, scenario.faults);
  const reference = scenario.reference && scenario.faults.length > 0
    ? runOnce(scenario, s, [])
    : run;
  return {
    seed: s,
    scenario,
    machine: run.machine,
    metrics: run.metrics,
    outcome: classify(run.metrics, reference.metrics),
    digest: run.digest,
    timeline: run.timeline,
    throughput: run.throughput,
  };
}

/** Validates a machine reference; errors name `machine.<field>`. */
function checkMachine(ref: unknown): void {
  try {
    machineConfig(ref as never);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = e.field === "" ? "machine" : `machine.${e.field}`;
    throw new ConfigError(field, e.value, e.expected, "scenario");
  }
}

function runOnce(scenario: MachineScenario, seed: number, faults: readonly FaultSpec[]) {
  const sim = createSim({ seed, trace: { window: 0 } });
  const machine = createMachine(sim, scenario.machine as never);
  const timeline: ScenarioResult["timeline"] = [];
  machine.on((e: MachineEvent) => {
    if (timeline.length < 10_000) {
      timeline.push({ timeNs: e.timeNs, component: e.component, kind: e.kind });
    }
  });
  const workload = new MemoryTest(machine, scenario.workload);
  const schedule = new FaultSchedule(sim, machine, faults);
  schedule.arm();
  const binNs = scenario.throughputBinNs || Math.max(1, Math.round(scenario.durationNs / 50));
  workload.start(binNs);
  if (scenario.scrubIntervalNs > 0) {
    const scrub = () => {
      machine.memory.scrub();
      sim.after(scenario.scrubIntervalNs, scrub);
    };
    sim.after(scenario.scrubIntervalNs, scrub);
  }
  const r = sim.run({ untilNs: scenario.durationNs });
  // The workload traces nothing while it runs; without this record a fault-free run's digest
  // would be the same for every seed and could not tell two runs apart.
  const w = workload.metrics;
  sim.trace.emit(r.nowNs, "workload.memtest", "end", {
    reads: w.reads,
    writes: w.writes,
    wrongReads: w.wrongReads,
    crashNs: w.crashNs,
    outputChecksum: w.outputChecksum,
  });
  return {
    machine: machine.config,
    digest: sim.trace.digest,
    timeline,
    throughput: padBins(workload.throughput(), binNs, r.nowNs),
    metrics: {
      ...workload.metrics,
      injections: schedule.injections.length,
      events: r.events,
      endNs: r.nowNs,
    },
  };
}

function classify(run: MemoryTestMetrics, ref: MemoryTestMetrics): OutcomeRecord {
  if (run.crashNs >= 0) return { outcome: "failed", detail: `crashed: ${run.crashCause}` };
  if (run.outputChecksum !== ref.outputChecksum || run.wrongReads > 0) {
    return { outcome: "silent", detail: `${run.wrongReads} wrong values read, nothing detected` };
  }
  if (run.corrected > 0) {
    return {
      outcome: "recovered",
      recoveryNs: 0,
      detail: `${run.corrected} errors corrected by ECC`,
    };
  }
  return { outcome: "masked", detail: "no effect on the output" };
}

/** Bins after a crash have no accesses at all: make them explicit zeros up to the end. */
function padBins(points: { tNs: number; value: number }[], binNs: number, endNs: number) {
  const bins = Math.ceil(endNs / binNs);
  for (let i = points.length; i < bins; i++) points.push({ tNs: i * binNs, value: 0 });
  return points;
}
