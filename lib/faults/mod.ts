/**
 * Fault specifications, the injection schedule, and the outcome classes of a trial.
 *
 * @module
 */
export * from "./outcome.ts";
export * from "./schedule.ts";
export * from "./spec.ts";
