/** Reading user files for the CLI, with one-line errors (exit status 2). */
import { ConfigError, UsageError } from "../sim/errors.ts";

export { UsageError };

/** Reads and parses a JSON file; missing files and invalid JSON become one-line user errors. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`${path}: no such file`);
    if (e instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`${path}: is a directory, expected a JSON file`);
    }
    throw new UsageError(`${path}: cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
}

/** True for errors caused by user input, which the CLI prints in one line with exit status 2. */
export function isUserError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof ConfigError ||
    (e instanceof Error && (e.name === "ConfigError" || e.name === "UsageError" ||
      (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
      (e as { code?: string }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ||
      (e as { code?: string }).code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"));
}
