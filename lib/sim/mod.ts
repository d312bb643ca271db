/**
 * The simulation engine: virtual time, events, processes, resources, random streams and traces.
 *
 * @module
 */
export * from "./config.ts";
export * from "./errors.ts";
export * from "./event_queue.ts";
export * from "./event.ts";
export * from "./process.ts";
export * from "./prng.ts";
export * from "./simulation.ts";
export * from "./trace.ts";
export * from "./resource.ts";
export * from "./ring.ts";
export * from "./store.ts";
