/**
 * The FT namespace of one kernel replica: replicated application threads (generator processes)
 * and the Pthreads and syscall API they use (ft-linux.md section 3).
 *
 * On the primary (a live replica) a call executes and ships what the secondaries need: every
 * Pthreads section under the namespace's global mutex sends a tuple (thread, per-thread sequence,
 * global sequence) (schedule replication), every logged syscall (time, accept, recv, send, poll)
 * sends a log entry keyed by (thread id, syscall number). On a secondary the same thread code
 * replays: a section waits until its tuple is at the head of the queue (spinning 5 us up to 200
 * times on a core, then sleeping one scheduler tick per retry), a syscall takes its result from
 * the log. After promotion a thread consumes what it already received, then runs live.
 * In `logical-time` mode (Kendo-like) sections go to the thread with the lowest tick on each
 * replica independently; the primary's shepherd bumps threads blocked in I/O and ships the bumps.
 *
 * @module
 */
import type { SimEvent } from "../sim/event.ts";
import type { Yieldable } from "../sim/process.ts";
import { CorePool } from "./core_pool.ts";
import type { Kernel, ThreadSpeed } from "./kernel.ts";
import type { KernelMessage, LogEntry } from "./messages.ts";

/** The generator type of thread code. */
// deno-lint-ignore no-explicit-any
export type FtGen<R = void> = Generator<Yieldable, R, any>;

/** A replicated thread body. */
export type FtThreadBody = (api: FtThread) => FtGen;

interface Cond {
  waiters: { tid: string; signaled: boolean; ev: SimEvent<void> | null }[];
}
interface Mtx {
  owner: string | null;
  waiters: SimEvent<void>[];
}
interface Wait {
  /** When the waiter got a core and started spinning (Infinity while it queues for one). */
  spunAt: number;
  /** When the waiter stopped spinning and went to sleep (Infinity until then). */
  sleptAt: number;
  ev: SimEvent<void>;
  ready: () => boolean;
  spinning: boolean;
  poked: boolean;
}

/** What thread code sees: Pthreads, logged syscalls and compute. */
export class FtThread {
  readonly tid: string;
  readonly ns: FtNamespace;
  /** Logged syscalls made so far (the next syscall number). */
  n = 0;
  /** Sections done so far (the per-thread sequence). */
  tseq = 0;
  /** Logical time (logical-time mode). */
  tick = 0;
  /** In a listed I/O syscall (logical-time mode). */
  inIo = false;
  /** Blocked on a mutex or condvar (logical-time mode: not a token candidate). */
  blocked = false;
  done = false;
  wait: Wait | null = null;
  /** Checksum perturbation from an undetected memory error (0 = healthy). */
  poison = 0;
  /** This thread's speed on its replica (`computeTauNs` > 0). */
  readonly speed: ThreadSpeed = { log: 0, atNs: -1 };

  constructor(tid: string, ns: FtNamespace) {
    this.tid = tid;
    this.ns = ns;
  }

  /**
   * Runs `ns` of computation on a core of this replica's partition. The time actually taken
   * varies per replica (`computeSigma`, `computeTauNs`: caches, memory placement, interrupts),
   * and by `workSigma` per call for work that repeats less closely, so the replicas' threads
   * reach their sections in different orders.
   */
  *compute(ns: number, workSigma = 0): FtGen {
    yield* this.ns.cores.run(this.ns.kernel.computeNs(ns, workSigma, this.speed));
    this.ns.kernel.touchMemory(this);
  }

  /** pthread_mutex_lock. */
  *lock(m: string): FtGen {
    const mx = this.ns.mutex(m);
    for (let i = 0; i < 1_000_000; i++) {
      const ok = yield* this.ns.section(
        this,
        () => mx.owner === null ? (mx.owner = this.tid, true) : false,
      );
      if (ok) return;
      const ev = this.ns.kernel.sim.event<void>();
      mx.waiters.push(ev);
      this.blocked = true;
      yield ev;
      this.blocked = false;
    }
  }

  /** pthread_mutex_unlock. */
  *unlock(m: string): FtGen {
    const mx = this.ns.mutex(m);
    yield* this.ns.section(this, () => {
      mx.owner = null;
      for (const w of mx.waiters.splice(0)) w.succeed();
      this.ns.bumpAfter(this);
      return true;
    });
  }

  /** pthread_cond_wait: releases `m`, waits for a signal, re-acquires `m`. */
  *condWait(cv: string, m: string): FtGen {
    const c = this.ns.cond(cv), mx = this.ns.mutex(m);
    const me = { tid: this.tid, signaled: false, ev: null as SimEvent<void> | null };
    yield* this.ns.section(this, () => {
      mx.owner = null;
      for (const w of mx.waiters.splice(0)) w.succeed();
      c.waiters.push(me);
      return true;
    });
    if (!this.ns.live && this.ns.kernel.config.mode === "schedule") {
      yield* this.ns.awaitTurn(this, () => this.ns.headIs(this));
    }
    if ((this.ns.live || this.ns.kernel.config.mode !== "schedule") && !me.signaled) {
      me.ev = this.ns.kernel.sim.event<void>();
      this.blocked = true;
      yield me.ev;
      this.blocked = false;
    }
    yield* this.lock(m);
  }

  /** pthread_cond_signal (wakes the longest waiter). */
  *signal(cv: string): FtGen {
    const c = this.ns.cond(cv);
    yield* this.ns.section(this, () => {
      const w = c.waiters.shift();
      if (w) {
        w.signaled = true;
        this.ns.wakeTick(w.tid, this.tick + 1);
        w.ev?.succeed();
      }
      return true;
    });
  }

  /** time(): virtual wall-clock seconds (replicated). */
  *time(): FtGen<number> {
    return (yield* this.ns.syscall(this, "time", 16, () => this.ns.kernel.clockNs())) as number;
  }

  /** accept(): the next connection id. */
  *accept(): FtGen<number> {
    const conn = (yield* this.ns.syscall(
      this,
      "accept",
      24,
      undefined,
      () => this.ns.kernel.acceptLive(),
    )) as number;
    this.ns.kernel.accepted(conn);
    return conn;
  }

  /** recv(): the next request on `conn`, or null at end of stream. */
  *recv(conn: number): FtGen<unknown> {
    const v = yield* this.ns.syscall(
      this,
      "recv",
      64,
      undefined,
      () => this.ns.kernel.recvLive(conn),
    );
    this.ns.kernel.consumed(conn, v);
    return v;
  }

  /** poll(): number of connections waiting to be accepted (nondeterministic, replicated). */
  *poll(): FtGen<number> {
    const v = yield* this.ns.syscall(this, "poll", 16, () => this.ns.kernel.tcp.acceptQueue.length);
    return v as number;
  }

  /** send(): `len` bytes with checksum `sum` on `conn` (output commit applies). */
  *send(conn: number, len: number, sum: number): FtGen {
    yield* this.ns.kernel.send(this, conn, len, (sum ^ this.poison) >>> 0);
  }

  /** close() of a connection after its output. */
  *close(conn: number): FtGen {
    this.ns.kernel.closeConn(conn);
    yield 0;
  }

  /** Adds `n` to this thread's logical time (logical-time mode annotations). */
  addTicks(n: number): void {
    this.tick += n;
    this.ns.tokenChanged();
  }

  /** Starts a child thread (deterministic id: parent path + name). */
  spawn(name: string, body: FtThreadBody): void {
    this.ns.spawn(`${this.tid}/${name}`, body);
  }
}

/** The FT namespace of one replica. */
export class FtNamespace {
  readonly kernel: Kernel;
  readonly cores: CorePool;
  readonly threads = new Map<string, FtThread>();
  readonly #mutexes = new Map<string, Mtx>();
  readonly #conds = new Map<string, Cond>();
  /** Global namespace mutex (schedule replication on a live replica). */
  readonly #global: CorePool;
  #gseq = 0;
  readonly #tuples: { tid: string; tseq: number; slots: number }[] = [];
  #tHead = 0;
  readonly #logs = new Map<string, Map<number, LogEntry>>();
  readonly #bumps = new Map<string, number>();
  /** True on the primary and on a promoted secondary. */
  live: boolean;

  constructor(kernel: Kernel, live: boolean) {
    this.kernel = kernel;
    this.cores = kernel.cores;
    this.live = live;
    this.#global = new CorePool(kernel.sim, 1);
  }

  /** Starts a thread. */
  spawn(tid: string, body: FtThreadBody): void {
    const th = new FtThread(tid, this);
    this.threads.set(tid, th);
    this.kernel.sim.process(this.#run(th, body), `${this.kernel.name}.${tid}`);
  }

  *#run(th: FtThread, body: FtThreadBody): FtGen {
    try {
      yield* body(th);
    } catch (e) {
      if (!(e instanceof ReplicaHalted)) throw e;
    } finally {
      th.done = true;
      this.tokenChanged();
    }
  }

  mutex(name: string): Mtx {
    let m = this.#mutexes.get(name);
    if (!m) this.#mutexes.set(name, m = { owner: null, waiters: [] });
    return m;
  }

  cond(name: string): Cond {
    let c = this.#conds.get(name);
    if (!c) this.#conds.set(name, c = { waiters: [] });
    return c;
  }

  /** One Pthreads section; returns what `apply` returned (false: a busy mutex, retry later). */
  *section(th: FtThread, apply: () => boolean): FtGen<boolean> {
    this.kernel.checkAlive();
    if (this.kernel.config.mode === "logical-time") return yield* this.#kendoSection(th, apply);
    if (!this.live) {
      const held = yield* this.awaitTurn(th, () => this.headIs(th), false, true);
      if (!this.live || this.headIs(th)) {
        this.#popTuple();
        th.tseq++;
        yield this.kernel.config.replay.sectionNs;
        if (held) this.cores.release();
        if (!apply()) this.kernel.divergence(`${th.tid}: replayed section ${th.tseq} not possible`);
        return true;
      }
      if (held) this.cores.release();
    }
    yield* this.#global.acquire();
    const ok = apply();
    if (ok) {
      th.tseq++;
      this.#gseq++;
      yield* this.cores.run(this.kernel.config.replay.sectionNs);
      const msg = { t: "tuple" as const, tid: th.tid, tseq: th.tseq, gseq: this.#gseq, slots: 1 };
      yield* this.kernel.ship(msg, 24);
    }
    this.#global.release();
    return ok;
  }

  *#kendoSection(th: FtThread, apply: () => boolean): FtGen<boolean> {
    yield* this.awaitTurn(th, () => this.#tokenHolder() === th, true);
    yield* this.cores.run(this.kernel.config.replay.sectionNs);
    const ok = apply();
    th.tick++;
    this.tokenChanged();
    return ok;
  }

  /** Logical-time mode: the runnable thread with the lowest (tick, tid). */
  #tokenHolder(): FtThread | null {
    let best: FtThread | null = null;
    for (const t of this.threads.values()) {
      if (t.done || t.blocked) continue;
      if (!best || t.tick < best.tick || (t.tick === best.tick && t.tid < best.tid)) best = t;
    }
    return best;
  }

  /** Logical-time mode: a woken thread continues after the waker. */
  wakeTick(tid: string, tick: number): void {
    const t = this.threads.get(tid);
    if (t && t.tick < tick) t.tick = tick;
  }

  /** Logical-time mode: threads woken by an unlock continue after the unlocker. */
  bumpAfter(th: FtThread): void {
    if (this.kernel.config.mode !== "logical-time") return;
    for (const t of this.threads.values()) if (t.blocked && t.tick <= th.tick) t.tick = th.tick + 1;
  }

  /** Re-examines who holds the token (logical-time mode). */
  tokenChanged(): void {
    if (this.kernel.config.mode !== "logical-time") return;
    const h = this.#tokenHolder();
    if (h?.wait) this.#poke(h);
  }

  /** Primary's shepherd: bumps the token holder out of a blocking I/O syscall. */
  shepherd(): void {
    const h = this.#tokenHolder();
    if (!h || !h.inIo) return;
    let second = h.tick;
    for (const t of this.threads.values()) {
      if (t !== h && !t.done && !t.blocked) second = Math.max(second, t.tick);
    }
    h.tick = second + 1;
    this.kernel.post({ t: "bump", tid: h.tid, n: h.n, tick: h.tick, slots: 1 }, 24);
    this.tokenChanged();
  }

  /** A bump from the primary's shepherd (applied when the thread is in that syscall). */
  applyBump(tid: string, n: number, tick: number): void {
    this.#bumps.set(`${tid}#${n}`, tick);
    const t = this.threads.get(tid);
    if (t && t.n === n && t.inIo) this.#takeBump(t);
  }

  #takeBump(t: FtThread): void {
    const k = `${t.tid}#${t.n}`;
    const b = this.#bumps.get(k);
    if (b === undefined) return;
    this.#bumps.delete(k);
    if (t.tick < b) t.tick = b;
    this.tokenChanged();
  }

  /**
   * A logged syscall. Live: `exec` (or `live`, a generator that may block) gives the value, which
   * is shipped. Replay: the value comes from the log entry (tid, n); live again once promoted and
   * the received log is exhausted.
   */
  *syscall(
    th: FtThread,
    sys: LogEntry["sys"],
    bytes: number,
    exec?: () => unknown,
    live?: () => FtGen<unknown>,
  ): FtGen<unknown> {
    this.kernel.checkAlive();
    const n = th.n;
    th.inIo = true;
    this.tokenChanged();
    try {
      if (!this.live) {
        const e = yield* this.#awaitLog(th, n);
        if (e) {
          th.n++;
          return e.value;
        }
      }
      const value = exec ? exec() : yield* live!();
      this.kernel.checkAlive();
      th.n++;
      const size = bytes + (sys === "recv" ? requestBytes(value) : 0);
      yield* this.kernel.log({ t: "log", tid: th.tid, n, sys, value, slots: 0 }, size);
      return value;
    } finally {
      th.inIo = false;
      this.tokenChanged();
    }
  }

  /** Replay: the log entry (tid, n), waiting for it; null when live and it never came. */
  *#awaitLog(th: FtThread, n: number): FtGen<LogEntry | null> {
    const has = () => this.#logs.get(th.tid)?.has(n) ?? false;
    yield* this.awaitTurn(th, has);
    const m = this.#logs.get(th.tid);
    const e = m?.get(n);
    if (!e) return null;
    m!.delete(n);
    this.kernel.ring.free(e.slots);
    this.#takeBump(th);
    return e;
  }

  /** Takes a log entry for the send syscall `n` (replay only). */
  *takeLog(th: FtThread): FtGen<LogEntry | null> {
    if (this.live) return null;
    const e = yield* this.#awaitLog(th, th.n);
    if (e) th.n++;
    return e;
  }

  headIs(th: FtThread): boolean {
    const h = this.#tuples[this.#tHead];
    return h !== undefined && h.tid === th.tid && h.tseq === th.tseq + 1;
  }

  #popTuple(): void {
    const h = this.#tuples[this.#tHead++]!;
    if (this.#tHead > 4096) {
      this.#tuples.splice(0, this.#tHead);
      this.#tHead = 0;
    }
    this.kernel.ring.free(h.slots);
    const next = this.#tuples[this.#tHead];
    if (next) this.#pokeTid(next.tid);
  }

  /**
   * Waits until `ready()` (or the replica goes live): spins on a core for up to spinCount x
   * spinNs, then sleeps and retries once per scheduler tick; with `replay.spinYields` it goes to
   * sleep earlier, at its next spin, when another thread of the partition waits for a core. A
   * sleeper that finds its turn pays the wake-up cost (`wake_up_process()`, load-dependent:
   * `MessageRing.wakeCostNs`).
   * Returns true when it returns holding a core (only with `keepCore`, when it was still
   * spinning): the caller runs its section on it and releases it. A woken sleeper runs its short
   * section by preempting whatever computes (it holds no core of the pool).
   */
  *awaitTurn(th: FtThread, ready: () => boolean, always = false, keepCore = false): FtGen<boolean> {
    const r = this.kernel.config.replay;
    for (let i = 0; i < 10_000_000; i++) {
      if (ready() || (this.live && !always)) return false;
      this.kernel.checkAlive();
      const w: Wait = {
        spunAt: Infinity,
        sleptAt: Infinity,
        ev: this.kernel.sim.event<void>(),
        ready,
        spinning: false,
        poked: false,
      };
      th.wait = w;
      yield* this.cores.acquire();
      w.spinning = true;
      w.spunAt = this.kernel.sim.now;
      const stopSpinning = () => {
        if (th.wait === w && w.spinning) {
          w.spinning = false;
          w.sleptAt = this.kernel.sim.now;
          this.cores.release();
        }
      };
      const spinEnd = this.kernel.sim.after(r.spinNs * r.spinCount, stopSpinning);
      const unyield = r.spinYields
        ? this.cores.yieldable(() => this.kernel.sim.after(this.#toNextSpin(w), stopSpinning))
        : null;
      if (ready() || (this.live && !always)) this.#poke(th);
      yield w.ev;
      unyield?.();
      this.kernel.sim.cancel(spinEnd);
      th.wait = null;
      if (w.spinning && keepCore) return true;
      if (w.spinning) this.cores.release();
      else yield this.kernel.ring.wakeCostNs();
    }
    return false;
  }

  #pokeTid(tid: string): void {
    const t = this.threads.get(tid);
    if (t) this.#poke(t);
  }

  /**
   * The awaited condition may hold: the waiter notices at its next spin or tick. A waiter still
   * queued for a core is left alone: it looks as soon as it has one.
   */
  #poke(th: FtThread): void {
    const w = th.wait, now = this.kernel.sim.now;
    if (!w || w.poked || (!w.spinning && w.sleptAt > now)) return;
    w.poked = true;
    const tickNs = this.kernel.config.replay.tickNs;
    const d = w.spinning ? this.#toNextSpin(w) : tickNs - ((now - w.sleptAt) % tickNs);
    this.kernel.sim.after(d, () => {
      if (th.wait !== w) return;
      if (w.ready() || this.live) w.ev.succeed();
      else w.poked = false;
    });
  }

  /** Time until a spinning waiter's next check (0 at a spin boundary). */
  #toNextSpin(w: Wait): number {
    const spinNs = this.kernel.config.replay.spinNs;
    return (spinNs - ((this.kernel.sim.now - w.spunAt) % spinNs)) % spinNs;
  }

  /** A message for the namespace arrived; returns slots to free now. */
  deliver(msg: KernelMessage): number {
    if (msg.t === "tuple") {
      this.#tuples.push({ tid: msg.tid, tseq: msg.tseq, slots: msg.slots });
      if (this.#tuples.length - this.#tHead === 1) this.#pokeTid(msg.tid);
      return 0;
    }
    if (msg.t === "log") {
      let m = this.#logs.get(msg.tid);
      if (!m) this.#logs.set(msg.tid, m = new Map());
      m.set(msg.n, msg);
      this.#pokeTid(msg.tid);
      return 0;
    }
    if (msg.t === "bump") this.applyBump(msg.tid, msg.n, msg.tick);
    return msg.slots;
  }

  /** Promotion: threads consume what they received, then run live. */
  goLive(): void {
    this.live = true;
    for (const t of this.threads.values()) if (t.wait) this.#poke(t);
  }

  /** Log entries and tuples received but not yet replayed. */
  get backlog(): number {
    let n = this.#tuples.length - this.#tHead;
    for (const m of this.#logs.values()) n += m.size;
    return n;
  }
}

/** Thrown into thread code when its replica has halted (ends the thread quietly). */
export class ReplicaHalted extends Error {
  constructor(kernel: string) {
    super(`${kernel} halted`);
    this.name = "ReplicaHalted";
  }
}

function requestBytes(v: unknown): number {
  if (v && typeof v === "object" && "len" in v) return Number((v as { len: number }).len) || 0;
  return 0;
}
