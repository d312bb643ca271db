import assert from "node:assert/strict";
import { ConfigError } from "../../lib/sim/errors.ts";
import {
  loadCampaignSpec,
  mergeResults,
  readResults,
  replayTrial,
  runCampaign,
  type TrialFailure,
} from "../../lib/campaign/mod.ts";
import { draw, flaky } from "./fixtures/trials.ts";
import { fixtureSpec, TRIALS_MODULE, writeSpec } from "./_helpers.ts";
import { relative } from "../../lib/_std.ts";

const read = (path: string) => Deno.readTextFile(path);

Deno.test("runCampaign() writes the same file with 2 workers, 1 worker and in-process", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("same", "draw", [1, 2, 3, 4, 5], 3));
  const spec = await loadCampaignSpec(path);
  const two = await runCampaign({ spec, out: `${dir}/w2.jsonl`, workers: 2, progress: "none" });
  await runCampaign({ spec, out: `${dir}/w1.jsonl`, workers: 1, progress: "none" });
  const inline = await runCampaign({
    spec,
    trial: draw,
    out: `${dir}/inline.jsonl`,
    progress: "none",
  });
  const expected = await read(`${dir}/inline.jsonl`);
  assert.equal(await read(`${dir}/w2.jsonl`), expected);
  assert.equal(await read(`${dir}/w1.jsonl`), expected);
  assert.deepEqual(two.records, inline.records);
  assert.equal(expected.split("\n").length, 1 + 30 + 1); // header, 30 trials, final newline
  assert.deepEqual(inline.records.map((r) => r.trial), Array.from({ length: 30 }, (_, i) => i));
});

Deno.test("runCampaign() lines have a stable key order and no wall-clock data", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("keys", "draw", [1], 1));
  await runCampaign({ spec: await loadCampaignSpec(path), workers: 0, out: `${dir}/r.jsonl` });
  const [header, first] = (await read(`${dir}/r.jsonl`)).split("\n").map((l) => l && JSON.parse(l));
  assert.deepEqual(Object.keys(header), ["format", "campaign", "specHash", "trials", "shard"]);
  assert.deepEqual(Object.keys(first), ["trial", "params", "rep", "seed", "ok", "record"]);
  assert.deepEqual(Object.keys(first.params), ["x", "mode"]);
});

Deno.test("runCampaign(): 3 merged shards equal the single-process file byte for byte", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("shards", "flaky", [1, 2, 3, 4, 5, 6, 7], 2));
  const spec = await loadCampaignSpec(path);
  await runCampaign({ spec, trial: flaky, out: `${dir}/single.jsonl` });
  const shards = ["1/3", "2/3", "3/3"];
  for (const [k, shard] of shards.entries()) {
    await runCampaign({
      spec,
      shard,
      workers: k === 1 ? 0 : 2,
      out: `${dir}/s${k + 1}.jsonl`,
      progress: "none",
    });
  }
  const shardFiles = [3, 1, 2].map((k) => `${dir}/s${k}.jsonl`); // order of arguments is irrelevant
  const report = await mergeResults(shardFiles, `${dir}/merged.jsonl`);
  assert.equal(report.trials, 28);
  assert.equal(await read(`${dir}/merged.jsonl`), await read(`${dir}/single.jsonl`));
  const s2 = await readResults(`${dir}/s2.jsonl`);
  assert.deepEqual([s2.shard, s2.total, s2.records.map((r) => r.trial).slice(0, 3)], ["2/3", 9, [
    1,
    4,
    7,
  ]]);
});

Deno.test("mergeResults() refuses missing, duplicate and foreign trials, naming the file", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("m", "draw", [1, 2, 3], 1));
  const spec = await loadCampaignSpec(path);
  for (const k of [1, 2]) {
    await runCampaign({ spec, shard: `${k}/2`, workers: 0, out: `${dir}/s${k}.jsonl` });
  }
  await assert.rejects(
    mergeResults([`${dir}/s1.jsonl`], `${dir}/m.jsonl`),
    /missing \(trials 1, 3, 5\)/,
  );
  await assert.rejects(
    mergeResults([`${dir}/s1.jsonl`, `${dir}/s2.jsonl`, `${dir}/s1.jsonl`], `${dir}/m.jsonl`),
    /trial 0 is also in .*s1\.jsonl/,
  );
  const other = await loadCampaignSpec(
    (await writeSpec(fixtureSpec("other", "draw", [1, 2, 3], 1))).path,
  );
  await runCampaign({ spec: other, shard: "2/2", workers: 0, out: `${dir}/o2.jsonl` });
  await assert.rejects(
    mergeResults([`${dir}/s1.jsonl`, `${dir}/o2.jsonl`], `${dir}/m.jsonl`),
    (e: unknown) =>
      e instanceof ConfigError && /o2\.jsonl/.test(e.message) && /"other"/.test(e.message),
  );
  await Deno.writeTextFile(`${dir}/junk.jsonl`, "hello\n");
  await assert.rejects(
    mergeResults([`${dir}/junk.jsonl`], `${dir}/m.jsonl`),
    /junk\.jsonl.*results file/,
  );
  await mergeResults([`${dir}/s2.jsonl`, `${dir}/s1.jsonl`], `${dir}/m.jsonl`);
});

Deno.test("runCampaign() records a throwing trial with seed and replay command, and goes on", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("flaky", "flaky", [1, 2, 3], 2));
  const spec = await loadCampaignSpec(path);
  const summary = await runCampaign({ spec, workers: 2, out: `${dir}/r.jsonl`, progress: "none" });
  assert.equal(summary.records.length, 12);
  assert.equal(summary.failed, 4); // x = 2, both modes, two repetitions
  const failure = summary.errors[0] as TrialFailure;
  assert.deepEqual([failure.trial, failure.params, failure.rep], [4, { x: 2, mode: "a" }, 0]);
  assert.equal(failure.error, "RangeError: injected failure at x=2");
  assert.equal(failure.replay, `deno task ftlab campaign ${spec.source} --replay 4`);
  const line = (await read(`${dir}/r.jsonl`)).split("\n")[5]!;
  assert.equal(
    line,
    `{"trial":4,"params":{"x":2,"mode":"a"},"rep":0,"seed":${failure.seed},"ok":false,` +
      `"error":"RangeError: injected failure at x=2","replay":"deno task ftlab campaign ${spec.source} --replay 4"}`,
  );
  await assert.rejects(replayTrial(spec, 4), /injected failure at x=2/);
  const ok = await replayTrial(spec, 1);
  assert.ok(summary.records[1]!.ok);
  assert.deepEqual(ok.record, summary.records[1]!.record);
});

Deno.test("runCampaign() resumes a torn file in-process into the uninterrupted file", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("torn", "flaky", [1, 2, 3, 4], 2));
  const spec = await loadCampaignSpec(path);
  await runCampaign({ spec, workers: 0, out: `${dir}/full.jsonl` });
  const full = await read(`${dir}/full.jsonl`);
  const lines = full.split("\n");
  await Deno.writeTextFile(
    `${dir}/part.jsonl`,
    lines.slice(0, 6).join("\n") + "\n" + lines[6]!.slice(0, 20),
  );
  const resumed = await runCampaign({
    spec,
    workers: 2,
    out: `${dir}/part.jsonl`,
    resume: true,
    progress: "none",
  });
  assert.equal(await read(`${dir}/part.jsonl`), full);
  assert.equal(resumed.resumed, 5);
  assert.equal(resumed.records.length, 16);
  const again = await runCampaign({ spec, out: `${dir}/part.jsonl`, resume: true });
  assert.equal(again.resumed, 16);
  assert.equal(await read(`${dir}/part.jsonl`), full);
});

Deno.test("runCampaign() refuses to resume a file of another spec or shard, and to overwrite", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("mine", "draw", [1, 2], 1));
  const spec = await loadCampaignSpec(path);
  await runCampaign({ spec, workers: 0, out: `${dir}/r.jsonl` });
  const changed = await loadCampaignSpec(
    (await writeSpec({ ...fixtureSpec("mine", "draw", [1, 2], 1), seed: 78 })).path,
  );
  await assert.rejects(
    runCampaign({ spec: changed, workers: 0, out: `${dir}/r.jsonl`, resume: true }),
    (e: unknown) =>
      e instanceof ConfigError && /r\.jsonl/.test(e.message) && /spec [0-9a-f]{16}/.test(e.message),
  );
  await assert.rejects(
    runCampaign({ spec, workers: 0, shard: "1/2", out: `${dir}/r.jsonl`, resume: true }),
    /shard/,
  );
  await assert.rejects(
    runCampaign({ spec, workers: 0, out: `${dir}/r.jsonl` }),
    (e: unknown) => e instanceof ConfigError && e.field === "out",
  );
  const fresh = await runCampaign({ spec, workers: 0, out: `${dir}/new.jsonl`, resume: true });
  assert.equal(fresh.resumed, 0);
});

Deno.test("runCampaign() reports a missing trial module or export as a ConfigError, workers terminated", async () => {
  const dir = await Deno.makeTempDir();
  const base = fixtureSpec("bad", "draw", [1], 1);
  const noExport = { ...base, trial: { ...base.trial, export: "nope" } };
  await assert.rejects(
    runCampaign({ spec: noExport, workers: 2, out: `${dir}/never.jsonl` }),
    (e: unknown) =>
      e instanceof ConfigError && e.field === "trial.export" && /draw/.test(e.message),
  );
  await assert.rejects(Deno.stat(`${dir}/never.jsonl`), Deno.errors.NotFound); // no file left behind
  const noModule = { ...base, trial: { module: "/nonexistent/trial.ts", export: "x" } };
  await assert.rejects(
    runCampaign({ spec: noModule, workers: 1 }),
    (e: unknown) => e instanceof ConfigError && e.field === "trial.module",
  );
  await assert.rejects(
    runCampaign({ spec: noModule, workers: 0 }),
    (e: unknown) => e instanceof ConfigError && e.field === "trial.module",
  );
  await assert.rejects(
    runCampaign({ spec: { name: "n", seed: 1, grid: { x: [1] } } }),
    (e: unknown) => e instanceof ConfigError && e.field === "trial",
  );
  await assert.rejects(
    runCampaign({ spec: base, trial: draw, workers: 2 }),
    (e: unknown) => e instanceof ConfigError && e.field === "workers",
  );
  await assert.rejects(
    runCampaign({ spec: base, workers: -1 }),
    (e: unknown) => e instanceof ConfigError && e.field === "workers",
  );
});

Deno.test("runCampaign() accepts async trials, non-object records, and a notebook closure", async () => {
  let calls = 0;
  const summary = await runCampaign({
    spec: { name: "closure", seed: 5, repetitions: 4, grid: { k: [1, 2] } },
    trial: async (p: { k: number }, seed: number) => {
      calls++;
      await Promise.resolve();
      return p.k * 1000 + (seed % 7);
    },
  });
  assert.equal(calls, 8);
  assert.deepEqual(Object.keys(summary.rows[0]!), ["trial", "rep", "seed", "k", "value"]);
  assert.match(summary.records[0]!.ok ? "" : summary.records[0]!.replay, /^$/);
  const bad = await runCampaign({
    spec: { name: "u", seed: 5, grid: { k: [1] } },
    trial: () => undefined,
  });
  assert.match(bad.errors[0]!.error, /JSON-able/);
  assert.equal(bad.errors[0]!.replay, "replayTrial(spec, 0, trial)");
});

Deno.test("CampaignSummary shows a summary line and an HTML table in a notebook", async () => {
  const summary = await runCampaign({ spec: fixtureSpec("show", "flaky", [1, 2], 1), workers: 0 });
  assert.equal(String(summary), 'campaign "show": 4/4 trials, 2 ok, 2 failed');
  const bundle = summary
    [Symbol.for("Jupyter.display") as typeof import("../../lib/plot/jupyter.ts").JUPYTER_DISPLAY]();
  assert.match(
    String(bundle["text/html"]),
    /<table>.*injected failure at x=2.*replayTrial\(spec, 2, trial\)/s,
  );
});

Deno.test("runCampaign() resolves a trial module given as a path relative to the working directory", async () => {
  const module = relative(Deno.cwd(), TRIALS_MODULE);
  const spec = { name: "rel", seed: 3, grid: { x: [1, 2] } };
  const onWorkers = await runCampaign({ spec, trial: { module, export: "draw" }, workers: 1 });
  const inline = await runCampaign({ spec, trial: { module, export: "draw" }, workers: 0 });
  assert.deepEqual(onWorkers.records, inline.records);
  assert.equal(inline.succeeded, 2);
});
