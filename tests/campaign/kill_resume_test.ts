import assert from "node:assert/strict";
import { loadCampaignSpec, runCampaign } from "../../lib/campaign/mod.ts";
import { fixtureSpec, RUN_CLI, runCli, writeSpec } from "./_helpers.ts";

const TRIAL_MS = 40;
const WAIT_LIMIT_MS = 30_000;

async function countLines(path: string): Promise<number> {
  try {
    return (await Deno.readTextFile(path)).split("\n").length - 1;
  } catch {
    return 0;
  }
}

/** Polls until `path` holds at least `lines` complete lines (bounded by WAIT_LIMIT_MS). */
async function waitForLines(path: string, lines: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (await countLines(path) < lines) {
    if (Date.now() > deadline) throw new Error(`${path} never reached ${lines} lines`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("campaign CLI killed half-way, with a torn last line, resumes into the uninterrupted file", async () => {
  const spec = { ...fixtureSpec("killed", "slow", Array.from({ length: 15 }, (_, i) => i + 1), 1) };
  spec.grid = { ...spec.grid, ms: [TRIAL_MS] } as typeof spec.grid;
  const { dir, path } = await writeSpec(spec);
  await runCampaign({
    spec: await loadCampaignSpec(path),
    out: `${dir}/reference.jsonl`,
    workers: 2,
    progress: "none",
  });
  const reference = await Deno.readTextFile(`${dir}/reference.jsonl`);
  const total = reference.split("\n").length - 1; // header + 30 trials

  const out = `${dir}/killed.jsonl`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", RUN_CLI, path, "--out", out, "--workers", "1"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForLines(out, 8);
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.success, false, "the run must really be killed");
  const written = await countLines(out);
  assert.ok(written >= 8 && written < total, `killed after ${written} of ${total} lines`);
  await Deno.writeTextFile(out, '{"trial":12,"params":{"x":', { append: true }); // a torn write

  const resumed = await runCli([path, "--out", out, "--resume", "--workers", "2"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`\\(${written - 1} resumed\\)`));
  assert.equal(await Deno.readTextFile(out), reference);
});
