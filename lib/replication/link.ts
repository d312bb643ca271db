/**
 * The client link: a full-duplex wire (1 Gb/s in [P]) between clients outside the machine and
 * the machine's NIC. Each direction serialises packets at the link rate (40 B of headers a
 * packet) and delivers them after the one-way latency; callbacks only.
 *
 * @module
 */
import type { Simulation } from "../sim/simulation.ts";
import type { Packet } from "./messages.ts";

/** Header bytes added to every packet on the wire (TCP/IP). */
const HEADER_BYTES = 40;

/**
 * A full-duplex link.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { Link } from "./link.ts";
 * const sim = createSim({ seed: 1 });
 * const link = new Link(sim, 1e9, 10_000);
 * let at = -1;
 * link.onServer = () => { at = sim.now; };
 * link.toServer({ conn: 1, kind: "syn", seq: 0, len: 0, ack: 0 });
 * sim.run();
 * if (at !== 10_320) throw new Error(`delivered at ${at}`);
 * ```
 */
export class Link {
  readonly sim: Simulation;
  readonly bitsPerSec: number;
  readonly latencyNs: number;
  /** Called with packets reaching the machine (the NIC owner decides what happens). */
  onServer: (p: Packet) => void = () => {};
  /** Called with packets reaching the clients. */
  onClient: (p: Packet) => void = () => {};
  /** Payload bytes delivered to clients. */
  bytesToClients = 0;
  #upFree = 0;
  #downFree = 0;

  constructor(sim: Simulation, bitsPerSec: number, latencyNs: number) {
    this.sim = sim;
    this.bitsPerSec = bitsPerSec;
    this.latencyNs = latencyNs;
  }

  /** Sends a packet from a client to the machine. */
  toServer(p: Packet): void {
    const start = Math.max(this.sim.now, this.#upFree);
    this.#upFree = start + this.#wireNs(p.len);
    this.sim.schedule(this.#upFree + this.latencyNs, (pkt: Packet) => this.onServer(pkt), p);
  }

  /** Sends a packet from the machine to a client. */
  toClient(p: Packet): void {
    const start = Math.max(this.sim.now, this.#downFree);
    this.#downFree = start + this.#wireNs(p.len);
    this.sim.schedule(this.#downFree + this.latencyNs, (pkt: Packet) => {
      this.bytesToClients += pkt.len;
      this.onClient(pkt);
    }, p);
  }

  /** Serialisation time of a packet with `len` payload bytes. */
  #wireNs(len: number): number {
    return Math.round(((len + HEADER_BYTES) * 8 * 1e9) / this.bitsPerSec);
  }
}
