/**
 * An e1000-style gigabit NIC (Intel 8254x): PCI configuration space, the MMIO registers a Linux
 * e1000 driver programs, descriptor-ring head/tail pointers, and a PHY link that survives a MAC
 * reset but not a PHY reset.
 *
 * Registers (offsets of the 8254x manual): CTRL, STATUS (read-only, derived from the link), EECD,
 * EERD, CTRL_EXT, MDIC, ICR, ITR, IMS, IMC, RCTL, TCTL, TIPG, RDBAL/RDBAH/RDLEN/RDH/RDT, RDTR,
 * TDBAL/TDBAH/TDLEN/TDH/TDT, TIDV, RAL0/RAH0 (MAC address), MTA0..MTA127 (multicast hash table),
 * RXCSUM, FCAL/FCAH/FCT/FCTTV (flow control), WUC/WUFC (wake-up), LEDCTL, MANC, PBA.
 *
 * Device behaviour: writing CTRL.RST (bit 26) resets the MAC registers (not the PHY); CTRL.PHY_RST
 * (bit 31) drops the link; STATUS.LU reflects `link up && CTRL.SLU`; writing TDT lets the device
 * consume transmit descriptors (TDH catches up; counted in `transmittedDescriptors`); `receive(n)` advances RDH.
 *
 * Costs (zod {@linkcode e1000ConfigSchema}, integer ns) are defaults taken from delays written in the
 * Linux e1000 driver (msleep values around resets) and the PCI power-management spec (10 ms D3hot to
 * D0); the rest (EEPROM word read, MDIC access, bring-up) are order-of-magnitude assumptions, since
 * fgft.md says per-driver latencies were not available.
 *
 * @module
 */
import { z } from "zod";
import type { RegisterDef } from "../machine/pci.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import { deviceAccessSchema, DeviceModel, type Step } from "./device_model.ts";

/** zod schema of the NIC model's parameters (all durations integer ns or strings like "10ms"). */
export const e1000ConfigSchema = deviceAccessSchema.extend({
  /** Descriptors per ring (RDLEN/TDLEN / 16). */
  ringDescriptors: z.number().int().min(8).max(4096).default(256),
  /** PCI power-up: D3hot to D0 recovery time (PCI PM spec 1.2: 10 ms). */
  d3ToD0Ns: durationNs.default(10_000_000),
  /** Quiesce before a reset (e1000_reset_hw: msleep(10) for outstanding PCI transactions). */
  quiesceNs: durationNs.default(10_000_000),
  /** MAC reset settle time after CTRL.RST (e1000_reset_hw: msleep(5)). */
  macResetNs: durationNs.default(5_000_000),
  /** Words of EEPROM read and checksummed by the probe routine. */
  eepromWords: z.number().int().min(0).max(4096).default(64),
  /** One EEPROM word read through EERD (assumption). */
  eepromWordReadNs: durationNs.default(20_000),
  /** PHY reset hold time (e1000_phy_hw_reset: msleep(10)). */
  phyResetNs: durationNs.default(10_000_000),
  /** PHY register accesses through MDIC during PHY set-up, and the cost of each (assumption). */
  phyInitAccesses: z.number().int().min(0).max(10_000).default(30),
  mdicAccessNs: durationNs.default(50_000),
  /**
   * Link autonegotiation with the link partner after a PHY reset. Default 0: it depends on the
   * partner (about 2-3 s for gigabit copper) and is not part of the driver's recovery work; the
   * FGFT resume path keeps the PHY, so a non-zero value only lengthens restart and shadow.
   */
  autonegNs: durationNs.default(0),
  /** Bring the interface down (e1000_down: msleep(10) while DMA stops). */
  downNs: durationNs.default(10_000_000),
  /** Bring the interface up: refill receive buffers, enable interrupts (assumption). */
  upNs: durationNs.default(1_000_000),
}).strict();

/** NIC parameters as a user writes them. */
export type E1000ConfigInput = z.input<typeof e1000ConfigSchema>;
/** Validated NIC parameters. */
export type E1000Config = z.output<typeof e1000ConfigSchema>;

const CTRL_SLU = 1 << 6, CTRL_RST = 1 << 26, CTRL_PHY_RST = 1 << 31;
const ALL = 0xffffffff;

function e1000Registers(): Record<string, RegisterDef> {
  const r: Record<string, RegisterDef> = {};
  const add = (name: string, offset: number, reset = 0, writeMask = ALL) =>
    r[name] = { offset, reset, writeMask };
  add("CTRL", 0x0, 0x00000201);
  add("STATUS", 0x8, 0, 0);
  add("EECD", 0x10, 0x110);
  add("EERD", 0x14);
  add("CTRL_EXT", 0x18);
  add("MDIC", 0x20);
  add("FCAL", 0x28);
  add("FCAH", 0x2c);
  add("FCT", 0x30);
  add("ICR", 0xc0);
  add("ITR", 0xc4);
  add("IMS", 0xd0);
  add("IMC", 0xd8);
  add("RCTL", 0x100);
  add("FCTTV", 0x170);
  add("TCTL", 0x400, 0x8);
  add("TIPG", 0x410);
  add("LEDCTL", 0xe00, 0x07068302);
  add("PBA", 0x1000, 0x30);
  for (const [p, base] of [["RD", 0x2800], ["TD", 0x3800]] as const) {
    add(`${p}BAL`, base, 0, 0xfffffff0);
    add(`${p}BAH`, base + 4);
    add(`${p}LEN`, base + 8, 0, 0x000fff80);
    add(`${p}H`, base + 0x10, 0, 0xffff);
    add(`${p}T`, base + 0x18, 0, 0xffff);
  }
  add("RDTR", 0x2820);
  add("TIDV", 0x3820);
  add("RXCSUM", 0x5000);
  for (let i = 0; i < 128; i++) add(`MTA${i}`, 0x5200 + 4 * i);
  add("RAL0", 0x5400);
  add("RAH0", 0x5404);
  add("WUC", 0x5800);
  add("WUFC", 0x5808);
  add("MANC", 0x5820);
  return r;
}

/**
 * The NIC model. Build with a config (validated here; bad values throw a ConfigError naming the
 * field).
 *
 * @example
 * ```ts
 * import { E1000Nic } from "./e1000_nic.ts";
 * const nic = new E1000Nic("nic0", { ringDescriptors: 64 });
 * nic.coldBoot();
 * nic.writeRegister("CTRL", nic.readRegister("CTRL").value | (1 << 6)); // set link up
 * if ((nic.readRegister("STATUS").value & 2) === 0) throw new Error("link should be up");
 * nic.writeRegister("TDT", 5);
 * if (nic.readRegister("TDH").value !== 5) throw new Error("descriptors not consumed");
 * ```
 */
export class E1000Nic extends DeviceModel {
  /** Validated parameters. */
  readonly params: E1000Config;
  override readonly access: E1000Config;
  /** Transmit descriptors consumed so far (the wire's view; not device state, not restored). */
  transmittedDescriptors = 0;
  // Set by powerOnReset() from the base constructor, before field initialisers run: no initialiser.
  declare private linkIsUp: boolean;

  constructor(name: string, config: E1000ConfigInput = {}) {
    super(name, "net", { vendorId: 0x8086, deviceId: 0x100e }, e1000Registers());
    this.params = parseConfig(e1000ConfigSchema, config, `${name} (e1000 NIC)`);
    this.access = this.params;
  }

  /** Whether the PHY has a link with the partner. */
  get linkUp(): boolean {
    return this.linkIsUp;
  }

  /** Frames arrive: the device fills `n` receive descriptors (RDH advances, wrapping). */
  receive(n: number): void {
    const rdh = (this.registerRaw("RDH") + n) % this.params.ringDescriptors;
    this.setRegisterRaw("RDH", rdh);
  }

  override coldBootSteps(): Step[] {
    const p = this.params;
    return [
      { name: "pci-d3-to-d0", ns: p.d3ToD0Ns },
      { name: "quiesce", ns: p.quiesceNs },
      { name: "global-reset", ns: p.macResetNs },
      { name: "eeprom-checksum", ns: p.eepromWords * p.eepromWordReadNs },
      { name: "phy-reset", ns: p.phyResetNs },
      { name: "phy-init", ns: p.phyInitAccesses * p.mdicAccessNs },
      { name: "autonegotiation", ns: p.autonegNs },
    ].filter((s) => s.ns > 0);
  }

  override resumeSteps(savedRegisters: number, reprogrammed: number): Step[] {
    const p = this.params;
    return [
      { name: "bring-down", ns: p.downNs },
      { name: "restore-pci-config", ns: (p.configSaveBytes / 4) * p.configAccessNs },
      { name: "quiesce", ns: p.quiesceNs },
      { name: "mac-reset", ns: p.macResetNs },
      { name: "restore-registers", ns: savedRegisters * p.mmioWriteNs },
      { name: "reprogram-from-memory", ns: reprogrammed * p.mmioWriteNs },
      { name: "bring-up", ns: p.upNs },
    ];
  }

  protected override internalState(): Record<string, unknown> {
    return { linkUp: this.linkIsUp };
  }

  protected override restoreInternal(state: Record<string, unknown>): void {
    this.linkIsUp = state.linkUp === true;
  }

  protected override resetInternal(): void {
    this.linkIsUp = false;
  }

  protected override resetForResume(): void {
    // A MAC reset through CTRL.RST: the PHY, and so the link, survives (fgft.md: reset, bring up).
    const link = this.linkIsUp;
    const config = this.config.slice();
    this.powerOnReset();
    this.config.set(config);
    this.linkIsUp = link;
    this.#updateStatus();
  }

  protected override afterColdBoot(): void {
    this.linkIsUp = true;
    this.#updateStatus();
  }

  protected override onRegisterWrite(name: string, value: number): void {
    if (name === "CTRL") this.#onCtrl(value);
    else if (name === "TDT") this.#transmit(value);
    this.#updateStatus();
  }

  #onCtrl(value: number): void {
    if (value & CTRL_RST) this.resetForResume();
    if (value & CTRL_PHY_RST) {
      this.linkIsUp = false;
      this.setRegisterRaw("CTRL", (this.registerRaw("CTRL") & ~CTRL_PHY_RST) >>> 0);
    }
  }

  #transmit(tdt: number): void {
    const n = this.params.ringDescriptors;
    const sent = (tdt - this.registerRaw("TDH") + n) % n;
    this.setRegisterRaw("TDH", tdt % n);
    this.transmittedDescriptors += sent;
  }

  #updateStatus(): void {
    const lu = this.linkIsUp && (this.registerRaw("CTRL") & CTRL_SLU) !== 0;
    // STATUS: FD (bit 0), LU (bit 1), speed 1000 (bits 6-7 = 10b) when the link is up.
    this.setRegisterRaw("STATUS", lu ? 0x83 : 0);
  }
}
