"""PHOLD on SimPy 3, the peer that `ftlab bench` compares the engine with in the same run.

Same model as tests/bench/engine_bench.ts: LPS logical processes x EVENTS initial events,
exponential(1) + LOOKAHEAD delays, uniform random destination, run to END.
Prints one JSON object: {"events": n, "seconds": s, "eventsPerSec": r}.
Usage: /usr/bin/python3 phold_simpy.py [END]
"""
import json
import random
import sys
import time

import simpy

LPS, EVENTS, LOOKAHEAD = 1000, 10, 0.1


def main():
    end = float(sys.argv[1]) if len(sys.argv) > 1 else 110.0
    rng = random.Random(1)
    env = simpy.Environment()
    count = [0]

    def handler(_event):
        count[0] += 1
        t = env.timeout(rng.expovariate(1.0) + LOOKAHEAD, rng.randrange(LPS))
        t.callbacks.append(handler)

    for lp in range(LPS):
        for _ in range(EVENTS):
            t = env.timeout(rng.expovariate(1.0), lp)
            t.callbacks.append(handler)
    t0 = time.perf_counter()
    env.run(until=end)
    seconds = time.perf_counter() - t0
    print(json.dumps({"events": count[0], "seconds": seconds, "eventsPerSec": count[0] / seconds}))


main()
