import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { plotlyBundlePath } from "../../lib/plot/_bundle.ts";
import { Figure, PLOTLY_MIME } from "../../lib/plot/figure.ts";
import { JUPYTER_DISPLAY } from "../../lib/plot/jupyter.ts";
import { sweepPlot } from "../../lib/plot/sweep_plot.ts";

const BUNDLE_MARK = "plotly.js v4";

function sample(title = "Throughput"): Figure {
  return sweepPlot({ name: "sim", x: [1, 2], y: [3, 4], lower: [2, 3], upper: [4, 5] }, { title });
}

function html(fig: Figure): string {
  const out = fig[JUPYTER_DISPLAY]()["text/html"];
  assert.equal(typeof out, "string");
  return out as string;
}

Deno.test("Figure[Jupyter.display]() returns plotly JSON, HTML and a one-line text summary", () => {
  Figure.resetSession();
  const fig = sample();
  const bundle = fig[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.deepEqual(bundle[PLOTLY_MIME], JSON.parse(JSON.stringify(fig)));
  assert.equal(bundle["text/plain"], 'Figure "Throughput": 2 traces (2 scatter)');
  assert.ok(!String(bundle["text/plain"]).includes("\n"));
});

Deno.test("Figure[Jupyter.display]() embeds the plotly.js bundle in the session's first figure only", () => {
  Figure.resetSession();
  const first = html(sample());
  const second = html(sample("Second"));
  assert.ok(first.includes(BUNDLE_MARK), "first figure carries the bundle");
  assert.ok(first.length > 1_000_000);
  assert.ok(!second.includes(BUNDLE_MARK), "second figure does not");
  assert.ok(second.length < 10_000);
  assert.match(second, /window\.Plotly/);
  Figure.resetSession();
  assert.ok(html(sample()).includes(BUNDLE_MARK), "resetSession() embeds it again");
});

Deno.test("Figure[Jupyter.display]() gives each output its own div id", () => {
  Figure.resetSession();
  html(sample());
  const ids = [html(sample()), html(sample())].map((h) => /<div id="([^"]+)"/.exec(h)?.[1]);
  assert.ok(ids[0] && ids[1]);
  assert.notEqual(ids[0], ids[1]);
});

Deno.test("Figure HTML cannot be broken out of by a title containing </script>", () => {
  Figure.resetSession();
  html(sample());
  const out = html(sample("</script><script>alert(1)</script>"));
  assert.equal(out.match(/<\/script>/g)?.length, 1, "only the draw script's own end tag");
});

Deno.test("Figure.saveHtml() writes byte-identical standalone files that need no network", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await sample().saveHtml(join(dir, "a.html"));
    await sample().saveHtml(join(dir, "b.html"));
    const a = await Deno.readFile(join(dir, "a.html"));
    assert.deepEqual(a, await Deno.readFile(join(dir, "b.html")));
    const text = new TextDecoder().decode(a);
    assert.equal(text.split(BUNDLE_MARK).length, 2, "bundle inline exactly once");
    assert.doesNotMatch(text, /<script[^>]+src=/);
    assert.match(text, /<title>Throughput<\/title>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Figure.saveJson() writes sorted keys: same bytes whatever the insertion order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = new Figure({
      data: [{ type: "bar", x: ["a"], y: [1] }],
      layout: { width: 300, height: 200 },
    });
    const b = new Figure({
      data: [{ y: [1], x: ["a"], type: "bar" }],
      layout: { height: 200, width: 300 },
    });
    await a.saveJson(join(dir, "a.json"));
    await b.saveJson(join(dir, "b.json"));
    const text = await Deno.readTextFile(join(dir, "a.json"));
    assert.equal(text, await Deno.readTextFile(join(dir, "b.json")));
    assert.ok(text.indexOf('"height"') < text.indexOf('"width"'));
    assert.ok(text.endsWith("}\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Figure.withLayout() patches a copy and leaves the original alone", () => {
  const fig = sample();
  const small = fig.withLayout({ height: 300 });
  assert.equal(small.layout.height, 300);
  assert.equal(fig.layout.height, undefined);
  assert.equal(small.layout.title?.text, "Throughput");
});

Deno.test("plotlyBundlePath() finds the bundle from any working directory", async () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const cwd = await Deno.makeTempDir();
  try {
    const script = join(cwd, "probe.ts");
    const lib = join(root, "lib", "plot", "_bundle.ts");
    await Deno.writeTextFile(
      script,
      `import { plotlyBundlePath } from ${
        JSON.stringify(lib)
      };\nconsole.log(plotlyBundlePath());\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", join(root, "deno.json"), script],
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout).trim(), plotlyBundlePath());
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
