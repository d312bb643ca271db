import assert from "node:assert/strict";
import { heatmapPlot } from "../../lib/plot/heatmap_plot.ts";
import type { HeatmapTrace } from "../../lib/plot/spec.ts";

const rows = [
  { p: 4, hb: "10ms", t: 3e6 },
  { p: 2, hb: "10ms", t: 1e6 },
  { p: 2, hb: "10ms", t: 3e6 },
  { p: 2, hb: "1ms", t: 5e6 },
];

function heat(data: unknown[]): HeatmapTrace {
  const t = data[0] as HeatmapTrace;
  assert.equal(t.type, "heatmap");
  return t;
}

Deno.test("heatmapPlot() aggregates cells (mean by default) and leaves empty cells null", () => {
  const t = heat(heatmapPlot(rows, { x: "p", y: "hb", z: "t" }).data);
  assert.deepEqual(t.x, ["2", "4"]);
  assert.deepEqual(t.y, ["10ms", "1ms"]);
  assert.deepEqual(t.z, [[2e6, 3e6], [5e6, null]]);
});

Deno.test("heatmapPlot() supports count, nanosecond z and printed values", () => {
  assert.deepEqual(
    heat(heatmapPlot(rows, { x: "p", y: "hb", z: "t", aggregate: "count" }).data).z,
    [
      [2, 1],
      [1, null],
    ],
  );
  const t = heat(
    heatmapPlot(rows, { x: "p", y: "hb", z: "t", zTimeNs: true, showValues: true }).data,
  );
  assert.deepEqual(t.z, [[2, 3], [5, null]]);
  assert.equal(t.colorbar?.title?.text, "t (ms)");
  assert.equal(t.texttemplate, "%{z:.3g}");
});

Deno.test("heatmapPlot() rejects a non-numeric value and an unknown aggregate, naming them", () => {
  assert.throws(
    () => heatmapPlot([{ p: 1, hb: "a", t: "slow" }], { x: "p", y: "hb", z: "t" }),
    /rows\.0\.t/,
  );
  assert.throws(
    () => heatmapPlot(rows, { x: "p", y: "hb", z: "t", aggregate: "median" } as never),
    /aggregate/,
  );
});
