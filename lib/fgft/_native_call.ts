/**
 * A native call: locks, the entry point's effects on real memory and device, unlock. A bug's
 * manifestation acts directly: detected-class faults crash the kernel, a missing unlock leaves the
 * lock held (the next caller deadlocks), a hang never returns.
 *
 * @module
 */
import type { Yieldable } from "../sim/process.ts";
import type { Request } from "../sim/resource.ts";
import type { Manifestation } from "./bug_classes.ts";
import type { CallResult, DriverHost } from "./driver_host.ts";
import type { MemoryImage } from "./driver_memory.ts";
import type { EntryPoint } from "./driver_spec.ts";
import { accessNs, effectSteps, runSteps } from "./_effects.ts";

/** Bytes of the allocation a leak bug never frees. */
export const LEAK_BYTES = 64;

/** Acquires the entry point's locks in order (a generator); records the holders on the host. */
export function* acquireLocks(
  host: DriverHost,
  ep: EntryPoint,
): Generator<Yieldable, void, unknown> {
  for (const name of ep.locks) {
    const req = (yield host.locks.get(name)!.request()) as unknown;
    host.held.set(name, req as Request);
  }
}

/** Releases the locks the entry point holds. */
export function releaseLocks(host: DriverHost, names: readonly string[]): void {
  for (const name of names) {
    const req = host.held.get(name);
    if (!req) continue;
    host.held.delete(name);
    host.locks.get(name)!.release(req);
  }
}

/** A bug's effect on state when it escapes: latent corruption, a wrong register, a wrong value. */
export function applyEscape(
  host: DriverHost,
  ep: EntryPoint,
  bug: Manifestation | undefined,
  image: MemoryImage | undefined,
): number {
  if (bug === "wild-write-inside") {
    const refs = ep.writes.length > 0
      ? ep.writes
      : objectFields(host, ep.reads[0] ?? host.spec.objects[0]!.name);
    const ref = refs[host.prng.int(refs.length)]!;
    host.memory.set(ref, host.memory.get(ref, image) ^ 0x100, image);
  } else if (bug === "device-misconfig") {
    const regs = ep.registersWritten.length > 0
      ? ep.registersWritten
      : Object.keys(host.spec.programs);
    const reg = regs[host.prng.int(regs.length)]!;
    host.device.writeRegister(reg, host.device.readRegister(reg).value ^ 0x5a5a);
  } else if (bug === "leak") host.allocate(LEAK_BYTES);
  return bug === "wrong-return" ? 0xbad : 0;
}

function objectFields(host: DriverHost, object: string): string[] {
  const o = host.spec.objects.find((x) => x.name === object)!;
  return Object.keys(o.fields).map((f) => `${object}.${f}`);
}

/** Records a successful call (counts, and the shadow driver's configuration log). */
export function recordSuccess(
  host: DriverHost,
  ep: EntryPoint,
  args: Record<string, number>,
): void {
  host.callCounts.set(ep.name, (host.callCounts.get(ep.name) ?? 0) + 1);
  if (ep.kind === "config" && ep.writes.length > 0) host.configLog.set(ep.name, { ...args });
}

/** Runs `ep` natively with an optional bug (a generator for `yield*`). */
export function* nativeCall(
  host: DriverHost,
  ep: EntryPoint,
  args: Record<string, number>,
  bug: Manifestation | undefined,
): Generator<Yieldable, CallResult, unknown> {
  yield* acquireLocks(host, ep);
  const temp = Array.from({ length: ep.tempAllocations }, () => host.allocate(256));
  const steps = effectSteps(ep);
  const totalNs = ep.costNs + accessNs(ep, host.device);
  if (bug === "exception" || bug === "wild-write-outside" || bug === "double-free") {
    const f = host.prng.float53();
    yield Math.round(totalNs * f);
    runSteps(host, steps, Math.floor(f * steps.length), args, undefined);
    return host.crash(ep, bug);
  }
  if (bug === "hang") {
    host.hungNs ??= host.sim.now;
    host.trace("hang", { entryPoint: ep.name });
    yield host.sim.event(); // never triggered
  }
  yield totalNs;
  runSteps(host, steps, steps.length, args, undefined);
  const value = applyEscape(host, ep, bug, undefined);
  for (const id of temp) host.allocations.delete(id);
  if (bug !== "missing-unlock") releaseLocks(host, ep.locks);
  recordSuccess(host, ep, args);
  return { ok: true, value, rolledBack: false, attempts: 1 };
}
