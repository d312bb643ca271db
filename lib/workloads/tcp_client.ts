/**
 * A TCP client outside the machine: opens a connection, sends one request, receives the response
 * in order and acknowledges every second segment; SYN and request are retransmitted with
 * exponential backoff (200 ms doubling), so a connection survives a multi-second gap. It records
 * every segment it accepted (stream offset, length, chunk checksum) for the checkers.
 *
 * @module
 */
import type { Link } from "../replication/link.ts";
import type { Packet } from "../replication/messages.ts";
import type { Simulation } from "../sim/simulation.ts";

/** A received segment: bytes [off, off+len) belonging to the chunk at `chunkOff` with `sum`. */
export interface ReceivedSegment {
  off: number;
  len: number;
  sum: number;
  chunkOff: number;
}

/** Options of a {@linkcode TcpClient}. */
export interface TcpClientOptions {
  /** Request size in bytes and body. */
  requestBytes: number;
  body: unknown;
  /** First retransmission timeout, ns (doubles up to `rtoMaxNs`). */
  rtoMinNs: number;
  rtoMaxNs: number;
  /** Called once the server's FIN arrived. */
  onDone?: (c: TcpClient) => void;
  /** Called for every in-order data segment (bytes). */
  onBytes?: (bytes: number) => void;
}

/** Routes link packets to clients by connection id. */
export class ClientRouter {
  readonly clients = new Map<number, TcpClient>();
  #next = 1;
  constructor(link: Link) {
    link.onClient = (p) => this.clients.get(p.conn)?.receive(p);
  }
  /** A fresh connection id. */
  nextId(): number {
    return this.#next++;
  }
}

/**
 * One client connection.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { Link } from "../replication/link.ts";
 * import { ClientRouter, TcpClient } from "./tcp_client.ts";
 * const sim = createSim({ seed: 1 });
 * const link = new Link(sim, 1e9, 1_000);
 * const router = new ClientRouter(link);
 * const c = new TcpClient(sim, link, router, { requestBytes: 100, body: "GET /", rtoMinNs: 1e6, rtoMaxNs: 1e9 });
 * c.connect();
 * sim.run({ untilNs: 5_000_000 });
 * if (c.synRetries < 2) throw new Error("no server: SYN retransmitted with backoff");
 * ```
 */
export class TcpClient {
  readonly sim: Simulation;
  readonly link: Link;
  readonly id: number;
  readonly opts: TcpClientOptions;
  readonly segments: ReceivedSegment[] = [];
  received = 0;
  done = false;
  startNs = -1;
  doneNs = -1;
  synRetries = 0;
  #isn: number;
  #serverIsn: number | null = null;
  #reqAcked = false;
  #rto: number;
  #timer = -1;
  #unacked = 0;

  constructor(sim: Simulation, link: Link, router: ClientRouter, opts: TcpClientOptions) {
    this.sim = sim;
    this.link = link;
    this.id = router.nextId();
    this.opts = opts;
    this.#isn = (this.id * 7919) % 100_000;
    this.#rto = opts.rtoMinNs;
    router.clients.set(this.id, this);
  }

  /** Sends the SYN (and arms its retransmission). */
  connect(): void {
    this.startNs = this.sim.now;
    this.#sendSyn();
  }

  /** Handles a packet from the server. */
  receive(p: Packet): void {
    if (this.done) return;
    if (p.kind === "synack") {
      if (this.#serverIsn === null) this.#serverIsn = p.seq;
      if (!this.#reqAcked) this.#sendRequest();
      return;
    }
    if (this.#serverIsn === null) return;
    if (p.ack >= this.#isn + 1 + this.opts.requestBytes) this.#requestAcked();
    if (p.kind === "data") this.#data(p);
    else if (p.kind === "fin" && p.seq - this.#serverIsn - 1 === this.received) this.#fin();
  }

  #data(p: Packet): void {
    const off = p.seq - this.#serverIsn! - 1;
    if (off === this.received) {
      this.segments.push({ off, len: p.len, sum: p.sum ?? 0, chunkOff: p.chunkOff ?? 0 });
      this.received += p.len;
      this.opts.onBytes?.(p.len);
      if (++this.#unacked >= 2) this.#ack();
    } else this.#ack();
  }

  #fin(): void {
    this.done = true;
    this.doneNs = this.sim.now;
    this.received += 0;
    this.#sendAck(1);
    if (this.#timer >= 0) this.sim.cancel(this.#timer);
    this.opts.onDone?.(this);
  }

  #ack(): void {
    this.#unacked = 0;
    this.#sendAck(0);
  }

  #sendAck(extra: number): void {
    this.link.toServer({
      conn: this.id,
      kind: "ack",
      seq: this.#isn + 1 + this.opts.requestBytes,
      len: 0,
      ack: this.#serverIsn! + 1 + this.received + extra,
    });
  }

  #sendSyn(): void {
    this.link.toServer({ conn: this.id, kind: "syn", seq: this.#isn, len: 0, ack: 0 });
    this.#arm(() => {
      this.synRetries++;
      this.#sendSyn();
    });
  }

  #sendRequest(): void {
    this.link.toServer({
      conn: this.id,
      kind: "data",
      seq: this.#isn + 1,
      len: this.opts.requestBytes,
      ack: this.#serverIsn! + 1,
      body: this.opts.body,
    });
    this.#arm(() => this.#sendRequest());
  }

  #requestAcked(): void {
    if (this.#reqAcked) return;
    this.#reqAcked = true;
    if (this.#timer >= 0) this.sim.cancel(this.#timer);
    this.#timer = -1;
  }

  #arm(retry: () => void): void {
    if (this.#timer >= 0) this.sim.cancel(this.#timer);
    this.#timer = this.sim.after(this.#rto, () => {
      this.#timer = -1;
      if (this.done || (this.#reqAcked && this.#serverIsn !== null)) return;
      this.#rto = Math.min(this.#rto * 2, this.opts.rtoMaxNs);
      retry();
    });
  }
}
