/**
 * The two fast-failover policies of issue 6, registered in `FAILOVER_POLICIES`:
 *
 * - `device-checkpoint`: the secondary keeps the e1000 driver loaded but detached plus an FGFT
 *   device checkpoint and a replica of the driver's configuration ({@linkcode WarmStandbyNic});
 *   its NIC steps are: attach the driver, the resume path of lib/fgft's device model, rebuild
 *   the descriptor rings, and replay configuration calls newer than the checkpoint;
 * - `second-nic`: a second NIC already owned by the secondary; its one NIC step moves the
 *   service route to it; the takeover sequence's own `nic-up-service-ip` step then sends the
 *   gratuitous ARP.
 *
 * @module
 */
import type { FailoverPolicy } from "./failover_policy.ts";
import { staticDeviceCheckpointSteps, WarmStandbyNic, warmStandbyOf } from "./warm_standby.ts";

/**
 * `device-checkpoint`: restore the NIC from a warm-standby FGFT device checkpoint.
 *
 * @example
 * ```ts
 * import { deviceCheckpointPolicy } from "./nic_policies.ts";
 * import { parseFtLinuxConfig } from "./config.ts";
 * const steps = deviceCheckpointPolicy.nicSteps(parseFtLinuxConfig({ failover: "device-checkpoint" }));
 * const ns = steps.reduce((s, x) => s + x.costNs, 0);
 * if (!(ns > 10e6 && ns < 100e6)) throw new Error(`NIC steps ${ns} ns`);
 * ```
 */
export const deviceCheckpointPolicy: FailoverPolicy = {
  name: "device-checkpoint",
  description:
    "warm-standby driver on the secondary; restore the NIC from a shipped FGFT device checkpoint",
  nicSteps: (config, ctx) => {
    const nic = ctx ? warmStandbyOf(ctx.sys) : undefined;
    return nic && ctx ? nic.takeoverSteps(ctx.survivor) : staticDeviceCheckpointSteps(config);
  },
  attach: (sys) => {
    if (sys.kernels.length > 1) new WarmStandbyNic(sys);
  },
};

/**
 * `second-nic`: the secondary owns a second NIC that is already up; only the service IP moves.
 *
 * @example
 * ```ts
 * import { secondNicPolicy } from "./nic_policies.ts";
 * import { parseFtLinuxConfig } from "./config.ts";
 * const [s] = secondNicPolicy.nicSteps(parseFtLinuxConfig({ failover: "second-nic" }));
 * if (s?.costNs !== 100_000) throw new Error("switch step");
 * ```
 */
export const secondNicPolicy: FailoverPolicy = {
  name: "second-nic",
  description: "a second NIC owned by the secondary: move the route, then gratuitous ARP",
  nicSteps: (config) => [{ name: "switch-to-second-nic", costNs: config.secondNic.switchNs }],
};
