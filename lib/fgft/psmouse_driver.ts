/**
 * The psmouse driver as data: `struct psmouse`, the serio port and the input device, and its entry
 * points: the byte interrupt, the settings callbacks (rate, resolution, scale), activate/deactivate,
 * reconnect, and the sysfs attribute show/store pairs.
 *
 * @module
 */
import { defineDriver, type DriverSpec, type EntryPointInput } from "./driver_spec.ts";

function attr(name: string, field: string, reg: string, commandNs: number): EntryPointInput[] {
  return [
    { name: `show_${name}`, kind: "config", costNs: 1_000, reads: ["psmouse"], argBytes: 64 },
    {
      name: `store_${name}`,
      kind: "config",
      costNs: commandNs,
      reads: ["psmouse", "serio"],
      writes: [`psmouse.${field}`],
      registersWritten: [reg],
      locks: ["psmouse_mutex"],
      argBytes: 64,
    },
  ];
}

/**
 * The psmouse driver spec (validated).
 *
 * @example
 * ```ts
 * import { psmouseDriver } from "./psmouse_driver.ts";
 * if (!psmouseDriver().entryPoints.some((e) => e.name === "interrupt")) throw new Error("missing");
 * ```
 */
export function psmouseDriver(): DriverSpec {
  return defineDriver({
    name: "psmouse",
    device: "psmouse",
    objects: [
      {
        name: "psmouse",
        bytes: 320,
        fields: {
          rate: 100,
          resolution: 2,
          scale: 1,
          activated: 1,
          protocol: 3,
          pktcnt: 0,
          state: 1,
        },
      },
      { name: "serio", bytes: 256, fields: { ctr: 0x47 } },
      { name: "input_dev", bytes: 1_024, fields: { rel_x: 0, rel_y: 0, buttons: 0 } },
    ],
    entryPoints: [
      {
        name: "interrupt",
        kind: "hot",
        costNs: 800,
        reads: ["psmouse", "input_dev"],
        writes: ["psmouse.pktcnt", "input_dev.rel_x", "input_dev.rel_y"],
        registersRead: ["I8042_DATA", "I8042_STATUS"],
      },
      ...attr("rate", "rate", "PS2_RATE", 4_000_000),
      ...attr("resolution", "resolution", "PS2_RESOLUTION", 4_000_000),
      ...attr("resync_time", "state", "I8042_DATA", 2_000_000),
      ...attr("protocol", "protocol", "PS2_PROTOCOL", 6_000_000),
      {
        name: "set_scale",
        kind: "config",
        costNs: 2_000_000,
        reads: ["psmouse"],
        writes: ["psmouse.scale"],
        registersWritten: ["PS2_SCALING"],
        locks: ["psmouse_mutex"],
      },
      {
        name: "activate",
        kind: "control",
        costNs: 2_000_000,
        reads: ["psmouse"],
        writes: ["psmouse.activated"],
        registersWritten: ["PS2_REPORTING"],
      },
      {
        name: "deactivate",
        kind: "control",
        costNs: 2_000_000,
        reads: ["psmouse"],
        writes: ["psmouse.activated"],
        registersWritten: ["PS2_REPORTING"],
      },
      {
        name: "poll",
        kind: "control",
        costNs: 3_000_000,
        reads: ["psmouse", "serio"],
        writes: ["psmouse.pktcnt"],
        registersWritten: ["I8042_DATA"],
        locks: ["psmouse_mutex"],
      },
    ],
    programs: {
      PS2_RATE: "psmouse.rate",
      PS2_RESOLUTION: "psmouse.resolution",
      PS2_SCALING: "psmouse.scale",
      PS2_REPORTING: "psmouse.activated",
      PS2_PROTOCOL: "psmouse.protocol",
      I8042_CTR: "serio.ctr",
    },
    suspendRegisters: ["I8042_DATA"],
    costs: {
      moduleUnloadNs: 10_000_000,
      moduleLoadNs: 10_000_000,
      probeNs: 5_000_000,
      openNs: 1_000_000,
    },
  });
}
