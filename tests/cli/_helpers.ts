/**
 * Shared helpers of the CLI tests: fixture paths and a subprocess runner.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "../../lib/_std.ts";

/** The repository root (the subprocesses run there, so that deno.json is found). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The CLI entry point. */
export const MAIN = fileURLToPath(new URL("../../lib/cli/main.ts", import.meta.url));

/** Absolute path of a fixture under tests/cli/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A lib/cli/main.ts ...args` in a subprocess. */
export async function ftlab(...args: string[]): Promise<CliRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Asserts a user error: exit status 2, nothing on stdout, one line on stderr that matches every
 * pattern, and no stack trace.
 */
export function assertUserError(r: CliRun, ...patterns: RegExp[]): void {
  const why = `status ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.code, 2, why);
  assert.equal(r.stdout, "", why);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr\n${why}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace\n${why}`);
  assert.doesNotMatch(r.stderr, /error: Uncaught/, why);
  for (const p of patterns) assert.match(lines[0]!, p, why);
}
