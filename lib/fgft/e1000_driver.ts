/**
 * The e1000 driver as data: its memory objects (sizes of the Linux 2.6.29 structures, rounded) and
 * its 49 entry points: the net_device operations, the interrupt and NAPI poll, the watchdog, and
 * the ethtool getters and setters (fgft.md: "the e1000 driver has about 50 entry points").
 *
 * Costs are native execution times (assumptions of the right order: a getter is a few
 * microseconds; setters that reinitialise the NIC go through e1000_down/e1000_up and cost about
 * the same as a resume, ~21 ms). Locks are the driver's own: `tx_lock`, `stats_lock`, `phy_lock`,
 * `eeprom_lock`, `reset_lock`.
 *
 * @module
 */
import { defineDriver, type DriverSpec, type EntryPointInput } from "./driver_spec.ts";

const MTA = Array.from({ length: 128 }, (_, i) => i);
const REINIT_NS = 21_000_000;

function objects() {
  return [
    {
      name: "adapter",
      bytes: 3_072,
      fields: {
        rctl: 0x0400_8002,
        tctl: 0x0103_f0fa,
        itr: 8_000,
        ims: 0x9d,
        rx_csum: 1,
        wol: 0,
        ledctl: 0x07068302,
        rx_int_delay: 0,
        tx_int_delay: 8,
        msg_enable: 7,
        tx_timeout_count: 0,
        link_speed: 1000,
        flags: 0,
        tso: 1,
        sg: 1,
        tx_csum: 1,
      },
    },
    {
      name: "hw",
      bytes: 1_024,
      fields: {
        ctrl: 0x0000_0241,
        mac_lo: 0x1200_5452,
        mac_hi: 0x8000_5634,
        fcal: 0x00c2_8001,
        fcah: 0x0100,
        fcttv: 0x0680,
        autoneg_advertised: 0x2f,
        tipg: 0x0060_200a,
        phy_id: 0x0141_0c50,
      },
    },
    {
      name: "netdev",
      bytes: 1_536,
      fields: { mtu: 1_500, flags: 0x1003, mc_count: 0, features: 0x3 },
    },
    { name: "mc_table", bytes: 512, fields: Object.fromEntries(MTA.map((i) => [`w${i}`, 0])) },
    {
      name: "tx_ring",
      bytes: 10_304,
      fields: { next_to_use: 0, next_to_clean: 0, dma_lo: 0x3700_0000, len: 4_096, count: 256 },
    },
    {
      name: "rx_ring",
      bytes: 10_304,
      fields: { next_to_use: 255, next_to_clean: 0, dma_lo: 0x3600_0000, len: 4_096, count: 256 },
    },
    {
      name: "stats",
      bytes: 640,
      fields: { tx_packets: 0, rx_packets: 0, tx_bytes: 0, rx_bytes: 0 },
    },
    { name: "eeprom", bytes: 128, fields: { checksum: 0xbaba, version: 0x0305 } },
  ];
}

function programs(): Record<string, string> {
  return {
    CTRL: "hw.ctrl",
    RCTL: "adapter.rctl",
    TCTL: "adapter.tctl",
    TIPG: "hw.tipg",
    ITR: "adapter.itr",
    IMS: "adapter.ims",
    RXCSUM: "adapter.rx_csum",
    WUFC: "adapter.wol",
    LEDCTL: "adapter.ledctl",
    RDTR: "adapter.rx_int_delay",
    TIDV: "adapter.tx_int_delay",
    FCAL: "hw.fcal",
    FCAH: "hw.fcah",
    FCTTV: "hw.fcttv",
    RAL0: "hw.mac_lo",
    RAH0: "hw.mac_hi",
    TDBAL: "tx_ring.dma_lo",
    TDLEN: "tx_ring.len",
    TDT: "tx_ring.next_to_use",
    RDBAL: "rx_ring.dma_lo",
    RDLEN: "rx_ring.len",
    RDT: "rx_ring.next_to_use",
    ...Object.fromEntries(MTA.map((i) => [`MTA${i}`, `mc_table.w${i}`])),
  };
}

type Ep = Omit<EntryPointInput, "name" | "kind" | "costNs">;
const cfg = (name: string, costNs: number, rest: Ep = {}): EntryPointInput => ({
  name,
  kind: "config",
  costNs,
  reads: ["adapter", "hw"],
  ...rest,
});
const getter = (name: string, costNs = 2_000, rest: Ep = {}) =>
  cfg(name, costNs, { argBytes: 44, checkedWrites: 12, ...rest });
const reinit = (name: string, writes: string[], rest: Ep = {}) =>
  cfg(name, REINIT_NS, {
    writes,
    locks: ["reset_lock"],
    registersWritten: ["CTRL", "RCTL", "TCTL", "TDT", "RDT"],
    argBytes: 44,
    checkedWrites: 40,
    ...rest,
  });

function hotPath(): EntryPointInput[] {
  return [
    {
      name: "xmit_frame",
      kind: "hot",
      costNs: 1_500,
      reads: ["adapter", "tx_ring", "netdev"],
      writes: ["tx_ring.next_to_use", "stats.tx_packets", "stats.tx_bytes"],
      registersWritten: ["TDT"],
      locks: ["tx_lock"],
      checkedWrites: 24,
      argBytes: 232,
    },
    {
      name: "intr",
      kind: "hot",
      costNs: 600,
      reads: ["adapter"],
      registersRead: ["ICR"],
      writes: ["adapter.flags"],
      registersWritten: ["IMC"],
      checkedWrites: 4,
    },
    {
      name: "clean",
      kind: "hot",
      costNs: 3_000,
      reads: ["adapter", "tx_ring", "rx_ring"],
      writes: [
        "tx_ring.next_to_clean",
        "rx_ring.next_to_clean",
        "rx_ring.next_to_use",
        "stats.rx_packets",
      ],
      registersRead: ["TDH", "RDH"],
      registersWritten: ["RDT", "IMS"],
      locks: ["tx_lock"],
      checkedWrites: 64,
    },
  ];
}

function netdevOps(): EntryPointInput[] {
  const mta = MTA.map((i) => `MTA${i}`);
  return [
    { ...reinit("open", ["netdev.flags"]), kind: "control", tempAllocations: 2 },
    { ...reinit("close", ["netdev.flags"]), kind: "control", costNs: 12_000_000 },
    cfg("get_stats", 1_000, { reads: ["stats"], locks: ["stats_lock"] }),
    cfg("set_rx_mode", 30_000, {
      reads: ["adapter", "netdev", "mc_table"],
      writes: ["netdev.flags", "netdev.mc_count", "adapter.rctl", "mc_table.w3", "mc_table.w77"],
      registersWritten: ["RCTL", ...mta],
      tempAllocations: 1,
      checkedWrites: 140,
    }),
    cfg("set_mac", 5_000, {
      writes: ["hw.mac_lo", "hw.mac_hi"],
      registersWritten: ["RAL0", "RAH0"],
      argBytes: 16,
    }),
    reinit("change_mtu", ["netdev.mtu"]),
    cfg("do_ioctl", 60_000, {
      writes: ["hw.autoneg_advertised"],
      registersWritten: ["MDIC"],
      locks: ["phy_lock"],
      argBytes: 40,
    }),
    {
      ...cfg("tx_timeout", 40_000, { writes: ["adapter.tx_timeout_count"] }),
      kind: "control",
    },
    cfg("vlan_rx_register", 8_000, {
      writes: ["hw.ctrl", "adapter.rctl"],
      registersWritten: ["CTRL", "RCTL"],
    }),
    cfg("vlan_rx_add_vid", 4_000, { writes: ["adapter.flags"] }),
    cfg("vlan_rx_kill_vid", 4_000, { writes: ["adapter.flags"] }),
    {
      ...cfg("watchdog", 20_000, { reads: ["adapter", "hw", "stats"] }),
      kind: "control",
      writes: ["stats.rx_bytes", "adapter.link_speed"],
      registersRead: ["STATUS"],
      locks: ["stats_lock"],
    },
  ];
}

function ethtoolOps(): EntryPointInput[] {
  return [
    getter("get_settings", 3_000, { registersRead: ["STATUS"] }),
    reinit("set_settings", ["hw.autoneg_advertised", "adapter.link_speed"], {
      locks: ["reset_lock", "phy_lock"],
    }),
    getter("get_drvinfo", 1_500, { reads: ["adapter", "eeprom"] }),
    getter("get_regs_len", 500),
    getter("get_regs", 40_000, {
      registersRead: ["CTRL", "STATUS", "RCTL", "TCTL", "RDH", "TDH"],
      tempAllocations: 1,
    }),
    getter("get_wol", 1_000),
    cfg("set_wol", 6_000, { writes: ["adapter.wol"], registersWritten: ["WUFC", "WUC"] }),
    getter("get_msglevel", 300),
    cfg("set_msglevel", 300, { writes: ["adapter.msg_enable"] }),
    cfg("nway_reset", 2_000_000, { registersWritten: ["MDIC"], locks: ["phy_lock"] }),
    getter("get_link", 800, { registersRead: ["STATUS"] }),
    getter("get_eeprom_len", 300),
    getter("get_eeprom", 1_400_000, {
      reads: ["eeprom"],
      registersWritten: ["EERD"],
      locks: ["eeprom_lock"],
      tempAllocations: 1,
    }),
    cfg("set_eeprom", 2_600_000, {
      reads: ["eeprom"],
      writes: ["eeprom.checksum"],
      registersWritten: ["EECD", "EERD"],
      locks: ["eeprom_lock"],
      tempAllocations: 1,
    }),
    getter("get_ringparam", 800, { reads: ["tx_ring", "rx_ring"] }),
    reinit("set_ringparam", ["tx_ring.count", "rx_ring.count"], { tempAllocations: 4 }),
    getter("get_pauseparam", 800),
    reinit("set_pauseparam", ["hw.fcal", "hw.fcttv"], {
      registersWritten: ["CTRL", "FCAL", "FCAH", "FCTTV", "TDT", "RDT"],
    }),
    getter("get_rx_csum", 300),
    reinit("set_rx_csum", ["adapter.rx_csum"], {
      registersWritten: ["RXCSUM", "CTRL", "TDT", "RDT"],
    }),
    getter("get_tx_csum", 300),
    cfg("set_tx_csum", 2_000, { writes: ["adapter.tx_csum", "netdev.features"] }),
    getter("get_sg", 300),
    cfg("set_sg", 2_000, { writes: ["adapter.sg", "netdev.features"] }),
    getter("get_tso", 300),
    cfg("set_tso", 2_000, { writes: ["adapter.tso", "netdev.features"] }),
    cfg("self_test", 4_000_000, {
      registersWritten: ["CTRL_EXT", "MANC"],
      locks: ["reset_lock"],
      tempAllocations: 2,
    }),
    getter("get_strings", 2_000),
    cfg("phys_id", 50_000, { registersWritten: ["LEDCTL"], writes: ["adapter.ledctl"] }),
    getter("get_ethtool_stats", 6_000, { reads: ["adapter", "stats"], locks: ["stats_lock"] }),
    getter("get_sset_count", 300),
    getter("get_coalesce", 600),
    cfg("set_coalesce", 3_000, { writes: ["adapter.itr"], registersWritten: ["ITR"] }),
    getter("get_pci_config", 5_000),
  ];
}

/**
 * The e1000 driver spec (validated): 8 objects, 49 entry points, the registers it reprograms from
 * memory at resume, and the device registers its suspend subset saves.
 *
 * @example
 * ```ts
 * import { e1000Driver } from "./e1000_driver.ts";
 * const d = e1000Driver();
 * if (d.entryPoints.length < 45) throw new Error("about 50 entry points expected");
 * const xmit = d.entryPoints.find((e) => e.name === "xmit_frame")!;
 * if (xmit.kind !== "hot") throw new Error("xmit is the hot path");
 * ```
 */
export function e1000Driver(): DriverSpec {
  return defineDriver({
    name: "e1000",
    device: "e1000",
    objects: objects(),
    entryPoints: [...hotPath(), ...netdevOps(), ...ethtoolOps()],
    programs: programs(),
    suspendRegisters: [
      "TDH",
      "RDH",
      "TDBAH",
      "RDBAH",
      "ICR",
      "IMC",
      "MDIC",
      "EERD",
      "EECD",
      "CTRL_EXT",
      "MANC",
      "WUC",
      "PBA",
      "FCT",
    ],
    costs: {
      moduleUnloadNs: 30_000_000,
      moduleLoadNs: 20_000_000,
      probeNs: 15_000_000,
      openNs: 3_000_000,
    },
  });
}
