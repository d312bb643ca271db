/**
 * A testbed: one simulation, the device model and driver for a named driver, and its host, built
 * from one validated config. Scenarios, the campaign trial and the swarm start from here.
 *
 * @module
 */
import { z } from "zod";
import { parseConfig } from "../sim/config.ts";
import { Resource } from "../sim/resource.ts";
import { createSim, type Simulation } from "../sim/simulation.ts";
import type { DeviceModel } from "./device_model.ts";
import { DriverHost } from "./driver_host.ts";
import { DEVICE_MODELS, type DriverSpec } from "./driver_spec.ts";
import { E1000Nic } from "./e1000_nic.ts";
import { e1000Driver } from "./e1000_driver.ts";
import { Ens1371Sound } from "./ens1371_sound.ts";
import { ens1371Driver } from "./ens1371_driver.ts";
import { hostConfigSchema } from "./host_config.ts";
import { PsMouse } from "./psmouse_device.ts";
import { psmouseDriver } from "./psmouse_driver.ts";

/** zod schema of a testbed. */
export const testbedSchema = z.object({
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  driver: z.enum(DEVICE_MODELS).default("e1000"),
  host: hostConfigSchema.default(hostConfigSchema.parse({})),
  /** Device-model parameters (see e1000ConfigSchema, ens1371ConfigSchema, psmouseConfigSchema). */
  device: z.record(z.string(), z.unknown()).default({}),
}).strict();

/** A testbed config as a user writes it. */
export type TestbedInput = z.input<typeof testbedSchema>;

/** What {@linkcode createTestbed} builds. */
export interface Testbed {
  sim: Simulation;
  host: DriverHost;
  /** The CPU the workloads share. */
  cpu: Resource;
}

/** The built-in driver spec for a device model. */
export function builtinDriver(name: typeof DEVICE_MODELS[number]): DriverSpec {
  return name === "e1000" ? e1000Driver() : name === "ens1371" ? ens1371Driver() : psmouseDriver();
}

/**
 * Builds a simulation with one driver bound to its device.
 *
 * @example
 * ```ts
 * import { createTestbed } from "./testbed.ts";
 * const tb = createTestbed({ seed: 3, driver: "psmouse", host: { recovery: "shadow" } });
 * if (tb.host.config.recovery !== "shadow") throw new Error("config not applied");
 * ```
 */
export function createTestbed(input: TestbedInput): Testbed {
  const c = parseConfig(testbedSchema, input, "testbed");
  const sim = createSim({ seed: c.seed, trace: { window: 0 } });
  const device: DeviceModel = c.driver === "e1000"
    ? new E1000Nic("nic0", c.device)
    : c.driver === "ens1371"
    ? new Ens1371Sound("snd0", c.device)
    : new PsMouse("mouse0", c.device);
  const host = new DriverHost(sim, device, builtinDriver(c.driver), c.host);
  return { sim, host, cpu: new Resource(sim, "cpu", 1) };
}
