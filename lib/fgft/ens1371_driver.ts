/**
 * The ens1371 sound driver (ALSA snd-ens1371) as data: the chip and AC'97 objects, the PCM runtime,
 * and its entry points: PCM open/close/hw_params/prepare/trigger/pointer for playback and capture,
 * the interrupt, and the mixer control get/put/info callbacks. Its suspend subset saves the 17
 * device registers and 16 mixer registers of fgft.md; the mixer registers are also reprogrammed
 * from the AC'97 register cache in memory.
 *
 * @module
 */
import { defineDriver, type DriverSpec, type EntryPointInput } from "./driver_spec.ts";
import { ENS1371_DEVICE_REGISTERS, ENS1371_MIXER_REGISTERS } from "./ens1371_sound.ts";

const mixerField = (reg: string) => `ac97.${reg.toLowerCase().replace(/^ac97_/, "r_")}`;

function objects() {
  return [
    {
      name: "chip",
      bytes: 1_024,
      fields: { ctrl: 0, sctrl: 0, dac2_rate: 44_100, src_rate: 0x5622 },
    },
    {
      name: "ac97",
      bytes: 768,
      fields: Object.fromEntries(
        ENS1371_MIXER_REGISTERS.map((
          r,
          i,
        ) => [mixerField(r).split(".")[1]!, i === 0 ? 0x8000 : 0x8808]),
      ),
    },
    {
      name: "runtime",
      bytes: 640,
      fields: {
        state: 0,
        hw_ptr: 0,
        appl_ptr: 0,
        period_frames: 1_024,
        buffer_frames: 4_096,
        dma_addr: 0x3400_0000,
      },
    },
    { name: "capture", bytes: 640, fields: { state: 0, hw_ptr: 0, rate: 48_000 } },
  ];
}

function programs(): Record<string, string> {
  return {
    CONTROL: "chip.ctrl",
    SERIAL: "chip.sctrl",
    SRC_DAC2_RATE: "chip.src_rate",
    DAC2_FRAME: "runtime.dma_addr",
    DAC2_SIZE: "runtime.buffer_frames",
    ...Object.fromEntries(ENS1371_MIXER_REGISTERS.map((r) => [r, mixerField(r)])),
  };
}

function pcm(prefix: string, obj: string, hotReg: string): EntryPointInput[] {
  const base = { reads: ["chip", obj], argBytes: 64 };
  return [
    {
      name: `${prefix}_open`,
      kind: "control",
      costNs: 20_000,
      ...base,
      writes: [`${obj}.state`],
      tempAllocations: 1,
    },
    { name: `${prefix}_close`, kind: "control", costNs: 10_000, ...base, writes: [`${obj}.state`] },
    {
      name: `${prefix}_hw_params`,
      kind: "config",
      costNs: 30_000,
      ...base,
      writes: [`${obj}.state`],
      tempAllocations: 1,
    },
    { name: `${prefix}_hw_free`, kind: "config", costNs: 8_000, ...base, writes: [`${obj}.state`] },
    {
      name: `${prefix}_prepare`,
      kind: "config",
      costNs: 60_000,
      ...base,
      writes: ["chip.src_rate", "chip.sctrl"],
      registersWritten: ["SRC_DAC2_RATE", "SERIAL", "DAC2_SIZE", "DAC2_FRAME"],
      locks: ["reg_lock"],
    },
    {
      name: `${prefix}_trigger`,
      kind: "config",
      costNs: 5_000,
      ...base,
      writes: ["chip.ctrl", `${obj}.state`],
      registersWritten: ["CONTROL"],
      locks: ["reg_lock"],
    },
    {
      name: `${prefix}_pointer`,
      kind: "hot",
      costNs: 1_200,
      ...base,
      writes: [`${obj}.hw_ptr`],
      registersRead: [hotReg],
      locks: ["reg_lock"],
    },
  ];
}

function mixer(): EntryPointInput[] {
  return [
    { name: "mixer_info", kind: "config", costNs: 1_000, reads: ["ac97"], argBytes: 128 },
    { name: "mixer_get", kind: "config", costNs: 1_500, reads: ["ac97"], argBytes: 128 },
    {
      name: "mixer_put_volume",
      kind: "config",
      costNs: 25_000,
      reads: ["ac97"],
      writes: ["ac97.r_master", "ac97.r_pcm"],
      registersWritten: ["AC97_MASTER", "AC97_PCM"],
      locks: ["ac97_lock"],
      argBytes: 128,
    },
    {
      name: "mixer_put_capture",
      kind: "config",
      costNs: 25_000,
      reads: ["ac97"],
      writes: ["ac97.r_rec_sel", "ac97.r_rec_gain"],
      registersWritten: ["AC97_REC_SEL", "AC97_REC_GAIN"],
      locks: ["ac97_lock"],
      argBytes: 128,
    },
    {
      name: "spdif_put",
      kind: "config",
      costNs: 6_000,
      reads: ["chip"],
      writes: ["chip.ctrl"],
      registersWritten: ["CONTROL"],
      locks: ["reg_lock"],
      argBytes: 128,
    },
    {
      name: "interrupt",
      kind: "hot",
      costNs: 900,
      reads: ["chip", "runtime"],
      writes: ["runtime.hw_ptr"],
      registersRead: ["STATUS", "DAC2_COUNT"],
      locks: ["reg_lock"],
    },
  ];
}

/**
 * The ens1371 driver spec (validated).
 *
 * @example
 * ```ts
 * import { ens1371Driver } from "./ens1371_driver.ts";
 * const d = ens1371Driver();
 * if (d.suspendRegisters.length !== 33) throw new Error("17 device + 16 mixer registers");
 * ```
 */
export function ens1371Driver(): DriverSpec {
  return defineDriver({
    name: "ens1371",
    device: "ens1371",
    objects: objects(),
    entryPoints: [
      ...pcm("playback", "runtime", "DAC2_COUNT"),
      ...pcm("capture", "capture", "ADC_COUNT"),
      ...mixer(),
    ],
    programs: programs(),
    suspendRegisters: [...ENS1371_DEVICE_REGISTERS, ...ENS1371_MIXER_REGISTERS],
    costs: {
      moduleUnloadNs: 15_000_000,
      moduleLoadNs: 15_000_000,
      probeNs: 10_000_000,
      openNs: 1_000_000,
    },
  });
}
