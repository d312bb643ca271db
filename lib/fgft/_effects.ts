/**
 * The effects of one entry-point call, as an ordered list of steps, and their execution up to the
 * point where a fault shows up. Memory writes go to an image (the real memory for native calls, the
 * private copies for isolated ones); register writes always reach the real device.
 *
 * @module
 */
import type { DeviceModel } from "./device_model.ts";
import type { DriverMemory, MemoryImage } from "./driver_memory.ts";
import type { DriverSpec, EntryPoint } from "./driver_spec.ts";

/** One step of a call's effects. */
export type EffectStep =
  | { kind: "read-register"; name: string }
  | { kind: "write-memory"; ref: string }
  | { kind: "write-register"; name: string };

/** The steps of `ep`: register reads, then memory writes, then register writes. */
export function effectSteps(ep: EntryPoint): EffectStep[] {
  return [
    ...ep.registersRead.map((name) => ({ kind: "read-register", name }) as const),
    ...ep.writes.map((ref) => ({ kind: "write-memory", ref }) as const),
    ...ep.registersWritten.map((name) => ({ kind: "write-register", name }) as const),
  ];
}

/** The value a register gets from driver memory, arguments, or its old value + 1. */
export function registerValue(
  spec: DriverSpec,
  memory: DriverMemory,
  image: MemoryImage | undefined,
  device: DeviceModel,
  name: string,
  args: Readonly<Record<string, number>>,
): number {
  const ref = spec.programs[name];
  if (ref !== undefined) return memory.get(ref, image);
  return args[name] ?? ((device.readRegister(name).value + 1) >>> 0);
}

/** Runs `steps[0..count)`; memory writes land in `image` (or memory when undefined). */
export function runSteps(
  ctx: { spec: DriverSpec; memory: DriverMemory; device: DeviceModel },
  steps: readonly EffectStep[],
  count: number,
  args: Readonly<Record<string, number>>,
  image: MemoryImage | undefined,
): void {
  for (let i = 0; i < Math.min(count, steps.length); i++) {
    const s = steps[i]!;
    if (s.kind === "read-register") ctx.device.readRegister(s.name);
    else if (s.kind === "write-memory") {
      const field = s.ref.split(".")[1]!;
      const next = args[field] ?? ((ctx.memory.get(s.ref, image) + 1) >>> 0);
      ctx.memory.set(s.ref, next, image);
    } else {
      const v = registerValue(ctx.spec, ctx.memory, image, ctx.device, s.name, args);
      ctx.device.writeRegister(s.name, v);
    }
  }
}

/** Device access time of a call's register reads and writes. */
export function accessNs(ep: EntryPoint, device: DeviceModel): number {
  return ep.registersRead.length * device.access.mmioReadNs +
    ep.registersWritten.length * device.access.mmioWriteNs;
}
