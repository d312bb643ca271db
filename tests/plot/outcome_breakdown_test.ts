import assert from "node:assert/strict";
import { OUTCOME_COLORS, OUTCOMES } from "../../lib/faults/outcome.ts";
import { outcomeBreakdown } from "../../lib/plot/outcome_breakdown.ts";
import type { BarTrace, PlotTrace } from "../../lib/plot/spec.ts";

const trials = [
  { rate: 0.1, outcome: "failed" },
  { rate: 0.01, outcome: "masked" },
  { rate: 0.01, outcome: "masked" },
  { rate: 0.01, outcome: "recovered" },
  { rate: 0.1, outcome: "masked" },
  { rate: 0.01, outcome: "silent" },
];

function bars(data: PlotTrace[]): BarTrace[] {
  return data.map((t) => {
    assert.equal(t.type, "bar");
    return t as BarTrace;
  });
}

Deno.test("outcomeBreakdown() stacks one bar trace per outcome class, in OUTCOMES order and colours", () => {
  const fig = outcomeBreakdown(trials, { groupBy: "rate" });
  const traces = bars(fig.data);
  assert.equal(fig.layout.barmode, "stack");
  assert.deepEqual(traces.map((t) => t.name), [...OUTCOMES]);
  assert.deepEqual(traces.map((t) => t.marker?.color), OUTCOMES.map((o) => OUTCOME_COLORS[o]));
});

Deno.test("outcomeBreakdown() gives fractions that sum to 1 per group, numeric groups ascending", () => {
  const traces = bars(outcomeBreakdown(trials, { groupBy: "rate" }).data);
  for (const t of traces) assert.deepEqual(t.x, ["0.01", "0.1"]);
  const byName = Object.fromEntries(traces.map((t) => [t.name, t.y]));
  assert.deepEqual(byName.masked, [0.5, 0.5]);
  assert.deepEqual(byName.failed, [0, 0.5]);
  for (const g of [0, 1]) {
    const sum = traces.reduce((s, t) => s + Number(t.y[g]), 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `group ${g} sums to ${sum}`);
  }
});

Deno.test("outcomeBreakdown() counts pre-aggregated rows with countField and scale count", () => {
  const rows = [
    { driver: "e1000", outcome: "recovered", n: 7 },
    { driver: "e1000", outcome: "failed", n: 1 },
    { driver: "ens1371", outcome: "recovered", n: 3 },
  ];
  const fig = outcomeBreakdown(rows, { groupBy: "driver", countField: "n", scale: "count" });
  const recovered = bars(fig.data).find((t) => t.name === "recovered");
  assert.deepEqual(recovered?.x, ["e1000", "ens1371"]);
  assert.deepEqual(recovered?.y, [7, 3]);
  assert.equal(fig.layout.yaxis?.title?.text, "trials");
});

Deno.test("outcomeBreakdown() honours groupOrder and dropEmpty", () => {
  const fig = outcomeBreakdown(trials, { groupBy: "rate", groupOrder: [0.1], dropEmpty: true });
  const traces = bars(fig.data);
  assert.deepEqual(traces.map((t) => t.name), ["masked", "recovered", "failed", "silent"]);
  assert.deepEqual(fig.layout.xaxis?.categoryarray, ["0.1", "0.01"]);
});

Deno.test("outcomeBreakdown() rejects an unknown outcome, naming the row and field", () => {
  const rows = [...trials, { rate: 1, outcome: "crashed" }];
  assert.throws(
    () => outcomeBreakdown(rows, { groupBy: "rate" }),
    (e: Error) =>
      e.name === "ConfigError" && e.message.includes("rows.6.outcome") &&
      e.message.includes('"crashed"'),
  );
});

Deno.test("outcomeBreakdown() rejects bad options, naming the option", () => {
  const bad = { groupBy: "rate", scale: "percent" } as unknown as { groupBy: string };
  assert.throws(() => outcomeBreakdown(trials, bad), /scale/);
  assert.throws(() => outcomeBreakdown(trials, { groupBy: "" }), /groupBy/);
  assert.throws(() => outcomeBreakdown([], { groupBy: "rate" }), /rows/);
  assert.throws(() => outcomeBreakdown(trials, { groupBy: "missing" }), /rows\.0\.missing/);
});
