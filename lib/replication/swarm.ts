/**
 * Swarm testing of FT-Linux: per seed, one fatal fault at a random time (during the handshake,
 * the transfer, or the takeover): a fail-stop of a random component of a partition, or a
 * detected-uncorrectable memory error in the primary's memory, sometimes with a corrected bit
 * flip too. Three seeds in four run one or two downloads from the replicated file server (every
 * client checked by {@linkcode checkDownload}); one in four runs the Mongoose-like web server
 * under a saturating closed-loop load with a small listen backlog, so that the secondary lags
 * the primary and holds forwarded packets when the fault strikes (every ApacheBench connection
 * checked by {@linkcode checkStream}).
 *
 * @module
 */
import type { Prng } from "../sim/prng.ts";
import { createSim, type Simulation } from "../sim/simulation.ts";
import { startApacheBench } from "../workloads/apache_bench.ts";
import { FILE_HEADER_BYTES, fileChunkSum, fileServer } from "../workloads/file_server.ts";
import { mongoose } from "../workloads/mongoose.ts";
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
 * Checks one consistent execution of a connection: every byte the client got equals what the
 * surviving primary computed at that stream offset, the stream is complete (nothing lost or
 * duplicated) and the connection survived. Returns null or the first problem.
 *
 * @example
 * ```ts
 * import { runSwarmSeed } from "./swarm.ts";
 * if (runSwarmSeed(4, "relaxed", "driver-reload") !== null) throw new Error("violation");
 * ```
 */
export function checkStream(sys: FtLinux, client: TcpClient): string | null {
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
  return null;
}

/**
 * {@linkcode checkStream} for a download from the file server, and the content is the file.
 *
 * @example
 * ```ts
 * import { runSwarmSeed } from "./swarm.ts";
 * if (runSwarmSeed(3, "relaxed", "driver-reload") !== null) throw new Error("violation");
 * ```
 */
export function checkDownload(
  sys: FtLinux,
  client: TcpClient,
  chunkBytes = CHUNK,
): string | null {
  const v = checkStream(sys, client);
  if (v) return v;
  for (const c of sys.primary()!.computed.get(client.id) ?? []) {
    if (c.off < FILE_HEADER_BYTES) continue;
    const i = (c.off - FILE_HEADER_BYTES) / chunkBytes;
    if (c.sum !== fileChunkSum(i)) return `file chunk ${i} differs from the file`;
  }
  return null;
}

/**
 * Runs one swarm seed; returns the violation text or null. The seed draws: the failing
 * component (of the primary's partition, or of a secondary's in one run out of four), the
 * moment (during the handshake, during the transfer, or anywhere in the first 8 s, which
 * includes the takeover of a previous client's connection), sometimes a second client that
 * connects at a random moment (possibly while the survivor is still loading the NIC driver). The
 * one fatal fault is a fail-stop of a component, or two flipped bits in the primary's memory (a
 * machine check when read); sometimes a single-bit flip (corrected by ECC) comes on top.
 *
 * @example
 * ```ts
 * import { runSwarmSeed } from "./swarm.ts";
 * if (runSwarmSeed(21, "strict", "driver-reload") !== null) throw new Error("violation");
 * ```
 */
export function runSwarmSeed(
  seed: number,
  commit: "relaxed" | "strict" | "none",
  failover: string,
): string | null {
  const sim = createSim({ seed, trace: { window: 0 } });
  const web = sim.prng.fork("swarm-workload").bernoulli(0.25);
  const listenBacklog = web ? sim.prng.fork("swarm-backlog").choice([1, 2, 4, 128]) : 128;
  const sys = createFtLinux(sim, { replicas: 2, commit, failover, network: { listenBacklog } });
  const prng = sim.prng.fork("swarm");
  const router = new ClientRouter(sys.link);
  if (web) return webSeed(sim, sys, router, prng);
  const second = prng.bernoulli(0.3);
  sys.start(
    "srv",
    fileServer({
      fileBytes: FILE_BYTES,
      chunkBytes: CHUNK,
      readNsPerChunk: 400_000,
      maxConnections: second ? 2 : 1,
    }),
  );
  const dl = () =>
    startDownload(sim, sys.link, router, { binNs: 1e9, rtoMinNs: 2e8, rtoMaxNs: 6e10 });
  const clients = [dl().client];
  if (second) sim.schedule(prng.int(3_000_000) * 2_000, () => clients.push(dl().client));
  const addr = sys.threadAddress(sys.kernels[0]!, "srv");
  // A single-bit error (corrected) on top of a fail-stop; never on the word of a double flip:
  // three flipped bits are undetected corruption, outside FT-Linux's fault model (two replicas
  // cannot mask it).
  if (scheduleFatalFault(sim, sys, prng, failureTime(prng), addr) && prng.bernoulli(0.3)) {
    sim.schedule(prng.int(6_000_000), () => sys.machine.flipMemoryBits(addr, [5]));
  }
  return finish(sim, sys, clients);
}

/**
 * Schedules the one fatal fault at `failNs`: in one run out of five a detected-uncorrectable
 * error (two bits flipped in the primary's word at `addr`, a machine check when read), otherwise
 * a fail-stop of a random component of the primary's partition (of a secondary's in one run out
 * of four). Returns true for a fail-stop.
 */
function scheduleFatalFault(
  sim: Simulation,
  sys: FtLinux,
  prng: Prng,
  failNs: number,
  addr: number,
): boolean {
  if (prng.bernoulli(0.2)) {
    sim.schedule(failNs, () => sys.machine.flipMemoryBits(addr, [3, 17]));
    return false;
  }
  const p = sys.partitions[prng.bernoulli(0.25) ? 1 : 0]!;
  const target = prng.choice([...p.components].filter((c) => !c.startsWith("socket")));
  sim.schedule(failNs, () => sys.machine.failStop(target, "swarm"));
  return true;
}

/**
 * A web-server seed: 4 workers at 2 ms a request against 16 closed-loop connections (the server
 * saturated, the secondary behind), 240 requests; one fail-stop or machine check during the
 * load, or later (a takeover while clients retransmit).
 */
function webSeed(sim: Simulation, sys: FtLinux, router: ClientRouter, prng: Prng): string | null {
  sys.start(
    "mongoose",
    mongoose({ workers: 4, pageBytes: 10_000, serviceNs: 2_000_000, queueLength: 4 }),
  );
  const ab = startApacheBench(sim, sys.link, router, {
    concurrency: 16,
    requestBytes: 100,
    rtoMinNs: 2e8,
    rtoMaxNs: 6e10,
    maxRequests: 240,
  });
  const failNs = prng.bernoulli(0.8) ? prng.int(130_000) * 1_000 : prng.int(4_000) * 1_000_000;
  scheduleFatalFault(sim, sys, prng, failNs, sys.threadAddress(sys.kernels[0]!, "mongoose"));
  return finish(sim, sys, ab.clients, checkStream);
}

/** Runs the seed to its end and checks every client. */
function finish(
  sim: Simulation,
  sys: FtLinux,
  clients: TcpClient[],
  check: (sys: FtLinux, c: TcpClient) => string | null = checkDownload,
): string | null {
  sim.run({ untilNs: 120e9 });
  for (const c of clients) {
    const v = check(sys, c);
    if (v) return `client ${c.id}: ${v}`;
  }
  return null;
}

/** When the one fatal fault strikes: during the handshake, the transfer, or the first 8 s. */
function failureTime(prng: Prng): number {
  const when = prng.int(3);
  if (when === 0) return prng.int(300_000);
  if (when === 1) return prng.int(10_000_000);
  return prng.int(4_000_000) * 2_000;
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
