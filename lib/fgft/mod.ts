/**
 * FGFT: driver entry points as transactions with device checkpoints (fgft.md), beside the
 * restart (Nooks) and shadow-driver baselines.
 *
 * Objects: device models ({@linkcode E1000Nic}, {@linkcode Ens1371Sound}, {@linkcode PsMouse},
 * on {@linkcode DeviceModel}), drivers as data ({@linkcode defineDriver}, {@linkcode e1000Driver},
 * {@linkcode ens1371Driver}, {@linkcode psmouseDriver}), the {@linkcode DriverHost} that runs calls
 * natively or isolated and recovers, the checkers, scenarios, the repro figures and the swarm.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, E1000Nic, e1000Driver } from "./mod.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver());
 * sim.process(function* () { yield* host.call("get_link"); });
 * sim.run();
 * if (host.callCounts.get("get_link") !== 1) throw new Error("not called");
 * ```
 *
 * @module
 */
export * from "./bug_classes.ts";
export * from "./campaign_trial.ts";
export * from "./checkers.ts";
export * from "./command.ts";
export * from "./device_model.ts";
export * from "./driver_host.ts";
export * from "./driver_memory.ts";
export * from "./driver_spec.ts";
export * from "./e1000_driver.ts";
export * from "./e1000_nic.ts";
export * from "./ens1371_driver.ts";
export * from "./ens1371_sound.ts";
export * from "./host_config.ts";
export * from "./nic_recovery.ts";
export * from "./psmouse_device.ts";
export * from "./psmouse_driver.ts";
export * from "./repro.ts";
export * from "./swarm.ts";
export * from "./testbed.ts";
