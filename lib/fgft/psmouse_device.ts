/**
 * A psmouse-style PS/2 mouse behind an i8042 controller, modelled as one device with registers.
 *
 * The i8042 has a controller configuration byte (I8042_CTR) and data/status ports; the mouse's
 * settings (sample rate, resolution, scaling, data reporting, the IntelliMouse protocol id) are set by
 * commands and kept here as registers PS2_RATE, PS2_RESOLUTION, PS2_SCALING, PS2_REPORTING,
 * PS2_PROTOCOL. Every mouse command costs `commandNs` (send, wait for ACK). `move()` produces a
 * movement packet when reporting is on (counted in `packets`, not device state).
 *
 * Cold boot is the PS/2 reset (0xFF: basic assurance test, up to 500 ms in the PS/2 spec) plus the
 * protocol probe psmouse runs (several knock sequences); resume writes the controller byte back and
 * replays the settings from driver memory, skipping both. Defaults are documented assumptions.
 *
 * @module
 */
import { z } from "zod";
import type { RegisterDef } from "../machine/pci.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import { deviceAccessSchema, DeviceModel, type Step } from "./device_model.ts";

/** zod schema of the mouse model's parameters. */
export const psmouseConfigSchema = deviceAccessSchema.extend({
  /** One PS/2 command with its ACK (about 1-3 ms on real hardware; assumption). */
  commandNs: durationNs.default(2_000_000),
  /** Basic assurance test after reset (PS/2: 300-500 ms). */
  batNs: durationNs.default(400_000_000),
  /** Commands of the protocol probe (IntelliMouse, Explorer, Synaptics... knock sequences). */
  probeCommands: z.number().int().min(0).max(1000).default(30),
}).strict();

/** Mouse parameters as a user writes them. */
export type PsmouseConfigInput = z.input<typeof psmouseConfigSchema>;
/** Validated mouse parameters. */
export type PsmouseConfig = z.output<typeof psmouseConfigSchema>;

function psmouseRegisters(): Record<string, RegisterDef> {
  const r: Record<string, RegisterDef> = {};
  const add = (n: string, offset: number, reset: number, writeMask = 0xff) =>
    r[n] = { offset, reset, writeMask };
  add("I8042_DATA", 0x60, 0);
  add("I8042_STATUS", 0x64, 0x1c, 0);
  add("I8042_CTR", 0x20, 0x47);
  add("PS2_RATE", 0x100, 100);
  add("PS2_RESOLUTION", 0x101, 2);
  add("PS2_SCALING", 0x102, 1);
  add("PS2_REPORTING", 0x103, 0);
  add("PS2_PROTOCOL", 0x104, 0);
  return r;
}

/**
 * The PS/2 mouse model.
 *
 * @example
 * ```ts
 * import { PsMouse } from "./psmouse_device.ts";
 * const mouse = new PsMouse("mouse0");
 * mouse.coldBoot();
 * mouse.writeRegister("PS2_REPORTING", 1);
 * mouse.move();
 * if (mouse.packets !== 1) throw new Error("no packet");
 * ```
 */
export class PsMouse extends DeviceModel {
  /** Validated parameters. */
  readonly params: PsmouseConfig;
  override readonly access: PsmouseConfig;
  /** Movement packets delivered so far (the input stream; not device state). */
  packets = 0;

  constructor(name: string, config: PsmouseConfigInput = {}) {
    super(name, "input", { vendorId: 0x8086, deviceId: 0x7000 }, psmouseRegisters());
    this.params = parseConfig(psmouseConfigSchema, config, `${name} (psmouse)`);
    this.access = this.params;
  }

  /** The mouse moves: one packet (3 or 4 bytes) when data reporting is on. */
  move(): void {
    if (this.registerRaw("PS2_REPORTING") !== 0) this.packets++;
  }

  override checkpointSteps(savedRegisters: number): Step[] {
    return [{ name: "save-controller-byte", ns: savedRegisters * this.params.mmioReadNs }];
  }

  override coldBootSteps(): Step[] {
    const p = this.params;
    return [
      { name: "ps2-reset-bat", ns: p.batNs },
      { name: "protocol-probe", ns: p.probeCommands * p.commandNs },
    ];
  }

  override resumeSteps(savedRegisters: number, reprogrammed: number): Step[] {
    const p = this.params;
    return [
      { name: "restore-controller-byte", ns: savedRegisters * p.mmioWriteNs },
      { name: "replay-settings", ns: reprogrammed * p.commandNs },
    ];
  }

  protected override resetForResume(): void {
    // No device reset at resume: the mouse keeps its protocol; settings are rewritten.
  }
}
