/**
 * A configuration workload: ethtool / ioctl / sysfs-style calls into a driver's configuration entry
 * points, one every `periodNs`, cycling through `calls`. It records what the application sees
 * (success, returned value, error) so that recovery schemes can be compared by their effect on it.
 *
 * @module
 */
import { z } from "zod";
import type { CallResult, DriverHost } from "../fgft/driver_host.ts";
import { durationNs, parseConfig } from "../sim/config.ts";
import type { Yieldable } from "../sim/process.ts";
import type { Request, Resource } from "../sim/resource.ts";

/** zod schema of the configuration workload. */
export const driverConfigSchema = z.object({
  calls: z.array(
    z.object({
      entryPoint: z.string().min(1),
      args: z.record(z.string(), z.number().int()).default({}),
    }).strict(),
  ).min(1).max(1_000),
  periodNs: durationNs.default(5_000_000),
  startNs: durationNs.default(0),
  /** Calls made in all (bounded). */
  count: z.number().int().min(1).max(1_000_000).default(20),
}).strict();

/** Configuration-workload parameters as a user writes them. */
export type DriverConfigInput = z.input<typeof driverConfigSchema>;

/** One call as the application saw it. */
export interface AppCall {
  entryPoint: string;
  startNs: number;
  endNs: number;
  ok: boolean;
  value: number;
  error?: string;
}

/**
 * Calls a driver entry point as an application does and appends what it saw to `log`
 * (`startNs` defaults to now; pass an earlier time to count queueing before the call).
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, E1000Nic, e1000Driver } from "../fgft/mod.ts";
 * import { type AppCall, appCall } from "./driver_config.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver());
 * const log: AppCall[] = [];
 * sim.process(appCall(host, log, "get_settings"));
 * sim.run();
 * if (log.length !== 1 || !log[0]!.ok) throw new Error("call failed");
 * ```
 */
export function* appCall(
  host: DriverHost,
  log: AppCall[],
  entryPoint: string,
  args: Record<string, number> = {},
  startNs: number = host.sim.now,
): Generator<Yieldable, CallResult, unknown> {
  const r: CallResult = yield* host.call(entryPoint, args);
  log.push({
    entryPoint,
    startNs,
    endNs: host.sim.now,
    ok: r.ok,
    value: r.value,
    ...(r.error ? { error: r.error } : {}),
  });
  return r;
}

/**
 * Starts the workload; returns a function reading the calls made so far (unfinished ones are
 * missing: a hung call never returns).
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, E1000Nic, e1000Driver } from "../fgft/mod.ts";
 * import { startDriverConfig } from "./driver_config.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new E1000Nic("nic0"), e1000Driver());
 * const calls = startDriverConfig(host, { calls: [{ entryPoint: "get_settings" }], count: 3 });
 * sim.run();
 * if (calls().length !== 3 || !calls().every((c) => c.ok)) throw new Error("calls failed");
 * ```
 */
export function startDriverConfig(
  host: DriverHost,
  config: DriverConfigInput,
  cpu?: Resource,
): () => AppCall[] {
  const c = parseConfig(driverConfigSchema, config, "driver config workload");
  c.calls.forEach((call, i) => {
    try {
      host.entry(call.entryPoint);
    } catch {
      throw new TypeError(
        `driver config workload: calls.${i}.entryPoint: no entry point ${call.entryPoint}`,
      );
    }
  });
  const log: AppCall[] = [];
  host.sim.process(function* (): Generator<Yieldable, void, unknown> {
    yield c.startNs;
    for (let i = 0; i < c.count; i++) {
      const call = c.calls[i % c.calls.length]!;
      const startNs = host.sim.now;
      const req = cpu ? (yield cpu.request()) as Request : undefined;
      yield* appCall(host, log, call.entryPoint, { ...call.args }, startNs);
      if (cpu && req) cpu.release(req);
      yield c.periodNs;
    }
  }, "driver-config");
  return () => log;
}
