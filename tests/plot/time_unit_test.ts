import assert from "node:assert/strict";
import fc from "fast-check";
import { pickTimeUnit, toUnit } from "../../lib/plot/time_unit.ts";

Deno.test("pickTimeUnit() shows the largest value between 1 and 1000 of its unit", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 53 - 1 }), (ns) => {
    const unit = pickTimeUnit([0, ns]);
    const shown = ns / unit.ns;
    return shown >= 1 && (shown < 1000 || unit.name === "s");
  }));
});

Deno.test("pickTimeUnit() ignores non-finite values and honours a forced unit", () => {
  assert.equal(pickTimeUnit([NaN, Infinity, 5_000]).name, "us");
  assert.equal(pickTimeUnit([]).name, "ns");
  assert.equal(pickTimeUnit([5e9], "ms").label, "ms");
});

Deno.test("toUnit() removes binary noise from the division", () => {
  assert.equal(toUnit(300_000, pickTimeUnit([], "ms")), 0.3);
});
