import assert from "node:assert/strict";
import { join } from "node:path";
import { Figure } from "../../lib/plot/figure.ts";
import { FigureRenderer } from "../../lib/plot/renderer.ts";
import { timelinePlot } from "../../lib/plot/timeline_plot.ts";
import { outcomeBreakdown } from "../../lib/plot/outcome_breakdown.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const timeline = timelinePlot({
  segments: [
    { component: "node 0", state: "up", startNs: 0, endNs: 4e6 },
    { component: "node 0", state: "failed", startNs: 4e6, endNs: 9e6 },
    { component: "node 1", state: "up", startNs: 0, endNs: 9e6 },
  ],
  throughput: [{ tNs: 0, value: 10 }, { tNs: 4e6, value: 0 }, { tNs: 5e6, value: 9 }],
  events: [{ tNs: 4e6, label: "machine check" }],
}, { title: "Failover" });

const outcomes = outcomeBreakdown(
  [{ d: "e1000", outcome: "masked" }, { d: "e1000", outcome: "failed" }],
  { groupBy: "d" },
);

function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)]; // IHDR width and height
}

async function chromiumTempDirs(): Promise<Set<string>> {
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  const names = new Set<string>();
  for await (const e of Deno.readDir(tmp)) {
    if (e.name.startsWith("ftlab-chromium-")) names.add(join(tmp, e.name));
  }
  return names;
}

Deno.test("FigureRenderer.launch() names the Debian package when chromium is missing", async () => {
  await assert.rejects(
    () => FigureRenderer.launch({ executablePath: "/nonexistent/chromium" }),
    /apt-get install -y chromium fonts-liberation/,
  );
  const saved = Deno.env.get("FTLAB_CHROMIUM");
  Deno.env.set("FTLAB_CHROMIUM", "/nonexistent/from-env");
  try {
    await assert.rejects(
      () => FigureRenderer.launch(),
      /\/nonexistent\/from-env.*apt-get install -y chromium/s,
    );
  } finally {
    if (saved === undefined) Deno.env.delete("FTLAB_CHROMIUM");
    else Deno.env.set("FTLAB_CHROMIUM", saved);
  }
});

Deno.test("FigureRenderer.launch() reports a browser that fails to start, with the install hint", async () => {
  await assert.rejects(
    () => FigureRenderer.launch({ executablePath: "/bin/false", timeoutMs: 10_000 }),
    /\/bin\/false failed to start.*apt-get install -y chromium/s,
  );
});

Deno.test("FigureRenderer: one browser renders deterministic SVG and PNG", async (t) => {
  const before = await chromiumTempDirs();
  const renderer = await FigureRenderer.launch();
  const created = [...await chromiumTempDirs()].filter((d) => !before.has(d));
  const dir = await Deno.makeTempDir();
  try {
    await t.step("FigureRenderer.svg() gives the same text for the same spec", async () => {
      const a = await renderer.svg(timeline, { width: 640, height: 400 });
      await renderer.svg(outcomes);
      const b = await renderer.svg(timeline, { width: 640, height: 400 });
      assert.match(a, /^<svg [^>]*height="400"[^>]* width="640"/);
      assert.match(a, /machine check/);
      assert.equal(a, b);
    });

    await t.step("FigureRenderer.svg() is deterministic under concurrent calls", async () => {
      const serial = [await renderer.svg(timeline), await renderer.svg(outcomes)];
      const parallel = await Promise.all([
        renderer.svg(timeline),
        renderer.svg(outcomes),
        renderer.svg(timeline),
      ]);
      assert.deepEqual(parallel, [serial[0], serial[1], serial[0]]);
    });

    await t.step("FigureRenderer.png() returns a PNG of width × scale pixels", async () => {
      const png = await renderer.png(outcomes, { width: 300, height: 200, scale: 2 });
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
      assert.deepEqual(pngSize(png), [600, 400]);
    });

    await t.step("FigureRenderer.png() rejects a bad size, naming the field", async () => {
      await assert.rejects(() => renderer.png(outcomes, { width: 0 }), /width/);
      await assert.rejects(() => renderer.png(outcomes, { scale: 100 }), /scale/);
    });

    await t.step("Figure.saveSvg() writes byte-identical files for the same figure", async () => {
      await timeline.saveSvg(join(dir, "a.svg"), { renderer });
      await timeline.saveSvg(join(dir, "b.svg"), { renderer });
      assert.deepEqual(
        await Deno.readFile(join(dir, "a.svg")),
        await Deno.readFile(join(dir, "b.svg")),
      );
    });

    await t.step("Figure.savePng() writes byte-identical files for the same figure", async () => {
      await timeline.savePng(join(dir, "a.png"), { renderer });
      await timeline.savePng(join(dir, "b.png"), { renderer });
      const a = await Deno.readFile(join(dir, "a.png"));
      assert.deepEqual([...a.subarray(0, 8)], PNG_SIGNATURE);
      assert.deepEqual(a, await Deno.readFile(join(dir, "b.png")));
    });

    await t.step(
      "Figure.saveSvg() without a renderer uses its own browser and gives the same bytes",
      async () => {
        const fig = new Figure(timeline);
        await fig.saveSvg(join(dir, "own.svg"));
        assert.deepEqual(
          await Deno.readFile(join(dir, "own.svg")),
          await Deno.readFile(join(dir, "a.svg")),
        );
      },
    );
  } finally {
    await renderer.close();
    await Deno.remove(dir, { recursive: true });
  }
  await t.step(
    "FigureRenderer.close() removes the temporary profile and is idempotent",
    async () => {
      assert.equal(created.length >= 1, true);
      for (const d of created) await assert.rejects(() => Deno.stat(d), Deno.errors.NotFound);
      await renderer.close();
      await assert.rejects(() => renderer.svg(outcomes), /closed/);
    },
  );
});
