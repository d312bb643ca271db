/**
 * An ens1371-style sound card (Ensoniq AudioPCI 1371): the controller's registers and the AC'97
 * codec's mixer registers.
 *
 * The ens1371 driver's suspend routine saves 17 device registers and 16 mixer registers
 * (fgft.md section 2, step 3); this model has exactly those (`ENS1371_DEVICE_REGISTERS`,
 * `ENS1371_MIXER_REGISTERS`) plus the read-only STATUS and the CODEC command port. The playback
 * stream's state lives in registers: CONTROL bit 5 (DAC2 enable) is "playing", DAC2_COUNT the
 * current position in the buffer; `play(frames)` advances it as the DMA engine would.
 *
 * Mixer registers sit behind the codec: every access costs `codecAccessNs` (waiting for the codec's
 * ready bit) instead of an MMIO access. Costs are documented assumptions (fgft.md gives none).
 *
 * @module
 */
import { z } from "zod";
import type { RegisterDef } from "../machine/pci.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import { deviceAccessSchema, DeviceModel, type Step } from "./device_model.ts";

/** The 17 controller registers the driver's suspend routine saves. */
export const ENS1371_DEVICE_REGISTERS = [
  "CONTROL",
  "SERIAL",
  "MEM_PAGE",
  "SRC",
  "LEGACY",
  "UART_CONTROL",
  "DAC1_COUNT",
  "DAC2_COUNT",
  "ADC_COUNT",
  "DAC1_FRAME",
  "DAC1_SIZE",
  "DAC2_FRAME",
  "DAC2_SIZE",
  "ADC_FRAME",
  "ADC_SIZE",
  "SRC_DAC1_RATE",
  "SRC_DAC2_RATE",
] as const;

/** The 16 AC'97 mixer registers the driver's suspend routine saves. */
export const ENS1371_MIXER_REGISTERS = [
  "AC97_MASTER",
  "AC97_HEADPHONE",
  "AC97_MASTER_MONO",
  "AC97_PC_BEEP",
  "AC97_PHONE",
  "AC97_MIC",
  "AC97_LINE",
  "AC97_CD",
  "AC97_VIDEO",
  "AC97_AUX",
  "AC97_PCM",
  "AC97_REC_SEL",
  "AC97_REC_GAIN",
  "AC97_GENERAL_PURPOSE",
  "AC97_3D_CONTROL",
  "AC97_POWERDOWN",
] as const;

/** zod schema of the sound card's parameters (integer ns or duration strings). */
export const ens1371ConfigSchema = deviceAccessSchema.extend({
  /** One codec (mixer) register access, including the wait for the codec's ready bit. */
  codecAccessNs: durationNs.default(20_000),
  /** Codec cold reset and wait for codec ready (AC'97: tens of ms; assumption). */
  codecResetNs: durationNs.default(50_000_000),
  /** Sample-rate converter RAM initialisation at boot (128 words; assumption). */
  srcInitNs: durationNs.default(3_000_000),
  /** Controller reset at resume (assumption). */
  resetNs: durationNs.default(1_000_000),
  /** Frames in the DAC2 playback buffer (position wraps). */
  bufferFrames: z.number().int().min(1).max(1 << 20).default(4096),
}).strict();

/** Sound-card parameters as a user writes them. */
export type Ens1371ConfigInput = z.input<typeof ens1371ConfigSchema>;
/** Validated sound-card parameters. */
export type Ens1371Config = z.output<typeof ens1371ConfigSchema>;

const DAC2_EN = 1 << 5;

function ens1371Registers(): Record<string, RegisterDef> {
  const r: Record<string, RegisterDef> = {};
  ENS1371_DEVICE_REGISTERS.forEach((n, i) => r[n] = { offset: 4 * i, reset: 0, writeMask: ~0 });
  r.STATUS = { offset: 0x44, reset: 0, writeMask: 0 };
  r.CODEC = { offset: 0x48, reset: 0, writeMask: ~0 };
  ENS1371_MIXER_REGISTERS.forEach((n, i) =>
    r[n] = { offset: 0x100 + 2 * i, reset: i === 0 ? 0x8000 : 0x8808, writeMask: 0xffff }
  );
  return r;
}

/**
 * The sound-card model.
 *
 * @example
 * ```ts
 * import { Ens1371Sound } from "./ens1371_sound.ts";
 * const snd = new Ens1371Sound("snd0");
 * snd.coldBoot();
 * snd.writeRegister("CONTROL", 1 << 5); // start DAC2 playback
 * snd.play(100);
 * if (snd.readRegister("DAC2_COUNT").value !== 100 || !snd.playing) throw new Error("stream");
 * ```
 */
export class Ens1371Sound extends DeviceModel {
  /** Validated parameters. */
  readonly params: Ens1371Config;
  override readonly access: Ens1371Config;

  constructor(name: string, config: Ens1371ConfigInput = {}) {
    super(name, "sound", { vendorId: 0x1274, deviceId: 0x1371 }, ens1371Registers());
    this.params = parseConfig(ens1371ConfigSchema, config, `${name} (ens1371 sound)`);
    this.access = this.params;
  }

  /** Whether the DAC2 playback stream runs. */
  get playing(): boolean {
    return (this.registerRaw("CONTROL") & DAC2_EN) !== 0;
  }

  /** The DMA engine plays `frames` frames when the stream runs (DAC2_COUNT advances, wrapping). */
  play(frames: number): void {
    if (!this.playing) return;
    this.setRegisterRaw(
      "DAC2_COUNT",
      (this.registerRaw("DAC2_COUNT") + frames) % this.params.bufferFrames,
    );
  }

  override checkpointSteps(savedRegisters: number): Step[] {
    const mixer = ENS1371_MIXER_REGISTERS.length;
    const device = Math.max(0, savedRegisters - mixer);
    return [
      {
        name: "save-pci-config",
        ns: (this.params.configSaveBytes / 4) * this.params.configAccessNs,
      },
      { name: "save-registers", ns: device * this.params.mmioReadNs },
      { name: "save-mixer", ns: Math.min(mixer, savedRegisters) * this.params.codecAccessNs },
    ];
  }

  override coldBootSteps(): Step[] {
    const p = this.params;
    return [
      { name: "pci-d3-to-d0", ns: 10_000_000 },
      { name: "codec-cold-reset", ns: p.codecResetNs },
      { name: "src-init", ns: p.srcInitNs },
      { name: "mixer-defaults", ns: ENS1371_MIXER_REGISTERS.length * p.codecAccessNs },
    ];
  }

  override resumeSteps(savedRegisters: number, reprogrammed: number): Step[] {
    const p = this.params;
    const mixer = ENS1371_MIXER_REGISTERS.length;
    return [
      { name: "restore-pci-config", ns: (p.configSaveBytes / 4) * p.configAccessNs },
      { name: "controller-reset", ns: p.resetNs },
      { name: "restore-registers", ns: Math.max(0, savedRegisters - mixer) * p.mmioWriteNs },
      { name: "restore-mixer", ns: Math.min(mixer, savedRegisters) * p.codecAccessNs },
      { name: "reprogram-from-memory", ns: reprogrammed * p.mmioWriteNs },
    ];
  }

  protected override onRegisterWrite(): void {
    this.setRegisterRaw("STATUS", this.playing ? 0x80000000 | DAC2_EN : 0);
  }
}
