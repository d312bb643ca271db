import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { runScenario } from "../../lib/workloads/mod.ts";
import { assertUserError, fixture, ftlab } from "./_helpers.ts";

const RECOVERED = fixture("recovered.json");

Deno.test("ftlab run <scenario> prints metrics, outcome, digest and replay command; exit 0", async () => {
  const r = await ftlab("run", RECOVERED);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^scenario single flip under SECDED on small-2node \(ecc secded\), seed 11$/m,
  );
  assert.match(r.stdout, /^outcome: recovered \(1 errors corrected by ECC\)$/m);
  assert.match(r.stdout, /corrected 1, machine checks 0/);
  assert.match(r.stdout, /^digest [0-9a-f]{16}$/m);
  assert.match(
    r.stdout,
    new RegExp(`^replay: deno task ftlab run \\S*recovered\\.json --seed 11$`, "m"),
  );
  // The digest is the one runScenario computes in this process: same seed, same digest anywhere.
  const scenario = JSON.parse(await Deno.readTextFile(RECOVERED));
  const digest = /^digest ([0-9a-f]{16})$/m.exec(r.stdout)![1];
  assert.equal(digest, runScenario(scenario).digest);
});

Deno.test("ftlab run --json prints one JSON object with digest, outcome and replay", async () => {
  const [a, b, other] = await Promise.all([
    ftlab("run", RECOVERED, "--json"),
    ftlab("run", RECOVERED, "--json"),
    ftlab("run", RECOVERED, "--json", "--seed", "12"),
  ]);
  for (const r of [a, b, other]) assert.equal(r.code, 0, r.stderr);
  assert.equal(a.stdout.trimEnd().split("\n").length, 1, "one line");
  const ja = JSON.parse(a.stdout), jb = JSON.parse(b.stdout), jo = JSON.parse(other.stdout);
  assert.match(ja.digest, /^[0-9a-f]{16}$/);
  assert.equal(ja.outcome.outcome, "recovered");
  assert.equal(ja.seed, 11);
  assert.match(ja.replay, /^deno task ftlab run \S*recovered\.json --seed 11$/);
  assert.equal(ja.metrics.corrected, 1);
  assert.deepEqual(jb, ja, "same scenario, same seed: identical output, digest included");
  assert.equal(jo.seed, 12);
  assert.match(jo.replay, /--seed 12$/);
  assert.notEqual(jo.digest, ja.digest, "another seed, another run");
  // Replaying the printed command reproduces the run.
  const replayed = await ftlab("run", RECOVERED, "--seed", "12", "--json");
  assert.equal(JSON.parse(replayed.stdout).digest, jo.digest);
});

Deno.test("ftlab run: a missing file is a one-line user error naming the file", async () => {
  assertUserError(
    await ftlab("run", "no/such/scenario.json"),
    /no\/such\/scenario\.json/,
    /no such file/,
  );
});

Deno.test("ftlab run: invalid JSON is a one-line user error naming the file", async () => {
  // Written at test time: `deno fmt` would repair a trailing-comma fixture.
  const dir = await Deno.makeTempDir({ prefix: "ftlab-cli-" });
  const path = `${dir}/broken.json`;
  await Deno.writeTextFile(path, '{ "name": "broken", "durationNs": "2ms", ');
  try {
    assertUserError(await ftlab("run", path), /broken\.json/, /invalid JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ftlab run: schema violations are one-line user errors naming the field", async () => {
  const [target, machine, workload] = await Promise.all([
    ftlab("run", fixture("bad_target.json")),
    ftlab("run", fixture("bad_machine.json")),
    ftlab("run", fixture("workload_misfit.json")),
  ]);
  assertUserError(target, /^ftlab run: scenario: faults\.1\.target: got "gpu:0"/);
  assertUserError(machine, /machine\.ecc: got "parity", expected one of "none", "secded"/);
  assertUserError(workload, /workload\.node: got 5/);
});

Deno.test("ftlab run: bad --seed, unknown options and missing arguments are one-line user errors", async () => {
  const runs = await Promise.all([
    ftlab("run", RECOVERED, "--seed=-3"),
    ftlab("run", RECOVERED, "--seed", "1.5"),
    ftlab("run", RECOVERED, "--seed", "lots"),
    ftlab("run", RECOVERED, "--seed", "99999999999999999999"),
    ftlab("run", RECOVERED, "--seed"),
    ftlab("run", RECOVERED, "--verbose"),
    ftlab("run"),
    ftlab("run", RECOVERED, RECOVERED),
    ftlab("run", RECOVERED, "--seed", "-3"),
  ]);
  for (const r of runs.slice(0, 4)) {
    assertUserError(r, /--seed: got ".*", expected a non-negative integer/);
  }
  assertUserError(runs[4]!, /--seed/);
  assertUserError(runs[5]!, /--verbose/);
  assertUserError(runs[6]!, /usage: ftlab run <scenario\.json>/);
  assertUserError(runs[7]!, /usage: ftlab run/);
  assertUserError(runs[8]!, /--seed/);
});

Deno.test("ftlab <unknown command> is a one-line user error naming the command", async () => {
  assertUserError(await ftlab("frobnicate"), /unknown command "frobnicate"/, /run/);
});

Deno.test("main() returns the exit status in process: 0 for help, 2 without a command", async () => {
  const log = console.log;
  const printed: string[] = [];
  console.log = (...a: unknown[]) => printed.push(a.join(" "));
  try {
    assert.equal(await main(["help"]), 0);
    assert.equal(await main([]), 2);
  } finally {
    console.log = log;
  }
  assert.match(printed[0]!, /^usage: deno task ftlab <command>/);
});
