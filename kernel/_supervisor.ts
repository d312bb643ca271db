/**
 * The supervisor that owns a Jupyter server's process tree.
 *
 * ftlab does not spawn `python3 -m jupyter_server` directly: it spawns this small Python program
 * (in a new session, so it leads the process group), which starts the server (`python3 -m
 * jupyter_server` or, for `deno task jupyter`, `python3 -m notebook`) as its child and then
 * waits for the first of: end of its stdin, SIGTERM/SIGINT/SIGHUP, or the server exiting. Then it
 * terminates every process carrying the run's marker (`FTLAB_JUPYTER_RUN=<id>`: the server and the
 * kernels, which jupyter_client starts in sessions of their own) and their process groups, with
 * SIGTERM, a bounded grace period, then SIGKILL, and exits.
 *
 * Its stdin is a pipe from the Deno process. The kernel closes that pipe when the Deno process ends
 * for whatever reason (normal exit, uncaught exception, unhandled rejection, SIGKILL, a panic), so
 * the server and its kernels never outlive the runner that started them, even where no JavaScript
 * `finally` or `unload` handler gets to run.
 *
 * @module
 */

/**
 * Seconds between SIGTERM and SIGKILL in the supervisor's clean-up.
 *
 * @example
 * ```ts
 * import { SUPERVISOR_GRACE_S } from "./_supervisor.ts";
 * if (SUPERVISOR_GRACE_S <= 0) throw new Error();
 * ```
 */
export const SUPERVISOR_GRACE_S = 3;

/**
 * Python source of the supervisor; run as `python3 supervisor.py <module> <args...>` (module `jupyter_server` or `notebook`)
 * with `FTLAB_JUPYTER_RUN` set in its environment.
 *
 * @example
 * ```ts
 * import { SUPERVISOR_PY } from "./_supervisor.ts";
 * if (!SUPERVISOR_PY.includes("os.read(0") || !SUPERVISOR_PY.includes("SIGKILL")) {
 *   throw new Error("unexpected supervisor source");
 * }
 * ```
 */
export const SUPERVISOR_PY = `
import os, signal, subprocess, sys, threading, time

MARKER = ("FTLAB_JUPYTER_RUN=" + os.environ["FTLAB_JUPYTER_RUN"]).encode()
ME = os.getpid()
GRACE = ${SUPERVISOR_GRACE_S}

def marked():
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == ME:
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if MARKER not in f.read().split(b"\\0"):
                    continue
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
            if stat[stat.rindex(b")") + 2:stat.rindex(b")") + 3] in (b"Z", b"X"):
                continue
        except (OSError, ValueError):
            continue
        found.append(int(name))
    return found

def kill(pids, sig):
    for pid in pids:
        try:
            os.killpg(pid, sig)
        except OSError:
            pass
        try:
            os.kill(pid, sig)
        except OSError:
            pass

def cleanup():
    kill(marked(), signal.SIGTERM)
    deadline = time.time() + GRACE
    while time.time() < deadline and marked():
        time.sleep(0.05)
    for _ in range(3):
        left = marked()
        if not left:
            return
        kill(left, signal.SIGKILL)
        time.sleep(0.1)

done = threading.Event()

def on_signal(signum, frame):
    done.set()

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, on_signal)

server = subprocess.Popen([sys.executable, "-m", sys.argv[1]] + sys.argv[2:],
                          stdin=subprocess.DEVNULL)

def watch_stdin():
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    done.set()

def watch_server():
    server.wait()
    done.set()

threading.Thread(target=watch_stdin, daemon=True).start()
threading.Thread(target=watch_server, daemon=True).start()
while not done.wait(0.25):
    pass
cleanup()
try:
    server.wait(timeout=1)
except Exception:
    pass
code = server.returncode
sys.exit(code if isinstance(code, int) and code > 0 else 0)
`;
