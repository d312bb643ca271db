/**
 * An isolated call: FGFT's transaction (fgft.md section 2, steps 1-6). Marshal the reachable
 * objects into private copies, save the rollback point, checkpoint the device with the suspend
 * subset, run the SFI-checked copy with kernel calls logged, then commit, or on a detected fault
 * undo the log, restore the device through the resume path, discard the copies and return EIO.
 * Locks are held to the end of the call; one isolated transaction runs at a time.
 *
 * @module
 */
import type { Yieldable } from "../sim/process.ts";
import type { Request } from "../sim/resource.ts";
import { DETECTION, type Manifestation } from "./bug_classes.ts";
import type { DeviceCheckpoint } from "./device_model.ts";
import { type CallResult, type DriverHost, failure, type RollbackRecord } from "./driver_host.ts";
import type { EntryPoint } from "./driver_spec.ts";
import { accessNs, effectSteps, runSteps } from "./_effects.ts";
import { acquireLocks, applyEscape, recordSuccess, releaseLocks } from "./_native_call.ts";

type LogEntry = { kind: "lock"; name: string } | { kind: "alloc"; id: number };

interface Txn {
  ep: EntryPoint;
  bug: Manifestation | undefined;
  cp: DeviceCheckpoint;
  before: Pick<
    RollbackRecord,
    "deviceAtCheckpoint" | "memoryBefore" | "allocationsBefore" | "inconsistentAtCheckpoint"
  >;
  log: LogEntry[];
}

/** The objects an entry point can reach: those it reads and those it writes. */
export function reachableObjects(ep: EntryPoint): string[] {
  return [...new Set([...ep.reads, ...ep.writes.map((w) => w.split(".")[0]!)])].sort();
}

/** Runs `ep` as an FGFT transaction (a generator for `yield*`). */
export function* isolatedCall(
  host: DriverHost,
  ep: EntryPoint,
  args: Record<string, number>,
  bug: Manifestation | undefined,
): Generator<Yieldable, CallResult, unknown> {
  const c = host.config.costs;
  const slot = (yield host.isolationMutex.request()) as Request;
  const objects = reachableObjects(ep);
  const bytes = objects.reduce((s, o) => s + host.memory.bytesOf(o), ep.argBytes);
  yield c.marshalBaseNs + Math.round((bytes * c.marshalNsPerKiB) / 1024);
  const copy = host.memory.copyOf(objects);
  yield c.rollbackPointNs;
  for (const s of host.device.checkpointSteps(host.spec.suspendRegisters.length)) yield s.ns;
  const deviceAtCheckpoint = host.device.snapshot();
  const programmed = host.programmedValues();
  const txn: Txn = {
    ep,
    bug,
    cp: host.device.checkpoint(host.spec.suspendRegisters),
    before: {
      deviceAtCheckpoint,
      inconsistentAtCheckpoint: Object.keys(programmed).filter((r) =>
        deviceAtCheckpoint.registers[r] !== programmed[r]
      ),
      memoryBefore: host.memory.snapshot(),
      allocationsBefore: [...host.allocations.keys()],
    },
    log: [],
  };
  host.trace("txn-begin", { entryPoint: ep.name, bytes });
  yield* acquireLocks(host, ep);
  for (const name of ep.locks) txn.log.push({ kind: "lock", name });
  for (let i = 0; i < ep.tempAllocations; i++) {
    txn.log.push({ kind: "alloc", id: host.allocate(256) });
  }
  const kernelCalls = 2 * (ep.locks.length + ep.tempAllocations);
  const runNs = ep.costNs + accessNs(ep, host.device) + ep.checkedWrites * c.sfiCheckNs +
    kernelCalls * c.wrapperNs;
  const steps = effectSteps(ep);
  const detected = bug !== undefined && DETECTION[bug] === "detected";
  if (detected || bug === "hang") {
    if (bug === "hang" && host.config.watchdogNs === undefined) {
      host.hungNs ??= host.sim.now;
      host.trace("hang", { entryPoint: ep.name });
      yield host.sim.event(); // never triggered: the isolated call hangs, holding the transaction
    }
    const f = host.prng.float53();
    yield bug === "hang" ? host.config.watchdogNs! : Math.round(runNs * f);
    runSteps(host, steps, Math.floor(f * steps.length), args, copy);
    return yield* rollback(host, txn, slot);
  }
  yield runNs;
  runSteps(host, steps, steps.length, args, copy);
  const value = applyEscape(host, ep, bug, copy);
  // The driver frees its temporary allocations itself (a leak bug keeps its extra one).
  for (const e of txn.log) if (e.kind === "alloc") host.allocations.delete(e.id);
  const written = new Set(ep.writes.map((w) => w.split(".")[0]!));
  const writtenBytes = [...written].reduce((s, o) => s + host.memory.bytesOf(o), 0);
  yield Math.round((writtenBytes * c.commitNsPerKiB) / 1024) + ep.locks.length * c.wrapperNs;
  host.memory.commit(copy);
  releaseLocks(host, ep.locks); // also masks a missing unlock: locks are released at commit
  host.isolationMutex.release(slot);
  recordSuccess(host, ep, args);
  host.trace("txn-commit", { entryPoint: ep.name });
  return { ok: true, value, rolledBack: false, attempts: 1 };
}

function* rollback(
  host: DriverHost,
  txn: Txn,
  slot: Request,
): Generator<Yieldable, CallResult, unknown> {
  const detectedNs = host.sim.now;
  const steps: { name: string; startNs: number; ns: number }[] = [];
  host.trace("txn-abort", { entryPoint: txn.ep.name, manifestation: txn.bug });
  if (host.config.control !== "log-not-undone") {
    for (const e of [...txn.log].reverse()) {
      yield host.config.costs.undoEntryNs;
      if (e.kind === "alloc") host.allocations.delete(e.id);
      else releaseLocks(host, [e.name]);
    }
    steps.push({ name: "undo-log", startNs: detectedNs, ns: host.sim.now - detectedNs });
  }
  const reprogrammed = Object.keys(host.spec.programs).length;
  for (const s of host.device.resumeSteps(host.spec.suspendRegisters.length, reprogrammed)) {
    steps.push({ name: s.name, startNs: host.sim.now, ns: s.ns });
    yield s.ns;
  }
  if (host.config.control !== "restore-skipped") {
    host.device.resume(txn.cp, host.programmedValues());
  }
  host.rollbacks.push({
    entryPoint: txn.ep.name,
    manifestation: txn.bug!,
    detectedNs,
    doneNs: host.sim.now,
    ...txn.before,
    deviceAfter: host.device.snapshot(),
    memoryAfter: host.memory.snapshot(),
    allocationsAfter: [...host.allocations.keys()],
    locksHeldAfter: host.locksHeld(),
  });
  host.recoveries.push({
    scheme: "fgft",
    entryPoint: txn.ep.name,
    detectedNs,
    readyNs: host.sim.now,
    steps,
  });
  host.isolationMutex.release(slot);
  host.trace("rollback", { entryPoint: txn.ep.name, ns: host.sim.now - detectedNs });
  return failure("EIO", 1, true);
}
