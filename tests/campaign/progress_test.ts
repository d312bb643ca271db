import assert from "node:assert/strict";
import {
  notebookProgress,
  progressText,
  runCampaign,
  terminalProgress,
} from "../../lib/campaign/mod.ts";
import type { MimeBundle } from "../../lib/plot/jupyter.ts";

Deno.test("notebookProgress() publishes one display, throttles updates, and always sends the final state", async () => {
  const sent: { kind: string; id: string; bundle: MimeBundle }[] = [];
  const progress = notebookProgress({
    publish: (bundle, id) => Promise.resolve(sent.push({ kind: "publish", id, bundle })),
    update: (id, bundle) => Promise.resolve(sent.push({ kind: "update", id, bundle })),
  });
  const started = performance.now();
  await runCampaign({
    spec: { name: "nb", seed: 1, repetitions: 300, grid: { x: [1] } },
    trial: (p: { x: number }, seed: number) => ({ y: p.x + seed }),
    progress,
  });
  const elapsedMs = performance.now() - started;
  assert.equal(sent[0]!.kind, "publish");
  assert.ok(sent.slice(1).every((m) => m.kind === "update" && m.id === sent[0]!.id));
  assert.ok(
    sent.length <= 2 + Math.ceil(elapsedMs / 250),
    `${sent.length} messages in ${elapsedMs} ms`,
  );
  const last = sent.at(-1)!.bundle;
  // The final view stays in the saved notebook: no rate or elapsed time in it.
  assert.equal(String(last["text/plain"]), "nb 300/300 trials done");
  assert.match(String(last["text/html"]), /<progress value="300" max="300"/);
});

Deno.test("terminalProgress() redraws one line in place and ends it with a newline", async () => {
  let screen = "";
  const bar = terminalProgress((text) => screen += text);
  const state = { name: "t", total: 4, done: 1, resumed: 0, errors: 0, elapsedMs: 500 };
  bar.update(state);
  bar.update({ ...state, done: 2 }); // throttled away
  await bar.finish({ ...state, done: 4, errors: 1, elapsedMs: 2000 });
  const draws = screen.split("\r").slice(1).map((d) => d.replaceAll("\x1b[K", "<EL>"));
  assert.equal(draws.length, 2);
  assert.match(draws[0]!, /^t ██████░+ 1\/4 \(25%\) 2\.0 trials\/s ETA 2s<EL>$/);
  assert.match(draws[1]!, /^t █{24} 4\/4 \(100%\) 2\.0 trials\/s in 2s 1 error<EL>\n$/);
});

Deno.test("progressText() counts only trials run now in the rate, not resumed ones", () => {
  const text = progressText({
    name: "r",
    total: 100,
    done: 60,
    resumed: 50,
    errors: 0,
    elapsedMs: 5000,
  });
  assert.equal(text, "r 60/100 (60%) 2.0 trials/s ETA 20s");
});
