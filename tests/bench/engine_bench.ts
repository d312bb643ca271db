/**
 * Engine benchmarks: PHOLD through the public API beside a minimal typed-array heap loop, and an
 * M/M/1 queue written with generator processes. Reported by `ftlab bench`; targets are ratios
 * measured in the same run (see README "Benchmarks"), never timed tests.
 *
 * @module
 */
import { createSim, Prng, Resource } from "../../lib/sim/mod.ts";

/** PHOLD parameters: 1000 LPs x 10 events, exponential(1) + 0.1 lookahead, until t = 110. */
export const PHOLD = { lps: 1000, eventsPerLp: 10, lookahead: 0.1, endTime: 110, unitNs: 1e6 };

/** Runs PHOLD through the engine's public API; returns events processed. */
export function pholdEngine(seed: number, endTime = PHOLD.endTime): number {
  const { lps, eventsPerLp, lookahead, unitNs } = PHOLD;
  const sim = createSim({ seed, trace: { window: 0 } });
  const rng = sim.prng.fork("phold");
  const handler = (_lp: number): void => {
    const d = Math.round((rng.exponential(1) + lookahead) * unitNs);
    sim.after(d, handler, rng.int(lps));
  };
  for (let lp = 0; lp < lps; lp++) {
    for (let k = 0; k < eventsPerLp; k++) {
      sim.schedule(Math.round(rng.exponential(1) * unitNs), handler, lp);
    }
  }
  return sim.run({ untilNs: endTime * unitNs }).events;
}

/**
 * The practical ceiling: the same PHOLD with the same random draws on a hand-written binary heap of
 * (time, lp) in typed arrays, with no engine around it.
 */
export function pholdBaseline(seed: number, endTime = PHOLD.endTime): number {
  const { lps, eventsPerLp, lookahead, unitNs } = PHOLD;
  const rng = new Prng(seed).fork("phold");
  const cap = lps * eventsPerLp + 1;
  const time = new Float64Array(cap);
  const dest = new Int32Array(cap);
  let n = 0;
  const push = (t: number, lp: number): void => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p]! <= t) break;
      time[i] = time[p]!;
      dest[i] = dest[p]!;
      i = p;
    }
    time[i] = t;
    dest[i] = lp;
  };
  for (let lp = 0; lp < lps; lp++) {
    for (let k = 0; k < eventsPerLp; k++) push(Math.round(rng.exponential(1) * unitNs), lp);
  }
  const end = endTime * unitNs;
  let events = 0;
  while (n > 0 && time[0]! <= end) {
    const now = time[0]!;
    const t = time[--n]!, d = dest[n]!;
    let i = 0;
    while (2 * i + 1 < n) {
      let c = 2 * i + 1;
      if (c + 1 < n && time[c + 1]! < time[c]!) c++;
      if (t <= time[c]!) break;
      time[i] = time[c]!;
      dest[i] = dest[c]!;
      i = c;
    }
    time[i] = t;
    dest[i] = d;
    events++;
    push(now + Math.round((rng.exponential(1) + lookahead) * unitNs), rng.int(lps));
  }
  return events;
}

/** M/M/1 with generator processes; returns the mean time in system in units of 1/lambda. */
export function mm1(seed: number, customers: number): { meanSojourn: number; events: number } {
  const unitNs = 1e6;
  const sim = createSim({ seed, trace: { window: 0 } });
  const arrivals = sim.prng.fork("arrivals"), service = sim.prng.fork("service");
  const server = new Resource(sim, "server", 1);
  let total = 0, done = 0;
  function* customer(): Generator<unknown, void, never> {
    const arrived = sim.now;
    const req = yield server.request();
    yield Math.round(service.exponential(1 / 1.1) * unitNs);
    server.release(req as never);
    total += sim.now - arrived;
    done++;
  }
  sim.process(function* () {
    for (let i = 0; i < customers; i++) {
      sim.process(customer() as never, "customer");
      yield Math.round(arrivals.exponential(1) * unitNs);
    }
  }, "source");
  const r = sim.run();
  return { meanSojourn: total / done / unitNs, events: r.events };
}

function rate(fn: () => number): { perSec: number; count: number; seconds: number } {
  const t0 = performance.now();
  const count = fn();
  const seconds = (performance.now() - t0) / 1000;
  return { perSec: count / seconds, count, seconds };
}

/**
 * PHOLD on SimPy 3 (Debian python3-simpy3) in a subprocess, for the same-run comparison; NaN when
 * SimPy is not installed (`deno task setup` installs it).
 */
export async function pholdSimpy(endTime: number): Promise<number> {
  const script = new URL("./phold_simpy.py", import.meta.url).pathname;
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [script, String(endTime)],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return NaN;
    return JSON.parse(new TextDecoder().decode(out.stdout)).eventsPerSec;
  } catch {
    return NaN;
  }
}

/** Runs the engine benchmarks; `quick` shortens them for smoke tests. */
export async function run(
  opts: { quick: boolean },
): Promise<Record<string, Record<string, number>>> {
  const end = opts.quick ? 11 : PHOLD.endTime;
  const customers = opts.quick ? 20_000 : 200_000;
  // Warm both loops up, then alternate them so machine noise hits both alike.
  pholdEngine(99, 5);
  pholdBaseline(99, 5);
  const e1 = rate(() => pholdEngine(1, end)), b1 = rate(() => pholdBaseline(1, end));
  const e2 = rate(() => pholdEngine(2, end)), b2 = rate(() => pholdBaseline(2, end));
  const e3 = rate(() => pholdEngine(3, end)), b3 = rate(() => pholdBaseline(3, end));
  const eng = Math.max(e1.perSec, e2.perSec, e3.perSec);
  const base = Math.max(b1.perSec, b2.perSec, b3.perSec);
  const simpy = await pholdSimpy(opts.quick ? 5 : 22);
  mm1(99, 2_000);
  let sojourn = 0;
  const m = rate(() => {
    sojourn = mm1(1, customers).meanSojourn;
    return customers;
  });
  return {
    phold: {
      eventsPerSec: eng,
      baselineEventsPerSec: base,
      simpyEventsPerSec: simpy,
      ratio: eng / base,
      vsSimpy: eng / simpy,
      events: e1.count,
    },
    mm1: { customersPerSec: m.perSec, meanTimeInSystem: sojourn, theory: 10 },
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(run({ quick: Deno.args.includes("--quick") }), null, 2));
}
