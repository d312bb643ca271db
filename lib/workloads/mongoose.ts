/**
 * A Mongoose-like web server for the FT namespace ([P] section 6: 32 workers, a 10 KB page).
 * A master thread polls the listening socket, accepts connections and queues them (mutex +
 * condition variables, bounded queue); worker threads take a connection, read the request,
 * take a timestamp (the Date header: nondeterministic, so a missing log entry shows as a
 * different response), compute, send the page and close (no keep-alive, as ApacheBench).
 *
 * Data flow: client -> (forwarded SYN/request) -> master poll/accept -> queue -> worker
 * recv/time/send -> client; every Pthreads operation is a replicated section and every syscall
 * a log entry.
 *
 * @module
 */
import type { FtThread, FtThreadBody } from "../replication/namespace.ts";
import { mix32 } from "../sim/prng.ts";

/** Options of {@linkcode mongoose}. */
export interface MongooseOptions {
  /** Worker threads ([P]: 32). */
  workers: number;
  /** Page size in bytes ([P]: 10 KB). */
  pageBytes: number;
  /** CPU per request (parse, open, read the page, build headers), ns (calibrated). */
  serviceNs: number;
  /** Connection queue capacity (Mongoose: 20). */
  queueLength: number;
  /** Connections to serve before the master exits (bounded loop). */
  maxConnections?: number;
}

/** Checksum of a response: the page's bytes mixed with the Date header (second). */
export function responseSum(pageBytes: number, dateSec: number): number {
  return mix32(Math.imul(pageBytes, 0x9e3779b1) ^ dateSec);
}

/**
 * The web server's main thread (master + workers).
 *
 * @example
 * ```ts
 * import { mongoose, responseSum } from "./mongoose.ts";
 * const main = mongoose({ workers: 2, pageBytes: 10_000, serviceNs: 100_000, queueLength: 20 });
 * if (typeof main !== "function" || responseSum(10_000, 1) === responseSum(10_000, 2)) throw new Error();
 * ```
 */
export function mongoose(o: MongooseOptions): FtThreadBody {
  return function* (api) {
    const q: number[] = [];
    for (let w = 0; w < o.workers; w++) api.spawn(`w${w}`, (t) => worker(t, o, q));
    yield* master(api, o, q);
  };
}

function* master(t: FtThread, o: MongooseOptions, q: number[]) {
  for (let i = 0; i < (o.maxConnections ?? 1e9); i++) {
    yield* t.poll();
    const conn = yield* t.accept();
    yield* t.lock("q");
    for (let k = 0; q.length >= o.queueLength && k < 1_000_000; k++) {
      yield* t.condWait("notFull", "q");
    }
    q.push(conn);
    yield* t.signal("notEmpty");
    yield* t.unlock("q");
  }
}

function* worker(t: FtThread, o: MongooseOptions, q: number[]) {
  for (let i = 0; i < 1e9; i++) {
    yield* t.lock("q");
    for (let k = 0; q.length === 0 && k < 1_000_000; k++) yield* t.condWait("notEmpty", "q");
    const conn = q.shift()!;
    yield* t.signal("notFull");
    yield* t.unlock("q");
    const req = yield* t.recv(conn);
    if (req === null) {
      yield* t.close(conn);
      continue;
    }
    const now = yield* t.time();
    yield* t.compute(o.serviceNs);
    yield* t.send(conn, o.pageBytes, responseSum(o.pageBytes, Math.floor(now / 1e9)));
    yield* t.close(conn);
  }
}
