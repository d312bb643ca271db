import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";
import { Figure } from "../../lib/plot/figure.ts";
import { JUPYTER_DISPLAY } from "../../lib/plot/jupyter.ts";
import { DEFAULT_CHROMIUM } from "../../lib/plot/renderer.ts";
import { cdfPlot } from "../../lib/plot/cdf_plot.ts";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];

function fragment(fig: Figure): string {
  return String(fig[JUPYTER_DISPLAY]()["text/html"]);
}

Deno.test("Figure HTML draws in a browser: standalone file offline, notebook outputs in any order", async (t) => {
  const userDataDir = await Deno.makeTempDir({ prefix: "ftlab-html-test-" });
  const browser = await puppeteer.launch({
    executablePath: Deno.env.get("FTLAB_CHROMIUM") || DEFAULT_CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir,
    args: FLAGS,
  });
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    const remote: string[] = [];
    page.on("request", (req) => {
      if (/^https?:/.test(req.url())) remote.push(req.url());
      void (req.url().startsWith("http") ? req.abort() : req.continue());
    });
    const drawn = () => page.$$eval(".ftlab-figure .main-svg", (els) => els.length);

    await t.step("Figure.toHtml() draws without the network", async () => {
      await page.setContent(cdfPlot({ a: [1, 2, 3] }).toHtml());
      await page.waitForFunction(() => document.querySelectorAll(".main-svg").length > 0);
      assert.ok(await drawn() >= 1);
      assert.deepEqual(remote, []);
    });

    await t.step("a later notebook figure waits for the bundle carried by the first", async () => {
      Figure.resetSession();
      const first = fragment(cdfPlot({ a: [1, 2] }));
      const second = fragment(cdfPlot({ b: [3, 4] }));
      await page.setContent(`<!DOCTYPE html><html><body>${second}</body></html>`);
      await page.evaluate((html) => {
        // Insert the bundle-carrying output afterwards, as a slow notebook frontend might.
        const box = document.createElement("div");
        box.innerHTML = html;
        for (const old of Array.from(box.querySelectorAll("script"))) {
          const s = document.createElement("script");
          s.text = old.text;
          old.replaceWith(s);
        }
        document.body.append(box);
      }, first);
      await page.waitForFunction(() => {
        const figs = Array.from(document.querySelectorAll(".ftlab-figure"));
        return figs.length === 2 && figs.every((f) => f.querySelector(".main-svg") !== null);
      }, { timeout: 10_000 });
      const perFigure = await page.$$eval(
        ".ftlab-figure",
        (fs) => fs.map((f) => f.querySelectorAll(".main-svg").length),
      );
      assert.equal(perFigure.length, 2);
      assert.equal(perFigure[0], perFigure[1], "both figures drawn alike");
      assert.deepEqual(remote, []);
    });
  } finally {
    await browser.close();
    await Deno.remove(userDataDir, { recursive: true });
  }
});
