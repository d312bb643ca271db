/**
 * A Mongoose-like web server for the FT namespace ([P] section 6: 32 workers, a 10 KB page).
 * A master thread polls the listening socket, accepts connections and queues them (mutex +
 * condition variables, bounded queue); worker threads take a connection (and the next response
 * number, shared state that depends on how the threads interleave), read the request, serve it
 * (compute), take a timestamp for the Date header, send the page and close (no keep-alive, as
 * ApacheBench). The response's bytes depend on both nondeterministic inputs: a replica that
 * missed a log entry or replayed the lock order wrongly sends different bytes.
 *
 * Data flow: client -> (forwarded SYN/request) -> master poll/accept -> queue -> worker
 * recv/compute/time/send -> client; every Pthreads operation is a replicated section and every
 * syscall a log entry.
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
  /**
   * Log-normal shape of a request's CPU time, drawn independently on each replica (default:
   * the config's `computeSigma`). A request runs through the kernel's socket, file and page-cache
   * paths and is interrupted by network interrupts, so it repeats less closely on two replicas
   * than a compression loop does (calibrated, see `MONGOOSE_SERVICE_SIGMA`).
   */
  serviceSigma?: number;
  /** Connection queue capacity (Mongoose: 20). */
  queueLength: number;
  /** Connections to serve before the master exits (bounded loop). */
  maxConnections?: number;
}

/**
 * Checksum of a response: the page's bytes mixed with the Date header (second) and the
 * response number (a header that counts the responses served, in the order the workers took
 * their connections).
 */
export function responseSum(pageBytes: number, dateSec: number, served = 0): number {
  return mix32(Math.imul(pageBytes, 0x9e3779b1) ^ dateSec ^ Math.imul(served, 0x85ebca6b));
}

/**
 * The web server's main thread (master + workers).
 *
 * @example
 * ```ts
 * import { mongoose, responseSum } from "./mongoose.ts";
 * const main = mongoose({ workers: 2, pageBytes: 10_000, serviceNs: 100_000, queueLength: 20 });
 * if (typeof main !== "function" || responseSum(10_000, 1) === responseSum(10_000, 2)) throw new Error();
 * if (responseSum(10_000, 1, 1) === responseSum(10_000, 1, 2)) throw new Error("order");
 * ```
 */
export function mongoose(o: MongooseOptions): FtThreadBody {
  return function* (api) {
    const q: Queue = { conns: [], served: 0 };
    for (let w = 0; w < o.workers; w++) api.spawn(`w${w}`, (t) => worker(t, o, q));
    yield* master(api, o, q);
  };
}

/** The connection queue and the shared response counter, both under mutex `q`. */
interface Queue {
  conns: number[];
  served: number;
}

function* master(t: FtThread, o: MongooseOptions, q: Queue) {
  for (let i = 0; i < (o.maxConnections ?? 1e9); i++) {
    yield* t.poll();
    const conn = yield* t.accept();
    yield* t.lock("q");
    for (let k = 0; q.conns.length >= o.queueLength && k < 1_000_000; k++) {
      yield* t.condWait("notFull", "q");
    }
    q.conns.push(conn);
    yield* t.signal("notEmpty");
    yield* t.unlock("q");
  }
}

function* worker(t: FtThread, o: MongooseOptions, q: Queue) {
  for (let i = 0; i < 1e9; i++) {
    yield* t.lock("q");
    for (let k = 0; q.conns.length === 0 && k < 1_000_000; k++) {
      yield* t.condWait("notEmpty", "q");
    }
    const conn = q.conns.shift()!;
    const served = ++q.served;
    yield* t.signal("notFull");
    yield* t.unlock("q");
    const req = yield* t.recv(conn);
    if (req === null) {
      yield* t.close(conn);
      continue;
    }
    yield* t.compute(o.serviceNs, o.serviceSigma);
    const now = yield* t.time();
    yield* t.send(conn, o.pageBytes, responseSum(o.pageBytes, Math.floor(now / 1e9), served));
    yield* t.close(conn);
  }
}
