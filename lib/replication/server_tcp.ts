/**
 * A kernel's TCP state for the service (ft-linux.md section 4). The kernel that owns the NIC
 * transmits; a secondary keeps the same state as a shadow: sockets opened by forwarded SYNs, a
 * stable buffer of forwarded client data, a send buffer of what its replay produced, trimmed by
 * forwarded client ACKs, and the sequence-number offset learned from the client's ACKs (the
 * replicas chose different initial sequence numbers). On takeover it starts transmitting: it
 * retransmits from the last acknowledged byte with the primary's sequence numbers.
 *
 * Data is modelled per chunk (one `send()`): `{off, len, sum}` with `sum` the checksum of its
 * bytes; segments carry their chunk's checksum and offset so that checkers compare bytes by
 * stream offset.
 *
 * @module
 */
import type { SimEvent } from "../sim/event.ts";
import type { Simulation } from "../sim/simulation.ts";
import type { FtLinuxConfig } from "./config.ts";
import type { Link } from "./link.ts";
import type { Packet } from "./messages.ts";

/** A chunk of a server's output stream. */
export interface Chunk {
  off: number;
  len: number;
  sum: number;
}

/** A request (client data) in the stable buffer. */
export interface ClientData {
  off: number;
  len: number;
  body: unknown;
}

/** Server-side state of one connection. */
export interface ServerConn {
  id: number;
  clientIsn: number;
  /** This kernel's own initial sequence number. */
  ownIsn: number;
  /** The sequence base used on the wire (the primary's ISN; learned by a secondary). */
  wireIsn: number | null;
  chunks: Chunk[];
  produced: number;
  sent: number;
  acked: number;
  requests: ClientData[];
  reqExpected: number;
  reqConsumed: number;
  /** Stream offset up to which the application consumed client data (replayed recv). */
  consumedTo: number;
  finReceived: boolean;
  closing: boolean;
  finSent: boolean;
  rtoNs: number;
  retries: number;
  timer: number;
  waiter: SimEvent<void> | null;
}

/** Bytes of unacknowledged output a socket holds before `send()` blocks. */
export const SEND_BUFFER_BYTES = 1 << 20;

/**
 * The service's TCP endpoint in one kernel.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { parseFtLinuxConfig } from "./config.ts";
 * import { Link } from "./link.ts";
 * import { ServerTcp } from "./server_tcp.ts";
 * const sim = createSim({ seed: 1 });
 * const link = new Link(sim, 1e9, 1_000);
 * const tcp = new ServerTcp(sim, parseFtLinuxConfig({}).network, link, 7);
 * tcp.transmitting = true;
 * tcp.receive({ conn: 1, kind: "syn", seq: 100, len: 0, ack: 0 });
 * if (tcp.acceptQueue[0] !== 1) throw new Error("accept queue");
 * ```
 */
export class ServerTcp {
  readonly sim: Simulation;
  readonly net: FtLinuxConfig["network"];
  readonly link: Link;
  readonly conns = new Map<number, ServerConn>();
  readonly acceptQueue: number[] = [];
  /**
   * What the replay did with connections whose SYN has not reached this stack yet (it waits in
   * the forwarded-packet queue): accepted them, consumed their data up to an offset.
   */
  readonly #early = new Map<number, { accepted: boolean; consumedTo: number }>();
  acceptWaiter: SimEvent<void> | null = null;
  /** True on the kernel that owns a working NIC. */
  transmitting = false;
  /** False once the kernel died: timers and packets are ignored. */
  alive = true;
  /** Packets processed. */
  packets = 0;
  readonly #isnSeed: number;

  constructor(sim: Simulation, net: FtLinuxConfig["network"], link: Link, isnSeed: number) {
    this.sim = sim;
    this.net = net;
    this.link = link;
    this.#isnSeed = isnSeed;
  }

  /** The application accepted `conn`: it leaves the listen queue. */
  accepted(conn: number): void {
    const i = this.acceptQueue.indexOf(conn);
    if (i >= 0) this.acceptQueue.splice(i, 1);
    else if (!this.conns.has(conn)) this.#earlyFor(conn).accepted = true;
  }

  /** The application consumed client data of `conn` up to stream offset `to` (a replayed recv). */
  consumed(conn: number, to: number): void {
    const c = this.conns.get(conn);
    if (!c) {
      const e = this.#earlyFor(conn);
      e.consumedTo = Math.max(e.consumedTo, to);
      return;
    }
    c.consumedTo = Math.max(c.consumedTo, to);
    this.trimConsumed(c);
  }

  #earlyFor(conn: number): { accepted: boolean; consumedTo: number } {
    let e = this.#early.get(conn);
    if (!e) this.#early.set(conn, e = { accepted: false, consumedTo: 0 });
    return e;
  }

  /** Skips requests the application already consumed (stable-buffer trim). */
  trimConsumed(c: ServerConn): void {
    while (c.reqConsumed < c.requests.length && c.requests[c.reqConsumed]!.off < c.consumedTo) {
      c.reqConsumed++;
    }
  }

  /**
   * Whether a shadow stack can process `p` now: a SYN that opens a connection needs room in the
   * listen queue (`network.listenBacklog`), which the replay's accept() empties.
   */
  canTake(p: Packet): boolean {
    return p.kind !== "syn" || this.conns.has(p.conn) ||
      this.acceptQueue.length < this.net.listenBacklog;
  }

  /** Processes a client packet (the NIC owner: for real; a secondary: a forwarded copy). */
  receive(p: Packet): void {
    if (!this.alive) return;
    this.packets++;
    const c = this.conns.get(p.conn) ?? (p.kind === "syn" ? this.#open(p) : undefined);
    if (!c) return;
    if (c.wireIsn === null && p.kind !== "syn" && p.ack > 0) {
      c.wireIsn = p.ack - 1 - c.acked;
      this.pump(c);
    }
    if (p.kind === "syn") {
      if (this.transmitting) this.#ctl(c, "synack");
    } else if (p.kind === "data") this.#data(c, p);
    else if (p.kind === "ack") this.#ack(c, p);
    else if (p.kind === "fin") {
      c.finReceived = true;
      this.#wake(c);
    }
  }

  /** Appends a chunk the application sent (released output) and transmits what the window allows. */
  append(c: ServerConn, len: number, sum: number): void {
    c.chunks.push({ off: c.produced, len, sum });
    c.produced += len;
    this.pump(c);
  }

  /** Marks the connection for closing once every byte is acknowledged. */
  close(c: ServerConn): void {
    c.closing = true;
    this.pump(c);
  }

  /**
   * Takes over transmission (failover): uses the primary's sequence numbers, resends unacked.
   * A connection whose wire ISN is still unknown (the primary died after the SYN, before any
   * client packet carried an ACK) stays silent until the client's next segment tells it: the
   * client retransmits its SYN (answered with this kernel's ISN, which the client adopts only if
   * it never saw the primary's) or its request (whose ACK field carries the primary's ISN).
   */
  takeOver(): void {
    this.transmitting = true;
    for (const c of this.conns.values()) {
      c.sent = c.acked;
      c.rtoNs = this.net.rtoMinNs;
      c.retries = 0;
      this.pump(c);
    }
  }

  /** Sends segments the window allows, or the FIN. */
  pump(c: ServerConn): void {
    if (!this.transmitting || !this.alive || c.wireIsn === null) return;
    const limit = c.acked + this.net.windowBytes;
    let i = this.#chunkIndex(c, c.sent);
    while (c.sent < c.produced && c.sent < limit && i < c.chunks.length) {
      const ch = c.chunks[i]!;
      const len = Math.min(this.net.mss, ch.off + ch.len - c.sent, limit - c.sent);
      this.link.toClient({
        conn: c.id,
        kind: "data",
        seq: c.wireIsn + 1 + c.sent,
        len,
        ack: c.clientIsn + 1 + c.reqExpected,
        sum: ch.sum,
        chunkOff: ch.off,
      });
      c.sent += len;
      if (c.sent >= ch.off + ch.len) i++;
    }
    if (c.closing && !c.finSent && c.sent === c.produced) {
      c.finSent = true;
      this.#ctl(c, "fin");
    }
    if (c.timer < 0 && (c.acked < c.sent || (c.finSent && c.acked < c.produced + 1))) this.#arm(c);
  }

  #open(p: Packet): ServerConn {
    const c: ServerConn = {
      id: p.conn,
      clientIsn: p.seq,
      ownIsn: ((this.#isnSeed * 2654435761) ^ (p.conn * 40503)) >>> 8,
      wireIsn: null,
      chunks: [],
      produced: 0,
      sent: 0,
      acked: 0,
      requests: [],
      reqExpected: 0,
      reqConsumed: 0,
      consumedTo: 0,
      finReceived: false,
      closing: false,
      finSent: false,
      rtoNs: this.net.rtoMinNs,
      retries: 0,
      timer: -1,
      waiter: null,
    };
    if (this.transmitting) c.wireIsn = c.ownIsn;
    this.conns.set(p.conn, c);
    const early = this.#early.get(p.conn);
    this.#early.delete(p.conn);
    c.consumedTo = early?.consumedTo ?? 0;
    if (early?.accepted) return c;
    this.acceptQueue.push(p.conn);
    const w = this.acceptWaiter;
    this.acceptWaiter = null;
    w?.succeed();
    return c;
  }

  #data(c: ServerConn, p: Packet): void {
    const off = p.seq - c.clientIsn - 1;
    if (off === c.reqExpected) {
      c.requests.push({ off, len: p.len, body: p.body });
      c.reqExpected += p.len;
      this.trimConsumed(c);
      this.#wake(c);
    }
    if (this.transmitting) this.#ctl(c, "ack");
  }

  #ack(c: ServerConn, p: Packet): void {
    if (c.wireIsn === null) return;
    const off = Math.min(p.ack - c.wireIsn - 1, c.produced + (c.finSent ? 1 : 0));
    if (off <= c.acked) return;
    c.acked = off;
    if (c.sent < c.acked) c.sent = Math.min(c.acked, c.produced);
    c.rtoNs = this.net.rtoMinNs;
    c.retries = 0;
    if (c.timer >= 0) this.sim.cancel(c.timer);
    c.timer = -1;
    this.pump(c);
    this.#wake(c);
  }

  #ctl(c: ServerConn, kind: "synack" | "ack" | "fin"): void {
    const base = c.wireIsn ?? c.ownIsn;
    const seq = kind === "synack" ? base : base + 1 + c.produced;
    this.link.toClient({ conn: c.id, kind, seq, len: 0, ack: c.clientIsn + 1 + c.reqExpected });
  }

  #arm(c: ServerConn): void {
    c.timer = this.sim.after(c.rtoNs, (conn: ServerConn) => {
      conn.timer = -1;
      if (!this.alive || !this.transmitting) return;
      if (conn.retries >= this.net.maxRetries) return;
      conn.retries++;
      conn.rtoNs = Math.min(conn.rtoNs * 2, this.net.rtoMaxNs);
      conn.sent = conn.acked;
      if (conn.finSent && conn.acked >= conn.produced) conn.finSent = false;
      this.pump(conn);
    }, c);
  }

  #chunkIndex(c: ServerConn, off: number): number {
    let lo = 0, hi = c.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ch = c.chunks[mid]!;
      if (ch.off + ch.len <= off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #wake(c: ServerConn): void {
    const w = c.waiter;
    c.waiter = null;
    w?.succeed();
  }
}
