/**
 * The fault-injection campaign of fgft.md section 2: 258 unique faults (driver, entry point, bug
 * class) injected into selected configuration entry points of e1000, ens1371 and psmouse, each
 * trial classified into an outcome by comparison with a fault-free reference run of the same seed.
 *
 * Trial workload per driver: an administrator calling the target entry point and a few others
 * (all drivers), plus audio playback (ens1371) or mouse input (psmouse). The bug fires on the
 * target's first call and, with probability 0.15 per trial, is persistent (deterministic: it recurs
 * on retry). Classification:
 * - `failed`: the kernel crashed, or a call hung;
 * - `recovered`: detected and recovered with no error visible to applications (recoveryNs: detection
 *   to driver ready);
 * - `degraded`: detected and recovered, but an application saw an error, or the configuration was
 *   lost (restart);
 * - `masked` / `silent`: undetected, and what applications saw plus the final driver and device
 *   state equal / differ from the reference run.
 *
 * @module
 */
import type { Outcome } from "../faults/outcome.ts";
import { DRIVER_BUG_CLASSES, type DriverBugClass } from "../faults/spec.ts";
import { hashString32, Prng } from "../sim/prng.ts";
import { startAudioPlayback } from "../workloads/audio_playback.ts";
import { type AppCall, startDriverConfig } from "../workloads/driver_config.ts";
import { startMouseInput } from "../workloads/mouse_input.ts";
import type { DEVICE_MODELS } from "./driver_spec.ts";
import type { HostConfigInput, RecoveryScheme } from "./host_config.ts";
import { createTestbed, type Testbed } from "./testbed.ts";

/** The target entry points per driver (configuration paths, as in the paper's experiments). */
export const CAMPAIGN_TARGETS: Readonly<Record<typeof DEVICE_MODELS[number], readonly string[]>> = {
  e1000: [
    "set_mac",
    "set_rx_mode",
    "set_coalesce",
    "get_settings",
    "set_wol",
    "get_ethtool_stats",
    "set_tso",
    "get_eeprom",
    "do_ioctl",
    "get_drvinfo",
  ],
  ens1371: ["mixer_put_volume", "mixer_get", "playback_prepare", "spdif_put", "mixer_put_capture"],
  psmouse: ["store_rate", "store_resolution", "set_scale", "show_rate"],
};

/** One injected fault. */
export interface CampaignFault {
  driver: typeof DEVICE_MODELS[number];
  entryPoint: string;
  bugClass: DriverBugClass;
}

/** Number of unique faults in the paper's campaign. */
export const CAMPAIGN_SIZE = 258;

/**
 * The 258 unique faults: every (target, class) pair, of which a fixed hash-ordered subset is kept.
 *
 * @example
 * ```ts
 * import { campaignFaults } from "./campaign_trial.ts";
 * if (campaignFaults().length !== 258) throw new Error("258 faults");
 * ```
 */
export function campaignFaults(): CampaignFault[] {
  const all: CampaignFault[] = [];
  for (const [driver, eps] of Object.entries(CAMPAIGN_TARGETS)) {
    for (const entryPoint of eps) {
      for (const bugClass of DRIVER_BUG_CLASSES) {
        all.push({ driver: driver as CampaignFault["driver"], entryPoint, bugClass });
      }
    }
  }
  const key = (f: CampaignFault) => hashString32(`${f.driver}/${f.entryPoint}/${f.bugClass}`);
  const keep = new Set([...all].sort((a, b) => key(a) - key(b)).slice(0, CAMPAIGN_SIZE));
  return all.filter((f) => keep.has(f));
}

/** One trial's record (a flat row, ready for outcomeBreakdown and groupBy). */
export interface FgftTrialRecord extends CampaignFault {
  scheme: RecoveryScheme;
  persistent: boolean;
  manifestation: string;
  outcome: Outcome;
  recoveryNs: number | null;
  detail: string;
  digest: string;
}

interface TrialRun {
  tb: Testbed;
  calls: () => AppCall[];
}

function runTrial(
  fault: CampaignFault,
  seed: number,
  host: HostConfigInput,
  persistent: boolean | null,
): TrialRun {
  const tb = createTestbed({ seed, driver: fault.driver, host });
  const others = fault.driver === "e1000"
    ? ["get_link", "get_settings"]
    : fault.driver === "ens1371"
    ? ["mixer_get"]
    : ["show_rate"];
  const calls = [fault.entryPoint, ...others, fault.entryPoint].map((entryPoint) => ({
    entryPoint,
  }));
  const admin = startDriverConfig(tb.host, {
    calls,
    periodNs: 3_000_000,
    startNs: 2_000_000,
    count: 6,
  });
  const audio = fault.driver === "ens1371"
    ? startAudioPlayback(tb.host, { periods: 10, volumeEvery: 4 })
    : undefined;
  const mouse = fault.driver === "psmouse"
    ? startMouseInput(tb.host, { packets: 20, settingsEvery: 8 })
    : undefined;
  if (persistent !== null) {
    tb.host.armBug({ entryPoint: fault.entryPoint, bugClass: fault.bugClass, persistent });
  }
  tb.sim.run({ untilNs: 2_000_000_000 });
  return { tb, calls: () => [...admin(), ...(audio?.().calls ?? []), ...(mouse?.().calls ?? [])] };
}

/**
 * Runs one campaign trial: fault number `params.fault` of {@linkcode campaignFaults} under
 * `params.scheme` (default fgft, configuration entry points isolated, one retry).
 *
 * @example
 * ```ts
 * import { fgftTrial } from "./campaign_trial.ts";
 * const r = fgftTrial({ fault: 0 }, 42);
 * if (!["masked", "recovered", "degraded", "failed", "silent"].includes(r.outcome)) throw new Error();
 * ```
 */
export function fgftTrial(
  params: { fault: number; scheme?: RecoveryScheme; watchdogNs?: number },
  seed: number,
): FgftTrialRecord {
  const fault = campaignFaults()[params.fault];
  if (!fault) throw new RangeError(`fault ${params.fault}: expected 0..${CAMPAIGN_SIZE - 1}`);
  const scheme = params.scheme ?? "fgft";
  const host: HostConfigInput = {
    recovery: scheme,
    isolate: "config",
    ...(params.watchdogNs !== undefined ? { watchdogNs: params.watchdogNs } : {}),
  };
  const persistent = new Prng(seed).fork("persistence").bernoulli(0.15);
  const ref = runTrial(fault, seed, host, null);
  const run = runTrial(fault, seed, host, persistent);
  const { outcome, recoveryNs, detail } = classify(run, ref, scheme);
  return {
    ...fault,
    scheme,
    persistent,
    manifestation: run.tb.host.fired[0]?.manifestation ?? "none",
    outcome,
    recoveryNs,
    detail,
    digest: run.tb.sim.trace.digest,
  };
}

function classify(
  run: TrialRun,
  ref: TrialRun,
  scheme: RecoveryScheme,
): { outcome: Outcome; recoveryNs: number | null; detail: string } {
  const h = run.tb.host;
  if (h.crashedNs !== undefined) {
    return { outcome: "failed", recoveryNs: null, detail: "kernel crash" };
  }
  const calls = run.calls(), refCalls = ref.calls();
  if (h.hungNs !== undefined || calls.length < refCalls.length) {
    return { outcome: "failed", recoveryNs: null, detail: "a call hung" };
  }
  const rec = h.recoveries[0];
  const errors = calls.filter((c) => !c.ok).length - refCalls.filter((c) => !c.ok).length;
  if (rec) {
    const recoveryNs = rec.readyNs - rec.detectedNs;
    if (scheme === "restart") {
      return {
        outcome: "degraded",
        recoveryNs,
        detail: "restart: configuration lost, error returned",
      };
    }
    if (errors > 0) {
      return {
        outcome: "degraded",
        recoveryNs,
        detail: `${errors} error(s) returned to applications`,
      };
    }
    return { outcome: "recovered", recoveryNs, detail: `${scheme} recovery` };
  }
  const seen = (cs: AppCall[]) => JSON.stringify(cs.map((c) => [c.entryPoint, c.ok, c.value]));
  const same = seen(calls) === seen(refCalls) &&
    JSON.stringify(h.memory.snapshot()) === JSON.stringify(ref.tb.host.memory.snapshot()) &&
    JSON.stringify(h.device.snapshot()) === JSON.stringify(ref.tb.host.device.snapshot());
  return same ? { outcome: "masked", recoveryNs: null, detail: "no visible effect" } : {
    outcome: "silent",
    recoveryNs: null,
    detail: "undetected: output or state differs from the reference",
  };
}
