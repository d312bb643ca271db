/**
 * End-to-end benchmark: the wall time to execute the getting-started notebook through the headless
 * runner (server start, kernel start, every cell, HTML and figure export).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Runs the benchmark; `quick` runs the notebook with fewer repetitions. */
export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const out = await Deno.makeTempDir({ prefix: "ftlab-nb-bench-" });
  const params = opts.quick ? ["--param", "repetitions=4"] : [];
  try {
    const t0 = performance.now();
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "lib/cli/main.ts",
        "notebooks",
        "notebooks/00_getting_started.ipynb",
        "--out",
        out,
        ...params,
      ],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    if (!r.success) throw new Error(`notebook failed:\n${new TextDecoder().decode(r.stderr)}`);
    return { gettingStartedSeconds: seconds };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await run({ quick: Deno.args.includes("--quick") })));
}
