import assert from "node:assert/strict";
import type { BarTrace, ScatterTrace } from "../../lib/plot/spec.ts";
import { STATE_COLORS, timelinePlot } from "../../lib/plot/timeline_plot.ts";

const segments = [
  { component: "core 1", state: "up", startNs: 0, endNs: 2e9 },
  { component: "core 0", state: "up", startNs: 0, endNs: 1e9 },
  { component: "core 0", state: "halted", startNs: 1e9, endNs: 3e9 },
];

Deno.test("timelinePlot() draws one horizontal bar trace per state with bases and durations", () => {
  const fig = timelinePlot({ segments });
  assert.equal(fig.data.length, 2);
  const up = fig.data[0] as BarTrace;
  assert.equal(up.orientation, "h");
  assert.deepEqual(up.y, ["core 1", "core 0"]);
  assert.deepEqual(up.base, [0, 0]);
  assert.deepEqual(up.x, [2, 1]);
  assert.equal(up.marker?.color, STATE_COLORS.up);
  assert.equal(fig.layout.xaxis?.title?.text, "virtual time (s)");
  assert.deepEqual(fig.layout.yaxis?.categoryarray, ["core 1", "core 0"]);
});

Deno.test("timelinePlot() puts throughput on a second y axis below and marks events", () => {
  const fig = timelinePlot({
    segments,
    throughput: [{ tNs: 2e9, value: 5 }, { tNs: 0, value: 10 }],
    events: [{ tNs: 1e9, label: "machine check" }, { tNs: 1.01e9, label: "failover" }],
  }, { componentOrder: ["core 0"], stateColors: { halted: "#000000" } });
  const tp = fig.data[2] as ScatterTrace;
  assert.equal(tp.yaxis, "y2");
  assert.deepEqual(tp.x, [0, 2]);
  assert.ok(fig.layout.yaxis2?.domain && fig.layout.yaxis?.domain);
  assert.ok(fig.layout.yaxis2.domain[1] < fig.layout.yaxis.domain[0], "subplot below");
  assert.equal((fig.data[1] as BarTrace).marker?.color, "#000000");
  assert.deepEqual(fig.layout.yaxis.categoryarray, ["core 0", "core 1"]);
  assert.deepEqual(fig.layout.shapes?.map((s) => s.x0), [1, 1.01]);
  const shifts = fig.layout.annotations?.map((a) => a.yshift);
  assert.notEqual(shifts?.[0], shifts?.[1], "close labels go on different rows");
});

Deno.test("timelinePlot() rejects a segment ending before it starts, naming it", () => {
  const bad = [...segments, { component: "core 2", state: "up", startNs: 5, endNs: 4 }];
  assert.throws(() => timelinePlot({ segments: bad }), /segments\.3\.endNs/);
  assert.throws(() => timelinePlot({ segments: [] }), /segments/);
  assert.throws(() => timelinePlot({ segments }, { timeUnit: "days" } as never), /timeUnit/);
});
