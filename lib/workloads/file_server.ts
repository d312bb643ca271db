/**
 * A file server for the FT namespace: a main thread accepts connections and starts one thread
 * per connection, which reads the request, takes a timestamp (nondeterministic: it goes into
 * the response header) and sends the file in chunks, reading each chunk first (compute).
 *
 * @module
 */
import type { FtThread, FtThreadBody } from "../replication/namespace.ts";
import { hashString32, mix32 } from "../sim/prng.ts";

/** Options of {@linkcode fileServer}. */
export interface FileServerOptions {
  /** File size in bytes. */
  fileBytes: number;
  /** Bytes per send() call. */
  chunkBytes: number;
  /** Time to read one chunk (page cache / disk), ns. */
  readNsPerChunk: number;
  /** Connections to serve before the main thread exits (bounded loop). */
  maxConnections?: number;
}

/** Header bytes before the file (status line, Date, Content-Length). */
export const FILE_HEADER_BYTES = 256;

/** Checksum of chunk `i` of the file (deterministic content). */
export function fileChunkSum(i: number): number {
  return mix32(hashString32("file") ^ Math.imul(i + 1, 0x9e3779b1));
}

/**
 * The file server's main thread.
 *
 * @example
 * ```ts
 * import { fileServer, fileChunkSum } from "./file_server.ts";
 * const body = fileServer({ fileBytes: 1 << 20, chunkBytes: 65536, readNsPerChunk: 1000 });
 * if (typeof body !== "function" || fileChunkSum(0) === fileChunkSum(1)) throw new Error("bad");
 * ```
 */
export function fileServer(o: FileServerOptions): FtThreadBody {
  return function* (api: FtThread) {
    for (let i = 0; i < (o.maxConnections ?? 1_000_000); i++) {
      const conn = yield* api.accept();
      api.spawn(`c${conn}`, (t) => serve(t, conn, o));
    }
  };
}

function* serve(t: FtThread, conn: number, o: FileServerOptions) {
  const req = yield* t.recv(conn);
  if (req === null) return;
  const now = yield* t.time();
  // The header carries the request time in microseconds (gettimeofday; e.g. a request id or
  // Server-Timing field), not only the 1-second HTTP Date: a survivor that recomputed the time
  // instead of replaying it would differ even after a sub-second failover.
  yield* t.send(conn, FILE_HEADER_BYTES, mix32(Math.floor(now / 1e3) ^ 0x1234));
  const chunks = Math.ceil(o.fileBytes / o.chunkBytes);
  for (let i = 0; i < chunks; i++) {
    yield* t.compute(o.readNsPerChunk);
    const len = Math.min(o.chunkBytes, o.fileBytes - i * o.chunkBytes);
    yield* t.send(conn, len, fileChunkSum(i));
  }
  yield* t.close(conn);
}
