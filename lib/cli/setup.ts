/**
 * `ftlab setup`: makes sure the Debian packages ftlab's notebooks, figures and tests need are
 * installed, installing them with apt-get when running as root, and otherwise printing the one
 * command to run. npm packages need no step: Deno fetches them on first use (deno.lock pins them).
 *
 * @module
 */

/** Debian packages ftlab needs, with why. */
export const SYSTEM_PACKAGES: readonly { name: string; why: string }[] = [
  { name: "jupyter-server", why: "headless notebook runner" },
  { name: "jupyter-notebook", why: "deno task jupyter" },
  { name: "jupyter-client", why: "kernelspecs" },
  { name: "jupyter-nbconvert", why: "HTML export of notebooks" },
  { name: "python3-nbclient", why: "nbconvert" },
  { name: "chromium", why: "SVG/PNG export of figures" },
  { name: "fonts-liberation", why: "identical text rendering in figures" },
  { name: "python3-simpy3", why: "the SimPy peer in ftlab bench" },
];

/** Names of the packages in SYSTEM_PACKAGES that dpkg does not report as installed. */
export async function missingPackages(
  names = SYSTEM_PACKAGES.map((p) => p.name),
): Promise<string[]> {
  const out = await new Deno.Command("dpkg-query", {
    args: ["-W", "-f=${Package} ${Status}\n", ...names],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  if (!out) return [...names];
  const ok = new Set(
    new TextDecoder().decode(out.stdout).split("\n").filter((l) => l.endsWith(" installed")).map((
      l,
    ) => l.split(" ")[0]),
  );
  return names.filter((n) => !ok.has(n));
}

/** The apt-get command that installs `names`. */
export function installCommand(names: readonly string[], root: boolean): string {
  const sudo = root ? "" : "sudo ";
  return `${sudo}apt-get update && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y ${
    names.join(" ")
  }`;
}

/** Runs the set-up; returns an exit status (0 when everything is present afterwards). */
export async function setupCommand(_args: string[]): Promise<number> {
  const missing = await missingPackages();
  if (missing.length === 0) return 0;
  const root = Deno.uid() === 0;
  if (!root) {
    console.error(`ftlab setup: missing Debian packages: ${missing.join(", ")}`);
    console.error(`run: ${installCommand(missing, false)}`);
    return 2;
  }
  console.error(`ftlab setup: installing ${missing.join(", ")} (apt-get)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...missing]]) {
    const r = await new Deno.Command("apt-get", { args, env, stdout: "null", stderr: "inherit" })
      .output();
    if (!r.success) {
      console.error(`ftlab setup: apt-get ${args[0]} failed (exit ${r.code})`);
      return 1;
    }
  }
  const still = await missingPackages();
  if (still.length > 0) {
    console.error(`ftlab setup: still missing after apt-get: ${still.join(", ")}`);
    return 1;
  }
  return 0;
}
