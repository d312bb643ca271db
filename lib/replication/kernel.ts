/**
 * One kernel replica: a partition's cores, its receive ring, its TCP state and its FT namespace.
 * It ships messages to the other replicas, applies the output-commit policy to sends, reads its
 * application memory through ECC (bit flips), and halts (fail-stop) when its partition fails.
 *
 * Packets: on the primary a client packet goes through the netfilter hook (a copy to every
 * secondary's ring) and then to its own stack; on a secondary a forwarded copy joins the
 * forwarded-packet queue, which feeds its stack in order as far as the listen backlog allows
 * (see {@linkcode Kernel.drainForwarded}); the takeover drains what is left.
 *
 * @module
 */
import type { Machine } from "../machine/machine.ts";
import type { SimEvent } from "../sim/event.ts";
import type { Prng } from "../sim/prng.ts";
import { Deque } from "../sim/_deque.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { FtLinuxConfig } from "./config.ts";
import { CorePool } from "./core_pool.ts";
import type { FtLinux } from "./ft_linux.ts";
import { MessageRing } from "./message_ring.ts";
import type { KernelMessage, LogEntry, Packet } from "./messages.ts";
import { type FtGen, FtNamespace, type FtThread, ReplicaHalted } from "./namespace.ts";
import type { Partition } from "./partition.ts";
import { type Chunk, SEND_BUFFER_BYTES, type ServerConn, ServerTcp } from "./server_tcp.ts";

/** IP and TCP header bytes of a packet (with the timestamp option). */
const PACKET_HEADER_BYTES = 52;

/** A thread's speed on its replica (log of the factor, and when it was last advanced; -1: never). */
export interface ThreadSpeed {
  log: number;
  atNs: number;
}

/** Role of a replica. */
export type Role = "primary" | "secondary" | "halted";

/** Start of the replicated wall clock (2017-06-05, [P]'s conference), in ns since 1970. */
const EPOCH_NS = 1_496_620_800_000_000_000;

/**
 * A kernel replica. Built by {@linkcode FtLinux}; scripts read its counters and state.
 *
 * @example
 * ```ts
 * import { createFtLinux } from "./ft_linux.ts";
 * import { createSim } from "../sim/mod.ts";
 * const sys = createFtLinux(createSim({ seed: 1 }), {});
 * if (sys.kernels[0]!.role !== "primary" || sys.kernels[1]!.cores.cores !== 32) throw new Error("roles");
 * ```
 */
export class Kernel {
  readonly sim: Simulation;
  readonly sys: FtLinux;
  readonly id: number;
  readonly name: string;
  readonly partition: Partition;
  readonly config: FtLinuxConfig;
  readonly cores: CorePool;
  readonly ring: MessageRing<KernelMessage>;
  readonly tcp: ServerTcp;
  readonly ns: FtNamespace;
  role: Role;
  /** Output chunks this replica computed, per connection (ground truth for checkers). */
  readonly computed = new Map<number, Chunk[]>();
  /** Checksum mismatches found comparing with the primary's send log. */
  divergences: string[] = [];
  /** The NIC receive queue's softirq context: forwarded packets keep their arrival order. */
  readonly #rxQueue: CorePool;
  /**
   * Forwarded packets this secondary's stack has not processed yet, oldest first, with the ring
   * slots they still hold.
   */
  readonly #forwarded = new Deque<{ pkt: Packet; slots: number }>();
  /** Variation of computation times on this replica (its own stream). */
  readonly #cpuPrng: Prng;
  readonly #acks = new Map<
    string,
    { need: number; got: number; sums: number[]; ev: SimEvent<void> }
  >();

  constructor(sys: FtLinux, id: number, partition: Partition, primary: boolean) {
    this.sys = sys;
    this.sim = sys.sim;
    this.id = id;
    this.name = `k${id}`;
    this.partition = partition;
    this.config = sys.config;
    this.role = primary ? "primary" : "secondary";
    this.cores = new CorePool(this.sim, partition.cores.length);
    this.ring = new MessageRing(
      this.sim,
      `${this.name}.ring`,
      this.config.ring,
      this.cores,
      this.sim.prng.fork(`ring${id}`),
      (m) => this.#receive(m),
    );
    this.tcp = new ServerTcp(this.sim, this.config.network, sys.link, id + 1);
    this.tcp.transmitting = primary;
    this.ns = new FtNamespace(this, primary);
    this.#cpuPrng = this.sim.prng.fork(`cpu${id}`);
    this.#rxQueue = new CorePool(this.sim, 1);
  }

  /**
   * How long `ns` of nominal computation by a thread takes here now: `ns` times the thread's
   * speed factor on this replica (log-normal, mean 1, shape `computeSigma`; drawn afresh per call
   * when `computeTauNs` is 0, otherwise an Ornstein-Uhlenbeck process in log space with that
   * correlation time, whose state `speed` the thread keeps), times the work's own variation
   * (log-normal, mean 1, shape `workSigma`, drawn per call).
   */
  computeNs(ns: number, workSigma = 0, speed?: ThreadSpeed): number {
    if (ns <= 0) return ns;
    const { computeSigma: s, computeTauNs: tau } = this.config;
    let f = 1;
    if (s > 0) {
      f = tau > 0 && speed
        ? Math.exp(this.#speedLog(speed, s, tau) - s * s / 2)
        : this.#cpuPrng.lognormal(-s * s / 2, s);
    }
    if (workSigma > 0) f *= this.#cpuPrng.lognormal(-workSigma * workSigma / 2, workSigma);
    return f === 1 ? ns : Math.round(ns * f);
  }

  /** Advances a thread's log speed to now (exact OU transition) and returns it. */
  #speedLog(speed: ThreadSpeed, s: number, tau: number): number {
    const now = this.sim.now;
    if (speed.atNs < 0) speed.log = this.#cpuPrng.normal(0, s);
    else {
      const a = Math.exp(-(now - speed.atNs) / tau);
      speed.log = speed.log * a + Math.sqrt(1 - a * a) * this.#cpuPrng.normal(0, s);
    }
    speed.atNs = now;
    return speed.log;
  }

  /** True until the replica halted. */
  get alive(): boolean {
    return this.role !== "halted";
  }

  /** The machine. */
  get machine(): Machine {
    return this.sys.machine;
  }

  /** Throws {@linkcode ReplicaHalted} into thread code of a halted replica. */
  checkAlive(): void {
    if (this.role === "halted") throw new ReplicaHalted(this.name);
  }

  /** The replicated wall clock. */
  clockNs(): number {
    return EPOCH_NS + this.sim.now;
  }

  /** Ships a message to every live secondary's ring (primary side), waiting for room. */
  *ship(msg: KernelMessage, bytes: number): FtGen {
    for (const k of this.sys.kernels) {
      if (k === this || k.role !== "secondary") continue;
      this.checkAlive();
      msg.slots = k.ring.slotsFor(bytes);
      yield* k.ring.write(msg, bytes);
    }
  }

  /** Ships from a callback context (heartbeats, bumps, forwarded packets). */
  post(msg: KernelMessage, bytes: number, done?: () => void): void {
    const targets = this.sys.kernels.filter((k) => k !== this && k.role === "secondary");
    let left = targets.length;
    if (left === 0) return done?.();
    for (const k of targets) {
      const copy = { ...msg, slots: k.ring.slotsFor(bytes) };
      k.ring.post(copy, bytes, () => {
        if (--left === 0) done?.();
      });
    }
  }

  /**
   * A client packet reached this kernel's NIC (ft-linux.md section 4). The netfilter hook copies
   * it, with its socket-buffer metadata (`network.rxCopyBytes`), into every secondary's ring
   * before this kernel's stack processes it: the copy runs on the packet path (softirq), so it
   * holds one of this partition's cores for the ring writes (0.55 us a slot, [P] section 2) and
   * waits with it when a ring is full (backpressure reaches the packet path too). Packets of
   * one NIC queue are handled in arrival order (one softirq context at a time).
   */
  netfilterReceive(p: Packet): void {
    if (!this.sys.kernels.some((k) => k !== this && k.role === "secondary")) {
      this.sim.after(this.config.network.packetNs, () => this.tcp.receive(p));
      return;
    }
    this.sim.process(this.#netfilterHook(p), `${this.name}.netfilter`);
  }

  *#netfilterHook(p: Packet): FtGen {
    yield* this.#rxQueue.acquire();
    let core = false;
    try {
      yield* this.cores.acquire();
      core = true;
      const bytes = this.config.network.rxCopyBytes + PACKET_HEADER_BYTES + p.len;
      yield* this.ship({ t: "pkt", pkt: p, slots: 0 }, bytes);
      this.sim.after(this.config.network.packetNs, () => this.tcp.receive(p));
    } catch (e) {
      if (!(e instanceof ReplicaHalted)) throw e;
    } finally {
      if (core) this.cores.release();
      this.#rxQueue.release();
    }
  }

  /** Writes a log entry under the output-commit policy (none: lazily, after the output). */
  *log(entry: LogEntry, bytes: number): FtGen {
    if (this.config.commit === "none") {
      this.sim.after(this.config.lazyLogNs, () => {
        if (this.alive) this.post(entry, bytes);
      });
      return;
    }
    yield* this.ship(entry, bytes);
  }

  /** send(): output commit on a live replica; checksum comparison on a replaying one. */
  *send(th: FtThread, conn: number, len: number, sum: number): FtGen {
    this.checkAlive();
    if (this.sys.kernels.some((k) => k !== this && k.role === "secondary")) {
      yield* this.cores.run(Math.round(len * this.config.replay.checksumNsPerByte));
    }
    const c = this.tcp.conns.get(conn);
    if (!this.ns.live) {
      const e = yield* this.ns.takeLog(th);
      if (e) return this.#replaySend(th, e, c, conn, len, sum);
    }
    for (let i = 0; c && c.produced - c.acked > SEND_BUFFER_BYTES && i < 1_000_000; i++) {
      c.waiter = this.sim.event<void>();
      yield c.waiter;
      this.checkAlive();
    }
    const n = th.n++;
    const entry: LogEntry = { t: "log", tid: th.tid, n, sys: "send", value: len, sum, slots: 0 };
    if (this.config.commit === "none") {
      this.#release(conn, c, len, sum);
      yield* this.log(entry, 24);
      return;
    }
    yield* this.ship(entry, 24);
    if (this.config.commit === "strict" || this.config.vote) {
      const ok = yield* this.#awaitAcks(th.tid, n, sum);
      if (!ok) return;
    }
    this.#release(conn, c, len, sum);
  }

  #replaySend(
    th: FtThread,
    e: LogEntry,
    c: ServerConn | undefined,
    conn: number,
    len: number,
    sum: number,
  ) {
    if (e.sum !== sum || e.value !== len) {
      this.divergences.push(`${th.tid}#${e.n}: send checksum ${sum} != primary's ${e.sum}`);
      this.sys.onDivergence(this, th.tid, e.n);
    }
    if (this.config.vote) {
      const p = this.sys.primary();
      if (p) {
        this.sys.postTo(p, { t: "ack", from: this.id, tid: th.tid, n: e.n, sum, slots: 1 }, 24);
      }
    }
    this.#release(conn, c, len, sum);
  }

  #release(conn: number, c: ServerConn | undefined, len: number, sum: number): void {
    let list = this.computed.get(conn);
    if (!list) this.computed.set(conn, list = []);
    const off = list.length === 0 ? 0 : list[list.length - 1]!.off + list[list.length - 1]!.len;
    list.push({ off, len, sum });
    if (c) this.tcp.append(c, len, sum);
  }

  *#awaitAcks(tid: string, n: number, sum: number): FtGen<boolean> {
    const secondaries = this.sys.kernels.filter((k) => k !== this && k.role === "secondary").length;
    if (secondaries === 0) return true;
    const need = this.config.vote ? Math.ceil((secondaries + 1) / 2) : secondaries;
    const ev = this.sim.event<void>();
    const key = `${tid}#${n}`;
    const a = { need, got: 0, sums: [] as number[], ev };
    this.#acks.set(key, a);
    yield ev;
    this.#acks.delete(key);
    this.checkAlive();
    if (!this.config.vote) return true;
    const sums = a.sums;
    const agree = sums.filter((s) => s === sum).length;
    if (agree + 1 >= Math.floor((secondaries + 1) / 2) + 1) return true;
    this.sys.outvoted(this);
    return false;
  }

  /** accept() of a live replica: waits for a connection. */
  *acceptLive(): FtGen<unknown> {
    for (let i = 0; this.tcp.acceptQueue.length === 0 && i < 1_000_000; i++) {
      this.tcp.acceptWaiter = this.sim.event<void>();
      yield this.tcp.acceptWaiter;
      this.checkAlive();
    }
    return this.tcp.acceptQueue.shift();
  }

  /** A replayed or live accept returned `conn`: it leaves the accept queue. */
  accepted(conn: number): void {
    this.tcp.accepted(conn);
    this.drainForwarded(false);
  }

  /**
   * Feeds forwarded packets to this kernel's stack in arrival order (ft-linux.md section 4: SYN
   * and FIN through the dummy NIC, data into the stable buffer, ACKs trim the send buffer) and
   * frees their ring slots. A SYN waits while the listen queue is full (`network.listenBacklog`:
   * the replay has not accepted that many connections yet), and the packets behind it wait with
   * it: when the secondary lags the primary by more than the backlog, forwarded packets fill the
   * ring and backpressure slows the primary ("in-flight data fills the secondary's buffers",
   * section 2). `all` (the takeover's drain step) feeds every packet: those connections were
   * established with the old primary, the backlog only bounds new ones.
   */
  drainForwarded(all: boolean): void {
    for (let f = this.#forwarded.peek(); f; f = this.#forwarded.peek()) {
      if (!all && !this.tcp.canTake(f.pkt)) break;
      this.#forwarded.shift();
      this.tcp.receive(f.pkt);
      this.ring.free(f.slots);
    }
  }

  /** Forwarded packets waiting for this kernel's stack. */
  get forwardedBacklog(): number {
    return this.#forwarded.length;
  }

  /** recv() of a live replica: the next request from the stable buffer, or null at FIN. */
  *recvLive(conn: number): FtGen<unknown> {
    const c = this.tcp.conns.get(conn);
    for (let i = 0; c && i < 1_000_000; i++) {
      if (c.requests.length > c.reqConsumed) return c.requests[c.reqConsumed++];
      if (c.finReceived) return null;
      c.waiter = this.sim.event<void>();
      yield c.waiter;
      this.checkAlive();
    }
    return null;
  }

  /**
   * A replayed recv consumed a request: trim the stable buffer up to it (its packet may still
   * wait in the forwarded-packet queue: it is trimmed when it arrives).
   */
  consumed(conn: number, value: unknown): void {
    if (!value || typeof value !== "object") return;
    const v = value as { off: number; len: number };
    this.tcp.consumed(conn, v.off + v.len);
  }

  /** close() after the output. */
  closeConn(conn: number): void {
    const c = this.tcp.conns.get(conn);
    if (c) this.tcp.close(c);
  }

  /** Reads this thread's working memory through ECC: bit flips show up here. */
  touchMemory(th: FtThread): void {
    const addr = this.sys.threadAddress(this, th.tid);
    if (this.machine.memory.flippedBits(addr) === 0n) return;
    const r = this.machine.memory.read(addr);
    if (r.status === "ok") {
      const bad = Number((r.value ^ this.machine.memory.intendedValue(addr)) & 0xffffffffn);
      if (bad !== 0) th.poison = bad;
    }
  }

  /** An internal replay inconsistency (counted like a checksum mismatch). */
  divergence(detail: string): void {
    this.divergences.push(detail);
  }

  /** Fail-stop of this replica. */
  halt(reason: string): void {
    if (this.role === "halted") return;
    this.role = "halted";
    this.tcp.alive = false;
    this.ring.receiverDied();
    this.sim.trace.emit(this.sim.now, `replication.${this.name}`, "halt", { reason });
  }

  /**
   * A peer was declared dead: acknowledgements still awaited need only the live secondaries
   * (none left: the output is released), so strict commit does not wait forever on a corpse.
   */
  peerDeclaredDead(): void {
    const live = this.sys.kernels.filter((k) => k !== this && k.role === "secondary").length;
    const need = this.config.vote ? Math.ceil((live + 1) / 2) : live;
    for (const a of this.#acks.values()) {
      a.need = Math.min(a.need, need);
      if (a.got >= a.need && a.ev.pending) a.ev.succeed();
    }
  }

  /** Completes strict/vote acknowledgements on the primary. */
  #ack(m: Extract<KernelMessage, { t: "ack" }>): void {
    const a = this.#acks.get(`${m.tid}#${m.n}`);
    if (!a) return;
    a.got++;
    if (m.sum !== undefined) a.sums.push(m.sum);
    if (a.got >= a.need && a.ev.pending) a.ev.succeed();
  }

  #receive(m: KernelMessage): number {
    switch (m.t) {
      case "hb":
        this.sys.heard(this, m.from);
        return m.slots;
      case "ack":
        this.#ack(m);
        return m.slots;
      case "pkt":
        this.#forwarded.push({ pkt: m.pkt, slots: m.slots });
        this.drainForwarded(false);
        return 0;
      case "log":
        if (m.sys === "send" && this.config.commit === "strict" && !this.config.vote) {
          const p = this.sys.primary();
          if (p) this.sys.postTo(p, { t: "ack", from: this.id, tid: m.tid, n: m.n, slots: 1 }, 24);
        }
        return this.ns.deliver(m);
      default:
        return this.ns.deliver(m);
    }
  }
}
