import assert from "node:assert/strict";
import type { ScatterTrace } from "../../lib/plot/spec.ts";
import { sweepPlot } from "../../lib/plot/sweep_plot.ts";

const series = {
  name: "FT-Linux",
  x: [4, 1, 2],
  y: [90, 100, 95],
  lower: [85, 98, 92],
  upper: [95, 102, 98],
  reference: { x: [1, 4], y: [101, 88] },
};

function traces(data: unknown[]): ScatterTrace[] {
  return data.map((t) => t as ScatterTrace);
}

Deno.test("sweepPlot() draws band, line and reference markers per series, sorted by x", () => {
  const [band, mean, ref] = traces(sweepPlot([series]).data);
  assert.deepEqual(mean?.x, [1, 2, 4]);
  assert.deepEqual(mean?.y, [100, 95, 90]);
  assert.equal(mean?.mode, "lines+markers");
  assert.equal(ref?.mode, "markers");
  assert.equal(ref?.name, "FT-Linux (paper)");
  assert.equal(ref?.marker?.color, mean?.line?.color);
  assert.equal(band?.legendgroup, mean?.legendgroup);
});

Deno.test("sweepPlot() band is a closed polygon: upper left to right, lower right to left", () => {
  const band = traces(sweepPlot(series).data)[0];
  assert.equal(band?.fill, "toself");
  assert.equal(band?.showlegend, false);
  assert.deepEqual(band?.x, [1, 2, 4, 4, 2, 1]);
  assert.deepEqual(band?.y, [102, 98, 95, 85, 92, 98]);
  assert.match(band?.fillcolor ?? "", /^rgba\(\d+,\d+,\d+,0\.2\)$/);
});

Deno.test("sweepPlot() without bands or references draws one line per series", () => {
  const fig = sweepPlot([{ name: "a", x: [1], y: [1] }, { name: "b", x: [1], y: [2] }]);
  assert.equal(fig.data.length, 2);
});

Deno.test("sweepPlot() converts nanosecond axes and labels the unit", () => {
  const fig = sweepPlot({ name: "r", x: [1, 2], y: [2e6, 3e6] }, {
    yTimeNs: true,
    yTitle: "recovery",
  });
  assert.deepEqual(traces(fig.data)[0]?.y, [2, 3]);
  assert.equal(fig.layout.yaxis?.title?.text, "recovery (ms)");
});

Deno.test("sweepPlot() rejects mismatched lengths and a one-sided band, naming the field", () => {
  assert.throws(() => sweepPlot({ ...series, lower: [1] }), /series\.0\.lower/);
  assert.throws(() => sweepPlot({ name: "a", x: [1], y: [1], upper: [2] }), /series\.0\.lower/);
  assert.throws(
    () => sweepPlot({ ...series, reference: { x: [1], y: [] } }),
    /series\.0\.reference\.y/,
  );
  assert.throws(() => sweepPlot(series, { logx: true } as never), /logx/);
});
