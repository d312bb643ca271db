/**
 * Mouse input through a psmouse-like driver: the mouse moves at `rateHz`; each movement packet is
 * three bytes, each delivered through the `interrupt` entry point; every `settingsEvery` packets
 * the desktop rewrites the sample rate through `store_rate`. Reports packets delivered, failed
 * calls and the longest gap between delivered packets (a frozen pointer).
 *
 * @module
 */
import { z } from "zod";
import type { DriverHost } from "../fgft/driver_host.ts";
import { PsMouse } from "../fgft/psmouse_device.ts";
import { parseConfig } from "../sim/config.ts";
import type { Yieldable } from "../sim/process.ts";
import { type AppCall, appCall } from "./driver_config.ts";

/** zod schema of the mouse workload. */
export const mouseInputSchema = z.object({
  rateHz: z.number().int().min(1).max(1_000).default(100),
  /** Movement packets (bounded). */
  packets: z.number().int().min(1).max(1_000_000).default(50),
  settingsEvery: z.number().int().min(1).default(10),
}).strict();

/** Mouse-workload parameters as a user writes them. */
export type MouseInputInput = z.input<typeof mouseInputSchema>;

/** What the user's pointer did. */
export interface MouseMetrics {
  delivered: number;
  errors: number;
  longestGapNs: number;
  calls: AppCall[];
}

/**
 * Starts the mouse; returns a function reading the metrics.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, PsMouse, psmouseDriver } from "../fgft/mod.ts";
 * import { startMouseInput } from "./mouse_input.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new PsMouse("mouse0"), psmouseDriver());
 * const m = startMouseInput(host, { packets: 5 });
 * sim.run();
 * if (m().delivered !== 5) throw new Error(JSON.stringify(m()));
 * ```
 */
export function startMouseInput(
  host: DriverHost,
  config: MouseInputInput = {},
): () => MouseMetrics {
  const c = parseConfig(mouseInputSchema, config, "mouse input");
  const sim = host.sim;
  const m: MouseMetrics = { delivered: 0, errors: 0, longestGapNs: 0, calls: [] };
  function* call(
    name: string,
    args: Record<string, number> = {},
  ): Generator<Yieldable, boolean, unknown> {
    const { ok } = yield* appCall(host, m.calls, name, args);
    if (!ok) m.errors++;
    return ok;
  }
  sim.process(function* (): Generator<Yieldable, void, unknown> {
    let last = sim.now;
    for (let p = 0; p < c.packets; p++) {
      yield Math.round(1e9 / c.rateHz);
      if (host.device instanceof PsMouse) host.device.move();
      let ok = true;
      for (let b = 0; b < 3; b++) ok = (yield* call("interrupt")) && ok;
      if (ok) {
        m.delivered++;
        m.longestGapNs = Math.max(m.longestGapNs, sim.now - last);
        last = sim.now;
      }
      if ((p + 1) % c.settingsEvery === 0) yield* call("store_rate", { rate: c.rateHz });
    }
  }, "mouse-input");
  return () => m;
}
