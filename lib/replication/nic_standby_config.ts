/**
 * Configuration of the fast-failover NIC policies (issue 6): the warm-standby device checkpoint
 * (`failover: "device-checkpoint"`) and the second NIC (`failover: "second-nic"`). Both are
 * sub-objects of the FT-Linux config (`deviceCheckpoint`, `secondNic`), validated with it.
 *
 * Documented defaults and which ones are assumptions:
 * - `refreshIntervalNs` 1 s and `refreshOnConfig` true: design choices (the notebook sweeps them);
 * - `attachNs` 1 ms (bind the already loaded driver: pci_enable_device, request_irq, register
 *   the net device): an order-of-magnitude assumption;
 * - `ringRebuildNsPerDescriptor` 500 ns (allocate one receive buffer and write its descriptor in
 *   the survivor's memory): an assumption;
 * - the device restore itself is not a parameter here: it is the resume path of lib/fgft's
 *   e1000 model (`device` passes parameters to that model);
 * - `secondNic.switchNs` 100 us (move the service route to the second NIC): an assumption; the
 *   gratuitous ARP is the takeover sequence's own `nic-up-service-ip` step.
 *
 * @module
 */
import { z } from "zod";
import { durationNs } from "../sim/config.ts";

/**
 * zod schema of `deviceCheckpoint` (the warm-standby NIC).
 *
 * @example
 * ```ts
 * import { deviceCheckpointSchema } from "./nic_standby_config.ts";
 * const c = deviceCheckpointSchema.parse({ refreshIntervalNs: "100ms" });
 * if (c.refreshIntervalNs !== 100_000_000 || !c.refreshOnConfig) throw new Error("defaults");
 * ```
 */
export const deviceCheckpointSchema = z.object({
  /** Periodic checkpoint refresh (suspend subset + driver configuration image); 0 = never. */
  refreshIntervalNs: durationNs.default(1_000_000_000),
  /** Take and ship a fresh checkpoint right after every configuration entry point. */
  refreshOnConfig: z.boolean().default(true),
  /** Binding the already loaded, detached driver to the NIC at takeover (assumption). */
  attachNs: durationNs.default(1_000_000),
  /** Rebuilding the descriptor rings in the survivor's memory, per descriptor (assumption). */
  ringRebuildNsPerDescriptor: durationNs.default(500),
  /**
   * Negative control `stale-checkpoint`: a configuration change is neither logged nor followed by
   * a checkpoint refresh; the secondary learns it only from the next periodic checkpoint.
   */
  control: z.enum(["none", "stale-checkpoint"]).default("none"),
  /** Parameters of the e1000 device model (lib/fgft `e1000ConfigSchema`, validated there). */
  device: z.record(z.string(), z.unknown()).default({}),
}).strict();

/** Validated `deviceCheckpoint` settings. */
export type DeviceCheckpointConfig = z.output<typeof deviceCheckpointSchema>;

/**
 * zod schema of `secondNic` (a second NIC already owned by the secondary).
 *
 * @example
 * ```ts
 * import { secondNicSchema } from "./nic_standby_config.ts";
 * if (secondNicSchema.parse({}).switchNs !== 100_000) throw new Error("default");
 * ```
 */
export const secondNicSchema = z.object({
  /** Moving the service route to the second NIC (assumption). */
  switchNs: durationNs.default(100_000),
}).strict();

/** Validated `secondNic` settings. */
export type SecondNicConfig = z.output<typeof secondNicSchema>;
