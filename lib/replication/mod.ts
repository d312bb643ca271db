/**
 * FT-Linux: intra-machine replication of kernels, applications and TCP, with failover
 * (ft-linux.md). Partitions run kernel replicas ({@linkcode Kernel}) connected by message rings
 * ({@linkcode MessageRing}); replicated threads ({@linkcode FtThread}) replay the primary's log;
 * {@linkcode FtLinux} detects failures and runs the takeover sequence.
 *
 * @example
 * ```ts
 * import { createFtLinux } from "./mod.ts";
 * import { createSim } from "../sim/mod.ts";
 * const sys = createFtLinux(createSim({ seed: 1 }), { replicas: 3 });
 * if (sys.kernels.length !== 3) throw new Error("three replicas");
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./failover_policy.ts";
export * from "./core_pool.ts";
export * from "./partition.ts";
export * from "./message_ring.ts";
export * from "./messages.ts";
export * from "./link.ts";
export * from "./server_tcp.ts";
export * from "./namespace.ts";
export * from "./kernel.ts";
export * from "./ft_linux.ts";
export * from "./pbzip2_run.ts";
export * from "./mongoose_run.ts";
export * from "./repro.ts";
export * from "./swarm.ts";
export * from "./command.ts";
export * from "./nic_standby_config.ts";
export * from "./warm_standby.ts";
export * from "./nic_policies.ts";
export * from "./combined_run.ts";
export * from "./combined_command.ts";
