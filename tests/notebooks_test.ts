/**
 * Every notebook in notebooks/ type-checks and runs cleanly through the headless runner, with its
 * figures exported: CI fails when any cell fails (issue: "CI runs every notebook through the
 * runner").
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const notebooks = [...Deno.readDirSync(`${root}notebooks`)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

async function ftlab(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "lib/cli/main.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("notebooks/ holds the getting-started notebook", () => {
  assert.ok(notebooks.includes("00_getting_started.ipynb"), notebooks.join(", "));
});

for (const name of notebooks) {
  Deno.test(`notebooks/${name} type-checks and runs every cell through the runner`, async () => {
    const check = await ftlab(["notebooks", `notebooks/${name}`, "--check"]);
    assert.equal(check.code, 0, check.stderr);
    const out = await Deno.makeTempDir({ prefix: "ftlab-nb-" });
    try {
      const run = await ftlab(["notebooks", `notebooks/${name}`, "--out", out]);
      assert.equal(run.code, 0, run.stderr);
      const stem = name.replace(/\.ipynb$/, "");
      const executed = JSON.parse(await Deno.readTextFile(`${out}/${stem}.ipynb`));
      for (const [i, cell] of executed.cells.entries()) {
        for (const o of cell.outputs ?? []) {
          assert.notEqual(o.output_type, "error", `cell ${i + 1}`);
        }
      }
      await Deno.stat(`${out}/${stem}.html`);
      const figures = [...Deno.readDirSync(`${out}/${stem}`)].map((e) => e.name);
      assert.ok(figures.some((f) => f.endsWith(".png")), `no PNG exported for ${name}`);
      assert.ok(figures.some((f) => f.endsWith(".svg")), `no SVG exported for ${name}`);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
}

Deno.test("notebooks/00_getting_started.ipynb: two runs with the same parameters give byte-identical files", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    for (const d of dirs) {
      const r = await ftlab([
        "notebooks",
        "notebooks/00_getting_started.ipynb",
        "--out",
        d,
        "--param",
        "repetitions=3",
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    const files = ["00_getting_started.ipynb", "00_getting_started.html"];
    for (const f of [...Deno.readDirSync(`${dirs[0]}/00_getting_started`)]) {
      files.push(`00_getting_started/${f.name}`);
    }
    for (const f of files) {
      const [a, b] = await Promise.all(dirs.map((d) => Deno.readFile(`${d}/${f}`)));
      assert.ok(
        a!.length > 0 && a!.length === b!.length && a!.every((x, i) => x === b![i]),
        `${f} differs`,
      );
    }
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});
