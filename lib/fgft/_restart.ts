/**
 * The baselines' recovery: Nooks-style restart (tear down, unload, reload, cold boot, probe, open;
 * configuration lost, the failed request returns an error) and the shadow driver (the same restart,
 * then the shadow replays its log of configuration calls and retries the failed request, hiding the
 * failure from applications). Both use the same detection as the isolation (bug_classes.ts); Nooks'
 * own runtime overhead on every call is not modelled.
 *
 * @module
 */
import type { Yieldable } from "../sim/process.ts";
import { DETECTION } from "./bug_classes.ts";
import { type CallResult, type DriverHost, failure } from "./driver_host.ts";
import type { EntryPoint } from "./driver_spec.ts";
import { accessNs, effectSteps, runSteps } from "./_effects.ts";
import { nativeCall } from "./_native_call.ts";

/** A call under restart or shadow protection (a generator for `yield*`). */
export function* protectedCall(
  host: DriverHost,
  ep: EntryPoint,
  args: Record<string, number>,
): Generator<Yieldable, CallResult, unknown> {
  const bug = host.takeBug(ep, true);
  if (bug === undefined || DETECTION[bug] !== "detected") {
    return yield* nativeCall(host, ep, args, bug);
  }
  const f = host.prng.float53();
  const steps = effectSteps(ep);
  yield Math.round((ep.costNs + accessNs(ep, host.device)) * f);
  runSteps(host, steps, Math.floor(f * steps.length), args, undefined);
  yield* restartDriver(host, ep);
  if (host.config.recovery === "restart") return failure("EIO", 1);
  // The shadow retries the pending request on the restarted driver; a deterministic bug recurs.
  const again = host.takeBug(ep, true);
  if (again !== undefined && DETECTION[again] === "detected") {
    yield* restartDriver(host, ep);
    return failure("EIO", 2);
  }
  const r = yield* nativeCall(host, ep, args, again);
  return { ...r, attempts: 2 };
}

/** Restarts the driver (and replays the configuration log for a shadow driver). */
export function* restartDriver(
  host: DriverHost,
  ep: EntryPoint,
): Generator<Yieldable, void, unknown> {
  const detectedNs = host.sim.now;
  const done = host.sim.event<undefined>();
  host.recovering = done;
  host.trace("restart-begin", { entryPoint: ep.name, scheme: host.config.recovery });
  // Nooks' object tracker releases what the driver held.
  for (const [name, req] of host.held) host.locks.get(name)!.release(req);
  host.held.clear();
  host.allocations.clear();
  const b = host.config.baseline, c = host.spec.costs;
  const plan = [
    { name: "teardown", ns: b.teardownNs },
    { name: "module-unload", ns: c.moduleUnloadNs },
    { name: "module-load", ns: c.moduleLoadNs },
    ...host.device.coldBootSteps(),
    { name: "probe", ns: c.probeNs },
    { name: "open", ns: c.openNs },
  ];
  const steps: { name: string; startNs: number; ns: number }[] = [];
  for (const s of plan) {
    steps.push({ name: s.name, startNs: host.sim.now, ns: s.ns });
    yield s.ns;
  }
  host.memory.reset();
  host.bringUp();
  if (host.config.recovery === "shadow") yield* replayLog(host, steps);
  host.recoveries.push({
    scheme: host.config.recovery,
    entryPoint: ep.name,
    detectedNs,
    readyNs: host.sim.now,
    steps,
  });
  host.trace("restart-done", { entryPoint: ep.name, ns: host.sim.now - detectedNs });
  host.recovering = null;
  done.succeed(undefined);
}

function* replayLog(
  host: DriverHost,
  steps: { name: string; startNs: number; ns: number }[],
): Generator<Yieldable, void, unknown> {
  steps.push({
    name: "shadow-takeover",
    startNs: host.sim.now,
    ns: host.config.baseline.shadowTakeoverNs,
  });
  yield host.config.baseline.shadowTakeoverNs;
  for (const [name, args] of host.configLog) {
    const ep = host.entry(name);
    const ns = ep.costNs + accessNs(ep, host.device) + host.config.baseline.shadowReplayPerCallNs;
    steps.push({ name: `replay-${name}`, startNs: host.sim.now, ns });
    yield ns;
    runSteps(host, effectSteps(ep), effectSteps(ep).length, args, undefined);
  }
}
