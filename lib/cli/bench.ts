/**
 * `ftlab bench [--json] [--quick]`: the engine and end-to-end benchmarks.
 *
 * Each benchmark module in tests/bench exports `run({ quick })` returning groups of numbers. Every
 * target is a ratio measured in the same run (the engine against a hand-written heap loop and
 * against SimPy, two workers against one), because these machines are shared and noisy.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { parseArgs } from "../_std.ts";
import { UsageError } from "./_input.ts";

type BenchResult = Record<string, Record<string, number>>;
interface BenchModule {
  run(
    opts: { quick: boolean },
  ): BenchResult | Promise<BenchResult> | Promise<Record<string, number>>;
}

/** Benchmarks in run order: module file (under tests/bench) and the group name for flat results. */
const BENCHES: readonly { file: string; group: string }[] = [
  { file: "engine_bench.ts", group: "engine" },
  { file: "campaign_bench.ts", group: "campaign" },
  { file: "notebook_bench.ts", group: "notebook" },
];

/** The targets checked after a run: [group, key, comparison, bound, what]. */
const TARGETS: readonly [string, string, ">=", number, string][] = [
  ["phold", "ratio", ">=", 0.7, "engine >= 70% of the minimal heap loop"],
  ["phold", "vsSimpy", ">=", 10, "engine >= 10x SimPy"],
  ["mm1", "customersPerSec", ">=", 1e6, "M/M/1 >= 1 M customers/s"],
  ["campaign", "speedup2", ">=", 1.8, "2 workers >= 1.8x one worker"],
];

/** Runs the benchmarks; returns the exit status. */
export async function benchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const wanted = new Set(positionals);
  const known = BENCHES.map((b) => b.file.replace("_bench.ts", ""));
  for (const w of wanted) {
    if (!known.includes(w)) {
      throw new UsageError(`bench: unknown benchmark ${w} (have: ${known.join(", ")})`);
    }
  }
  const results: BenchResult = {};
  for (const b of BENCHES) {
    const short = b.file.replace("_bench.ts", "");
    if (wanted.size > 0 && !wanted.has(short)) continue;
    const path = fromFileUrl(new URL(`../../tests/bench/${b.file}`, import.meta.url));
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    console.error(`bench: ${short}...`);
    const mod = await import(`../../tests/bench/${b.file}`) as BenchModule;
    const r = await mod.run({ quick: values.quick });
    const flat = Object.values(r).every((v) => typeof v === "number");
    if (flat) results[b.group] = r as Record<string, number>;
    else Object.assign(results, r);
  }
  if (values.json) console.log(JSON.stringify(results));
  else printTable(results);
  return 0;
}

function printTable(results: BenchResult): void {
  for (const [group, nums] of Object.entries(results)) {
    console.log(group);
    for (const [k, v] of Object.entries(nums)) console.log(`  ${k.padEnd(24)} ${fmt(v)}`);
  }
  console.log("targets");
  for (const [group, key, , bound, what] of TARGETS) {
    const v = results[group]?.[key];
    if (v === undefined) continue;
    console.log(`  ${v >= bound ? "met " : "MISS"} ${what}: ${fmt(v)}`);
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e5) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}
