/**
 * Shared helpers of the campaign tests: fixture paths and throwaway spec files.
 *
 * @module
 */
import { fileURLToPath } from "../../lib/_std.ts";

/** Absolute path of the fixture trial module. */
export const TRIALS_MODULE = fileURLToPath(new URL("./fixtures/trials.ts", import.meta.url));

/** Absolute path of the CLI runner fixture. */
export const RUN_CLI = fileURLToPath(new URL("./fixtures/run_cli.ts", import.meta.url));

/** Writes a spec JSON file into a fresh temporary directory and returns its path and the directory. */
export async function writeSpec(
  spec: Record<string, unknown>,
): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "ftlab-campaign-" });
  const path = `${dir}/campaign.json`;
  await Deno.writeTextFile(path, JSON.stringify(spec, null, 2));
  return { dir, path };
}

/** A spec of `trials` trials using fixture trial `name`. */
export function fixtureSpec(name: string, exportName: string, xs: number[], repetitions = 1) {
  return {
    name,
    seed: 77,
    repetitions,
    grid: { x: xs, mode: ["a", "b"] },
    trial: { module: TRIALS_MODULE, export: exportName },
  };
}

/** Runs the CLI in a subprocess and returns its status and output. */
export async function runCli(args: string[], cwd?: string) {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", RUN_CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    ...(cwd === undefined ? {} : { cwd }),
  });
  const { code, stdout, stderr } = await cmd.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
