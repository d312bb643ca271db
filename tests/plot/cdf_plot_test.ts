import assert from "node:assert/strict";
import { cdfPlot } from "../../lib/plot/cdf_plot.ts";
import type { ScatterTrace } from "../../lib/plot/spec.ts";

function line(t: unknown): ScatterTrace {
  const trace = t as ScatterTrace;
  assert.equal(trace.type, "scatter");
  return trace;
}

Deno.test("cdfPlot() draws one step line per sample, ties collapsed, from 0 to 1", () => {
  const fig = cdfPlot([{ name: "a", values: [3, 1, 2, 2] }, { name: "b", values: [5] }]);
  assert.equal(fig.data.length, 2);
  const a = line(fig.data[0]);
  assert.equal(a.line?.shape, "hv");
  assert.deepEqual(a.x, [1, 1, 2, 3]);
  assert.deepEqual(a.y, [0, 0.25, 0.75, 1]);
  assert.notEqual(a.line?.color, line(fig.data[1]).line?.color);
});

Deno.test("cdfPlot() accepts an object of samples and converts nanoseconds to a labelled unit", () => {
  const fig = cdfPlot({ rollback: [20_000, 40_000] }, { timeNs: true, xTitle: "recovery time" });
  assert.deepEqual(line(fig.data[0]).x, [20, 20, 40]);
  assert.equal(fig.layout.xaxis?.title?.text, "recovery time (µs)");
});

Deno.test("cdfPlot() complementary mode plots 1 - F", () => {
  const t = line(cdfPlot({ s: [1, 2] }, { complementary: true }).data[0]);
  assert.deepEqual(t.y, [1, 0.5, 0]);
});

Deno.test("cdfPlot() thins large samples to maxPoints, keeping both ends", () => {
  const values = Array.from({ length: 10_000 }, (_, i) => i);
  const t = line(cdfPlot({ s: values }, { maxPoints: 100 }).data[0]);
  assert.equal(t.x.length, 101);
  assert.equal(t.x.at(-1), 9999);
  assert.equal(t.y.at(-1), 1);
});

Deno.test("cdfPlot() rejects non-finite values and empty samples, naming the field", () => {
  assert.throws(() => cdfPlot([{ name: "a", values: [1, NaN] }]), /series\.0\.values\.1/);
  assert.throws(() => cdfPlot([{ name: "a", values: [] }]), /series\.0\.values/);
  assert.throws(() => cdfPlot({ s: [1] }, { maxPoints: 1 }), /maxPoints/);
});
