/**
 * The FT-Linux configuration: one zod schema for every parameter of the replication model, with
 * the defaults of ft-linux.md (the specification) and the calibrated values documented inline.
 *
 * Data flow: a user writes a partial {@linkcode FtLinuxConfigInput}; {@linkcode parseFtLinuxConfig}
 * validates it once (errors name the field) and fills defaults; the runtime only sees
 * {@linkcode FtLinuxConfig}.
 *
 * Calibrated (not in the paper): the replay tick, the receiver wake-up distribution
 * (`ring.wakeMedianNs`, `ring.wakeSigma`, `ring.wakeLoadFactor`), `computeSigma` and
 * `computeTauNs`, fitted together to PBZIP2 at 10, 50 and 100 KB blocks; the takeover step costs
 * other than the NIC driver load; see notebooks/02_ftlinux.ipynb for what each was fitted to.
 *
 * @module
 */
import { z } from "zod";
import { durationNs, parseConfig } from "../sim/config.ts";
import { FAILOVER_POLICIES } from "./failover_policy.ts";
import { deviceCheckpointSchema, secondNicSchema } from "./nic_standby_config.ts";

const ringSchema = z.object({
  /** Slots per receive ring ([K]: 8192). */
  slots: z.number().int().min(16).max(1 << 20).default(8192),
  /** Bytes per slot ([K]: 128, cache-line sized). */
  slotBytes: z.number().int().min(32).max(4096).default(128),
  /** Header bytes per slot (115 B of payload per 128 B slot). */
  headerBytes: z.number().int().min(1).max(64).default(13),
  /** Sender-side cost of writing one slot into a remote ring ([P] section 2: about 0.55 us). */
  writeNs: durationNs.default(550),
  /** Inter-processor interrupt delivery latency. */
  ipiNs: durationNs.default(2_000),
  /** How long an idle receiver keeps polling before it sleeps (IPI needed afterwards). */
  pollNs: durationNs.default(20_000),
  /** Receiver cost of handling one message (copy to the replay queues). */
  handleNs: durationNs.default(300),
  /** Median cost of `wake_up_process()` on an idle partition (calibrated, see replay.tickNs). */
  wakeMedianNs: durationNs.default(500),
  /** Log-normal shape of the wake-up cost (calibrated). */
  wakeSigma: z.number().min(0).max(4).default(1.2),
  /** Growth of the wake-up cost with run-queue load (runnable threads per core, calibrated). */
  wakeLoadFactor: z.number().min(0).max(1000).default(1),
  /** Upper bound of one wake-up ("tens of milliseconds under load"). */
  wakeMaxNs: durationNs.default(50_000_000),
}).strict();

const replaySchema = z.object({
  /** Cost of one Pthreads section (lock, unlock, condvar access) on either replica. */
  sectionNs: durationNs.default(1_000),
  /** Secondary waiting for its tuple: one spin ([P]: 5 us) ... */
  spinNs: durationNs.default(5_000),
  /** ... up to this many spins ([P]: 200) ... */
  spinCount: z.number().int().min(0).max(100_000).default(200),
  /**
   * A spinner gives its core up (and sleeps) at its next spin when another thread of the
   * partition waits for a core, as kernel spin-waits that check `need_resched()` do.
   */
  spinYields: z.boolean().default(true),
  /**
   * ... then it sleeps one scheduler tick per retry. Calibrated together with the wake-up cost
   * and `computeSigma` to PBZIP2 (0.80 at 50 KB and 0.58 at 10 KB blocks, ft-linux.md section 6):
   * far below a real tick (1-4 ms), it stands for the sleeper being woken when its turn comes.
   */
  tickNs: durationNs.default(5_000),
  /** Checksum of sent/received data (software CRC, per byte; calibrated: 0.85 for the download). */
  checksumNsPerByte: z.number().min(0).max(1000).default(3.6),
  /** Deterministic logical time: the shepherd's sampling period ([P]: 20 us). */
  shepherdNs: durationNs.default(20_000),
}).strict();

const heartbeatSchema = z.object({
  /** Heartbeat period ([K]: 100 ms). */
  periodNs: durationNs.default(100_000_000),
  /** Peer declared dead after this long without a heartbeat ([K]: 400 ms = 4 missed). */
  timeoutNs: durationNs.default(400_000_000),
}).strict();

const takeoverSchema = z.object({
  /** Loading the NIC driver on the survivor (PCI rescan, probe): ~99% of the gap [P]. */
  nicDriverLoadNs: durationNs.default(4_600_000_000),
  /** Draining the forwarded-packet queues. */
  drainNs: durationNs.default(200_000),
  /** Trimming the stable buffer and fixing sequence offsets. */
  trimNs: durationNs.default(100_000),
  /** Flushing send buffers and retransmitting unacknowledged data. */
  flushNs: durationNs.default(100_000),
  /** Bringing the NIC up with the service IP (gratuitous ARP). */
  nicUpNs: durationNs.default(20_000_000),
  /** Marking itself primary and removing the dummy NIC. */
  promoteNs: durationNs.default(1_000_000),
  /** Waking the replay threads. */
  wakeThreadsNs: durationNs.default(100_000),
}).strict();

const networkSchema = z.object({
  /** Client link bandwidth (1 Gb/s in [P]). */
  linkBitsPerSec: z.number().positive().default(1e9),
  /** One-way latency client <-> machine. */
  latencyNs: durationNs.default(40_000),
  /**
   * Connections a listening socket holds before the application accepts them: Linux 3.2's
   * SOMAXCONN (128), which Mongoose passes to listen(). On a secondary it bounds how far the
   * replay may lag behind the primary in accepted connections (see `Kernel`'s forwarded-packet
   * queue); the primary never reaches it with [P]'s 100 concurrent connections.
   */
  listenBacklog: z.number().int().min(1).max(65536).default(128),
  /** TCP maximum segment size. */
  mss: z.number().int().min(64).max(65536).default(1448),
  /** Window (bytes in flight). */
  windowBytes: z.number().int().min(1448).default(256 * 1024),
  /** Initial and minimum retransmission timeout (Linux: 200 ms). */
  rtoMinNs: durationNs.default(200_000_000),
  /** Largest retransmission timeout after exponential backoff. */
  rtoMaxNs: durationNs.default(60_000_000_000),
  /** Retransmissions before a connection is given up. */
  maxRetries: z.number().int().min(1).max(30).default(15),
  /** Per-packet processing in a kernel's network stack. */
  packetNs: durationNs.default(2_000),
  /**
   * Bytes an incoming packet's copy to a secondary carries besides its IP/TCP headers and
   * payload (ft-linux.md section 4: the netfilter hook copies every incoming packet). Not
   * calibrated: [K]'s `rx_copy_msg` (net/core/ft_filter.c) holds the message header, the
   * creator's id, filter and packet ids, the timestamp, the 48-byte control block, checksum,
   * flags, header offsets and lengths (about 200 B) and is followed by the skb headroom copied
   * with the data (NET_SKB_PAD plus the MAC header, about 80 B): a pure ACK takes 3 slots.
   */
  rxCopyBytes: z.number().int().min(0).max(65536).default(280),
}).strict();

/** zod schema of {@linkcode FtLinuxConfig}. */
export const ftLinuxConfigSchema = z.object({
  /** Machine preset. */
  machine: z.string().default("opteron-6376-4s"),
  /** Kernel replicas: 1 = unreplicated baseline with one partition's resources; N = primary + N-1. */
  replicas: z.number().int().min(1).max(8).default(2),
  /** NUMA nodes per partition (default: the machine's nodes / max(2, replicas)). */
  nodesPerPartition: z.number().int().min(1).optional(),
  /**
   * Variation of a thread's speed, independent per replica: the log-normal sigma of the factor
   * (mean 1) by which its `compute()` calls take longer or shorter than nominal. Calibrated with
   * the replay costs: the loss of PBZIP2 at large blocks (0.80 at 50 and 100 KB) comes from it,
   * since the secondary replays sections in the primary's order and waits for whichever thread
   * runs slower there. Work that repeats less closely adds its own per-call variation
   * (Mongoose: `serviceSigma`).
   */
  computeSigma: z.number().min(0).max(1).default(0.05),
  /**
   * Correlation time of a thread's speed on its replica: the factor drifts as an
   * Ornstein-Uhlenbeck process in log space (memory placement, sharing a Piledriver module with a
   * busy neighbour and turbo states persist for a while); 0 draws it afresh for every call.
   * Calibrated with `computeSigma`: with 0, the pieces of a large block average out and PBZIP2
   * at 100 KB keeps up (0.96 against the paper's 0.80).
   */
  computeTauNs: durationNs.default(100_000_000),
  /** Multithreading determinism: schedule replication or deterministic logical time. */
  mode: z.enum(["schedule", "logical-time"]).default("schedule"),
  /** Output commit: relaxed (FT-Linux), strict, or the negative control none. */
  commit: z.enum(["relaxed", "strict", "none"]).default("relaxed"),
  /** Negative control `none`: log entries are written this long after the output was released. */
  lazyLogNs: durationNs.default(300_000),
  /** With 3+ replicas: release output only when a majority of send checksums agree. */
  vote: z.boolean().default(false),
  /** Failover policy (how the survivor gets the NIC); see {@linkcode FAILOVER_POLICIES}. */
  failover: z.string().refine((p) => p in FAILOVER_POLICIES, {
    message: `one of ${Object.keys(FAILOVER_POLICIES).join(", ")}`,
  }).default("driver-reload"),
  ring: ringSchema.default(ringSchema.parse({})),
  replay: replaySchema.default(replaySchema.parse({})),
  heartbeat: heartbeatSchema.default(heartbeatSchema.parse({})),
  takeover: takeoverSchema.default(takeoverSchema.parse({})),
  network: networkSchema.default(networkSchema.parse({})),
  /** Warm-standby NIC of the `device-checkpoint` policy (nic_standby_config.ts). */
  deviceCheckpoint: deviceCheckpointSchema.default(deviceCheckpointSchema.parse({})),
  /** Second NIC of the `second-nic` policy. */
  secondNic: secondNicSchema.default(secondNicSchema.parse({})),
}).strict().superRefine((c, ctx) => {
  if (c.heartbeat.timeoutNs <= c.heartbeat.periodNs) {
    ctx.addIssue({
      code: "custom",
      path: ["heartbeat", "timeoutNs"],
      message: `a timeout longer than the period (${c.heartbeat.periodNs} ns)`,
      input: c.heartbeat.timeoutNs,
    });
  }
});

/** A validated FT-Linux configuration with every default filled in. */
export type FtLinuxConfig = z.output<typeof ftLinuxConfigSchema>;
/** What a user may write for an FT-Linux configuration. */
export type FtLinuxConfigInput = z.input<typeof ftLinuxConfigSchema>;

/**
 * Validates an FT-Linux configuration; throws a ConfigError naming the field.
 *
 * @example
 * ```ts
 * import { parseFtLinuxConfig } from "./config.ts";
 * const c = parseFtLinuxConfig({ commit: "strict", heartbeat: { timeoutNs: "800ms" } });
 * if (c.heartbeat.timeoutNs !== 800_000_000 || c.ring.slots !== 8192) throw new Error("defaults");
 * try {
 *   parseFtLinuxConfig(JSON.parse('{ "commit": "lazy" }'));
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("commit")) throw e;
 * }
 * ```
 */
export function parseFtLinuxConfig(input: FtLinuxConfigInput = {}): FtLinuxConfig {
  return parseConfig(ftLinuxConfigSchema, input, "ftlinux");
}
