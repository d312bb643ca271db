import assert from "node:assert/strict";
import { assertUserError, ftlab } from "./_helpers.ts";

Deno.test("ftlab bench --quick --json engine prints one JSON object of positive rates", async () => {
  const r = await ftlab("bench", "--quick", "--json", "engine");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 1, `one line:\n${r.stdout}`);
  const j = JSON.parse(r.stdout);
  // Rates only: speed targets depend on the machine and belong to `ftlab bench`, not to tests.
  for (
    const [group, key] of [
      ["phold", "eventsPerSec"],
      ["phold", "baselineEventsPerSec"],
      ["mm1", "customersPerSec"],
    ] as const
  ) {
    const v = j[group]?.[key];
    assert.equal(typeof v, "number", `${group}.${key} in ${r.stdout}`);
    assert.ok(Number.isFinite(v) && v > 0, `${group}.${key} = ${v}`);
  }
  assert.equal(j.campaign, undefined, "only the engine benchmark was asked for");
});

Deno.test("ftlab bench with an unknown benchmark or option is a one-line user error", async () => {
  const [name, option] = await Promise.all([
    ftlab("bench", "--quick", "warp-drive"),
    ftlab("bench", "--fast"),
  ]);
  assertUserError(name, /unknown benchmark warp-drive/, /engine/);
  assertUserError(option, /--fast/);
});
