/**
 * The messages kernels exchange over their rings (ft-linux.md sections 2-5), and the TCP packets
 * of the client link.
 *
 * @module
 */

/** A TCP packet on the client link. Offsets are stream offsets; `isn` carries sequence numbers. */
export interface Packet {
  /** Connection id (chosen by the client, unique per run). */
  conn: number;
  /** `syn`/`data`/`ack`/`fin` from the client; `synack`/`data`/`ack`/`fin` from the server. */
  kind: "syn" | "synack" | "data" | "ack" | "fin";
  /** Wire sequence number of the first byte (isn + stream offset). */
  seq: number;
  /** Payload bytes. */
  len: number;
  /** Cumulative acknowledgement (wire sequence number). */
  ack: number;
  /** Request body (client data) or chunk checksum (server data). */
  body?: unknown;
  /** Server data: checksum of the chunk this segment belongs to, and the chunk's offset. */
  sum?: number;
  chunkOff?: number;
}

/** One entry of the replication log, keyed by (thread id, syscall number). */
export interface LogEntry {
  t: "log";
  tid: string;
  n: number;
  sys: "time" | "accept" | "recv" | "send" | "poll";
  value: unknown;
  slots: number;
  /** Send: the checksum of the bytes (the secondary compares its own). */
  sum?: number;
}

/** Messages between kernels. */
export type KernelMessage =
  | LogEntry
  | { t: "tuple"; tid: string; tseq: number; gseq: number; slots: number }
  | { t: "pkt"; pkt: Packet; slots: number }
  | { t: "hb"; from: number; slots: number }
  | { t: "ack"; from: number; tid: string; n: number; sum?: number; slots: number }
  | { t: "bump"; tid: string; n: number; tick: number; slots: number };
