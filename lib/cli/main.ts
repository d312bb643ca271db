/**
 * The `ftlab` command (`deno task ftlab <command>`; DESIGN.md, "The command line").
 *
 * Commands: setup, bench, run, campaign, notebooks, swarm, repro. User errors (a missing file,
 * invalid JSON, a schema violation, a bad flag) print one line and exit with status 2; nothing
 * else prints a stack trace unless it is a bug.
 *
 * @module
 */
import { isUserError, UsageError } from "./_input.ts";

/** Usage text. */
export const USAGE = `usage: deno task ftlab <command> [options]

commands:
  setup                                   install the Debian packages ftlab needs (as root)
  bench [--json] [--quick] [names...]     engine and end-to-end benchmarks
  run <scenario.json> [--seed N] [--json] one machine scenario: metrics, outcome, digest
  campaign <campaign.json> --out FILE [--workers N] [--shard K/N] [--resume] [--replay I]
  campaign merge <shards...> --out FILE   merge shard results into the single-machine file
  notebooks [paths...] [--out DIR] [--param k=v] [--check]
                                          run notebooks headlessly, export HTML, SVG and PNG
  repro <ftlinux|fgft|combined> [--json]  headline figures, simulated beside the papers' values
  swarm <ftlinux|fgft|combined> --seeds N [--json]
                                          random fault schedules against the checkers
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  setup: async () => (await import("./setup.ts")).setupCommand,
  bench: async () => (await import("./bench.ts")).benchCommand,
  run: async () => (await import("./run.ts")).runCommand,
  campaign: async () => (await import("../campaign/command.ts")).campaignCommand,
  notebooks: async () => (await import("../../kernel/notebooks.ts")).notebooksCommand,
  repro: () =>
    Promise.resolve(bySystem({
      ftlinux: async () => (await import("../replication/command.ts")).ftlinuxReproCommand,
      fgft: async () => (await import("../fgft/command.ts")).fgftReproCommand,
      combined: async () =>
        (await import("../replication/combined_command.ts")).combinedReproCommand,
    })),
  swarm: () =>
    Promise.resolve(bySystem({
      ftlinux: async () => (await import("../replication/command.ts")).ftlinuxSwarmCommand,
      fgft: async () => (await import("../fgft/command.ts")).fgftSwarmCommand,
      combined: async () =>
        (await import("../replication/combined_command.ts")).combinedSwarmCommand,
    })),
};

/** A command whose first argument names the modelled system (`repro ftlinux`, `swarm fgft`). */
function bySystem(systems: Record<string, () => Promise<Command>>): Command {
  return async (args) => {
    const [system, ...rest] = args;
    const load = system === undefined ? undefined : systems[system];
    if (!load) {
      throw new UsageError(
        `system: got ${JSON.stringify(system ?? "")}, expected one of ${
          Object.keys(systems).join(", ")
        }`,
      );
    }
    return await (await load())(rest);
  };
}

/** Runs the CLI with `args`; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    // One line, like every user error; the full usage is one `ftlab help` away.
    const known = Object.keys(COMMANDS).join(", ");
    console.error(`ftlab: unknown command ${JSON.stringify(name)} (commands: ${known}; see help)`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (isUserError(e)) {
      // Some messages (node's parseArgs: "--seed -3") span lines; a user error prints as one.
      console.error(`ftlab ${name}: ${e.message.replace(/\s*\n\s*/g, " ")}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
