/**
 * `deno task jupyter` (kernel/jupyter.ts): starts the classic Notebook on 127.0.0.1 with the ftlab
 * kernelspec, answers its API with the token, stops cleanly on SIGTERM leaving no process, and
 * prints the install command (exit 2) when Jupyter is missing.
 */
import assert from "node:assert/strict";
import { assertNoneLeft, markedProcesses, newPrefix, ROOT } from "./_cli.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const INSTALL =
  "apt-get install -y jupyter-server jupyter-notebook jupyter-client jupyter-nbconvert python3-nbclient";

Deno.test("deno task jupyter: serves on 127.0.0.1 with a token, stops on SIGTERM, leaves nothing", async () => {
  const prefix = newPrefix("nbserver");
  const port = freePort();
  const started = Date.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "kernel/jupyter.ts", "--port", String(port)],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FTLAB_JUPYTER_RUN_PREFIX: prefix },
  }).spawn();
  let stdout = "";
  let stderr = "";
  const reading = Promise.all([
    child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (c) => void (stdout += c) }),
    ),
    child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (c) => void (stderr += c) }),
    ),
  ]);
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  try {
    let url: URL | undefined;
    while (Date.now() - started < 60_000) {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/tree\?token=([0-9a-f]+)/.exec(stdout);
      if (m) {
        url = new URL(m[0]);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(url, `no URL printed:\n${stdout}\n${stderr}`);
    console.log(`notebook server ready in ${Date.now() - started} ms (incl. deno start-up)`);
    assert.equal(url.port, String(port));
    const token = url.searchParams.get("token")!;
    const status = await fetch(`http://127.0.0.1:${port}/api/status`, {
      headers: { Authorization: `token ${token}` },
    });
    assert.equal(status.status, 200);
    const body = await status.json();
    assert.ok("started" in body, JSON.stringify(body));
    const denied = await fetch(`http://127.0.0.1:${port}/api/kernelspecs`);
    await denied.body?.cancel();
    assert.equal(denied.status, 403, "the API answered without the token");
    const specs = await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs`, {
      headers: { Authorization: `token ${token}` },
    })).json();
    const argv = specs.kernelspecs?.deno?.spec?.argv as string[] | undefined;
    assert.ok(argv, JSON.stringify(specs));
    assert.equal(argv[0], Deno.execPath(), "the kernelspec does not run this deno binary");
    const procs = markedProcesses(prefix).map((p) => p.cmdline);
    assert.ok(procs.some((c) => c.includes("-m notebook")), procs.join("\n"));

    const sent = Date.now();
    child.kill("SIGTERM");
    const exit = await child.status;
    const stopMs = Date.now() - sent;
    await reading;
    assert.equal(exit.code, 143, stderr);
    assert.ok(stopMs < 15_000, `took ${stopMs} ms to stop`);
    console.log(`stopped ${stopMs} ms after SIGTERM`);
    await assertNoneLeft(prefix);
    const after = await fetch(`http://127.0.0.1:${port}/api/status`).then(
      (r) => (r.body?.cancel(), "answered"),
      () => "refused",
    );
    assert.equal(after, "refused");
  } finally {
    clearTimeout(killer);
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
    await reading.catch(() => {});
    await assertNoneLeft(prefix);
  }
});

Deno.test("deno task jupyter: missing Jupyter prints the install command and exits 2", async () => {
  const prefix = newPrefix("nbmissing");
  for (
    const [args, env] of [
      [["--python", "/nonexistent/python3"], {}],
      [[], { FTLAB_JUPYTER_PYTHON: "/nonexistent/python3" }],
    ] as [string[], Record<string, string>][]
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "kernel/jupyter.ts", ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", FTLAB_JUPYTER_RUN_PREFIX: prefix, ...env },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    const expected = Deno.uid() === 0 ? INSTALL : `sudo ${INSTALL}`;
    assert.ok(stderr.includes(`install it with: ${expected}`), stderr);
    if (Deno.uid() === 0) assert.ok(!stderr.includes("sudo"), stderr);
    assert.equal(new TextDecoder().decode(out.stdout), "", "printed a URL");
  }
  await assertNoneLeft(prefix);
});
