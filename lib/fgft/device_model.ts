/**
 * The device side of FGFT: a PCI device model with the three procedures recovery needs.
 *
 * - **cold boot** (`coldBootSteps` then `coldBoot()`): power-up and full reset, what a driver restart
 *   pays before the probe routine;
 * - **checkpoint** (`checkpointSteps` then `checkpoint()`): the subset of the driver's suspend routine
 *   FGFT runs before an isolated call: the first `configSaveBytes` bytes of PCI configuration space
 *   plus the driver's `suspendRegisters` (fgft.md section 2, step 3);
 * - **resume** (`resumeSteps` then `resume()`): the resume-like restore path: device reset, PCI state
 *   written back, saved registers written back, and the registers the driver programs from its memory
 *   (MAC address, multicast table, ring tails...) rewritten from the unchanged in-memory state.
 *
 * Procedures are split in two: `*Steps()` returns the timed steps (names and integer ns, from the
 * device's zod cost config), which the recovery processes yield one by one so that the trace and
 * timelines show them, and the state change itself, applied once the steps are done.
 * `snapshot()` (from {@linkcode PciDevice}) returns the *full* state, for checkers only.
 *
 * @module
 */
import { z } from "zod";
import { PciDevice, type RegisterDef } from "../machine/pci.ts";
import { durationNs } from "../sim/config.ts";

/** One timed step of a device, driver or recovery procedure (integer ns). */
export interface Step {
  name: string;
  ns: number;
}

/** What the suspend subset saved: PCI configuration bytes and register values. */
export interface DeviceCheckpoint {
  device: string;
  /** The first `configSaveBytes` bytes of configuration space. */
  config: number[];
  /** Saved register values, by name. */
  registers: Record<string, number>;
}

/** zod schema of the access costs every device model shares (integer ns; strings such as "1us"). */
export const deviceAccessSchema = z.object({
  /** One uncached MMIO register read (a PCIe round trip). */
  mmioReadNs: durationNs.default(800),
  /** One posted MMIO register write. */
  mmioWriteNs: durationNs.default(150),
  /** One 32-bit configuration-space access (CF8/CFC or ECAM). */
  configAccessNs: durationNs.default(1_000),
  /** Configuration bytes the checkpoint saves: 64 = the standard header, what pci_save_state keeps. */
  configSaveBytes: z.number().int().min(4).max(256).multipleOf(4).default(64),
}).strict();

/** Validated access costs. */
export type DeviceAccessCosts = z.output<typeof deviceAccessSchema>;

/**
 * A device model with cold boot, checkpoint and resume procedures (extend it per device).
 *
 * @example
 * ```ts
 * import { E1000Nic } from "./e1000_nic.ts";
 * const nic = new E1000Nic("nic0");
 * nic.writeRegister("RCTL", 0x2);
 * const cp = nic.checkpoint(["RCTL"]);
 * nic.writeRegister("RCTL", 0);
 * nic.resume(cp, {});
 * if (nic.readRegister("RCTL").value !== 0x2) throw new Error("not restored");
 * ```
 */
export abstract class DeviceModel extends PciDevice {
  /** Access costs of this device. */
  abstract readonly access: DeviceAccessCosts;

  constructor(
    name: string,
    kind: string,
    ids: { vendorId: number; deviceId: number },
    registers: Readonly<Record<string, RegisterDef>>,
  ) {
    super(name, kind, 0, ids, registers);
  }

  /** Steps of a cold boot (power-up, full reset, device self-test), before any driver code runs. */
  abstract coldBootSteps(): Step[];

  /** Steps of the resume-like restore, given how many registers the driver reprograms. */
  abstract resumeSteps(savedRegisters: number, reprogrammed: number): Step[];

  /** Puts the device in its cold-boot state (power-on reset, then the model's boot side effects). */
  coldBoot(): void {
    this.powerOnReset();
    this.afterColdBoot();
  }

  /** Steps of the checkpoint: configuration reads plus one MMIO read per saved register. */
  checkpointSteps(savedRegisters: number): Step[] {
    return [
      {
        name: "save-pci-config",
        ns: (this.access.configSaveBytes / 4) * this.access.configAccessNs,
      },
      { name: "save-registers", ns: savedRegisters * this.access.mmioReadNs },
    ];
  }

  /** Runs the suspend subset: saves configuration space and `registers` (through real reads). */
  checkpoint(registers: readonly string[]): DeviceCheckpoint {
    const config: number[] = [];
    for (let off = 0; off < this.access.configSaveBytes; off += 4) {
      const v = this.readConfig(off, 4).value;
      config.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    }
    const saved: Record<string, number> = {};
    for (const r of registers) saved[r] = this.readRegister(r).value;
    return { device: this.name, config, registers: saved };
  }

  /**
   * The resume path: a device reset that keeps what the model says survives it (e.g. the PHY
   * link), PCI state written back, saved registers written back, then `programmed` (register ->
   * value from driver memory) written in order.
   */
  resume(cp: DeviceCheckpoint, programmed: Readonly<Record<string, number>>): void {
    this.resetForResume();
    for (let off = 0; off < cp.config.length; off += 4) {
      const b = cp.config;
      this.writeConfig(
        off,
        (b[off]! | b[off + 1]! << 8 | b[off + 2]! << 16 | b[off + 3]! << 24) >>> 0,
      );
    }
    for (const [r, v] of Object.entries(cp.registers)) this.writeRegister(r, v);
    for (const [r, v] of Object.entries(programmed)) this.writeRegister(r, v);
    this.afterResume();
  }

  /** The reset the resume path performs; default: a power-on reset. */
  protected resetForResume(): void {
    this.powerOnReset();
  }

  /** Side effects at the end of a cold boot (link autonegotiated, self-test passed...). */
  protected afterColdBoot(): void {}

  /** Side effects at the end of a resume. */
  protected afterResume(): void {}
}
