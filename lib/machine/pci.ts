/**
 * PCI devices: a 256-byte configuration space and named 32-bit registers.
 *
 * The configuration space holds the standard header fields (vendor and device id, command, status,
 * class, base address registers, interrupt line); device models (lib/fgft) extend
 * {@linkcode PciDevice} with their registers and internal state (descriptor rings, link state,
 * codec state) and override {@linkcode PciDevice.internalState} so that {@linkcode PciDevice.snapshot}
 * returns the *full* device state for checkers.
 *
 * A device is reachable while it and the node it hangs off are up; otherwise reads return
 * `bus-error` with all ones (what a PCIe master abort returns) and writes are dropped.
 *
 * @module
 */

/** Offsets of standard configuration-space fields. */
export const PCI_CONFIG = {
  vendorId: 0x00,
  deviceId: 0x02,
  command: 0x04,
  status: 0x06,
  revision: 0x08,
  classCode: 0x09,
  bar0: 0x10,
  interruptLine: 0x3c,
  interruptPin: 0x3d,
} as const;

/** A register definition. */
export interface RegisterDef {
  offset: number;
  reset: number;
  writeMask: number;
}

/** Result of a register or config read. */
export interface RegisterRead {
  status: "ok" | "bus-error";
  value: number;
}

/** The full, comparable state of a device. */
export interface DeviceSnapshot {
  /** Configuration space bytes. */
  config: number[];
  /** Register values by name (sorted by name). */
  registers: Record<string, number>;
  /** Device-model state beyond registers (rings, link, codec...). */
  internal: Record<string, unknown>;
}

/** Hooks a device uses to ask the machine whether it is reachable and to report events. */
export interface DeviceHooks {
  reachable(): boolean;
  event(kind: string, fields: Record<string, unknown>): void;
}

const ALWAYS: DeviceHooks = { reachable: () => true, event: () => {} };

/**
 * A PCI device with named registers.
 *
 * @example
 * ```ts
 * import { PciDevice } from "./pci.ts";
 * const dev = new PciDevice("nic0", "net", 0, { vendorId: 0x8086, deviceId: 0x100e }, {
 *   CTRL: { offset: 0x0, reset: 0, writeMask: 0xffffffff },
 * });
 * dev.writeRegister("CTRL", 0x40);
 * const saved = dev.snapshot();
 * dev.writeRegister("CTRL", 0);
 * dev.restore(saved);
 * if (dev.readRegister("CTRL").value !== 0x40) throw new Error("restore");
 * ```
 */
export class PciDevice {
  readonly name: string;
  readonly kind: string;
  /** The node this device is attached to. */
  readonly node: number;
  /** Register reads and writes so far (a cost model can charge per access). */
  accesses = 0;
  protected readonly config = new Uint8Array(256);
  readonly #defs: ReadonlyMap<string, RegisterDef>;
  readonly #values = new Map<string, number>();
  #hooks: DeviceHooks = ALWAYS;
  readonly #ids: { vendorId: number; deviceId: number };

  constructor(
    name: string,
    kind: string,
    node: number,
    ids: { vendorId: number; deviceId: number },
    registers: Readonly<Record<string, RegisterDef>>,
  ) {
    this.name = name;
    this.kind = kind;
    this.node = node;
    this.#ids = ids;
    this.#defs = new Map(Object.entries(registers).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
    this.powerOnReset();
  }

  /** Connects the device to its machine (called by the machine when the device is attached). */
  attach(hooks: DeviceHooks): void {
    this.#hooks = hooks;
  }

  /** Whether the device can be accessed now. */
  get reachable(): boolean {
    return this.#hooks.reachable();
  }

  /** Register names, sorted. */
  get registerNames(): string[] {
    return [...this.#defs.keys()];
  }

  /** Reads a register. Unknown names throw (a model bug, not a simulated fault). */
  readRegister(name: string): RegisterRead {
    this.#def(name);
    this.accesses++;
    if (!this.reachable) return { status: "bus-error", value: 0xffffffff };
    return { status: "ok", value: this.#values.get(name)! };
  }

  /** Writes a register (read-only bits keep their value). Returns false when unreachable. */
  writeRegister(name: string, value: number): boolean {
    const def = this.#def(name);
    this.accesses++;
    if (!this.reachable) return false;
    const old = this.#values.get(name)!;
    this.#values.set(name, ((old & ~def.writeMask) | (value & def.writeMask)) >>> 0);
    this.onRegisterWrite(name, this.#values.get(name)!);
    return true;
  }

  /** Reads 1, 2 or 4 bytes (little-endian) of configuration space. */
  readConfig(offset: number, bytes: 1 | 2 | 4 = 4): RegisterRead {
    checkConfigRange(offset, bytes);
    if (!this.reachable) return { status: "bus-error", value: 2 ** (8 * bytes) - 1 };
    let v = 0;
    for (let i = bytes - 1; i >= 0; i--) v = v * 256 + this.config[offset + i]!;
    return { status: "ok", value: v };
  }

  /** Writes 1, 2 or 4 bytes (little-endian) of configuration space. */
  writeConfig(offset: number, value: number, bytes: 1 | 2 | 4 = 4): boolean {
    checkConfigRange(offset, bytes);
    if (!this.reachable) return false;
    for (let i = 0; i < bytes; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
    return true;
  }

  /** Flips one bit of a register (a transient fault in the device). */
  flipRegisterBit(name: string, bit: number): void {
    this.#def(name);
    if (!Number.isInteger(bit) || bit < 0 || bit > 31) {
      throw new RangeError(`bit ${bit}: expected 0..31`);
    }
    this.#values.set(name, (this.#values.get(name)! ^ (1 << bit)) >>> 0);
    this.#hooks.event("register-flip", { register: name, bit });
  }

  /** Power-on state: registers at their reset values, a fresh configuration space. */
  powerOnReset(): void {
    for (const [n, d] of this.#defs) this.#values.set(n, d.reset >>> 0);
    this.config.fill(0);
    this.writeConfigRaw(PCI_CONFIG.vendorId, this.#ids.vendorId, 2);
    this.writeConfigRaw(PCI_CONFIG.deviceId, this.#ids.deviceId, 2);
    this.resetInternal();
  }

  /** The full device state: config space, registers and device-model state. */
  snapshot(): DeviceSnapshot {
    const registers: Record<string, number> = {};
    for (const n of this.#defs.keys()) registers[n] = this.#values.get(n)!;
    return { config: [...this.config], registers, internal: structuredClone(this.internalState()) };
  }

  /** Puts the device back into a snapshot's state (a model of a restore; costs are the caller's). */
  restore(s: DeviceSnapshot): void {
    this.config.set(s.config);
    for (const [n, v] of Object.entries(s.registers)) {
      this.#def(n);
      this.#values.set(n, v >>> 0);
    }
    this.restoreInternal(structuredClone(s.internal));
  }

  /** Device-model state beyond registers; override in models. */
  protected internalState(): Record<string, unknown> {
    return {};
  }

  /** Restores device-model state; override in models. */
  protected restoreInternal(_state: Record<string, unknown>): void {}

  /** Clears device-model state at power-on; override in models. */
  protected resetInternal(): void {}

  /** Reacts to a register write (side effects such as a reset bit); override in models. */
  protected onRegisterWrite(_name: string, _value: number): void {}

  /** Sets a register bypassing the write mask (device-side updates such as status bits). */
  protected setRegisterRaw(name: string, value: number): void {
    this.#def(name);
    this.#values.set(name, value >>> 0);
  }

  /** Reads a register without access checks or counting (device-side logic). */
  protected registerRaw(name: string): number {
    this.#def(name);
    return this.#values.get(name)!;
  }

  protected writeConfigRaw(offset: number, value: number, bytes: 1 | 2 | 4): void {
    for (let i = 0; i < bytes; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  #def(name: string): RegisterDef {
    const d = this.#defs.get(name);
    if (!d) throw new RangeError(`${this.name}: no register named ${JSON.stringify(name)}`);
    return d;
  }
}

function checkConfigRange(offset: number, bytes: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + bytes > 256) {
    throw new RangeError(`config space access at ${offset} (+${bytes}) outside 0..255`);
  }
}
