/**
 * Failover policies: how the surviving kernel gets a working NIC during takeover.
 *
 * The takeover sequence (ft-linux.md section 5) is a list of named steps with a cost; only the
 * first step (getting the NIC) depends on the policy, so a later policy (issue 6:
 * `device-checkpoint`, `second-nic`) registers one entry here and replaces that step.
 *
 * @module
 */
import type { FtLinuxConfig } from "./config.ts";
import type { FtLinux } from "./ft_linux.ts";
import type { Kernel } from "./kernel.ts";
import { deviceCheckpointPolicy, secondNicPolicy } from "./nic_policies.ts";

/** One step of the takeover sequence, with its cost in ns. */
export interface TakeoverStep {
  /** Step name, as traced (`replication.takeover` / `step`). */
  name: string;
  /** Virtual time the step takes. */
  costNs: number;
  /** The step's state change, run when it ends (e.g. the device restore). */
  onDone?: () => void;
}

/** What a policy sees at takeover time (absent when the sequence is only listed). */
export interface TakeoverContext {
  sys: FtLinux;
  /** The replica taking over. */
  survivor: Kernel;
}

/** A failover policy: the steps that give the survivor a NIC. */
export interface FailoverPolicy {
  /** Policy name, the value of `failover` in the config. */
  name: string;
  /** What the policy does, one line. */
  description: string;
  /** The NIC step(s), first in the takeover sequence. */
  nicSteps(config: FtLinuxConfig, ctx?: TakeoverContext): TakeoverStep[];
  /** Called once when FT-Linux is built with this policy (e.g. to start a warm standby). */
  attach?(sys: FtLinux): void;
}

/**
 * The registered failover policies, by name. FT-Linux's own is `driver-reload`.
 *
 * @example
 * ```ts
 * import { FAILOVER_POLICIES } from "./failover_policy.ts";
 * if (!("driver-reload" in FAILOVER_POLICIES)) throw new Error("missing");
 * ```
 */
export const FAILOVER_POLICIES: Record<string, FailoverPolicy> = {
  "driver-reload": {
    name: "driver-reload",
    description: "re-enable the NIC and load its driver on the survivor (PCI rescan + probe)",
    nicSteps: (c) => [{ name: "nic-driver-load", costNs: c.takeover.nicDriverLoadNs }],
  },
  "device-checkpoint": deviceCheckpointPolicy,
  "second-nic": secondNicPolicy,
};

/**
 * The full takeover sequence of ft-linux.md section 5 for a config: NIC steps of its policy, then
 * drain, trim and offsets, flush and retransmit, NIC up, promote, wake the replay threads.
 *
 * @example
 * ```ts
 * import { parseFtLinuxConfig } from "./config.ts";
 * import { takeoverSteps } from "./failover_policy.ts";
 * const steps = takeoverSteps(parseFtLinuxConfig({}));
 * if (steps[0]?.name !== "nic-driver-load" || steps.length !== 7) throw new Error("sequence");
 * ```
 */
export function takeoverSteps(config: FtLinuxConfig, ctx?: TakeoverContext): TakeoverStep[] {
  const t = config.takeover;
  const policy = FAILOVER_POLICIES[config.failover];
  if (!policy) throw new RangeError(`unknown failover policy ${config.failover}`);
  return [
    ...policy.nicSteps(config, ctx),
    {
      name: "drain-forwarded-packets",
      costNs: t.drainNs,
      onDone: () => ctx?.survivor.drainForwarded(true),
    },
    { name: "trim-stable-buffer-fix-offsets", costNs: t.trimNs },
    { name: "flush-send-buffers", costNs: t.flushNs },
    { name: "nic-up-service-ip", costNs: t.nicUpNs },
    { name: "mark-primary-remove-dummy-nic", costNs: t.promoteNs },
    { name: "wake-replay-threads", costNs: t.wakeThreadsNs },
  ];
}
