import assert from "node:assert/strict";
import { loadCampaignSpec, runCampaign } from "../../lib/campaign/mod.ts";
import { fixtureSpec, runCli, writeSpec } from "./_helpers.ts";

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  return lines[0]!;
}

Deno.test("campaignCommand() reports user errors in one line naming the field, with status 2", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("cli", "draw", [1, 2], 1));
  await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
  await Deno.writeTextFile(
    `${dir}/schema.json`,
    JSON.stringify({ ...fixtureSpec("s", "draw", [1]), repetitions: 0 }),
  );
  const cases: [string[], RegExp][] = [
    [[`${dir}/missing.json`, "--out", `${dir}/r.jsonl`], /missing\.json/],
    [[`${dir}/bad.json`, "--out", `${dir}/r.jsonl`], /bad\.json.*valid JSON/],
    [[`${dir}/schema.json`, "--out", `${dir}/r.jsonl`], /schema\.json: repetitions/],
    [[path, "--out", `${dir}/r.jsonl`, "--shard", "4/3"], /shard: got "4\/3", expected K\/N/],
    [[path, "--out", `${dir}/r.jsonl`, "--workers", "two"], /--workers/],
    [[path], /--out/],
    [[path, "--out", `${dir}/r.jsonl`, "--frobnicate"], /frobnicate/],
    [[path, "--replay", "99"], /--replay: got 99/],
    [["merge", `${dir}/none.jsonl`, "--out", `${dir}/m.jsonl`], /none\.jsonl/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), pattern);
  }
});

Deno.test("campaignCommand() finishes a campaign with failed trials, lists their replay commands, exits 1", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("cli-flaky", "flaky", [1, 2, 3], 1));
  const r = await runCli([path, "--out", `${dir}/r.jsonl`, "--workers", "2"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /6\/6 trials, 4 ok, 2 failed/);
  assert.match(
    r.stdout,
    new RegExp(
      `trial 2 \\(seed \\d+\\) RangeError: injected failure at x=2\\n\\s+replay: deno task ftlab campaign \\S*campaign\\.json --replay 2`,
    ),
  );
  const ok = await runCli([path, "--out", `${dir}/ok.jsonl`, "--shard", "2/3"]); // x=1 b, x=3 a
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /shard 2\/3: 2\/2 trials, 2 ok, 0 failed/);
});

Deno.test("campaignCommand() --replay reruns one trial in-process: its record, or its error with stack", async () => {
  const { path } = await writeSpec(fixtureSpec("cli-replay", "flaky", [1, 2, 3], 1));
  const spec = await loadCampaignSpec(path);
  const summary = await runCampaign({ spec, workers: 0 });
  const good = await runCli([path, "--replay", "1"]);
  assert.equal(good.code, 0, good.stderr);
  assert.deepEqual(
    JSON.parse(good.stdout).record,
    summary.records[1]!.ok && summary.records[1]!.record,
  );
  const bad = await runCli([path, "--replay", "2"]);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /trial 2 threw:\nRangeError: injected failure at x=2\n\s+at flaky \(.*fixtures\/trials\.ts/,
  );
});

Deno.test("campaignCommand() merge writes the single-machine file from shard files", async () => {
  const { dir, path } = await writeSpec(fixtureSpec("cli-merge", "draw", [1, 2, 3, 4], 2));
  for (const k of [1, 2]) {
    const r = await runCli([
      path,
      "--out",
      `${dir}/s${k}.jsonl`,
      "--shard",
      `${k}/2`,
      "--workers",
      "1",
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  const m = await runCli([
    "merge",
    `${dir}/s1.jsonl`,
    `${dir}/s2.jsonl`,
    "--out",
    `${dir}/m.jsonl`,
  ]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /16 trials/);
  await runCampaign({ spec: await loadCampaignSpec(path), workers: 0, out: `${dir}/single.jsonl` });
  assert.equal(
    await Deno.readTextFile(`${dir}/m.jsonl`),
    await Deno.readTextFile(`${dir}/single.jsonl`),
  );
});
