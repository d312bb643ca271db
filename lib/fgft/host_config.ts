/**
 * Configuration of a driver host: the recovery scheme, which entry points run isolated, the retry
 * policy, the watchdog extension, a negative control, and the cost model of FGFT transactions and
 * of the restart / shadow-driver baselines. One zod schema ({@linkcode hostConfigSchema}); durations
 * are integer ns or strings such as "10ms".
 *
 * Transaction cost defaults (assumptions; fgft.md gives no per-call figures): marshaling copies
 * about 1 byte/ns (generated code walking structures), an SFI range check costs ~5 ns per checked
 * write, a logged kernel call ~100 ns in its wrapper, undoing one log entry ~200 ns.
 *
 * @module
 */
import { z } from "zod";
import { durationNs } from "../sim/config.ts";

/** The recovery schemes compared (fgft.md section 4). */
export const RECOVERY_SCHEMES = ["none", "restart", "shadow", "fgft"] as const;
/** One recovery scheme. */
export type RecoveryScheme = typeof RECOVERY_SCHEMES[number];

/** Deliberately broken variants of the rollback, which the checkers must catch. */
export const NEGATIVE_CONTROLS = ["restore-skipped", "log-not-undone"] as const;
/** One negative control. */
export type NegativeControl = typeof NEGATIVE_CONTROLS[number];

/** Named protection policies: which entry-point kinds run isolated. */
export const PROTECTION_POLICIES = ["none", "config", "config+control", "hot", "all"] as const;

/** zod schema of the costs of an isolated call and of a rollback. */
export const transactionCostsSchema = z.object({
  /** Fixed cost of entering the marshaling code. */
  marshalBaseNs: durationNs.default(500),
  /** Marshaling cost per KiB of reachable objects and arguments copied. */
  marshalNsPerKiB: durationNs.default(1_024),
  /** Saving the processor context (the rollback point). */
  rollbackPointNs: durationNs.default(200),
  /** One SFI range check on a pointer write. */
  sfiCheckNs: durationNs.default(5),
  /** One logged kernel call through its wrapper (lock, unlock, alloc, free). */
  wrapperNs: durationNs.default(100),
  /** Copy-back cost per KiB of written objects (commit). */
  commitNsPerKiB: durationNs.default(512),
  /** Undoing one log entry (free an allocation, release a lock). */
  undoEntryNs: durationNs.default(200),
}).strict();

/** Validated transaction costs. */
export type TransactionCosts = z.output<typeof transactionCostsSchema>;

/** zod schema of the baselines' costs beyond the driver's and device's own. */
export const baselineCostsSchema = z.object({
  /** Nooks tears down the failed driver: releases tracked objects, locks, interrupts. */
  teardownNs: durationNs.default(1_000_000),
  /** The shadow driver takes over and starts the restart. */
  shadowTakeoverNs: durationNs.default(500_000),
  /** Per replayed configuration call, on top of the call itself. */
  shadowReplayPerCallNs: durationNs.default(50_000),
  /** A kernel crash without protection: reboot until the service runs again. */
  rebootNs: durationNs.default(60_000_000_000),
}).strict();

/** Validated baseline costs. */
export type BaselineCosts = z.output<typeof baselineCostsSchema>;

/** zod schema of a driver host's configuration. */
export const hostConfigSchema = z.object({
  recovery: z.enum(RECOVERY_SCHEMES).default("fgft"),
  /** Which entry points run isolated under FGFT: a policy name or a list of entry-point names. */
  isolate: z.union([z.enum(PROTECTION_POLICIES), z.array(z.string().min(1))]).default("config"),
  /** Retries after a rollback (the caller's retry policy; a persistent bug fails again). */
  retries: z.number().int().min(0).max(8).default(1),
  retryDelayNs: durationNs.default(0),
  /** Extension: abort an isolated call that runs longer than this (a hang) and roll it back. */
  watchdogNs: durationNs.optional(),
  /** A deliberately broken rollback, for checker negative controls. */
  control: z.enum(NEGATIVE_CONTROLS).optional(),
  costs: transactionCostsSchema.default(transactionCostsSchema.parse({})),
  baseline: baselineCostsSchema.default(baselineCostsSchema.parse({})),
}).strict();

/** A host configuration as a user writes it. */
export type HostConfigInput = z.input<typeof hostConfigSchema>;
/** A validated host configuration. */
export type HostConfig = z.output<typeof hostConfigSchema>;
