/**
 * Random fault schedules against the FGFT checkers (`ftlab swarm fgft`).
 *
 * Seed s alone picks a driver, a target entry point (any kind: every entry point runs isolated), a
 * bug class, the call it fires on (1-3), whether it persists, and a sequence of 8 calls mixing the
 * target with other entry points. The host retries nothing (every rollback is visible) and has the
 * watchdog extension on (so hangs roll back too). After the sequence the bug is disarmed and the
 * target called once more. Every rollback is checked (checkers.ts) and, if any happened, the final
 * call must succeed. A violation carries the seed and the command that replays it.
 *
 * @module
 */
import { DRIVER_BUG_CLASSES } from "../faults/spec.ts";
import { Prng } from "../sim/prng.ts";
import { type CallResult } from "./driver_host.ts";
import { checkNextCall, checkRollback, type RollbackViolation } from "./checkers.ts";
import { DEVICE_MODELS } from "./driver_spec.ts";
import type { NegativeControl } from "./host_config.ts";
import { createTestbed } from "./testbed.ts";

/** What one seed did. */
export interface SwarmCase {
  seed: number;
  driver: string;
  entryPoint: string;
  bugClass: string;
  rollbacks: number;
  /** Rollbacks that found latent corruption from an earlier escaped fault (reported, not violations). */
  latent: number;
  digest: string;
  violations: RollbackViolation[];
}

/** The replay command of one seed. */
export function swarmReplayCommand(seed: number, control?: NegativeControl): string {
  return `deno task ftlab swarm fgft --seed ${seed}${control ? ` --control ${control}` : ""}`;
}

/**
 * Runs one seed of the swarm.
 *
 * @example
 * ```ts
 * import { swarmCase } from "./swarm.ts";
 * const c = swarmCase(7);
 * if (c.violations.length !== 0) throw new Error(JSON.stringify(c.violations));
 * if (swarmCase(7).digest !== c.digest) throw new Error("not deterministic");
 * ```
 */
export function swarmCase(seed: number, control?: NegativeControl): SwarmCase {
  const rng = new Prng(seed).fork("swarm");
  const driver = rng.choice(DEVICE_MODELS);
  const tb = createTestbed({
    seed,
    driver,
    host: { isolate: "all", retries: 0, watchdogNs: 50_000_000, ...(control ? { control } : {}) },
  });
  const eps = tb.host.spec.entryPoints.map((e) => e.name);
  const target = rng.choice(eps);
  const bugClass = rng.choice(DRIVER_BUG_CLASSES);
  tb.host.armBug({
    entryPoint: target,
    bugClass,
    onCall: 1 + rng.int(3),
    persistent: rng.bernoulli(0.3),
  });
  const sequence = Array.from({ length: 8 }, () => rng.bernoulli(0.5) ? target : rng.choice(eps));
  let last: CallResult | undefined;
  tb.sim.process(function* () {
    for (const name of sequence) yield* tb.host.call(name, { value: rng.int(1 << 16) });
    tb.host.disarmAll();
    last = yield* tb.host.call(target);
  }, "swarm");
  tb.sim.run({ untilNs: 20_000_000_000, maxEvents: 1_000_000 });
  const violations = tb.host.rollbacks.flatMap(checkRollback);
  if (tb.host.rollbacks.length > 0) violations.push(...checkNextCall(target, last));
  return {
    seed,
    driver,
    entryPoint: target,
    bugClass,
    rollbacks: tb.host.rollbacks.length,
    latent: tb.host.rollbacks.filter((r) => r.inconsistentAtCheckpoint.length > 0).length,
    digest: tb.sim.trace.digest,
    violations,
  };
}

/** A swarm's summary. */
export interface SwarmSummary {
  seeds: number;
  rollbacks: number;
  /** Rollbacks that met latent corruption left by an earlier escaped fault. */
  latent: number;
  /** Seeds with a violation (bounded to the first 20), with their replay commands. */
  failures: (SwarmCase & { replay: string })[];
  violatingSeeds: number;
}

/**
 * Runs seeds `firstSeed .. firstSeed + seeds - 1`.
 *
 * @example
 * ```ts
 * import { runSwarm } from "./swarm.ts";
 * const s = runSwarm({ seeds: 20 });
 * if (s.violatingSeeds !== 0) throw new Error(JSON.stringify(s.failures[0]));
 * ```
 */
export function runSwarm(
  o: { seeds: number; firstSeed?: number; control?: NegativeControl },
): SwarmSummary {
  const out: SwarmSummary = {
    seeds: o.seeds,
    rollbacks: 0,
    latent: 0,
    failures: [],
    violatingSeeds: 0,
  };
  const first = o.firstSeed ?? 1;
  for (let seed = first; seed < first + o.seeds; seed++) {
    const c = swarmCase(seed, o.control);
    out.rollbacks += c.rollbacks;
    out.latent += c.latent;
    if (c.violations.length === 0) continue;
    out.violatingSeeds++;
    if (out.failures.length < 20) {
      out.failures.push({ ...c, replay: swarmReplayCommand(seed, o.control) });
    }
  }
  return out;
}
