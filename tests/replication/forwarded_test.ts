/**
 * The secondary's forwarded-packet queue (ft-linux.md sections 4-5) and the mechanisms behind
 * Mongoose's sustained throughput under heavy load (section 6).
 */
import assert from "node:assert/strict";
import { createSim } from "../../lib/sim/mod.ts";
import {
  createFtLinux,
  type FtLinux,
  type MongooseRunOptions,
  runMongoose,
} from "../../lib/replication/mod.ts";
import type { Packet } from "../../lib/replication/messages.ts";
import { ClientRouter, mongoose, startApacheBench } from "../../lib/workloads/mod.ts";

const syn = (conn: number): Packet => ({ conn, kind: "syn", seq: conn * 1000, len: 0, ack: 0 });
const data = (conn: number): Packet => ({
  conn,
  kind: "data",
  seq: conn * 1000 + 1,
  len: 100,
  ack: 1,
  body: { len: 100 },
});

/** Forwards `packets` to the secondary's ring as the primary's netfilter hook would. */
function forward(backlog: number, packets: Packet[]): FtLinux {
  const sim = createSim({ seed: 1 });
  const sys = createFtLinux(sim, { network: { listenBacklog: backlog } });
  for (const p of packets) sys.postTo(sys.kernels[1]!, { t: "pkt", pkt: p, slots: 0 }, 400);
  sim.run({ untilNs: 1_000_000 });
  return sys;
}

Deno.test("Kernel.drainForwarded(): a SYN waits while the listen queue is full, with the packets behind it", () => {
  const sys = forward(1, [syn(1), syn(2), data(1)]);
  const k1 = sys.kernels[1]!;
  assert.deepEqual(k1.tcp.acceptQueue, [1], "the backlog holds one connection");
  assert.equal(k1.forwardedBacklog, 2, "SYN 2 waits, and the data of connection 1 behind it");
  assert.equal(k1.ring.slotsUsed, 8, "their ring slots stay in use (4 a packet)");
  k1.accepted(1);
  assert.deepEqual(k1.tcp.acceptQueue, [2], "accepting 1 makes room for 2");
  assert.equal(k1.forwardedBacklog, 0);
  assert.equal(k1.ring.slotsUsed, 0, "slots freed as the stack takes the packets");
  assert.equal(k1.tcp.conns.get(1)!.requests.length, 1, "the request reached the stable buffer");
});

Deno.test("Kernel.drainForwarded(): with room in the listen queue nothing waits (negative control)", () => {
  const k1 = forward(128, [syn(1), syn(2), data(1)]).kernels[1]!;
  assert.deepEqual(k1.tcp.acceptQueue, [1, 2]);
  assert.equal(k1.forwardedBacklog, 0);
  assert.equal(k1.ring.slotsUsed, 0);
});

Deno.test("Kernel.drainForwarded(true): the takeover's drain step feeds every held packet", () => {
  const k1 = forward(1, [syn(1), syn(2), syn(3), data(3)]).kernels[1]!;
  assert.equal(k1.forwardedBacklog, 3);
  k1.drainForwarded(true);
  assert.deepEqual(k1.tcp.acceptQueue, [1, 2, 3], "connections established with the old primary");
  assert.equal(k1.forwardedBacklog, 0);
  assert.equal(k1.ring.slotsUsed, 0);
});

Deno.test("ServerTcp.accepted(): a connection accepted before its SYN reached the stack stays out of the listen queue", () => {
  const sys = forward(1, [syn(1), syn(2)]);
  const k1 = sys.kernels[1]!;
  k1.tcp.accepted(2); // the replay's accept of 2 came first (2's SYN still waits)
  k1.accepted(1);
  assert.deepEqual(k1.tcp.acceptQueue, [], "2 was taken already");
  assert.ok(k1.tcp.conns.has(2));
});

Deno.test("Kernel.consumed(): a request consumed by the replay before its packet arrived is trimmed on arrival", () => {
  const sys = forward(1, [syn(1), syn(2), data(2)]);
  const k1 = sys.kernels[1]!;
  k1.tcp.accepted(2);
  k1.consumed(2, { off: 0, len: 100, body: null });
  k1.accepted(1);
  const c = k1.tcp.conns.get(2)!;
  assert.equal(c.requests.length, 1);
  k1.tcp.trimConsumed(c);
  assert.equal(c.reqConsumed, 1, "a live recv after promotion does not return it again");
});

// Heavy Mongoose (the repro's point, shortened): 100 closed-loop connections, 32 workers.
const heavy = (
  o: Omit<MongooseRunOptions, "durNs" | "warmNs"> & { durNs?: number; warmNs?: number },
) => runMongoose({ durNs: 2.5e9, warmNs: 1e9, ...o }).requestsPerSec;

Deno.test("runMongoose(): before the ring fills the primary serves at the unreplicated rate (burst)", () => {
  const burst = heavy({ replicas: 2, durNs: 0.4e9, warmNs: 0.1e9 }) /
    heavy({ replicas: 1, durNs: 0.4e9, warmNs: 0.1e9 });
  const sustained = heavy({ replicas: 2 }) / heavy({ replicas: 1 });
  assert.ok(burst > 0.95, `burst ${burst}`);
  assert.ok(sustained < 0.7, `sustained ${sustained}: backpressure holds the primary back`);
});

Deno.test("runMongoose(): the heavy-load loss comes from request times that differ between replicas", () => {
  const base = heavy({ replicas: 1 });
  const same = heavy({ replicas: 2, serviceSigma: 0, config: { computeSigma: 0 } }) / base;
  const speeds = heavy({ replicas: 2, serviceSigma: 0 }) / base;
  const varied = heavy({ replicas: 2 }) / base;
  assert.ok(same > 0.95, `identical request times: ${same}`);
  assert.ok(speeds < same - 0.1, `thread speeds alone: ${speeds} vs identical ${same}`);
  assert.ok(varied < speeds - 0.1, `with the request's own variation: ${varied}`);
});

Deno.test("Mongoose under heavy load: the secondary computes the primary's responses byte for byte", () => {
  const sim = createSim({ seed: 2, trace: { window: 0 } });
  const sys = createFtLinux(sim, { network: { listenBacklog: 4 } });
  sys.start(
    "mongoose",
    mongoose({ workers: 8, pageBytes: 10_000, serviceNs: 2e6, queueLength: 4 }),
  );
  const ab = startApacheBench(sim, sys.link, new ClientRouter(sys.link), {
    concurrency: 40,
    requestBytes: 100,
    rtoMinNs: 2e8,
    rtoMaxNs: 6e10,
    maxRequests: 600,
  });
  let held = 0;
  sim.schedule(0.1e9, () => held = sys.kernels[1]!.forwardedBacklog);
  sim.run({ untilNs: 5e9 });
  const [k0, k1] = sys.kernels;
  assert.ok(held > 0, "the secondary lagged by more than its backlog: packets were held");
  assert.equal(ab.completedNs.length, 600);
  assert.equal(k1!.divergences.length, 0, "every send checksum agreed");
  const sums = (k: typeof k0) =>
    [...k!.computed].sort((a, b) => a[0] - b[0]).map(([conn, cs]) => [conn, cs.map((c) => c.sum)]);
  assert.deepEqual(sums(k1), sums(k0));
  const distinct = new Set(sums(k0).map(([, s]) => String(s)));
  assert.ok(
    distinct.size > 500,
    "each response carries its order number: it depends on the interleaving",
  );
});
