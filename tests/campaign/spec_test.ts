import assert from "node:assert/strict";
import { ConfigError } from "../../lib/sim/errors.ts";
import {
  loadCampaignSpec,
  parseCampaignSpec,
  parseShard,
  shardTrials,
  trialAt,
  trialSeed,
} from "../../lib/campaign/mod.ts";
import { fileURLToPath } from "../../lib/_std.ts";
import { TRIALS_MODULE, writeSpec } from "./_helpers.ts";

function rejects(input: unknown, field: string) {
  assert.throws(
    () => parseCampaignSpec(input),
    (e: unknown) => e instanceof ConfigError && e.field === field && e.message.includes(field),
    `expected a ConfigError naming ${field}`,
  );
}

Deno.test("parseCampaignSpec() rejects bad specs with a message naming the field", () => {
  const ok = { name: "c", seed: 1, grid: { x: [1] } };
  rejects({ ...ok, name: "" }, "name");
  rejects({ ...ok, seed: -1 }, "seed");
  rejects({ ...ok, seed: 1.5 }, "seed");
  rejects({ ...ok, repetitions: 0 }, "repetitions");
  rejects({ ...ok, grid: { x: [] } }, "grid.x");
  rejects({ ...ok, grid: { x: 3 } }, "grid.x");
  rejects({ ...ok, params: [{ x: 1 }] }, "grid");
  rejects({ name: "c", seed: 1 }, "grid");
  rejects({ ...ok, trial: { module: "./t.ts" } }, "trial.export");
  rejects({ ...ok, repetiton: 3 }, "");
  rejects({ ...ok, grid: { a: Array(4000).fill(0), b: Array(4000).fill(0) } }, "grid");
});

Deno.test("parseCampaignSpec() expands the grid in key order, last key fastest, then repetitions", () => {
  const spec = parseCampaignSpec({
    name: "g",
    seed: 9,
    repetitions: 2,
    grid: { b: [1, 2], a: ["x", "y", "z"] },
  });
  assert.equal(spec.trialCount, 12);
  assert.deepEqual(spec.paramSets.map((p) => `${p.b}${p.a}`), ["1x", "1y", "1z", "2x", "2y", "2z"]);
  assert.deepEqual(Object.keys(spec.paramSets[0]!), ["b", "a"]);
  const t = trialAt(spec, 7);
  assert.deepEqual([t.params, t.rep, t.seed], [{ b: 2, a: "x" }, 1, trialSeed(9, 7)]);
  assert.throws(() => trialAt(spec, 12), RangeError);
});

Deno.test("parseCampaignSpec() accepts an explicit params list instead of a grid", () => {
  const spec = parseCampaignSpec({ name: "p", seed: 1, params: [{ x: 1 }, { x: 5, y: true }] });
  assert.equal(spec.trialCount, 2);
  assert.deepEqual(trialAt(spec, 1).params, { x: 5, y: true });
});

Deno.test("parseCampaignSpec() hashes content, not the trial module", () => {
  const a = parseCampaignSpec({ name: "h", seed: 1, grid: { x: [1, 2] } });
  const b = parseCampaignSpec({
    name: "h",
    seed: 1,
    grid: { x: [1, 2] },
    trial: { module: "./t.ts", export: "t" },
  });
  const c = parseCampaignSpec({ name: "h", seed: 2, grid: { x: [1, 2] } });
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, c.hash);
  assert.match(a.hash, /^[0-9a-f]{16}$/);
});

Deno.test("loadCampaignSpec() resolves trial.module relative to the spec file", async () => {
  const spec = await loadCampaignSpec(
    fileURLToPath(new URL("./fixtures/demo.json", import.meta.url)),
  );
  assert.equal(spec.trial?.module, new URL("./fixtures/trials.ts", import.meta.url).href);
  assert.equal(spec.trialCount, 24);
  const { path } = await writeSpec({
    name: "abs",
    seed: 1,
    grid: { x: [1] },
    trial: { module: TRIALS_MODULE, export: "draw" },
  });
  assert.equal(
    (await loadCampaignSpec(path)).trial?.module,
    new URL("./fixtures/trials.ts", import.meta.url).href,
  );
});

Deno.test("loadCampaignSpec() reports a missing file, invalid JSON and schema errors with the file name", async () => {
  const { dir } = await writeSpec({});
  await assert.rejects(
    loadCampaignSpec(`${dir}/nope.json`),
    (e: unknown) => e instanceof ConfigError && /nope\.json/.test(e.message),
  );
  await Deno.writeTextFile(`${dir}/bad.json`, "{ name: ");
  await assert.rejects(loadCampaignSpec(`${dir}/bad.json`), /valid JSON/);
  await Deno.writeTextFile(`${dir}/schema.json`, '{"name":"s","seed":"7","grid":{"x":[1]}}');
  await assert.rejects(
    loadCampaignSpec(`${dir}/schema.json`),
    (e: unknown) =>
      e instanceof ConfigError && e.field === "seed" && /schema\.json/.test(e.message),
  );
});

Deno.test("trialSeed() is stable, distinct across trials and spread over 32 bits", () => {
  assert.equal(trialSeed(42, 0), trialSeed(42, 0));
  const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => trialSeed(42, i)));
  assert.equal(seeds.size, 10_000);
  assert.notEqual(trialSeed(2 ** 32 + 42, 0), trialSeed(42, 0));
  const highBit = [...seeds].filter((s) => s >= 2 ** 31).length;
  assert.ok(Math.abs(highBit - 5000) < 300, `high bit set in ${highBit} of 10000 seeds`);
  assert.ok([...seeds].every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
});

Deno.test("parseShard() accepts K/N with 1 ≤ K ≤ N and shardTrials() interleaves", () => {
  assert.deepEqual(parseShard("3/3"), { index: 3, count: 3 });
  for (const bad of ["0/3", "4/3", "1", "a/b", "1/0", "-1/2"]) {
    assert.throws(
      () => parseShard(bad),
      (e: unknown) => e instanceof ConfigError && e.field === "shard",
    );
  }
  assert.deepEqual([...shardTrials(8, { index: 1, count: 3 })], [0, 3, 6]);
  assert.deepEqual([...shardTrials(3)], [0, 1, 2]);
});
