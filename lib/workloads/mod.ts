/**
 * Workloads and scenarios that drive the models.
 *
 * @module
 */
export * from "./machine_scenario.ts";
export * from "./memory_test.ts";
