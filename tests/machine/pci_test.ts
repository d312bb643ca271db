import assert from "node:assert/strict";
import fc from "fast-check";
import { createSim } from "../../lib/sim/mod.ts";
import {
  createMachine,
  type DeviceSnapshot,
  type Machine,
  type MachineEvent,
  PCI_CONFIG,
  PciDevice,
  type RegisterDef,
} from "../../lib/machine/mod.ts";

const REGS: Record<string, RegisterDef> = {
  CTRL: { offset: 0x0, reset: 0, writeMask: 0xffffffff },
  STATUS: { offset: 0x8, reset: 0x80000001, writeMask: 0 },
  MIXED: { offset: 0x10, reset: 0xabcd0000, writeMask: 0x0000ffff },
};

function nic(): PciDevice {
  return new PciDevice("nic0", "net", 0, { vendorId: 0x8086, deviceId: 0x100e }, REGS);
}

/** A device model with internal state, as lib/fgft builds them. */
class RingDevice extends PciDevice {
  ring: number[] = [];
  link = "down";
  protected override internalState(): Record<string, unknown> {
    return { ring: this.ring, link: this.link };
  }
  protected override restoreInternal(s: Record<string, unknown>): void {
    this.ring = s.ring as number[];
    this.link = s.link as string;
  }
  protected override resetInternal(): void {
    this.ring = [];
    this.link = "down";
  }
  protected override onRegisterWrite(name: string, value: number): void {
    if (name === "CTRL" && value & 1) this.link = "up";
  }
}

function machineWithNic(): { m: Machine; events: MachineEvent[] } {
  const m = createMachine(createSim({ seed: 1 }), {
    preset: "small-2node",
    devices: [{
      name: "nic0",
      kind: "net",
      node: 1,
      deviceId: 0x100e,
      registers: {
        CTRL: { offset: 0 },
        MIXED: { offset: 0x10, reset: 0xabcd0000, writeMask: 0xffff },
      },
    }],
  });
  const events: MachineEvent[] = [];
  m.on((e) => events.push(e));
  return { m, events };
}

Deno.test("PciDevice.writeRegister() changes only the bits of the write mask", () => {
  const d = nic();
  assert.equal(d.writeRegister("MIXED", 0xffffffff), true);
  assert.equal(d.readRegister("MIXED").value, 0xabcdffff);
  d.writeRegister("STATUS", 0);
  assert.equal(d.readRegister("STATUS").value, 0x80000001, "read-only register");
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      (reset, mask, value) => {
        const dev = new PciDevice("d", "x", 0, { vendorId: 1, deviceId: 2 }, {
          R: { offset: 0, reset, writeMask: mask },
        });
        dev.writeRegister("R", value);
        const expected = (reset & ~mask | value & mask) >>> 0;
        assert.deepEqual(dev.readRegister("R"), { status: "ok", value: expected });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("PciDevice.snapshot() and restore() round-trip registers, configuration space and model state", () => {
  const d = new RingDevice("eth0", "net", 0, { vendorId: 0x10ec, deviceId: 0x8139 }, REGS);
  d.writeRegister("CTRL", 0x41);
  d.writeRegister("MIXED", 0x1234);
  d.writeConfig(PCI_CONFIG.bar0, 0xfebf0000);
  d.writeConfig(PCI_CONFIG.interruptLine, 11, 1);
  d.ring.push(1, 2, 3);
  const saved = d.snapshot();
  assert.deepEqual(saved.registers, { CTRL: 0x41, MIXED: 0xabcd1234, STATUS: 0x80000001 });
  assert.deepEqual(Object.keys(saved.registers), ["CTRL", "MIXED", "STATUS"], "sorted by name");
  assert.deepEqual(saved.internal, { ring: [1, 2, 3], link: "up" });
  assert.equal(saved.config.length, 256);
  const copy: DeviceSnapshot = structuredClone(saved);

  d.writeRegister("CTRL", 0);
  d.writeRegister("MIXED", 0);
  d.writeConfig(PCI_CONFIG.bar0, 0);
  d.writeConfig(PCI_CONFIG.command, 0x7, 2);
  d.flipRegisterBit("STATUS", 4);
  d.ring.push(4);
  d.link = "down";
  assert.deepEqual(saved, copy, "a snapshot is not aliased to the live device");
  assert.notDeepEqual(d.snapshot(), saved);

  d.restore(saved);
  assert.deepEqual(d.snapshot(), copy);
  assert.equal(d.readConfig(PCI_CONFIG.bar0).value, 0xfebf0000);
  assert.equal(d.readConfig(PCI_CONFIG.interruptLine, 1).value, 11);
  assert.equal(d.readConfig(PCI_CONFIG.command, 2).value, 0);
  // Restoring does not alias the snapshot either: later changes leave it intact.
  d.ring.push(9);
  assert.deepEqual(saved.internal, { ring: [1, 2, 3], link: "up" });
});

Deno.test("PciDevice.restore() rejects a snapshot with an unknown register", () => {
  const d = nic();
  const s = d.snapshot();
  assert.throws(() => d.restore({ ...s, registers: { ...s.registers, BOGUS: 1 } }), /BOGUS/);
});

Deno.test("PciDevice.powerOnReset() restores reset values and a fresh configuration space", () => {
  const d = new RingDevice("eth0", "net", 0, { vendorId: 0x10ec, deviceId: 0x8139 }, REGS);
  const fresh = d.snapshot();
  assert.equal(d.readConfig(PCI_CONFIG.vendorId, 2).value, 0x10ec);
  assert.equal(d.readConfig(PCI_CONFIG.deviceId, 2).value, 0x8139);
  assert.equal(d.readConfig(PCI_CONFIG.vendorId, 4).value, 0x8139_10ec, "little-endian dword");
  d.writeRegister("CTRL", 1);
  d.writeRegister("MIXED", 0xffff);
  d.writeConfig(PCI_CONFIG.bar0, 0xdead0000);
  d.writeConfig(PCI_CONFIG.vendorId, 0xffff, 2);
  d.ring.push(5);
  d.powerOnReset();
  assert.deepEqual(d.snapshot(), fresh);
  assert.deepEqual(fresh.registers, { CTRL: 0, MIXED: 0xabcd0000, STATUS: 0x80000001 });
  assert.equal(fresh.config.filter((b) => b !== 0).length, 4, "only vendor and device id");
});

Deno.test("PciDevice.flipRegisterBit() flips one bit and emits register-flip through the machine", () => {
  const { m, events } = machineWithNic();
  const d = m.device("nic0");
  assert.equal(d.readRegister("MIXED").value, 0xabcd0000);
  m.flipRegisterBit("nic0", "MIXED", 31);
  assert.equal(d.readRegister("MIXED").value, 0x2bcd0000);
  m.flipRegisterBit("nic0", "MIXED", 0);
  assert.equal(d.readRegister("MIXED").value, 0x2bcd0001);
  assert.deepEqual(events.map((e) => [e.component, e.kind, e.fields]), [
    ["device:nic0", "register-flip", { register: "MIXED", bit: 31 }],
    ["device:nic0", "register-flip", { register: "MIXED", bit: 0 }],
  ]);
  assert.deepEqual(
    m.sim.trace.records().map((r) => `${r.component} ${r.kind}`),
    ["machine.devicenic0 register-flip", "machine.devicenic0 register-flip"],
  );
  for (const bad of [-1, 32, 0.5]) assert.throws(() => d.flipRegisterBit("MIXED", bad), RangeError);
  assert.throws(() => m.flipRegisterBit("nic0", "NOPE", 1), /no register named "NOPE"/);
  assert.throws(() => m.flipRegisterBit("nic9", "CTRL", 1), /no device nic9/);
  assert.equal(events.length, 2, "rejected flips emit nothing");
});

Deno.test("PciDevice on a fail-stopped device or node: reads are bus errors of all ones, writes dropped", () => {
  for (const target of ["device:nic0", "node:1", "socket:0"]) {
    const { m } = machineWithNic();
    const d = m.device("nic0");
    d.writeRegister("CTRL", 0x55);
    d.writeConfig(PCI_CONFIG.bar0, 0xfe000000);
    m.failStop(target);
    assert.equal(d.reachable, false, target);
    assert.deepEqual(d.readRegister("CTRL"), { status: "bus-error", value: 0xffffffff });
    assert.equal(d.writeRegister("CTRL", 0x66), false);
    assert.deepEqual(d.readConfig(PCI_CONFIG.vendorId, 2), { status: "bus-error", value: 0xffff });
    assert.deepEqual(d.readConfig(PCI_CONFIG.bar0), { status: "bus-error", value: 0xffffffff });
    assert.equal(d.writeConfig(PCI_CONFIG.bar0, 0), false);
    // The dropped writes left the device state alone (snapshot bypasses reachability).
    const s = d.snapshot();
    assert.equal(s.registers.CTRL, 0x55, target);
    assert.equal(s.config[PCI_CONFIG.bar0 + 3], 0xfe);
  }
});

Deno.test("PciDevice stays reachable when another node, a core or its node's memory controller fails", () => {
  const { m } = machineWithNic();
  m.failStop("node:0");
  m.failStop("core:4");
  m.failStop("mc:1");
  assert.equal(m.device("nic0").readRegister("CTRL").status, "ok");
});

Deno.test("PciDevice register access counts accesses, including failed ones; unknown registers throw", () => {
  const d = nic();
  d.readRegister("CTRL");
  d.writeRegister("CTRL", 1);
  assert.equal(d.accesses, 2);
  assert.throws(() => d.readRegister("NOPE"), /nic0: no register named "NOPE"/);
  assert.throws(() => d.writeRegister("NOPE", 1), RangeError);
  assert.deepEqual(d.registerNames, ["CTRL", "MIXED", "STATUS"]);
  assert.equal(d.accesses, 2);
});

Deno.test("Machine builds configured devices with their ids and register reset values", () => {
  const { m } = machineWithNic();
  const d = m.device("nic0");
  assert.equal(d.kind, "net");
  assert.equal(d.node, 1);
  assert.equal(d.readConfig(PCI_CONFIG.vendorId, 2).value, 0x8086, "default vendor id");
  assert.equal(d.readConfig(PCI_CONFIG.deviceId, 2).value, 0x100e);
  assert.deepEqual(d.snapshot().registers, { CTRL: 0, MIXED: 0xabcd0000 });
  d.writeRegister("CTRL", 0xffffffff);
  assert.equal(d.readRegister("CTRL").value, 0xffffffff, "default write mask: all bits");
});
