/**
 * The headless notebook runner (`ftlab notebooks`) against a real Jupyter server, through the CLI.
 * Each test bounds its runs in time and asserts afterwards that no Jupyter server or Deno kernel
 * carrying the test's own marker is left running.
 */
import assert from "node:assert/strict";
import {
  assertNoneLeft,
  FIXTURES,
  ftlab,
  markedProcesses,
  newPrefix,
  readJson,
  spawnFtlab,
  tempDir,
  text,
} from "./_cli.ts";

const fixture = (name: string) => `${FIXTURES}${name}.ipynb`;

/** A python wrapper that records each invocation, then runs the real one. */
async function recordingPython(dir: string): Promise<{ path: string; invoked: () => boolean }> {
  const path = `${dir}/python3`;
  const flag = `${dir}/invoked`;
  await Deno.writeTextFile(path, `#!/bin/sh\ntouch '${flag}'\nexec /usr/bin/python3 "$@"\n`);
  await Deno.chmod(path, 0o755);
  return {
    path,
    invoked: () => {
      try {
        Deno.statSync(flag);
        return true;
      } catch {
        return false;
      }
    },
  };
}

Deno.test("a cell printing 500 lines keeps all of them, in order, over 3 runs", async () => {
  const prefix = newPrefix("lines");
  const dir = await tempDir("lines");
  try {
    const paths: string[] = [];
    for (const n of [1, 2, 3]) {
      paths.push(`${dir}/many_lines_${n}.ipynb`);
      await Deno.copyFile(fixture("many_lines"), paths.at(-1)!);
    }
    const python = await recordingPython(dir);
    const r = await ftlab(["notebooks", ...paths, "--out", `${dir}/out`], {
      prefix,
      env: { FTLAB_JUPYTER_PYTHON: python.path },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(python.invoked(), "the runner did not use FTLAB_JUPYTER_PYTHON");
    const expected = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    for (const n of [1, 2, 3]) {
      const nb = await readJson(`${dir}/out/many_lines_${n}.ipynb`);
      const outputs = nb.cells[0]!.outputs!;
      const stdout = outputs.filter((o) => o.output_type === "stream" && o.name === "stdout")
        .map((o) => text(o.text)).join("");
      assert.deepEqual(stdout.split("\n").filter((l) => l !== ""), expected, `run ${n}`);
      assert.equal(
        text(
          nb.cells[1]!.outputs![0]!.data &&
            (nb.cells[1]!.outputs![0]!.data as Record<string, unknown>)["text/plain"],
        ),
        '"after"',
      );
    }
    console.log(`3 runs of the 500-line notebook (one server): ${r.ms} ms`);
  } finally {
    await assertNoneLeft(prefix);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two runs give byte-identical files; --param, display updates, figures", async (t) => {
  const prefix = newPrefix("det");
  const dirs = [await tempDir("det-a"), await tempDir("det-b")];
  const names = ["basic", "display_update", "figure_class"];
  try {
    for (const d of dirs) {
      const r = await ftlab(["notebooks", ...names.map(fixture), "--out", d], {
        prefix,
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 0, r.stderr);
      console.log(`basic, display_update and figure_class: ${r.ms} ms`);
    }

    await t.step("ipynb, HTML and figure files are byte-identical", async () => {
      const files = names.flatMap((n) => [`${n}.ipynb`, `${n}.html`]);
      for (const e of Deno.readDirSync(`${dirs[0]}/figure_class`)) {
        files.push(`figure_class/${e.name}`);
      }
      for (const f of files) {
        const [a, b] = await Promise.all(dirs.map((d) => Deno.readFile(`${d}/${f}`)));
        assert.ok(a!.length > 0, `${f} is empty`);
        assert.ok(a!.length === b!.length && a!.every((x, i) => x === b![i]), `${f} differs`);
      }
    });

    await t.step("--param is injected after the parameters cell and takes effect", async () => {
      const out = `${dirs[0]}/param`;
      const r = await ftlab(["notebooks", fixture("basic"), "--out", out, "--param", "seed=7"], {
        prefix,
      });
      assert.equal(r.code, 0, r.stderr);
      const nb = await readJson(`${out}/basic.ipynb`);
      const i = nb.cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
      const injected = nb.cells[i + 1]!;
      assert.ok(injected.metadata.tags?.includes("injected-parameters"));
      assert.match(text(injected.source), /const seed = 7;/);
      const printed = nb.cells[i + 2]!.outputs!.map((o) => text(o.text)).join("");
      assert.match(printed, /seed=7 label=default/);
      const plain = await readJson(`${dirs[0]}/basic.ipynb`);
      assert.equal(nb.cells.length, plain.cells.length + 1);
    });

    await t.step("an unknown parameter is a user error (exit 2), before any server", async () => {
      const r = await ftlab(
        ["notebooks", fixture("basic"), "--out", dirs[0]!, "--param", "sede=7"],
        {
          prefix,
        },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /sede/);
      assert.doesNotMatch(r.stderr, /jupyter server ready/);
    });

    await t.step("display updates end as one output with the final content", async () => {
      const nb = await readJson(`${dirs[0]}/display_update.ipynb`);
      const first = nb.cells[0]!.outputs!;
      assert.equal(first.length, 1, JSON.stringify(first));
      assert.equal(first[0]!.output_type, "display_data");
      assert.equal(text((first[0]!.data as Record<string, unknown>)["text/plain"]), "done");
      const second = nb.cells[1]!.outputs!;
      assert.deepEqual(second.map((o) => o.output_type), ["execute_result"]);
    });

    await t.step("a plotly Figure is exported as fig-*.svg and fig-*.png", () => {
      const files = [...Deno.readDirSync(`${dirs[0]}/figure_class`)].map((e) => e.name).sort();
      assert.deepEqual(files, ["fig-2-1.png", "fig-2-1.svg"]);
      const png = Deno.readFileSync(`${dirs[0]}/figure_class/fig-2-1.png`);
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]);
      assert.match(Deno.readTextFileSync(`${dirs[0]}/figure_class/fig-2-1.svg`), /<svg/);
    });
  } finally {
    await assertNoneLeft(prefix);
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("cell error, timeout and dead kernel: reported, exit 1, nothing left running", async (t) => {
  const prefix = newPrefix("fail");
  const dir = await tempDir("fail");
  try {
    const started = Date.now();
    const r = await ftlab(
      [
        "notebooks",
        fixture("throws"),
        fixture("sleeps"),
        fixture("dies"),
        "--out",
        dir,
        "--timeout",
        "3",
      ],
      { prefix, timeoutMs: 90_000 },
    );
    const ms = Date.now() - started;
    assert.equal(r.code, 1, r.stderr);
    await assertNoneLeft(prefix);

    await t.step("a throwing cell names the notebook and the cell", async () => {
      assert.match(
        r.stderr,
        /throws\.ipynb: cell 2 \(\/\/ second cell\) failed: RangeError: boom from cell two/,
      );
      const nb = await readJson(`${dir}/throws.ipynb`);
      assert.equal(nb.cells[2]!.execution_count, null, "a cell after the failure ran");
    });

    await t.step("the per-cell timeout is enforced and reported", () => {
      assert.match(r.stderr, /sleeps\.ipynb: cell 1 .* timed out: CellTimeoutError: .*3 s/);
      assert.ok(ms < 45_000, `the 60 s cell was not cut short (${ms} ms)`);
    });

    await t.step("a dead kernel is detected and reported", async () => {
      assert.match(r.stderr, /dies\.ipynb: cell 2 \(Deno\.exit\(1\);\) killed the kernel/);
      const nb = await readJson(`${dir}/dies.ipynb`);
      assert.equal(nb.cells[2]!.execution_count, null);
    });
  } finally {
    await assertNoneLeft(prefix);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("invalid notebooks are rejected in one line before any server starts", async () => {
  const prefix = newPrefix("invalid");
  const dir = await tempDir("invalid");
  try {
    const python = await recordingPython(dir);
    const cases: [string, string, RegExp][] = [
      ["bad_json", "{ not json", /bad_json\.ipynb/],
      [
        "nbformat3",
        JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }),
        /nbformat/,
      ],
      ["no_cells", JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }), /cells/],
    ];
    for (const [name, body, pattern] of cases) {
      const path = `${dir}/${name}.ipynb`;
      await Deno.writeTextFile(path, body);
      const r = await ftlab(["notebooks", path, "--out", `${dir}/out`], {
        prefix,
        env: { FTLAB_JUPYTER_PYTHON: python.path },
      });
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${name}: not one line:\n${r.stderr}`);
      assert.match(lines[0]!, pattern);
      assert.ok(lines[0]!.includes(`${name}.ipynb`), `${name}: message lacks the path`);
      assert.ok(!python.invoked(), `${name}: Jupyter's python was started`);
    }
  } finally {
    await assertNoneLeft(prefix);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--check maps a type error to its cell and passes a clean notebook", async () => {
  const prefix = newPrefix("check");
  const bad = await ftlab(["notebooks", fixture("type_error"), "--check"], { prefix });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /type_error\.ipynb: cell 3, line 2:\d+: TS2322/);
  const good = await ftlab(["notebooks", fixture("basic"), fixture("figure_class"), "--check"], {
    prefix,
  });
  assert.equal(good.code, 0, good.stderr);
  assert.doesNotMatch(good.stderr, /jupyter server ready/);
  await assertNoneLeft(prefix);
});

Deno.test("SIGINT during a long cell stops the run, exits non-zero, leaves nothing", async () => {
  const prefix = newPrefix("sigint");
  const dir = await tempDir("sigint");
  const child = spawnFtlab(["notebooks", fixture("sleeps"), "--out", dir], { prefix });
  let stderr = "";
  const reading = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (stderr += chunk) }),
  );
  const stdout = child.stdout.cancel();
  try {
    // Wait until the server and the kernel run (the kernel is a `deno jupyter --kernel`).
    const deadline = Date.now() + 60_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = markedProcesses(prefix).map((p) => p.cmdline);
      if (
        seen.some((c) => c.includes("jupyter_server")) &&
        seen.some((c) => c.includes("jupyter --kernel"))
      ) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(
      seen.some((c) => c.includes("jupyter --kernel")),
      `no kernel seen: ${seen.join("\n")}`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the cell is running
    const sent = Date.now();
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const status = await child.status.finally(() => clearTimeout(timer));
    const ms = Date.now() - sent;
    await reading;
    assert.notEqual(status.code, 0, stderr);
    assert.equal(status.code, 130, stderr);
    assert.ok(ms < 15_000, `took ${ms} ms to stop`);
    console.log(`stopped ${ms} ms after SIGINT`);
  } finally {
    await stdout.catch(() => {});
    await reading.catch(() => {});
    await assertNoneLeft(prefix);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a kernel message damaged in transport: the cell ends at once and the notebook reruns to the same file", async () => {
  const prefix = newPrefix("damage");
  const [clean, damaged] = [await tempDir(prefix), await tempDir(prefix)];
  try {
    const ok = await ftlab(["notebooks", fixture("basic"), "--out", clean], { prefix });
    assert.equal(ok.code, 0, ok.stderr);
    // Fault injection: the 12th message the runner receives (a cell's status or reply) is damaged.
    const r = await ftlab(["notebooks", fixture("basic"), "--out", damaged], {
      prefix,
      env: { FTLAB_TEST_DAMAGE_MESSAGE: "12" },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /arrived damaged; running the notebook again/);
    assert.ok(r.ms < 40_000, `took ${r.ms} ms: the damaged cell waited for its timeout`);
    const [a, b] = await Promise.all(
      [clean, damaged].map((d) => Deno.readTextFile(`${d}/basic.ipynb`)),
    );
    assert.equal(b, a);
    await assertNoneLeft(prefix);
  } finally {
    for (const d of [clean, damaged]) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
});
