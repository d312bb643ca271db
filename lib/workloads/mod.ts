/**
 * Workloads and scenarios that drive the models.
 *
 * @module
 */
export * from "./machine_scenario.ts";
export * from "./memory_test.ts";
export * from "./mongoose.ts";
export * from "./apache_bench.ts";
export * from "./audio_playback.ts";
export * from "./driver_config.ts";
export * from "./file_server.ts";
export * from "./mouse_input.ts";
export * from "./netperf.ts";
export * from "./pbzip2.ts";
export * from "./tcp_client.ts";
export * from "./wget.ts";
