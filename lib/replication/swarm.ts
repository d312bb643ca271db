/**
 * Swarm testing of FT-Linux: per seed, a small download from the replicated file server with a
 * fail-stop of a random component of the primary's partition at a random time (before, during
 * or after the transfer, under load) and sometimes a bit flip in the primary's memory (corrected
 * or detected), checked by {@linkcode checkDownload}.
 *
 * @module
 */
import { createSim } from "../sim/simulation.ts";
import { FILE_HEADER_BYTES, fileChunkSum, fileServer } from "../workloads/file_server.ts";
import { ClientRouter, type TcpClient } from "../workloads/tcp_client.ts";
import { startDownload } from "../workloads/wget.ts";
import { createFtLinux, type FtLinux } from "./ft_linux.ts";

const FILE_BYTES = 256 * 1024;
const CHUNK = 16 * 1024;

/** A checker violation. */
export interface Violation {
  seed: number;
  detail: string;
  replay: string;
}

/**
 * Checks one consistent execution: every byte the client got equals what the surviving primary
 * computed at that offset, the stream is complete (nothing lost or duplicated), the file content
 * is the file, and the connection survived. Returns null or the first problem.
 *
 * @example
 * ```ts
 * import { runSwarmSeed } from "./swarm.ts";
 * if (runSwarmSeed(3, "relaxed", "driver-reload") !== null) throw new Error("violation");
 * ```
 */
export function checkDownload(sys: FtLinux, client: TcpClient): string | null {
  const survivor = sys.primary();
  if (!survivor) return "no primary survived";
  if (!client.done) return `connection did not complete (${client.received} bytes)`;
  const computed = survivor.computed.get(client.id) ?? [];
  const total = computed.reduce((a, c) => a + c.len, 0);
  if (client.received !== total) {
    return `client got ${client.received} bytes, server computed ${total}`;
  }
  const byOff = new Map(computed.map((c) => [c.off, c]));
  for (const s of client.segments) {
    const c = byOff.get(s.chunkOff);
    if (!c || c.sum !== s.sum || s.off + s.len > c.off + c.len) {
      return `byte ${s.off}: client has chunk ${s.chunkOff}/${s.sum}, survivor computed ${c?.sum}`;
    }
  }
  for (const c of computed) {
    if (c.off < FILE_HEADER_BYTES) continue;
    const i = (c.off - FILE_HEADER_BYTES) / CHUNK;
    if (c.sum !== fileChunkSum(i)) return `file chunk ${i} differs from the file`;
  }
  return null;
}

/** Runs one swarm seed; returns the violation text or null. */
export function runSwarmSeed(
  seed: number,
  commit: "relaxed" | "strict" | "none",
  failover: string,
): string | null {
  const sim = createSim({ seed, trace: { window: 0 } });
  const sys = createFtLinux(sim, { replicas: 2, commit, failover });
  const prng = sim.prng.fork("swarm");
  const router = new ClientRouter(sys.link);
  sys.start(
    "srv",
    fileServer({
      fileBytes: FILE_BYTES,
      chunkBytes: CHUNK,
      readNsPerChunk: 400_000,
      maxConnections: 1,
    }),
  );
  const d = startDownload(sim, sys.link, router, { binNs: 1e9, rtoMinNs: 2e8, rtoMaxNs: 6e10 });
  const p = sys.partitions[0]!;
  const targets = [...p.components].filter((c) => !c.startsWith("socket"));
  const target = prng.choice(targets);
  const failNs = prng.bernoulli(0.5) ? prng.int(10_000_000) : prng.int(4_000_000) * 2_000;
  sim.schedule(failNs, () => sys.machine.failStop(target, "swarm"));
  if (prng.bernoulli(0.3)) {
    const bits = prng.bernoulli(0.5) ? [3] : [3, 17];
    const addr = sys.threadAddress(sys.kernels[0]!, "srv");
    sim.schedule(prng.int(6_000_000), () => sys.machine.flipMemoryBits(addr, bits));
  }
  sim.run({ untilNs: 120e9 });
  return checkDownload(sys, d.client);
}

/** Result of {@linkcode swarmFtLinux}. */
export interface SwarmResult {
  seeds: number;
  commit: string;
  violation: Violation | null;
}

/**
 * Runs seeds 1..N (or only `only`) and stops at the first violation.
 *
 * @example
 * ```ts
 * import { swarmFtLinux } from "./swarm.ts";
 * const r = swarmFtLinux({ seeds: 3, commit: "relaxed" });
 * if (r.violation) throw new Error(r.violation.detail);
 * ```
 */
export function swarmFtLinux(
  o: { seeds: number; commit: "relaxed" | "strict" | "none"; failover?: string; only?: number },
): SwarmResult {
  const failover = o.failover ?? "driver-reload";
  const seeds = o.only === undefined ? Array.from({ length: o.seeds }, (_, i) => i + 1) : [o.only];
  for (const seed of seeds) {
    const v = runSwarmSeed(seed, o.commit, failover);
    if (v) {
      const replay =
        `deno task ftlab swarm ftlinux --seeds 1 --seed ${seed} --commit ${o.commit} --failover ${failover}`;
      return { seeds: seeds.length, commit: o.commit, violation: { seed, detail: v, replay } };
    }
  }
  return { seeds: seeds.length, commit: o.commit, violation: null };
}
