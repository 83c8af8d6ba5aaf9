"""Hostile sources and inputs, measured (the figures of docs/reliability.md §6).

    python bench/hostile.py [--bomb-mb 2048] [--trickle-deadline SECONDS] [--text-mb 4]

Each case runs the real CLI in a child process against a local server (or a generated file) and reports its
exit status, its one error line, its peak memory (getrusage of the child) and its wall time:
  bomb     `fetch kamerstuk` of a document served as a gzip body inflating to --bomb-mb MB (default 2 GiB);
  trickle  `fetch kamerstuk` of a document sent one byte a second (the deadline is --trickle-deadline, default the
           client's own, 120 s);
  redirect `fetch kamerstuk` redirected to another host;
  extract  `extract FILE` of one line holding --text-mb MB of a real letter repeated.
Prints one JSON object per case (wall seconds and, less sensitive to other load on the machine, CPU seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def gzip_bomb(inflated_mb: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MB
    return b"".join(z.compress(block) for _ in range(inflated_mb)) + z.flush()


def serve(routes: dict) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            fn = routes.get(self.path.split("?")[0])
            try:
                if fn is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    fn(self)
            except (BrokenPipeError, ConnectionResetError):
                pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run_cli(args: list[str], env: dict | None = None) -> dict:
    """The CLI in a child; its own peak RSS (wait4), wall time, exit status and first error line."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kamerstukken.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=ROOT)
    chunks = {"out": b"", "err": b""}

    def drain(name, fh):
        chunks[name] = fh.read()
    readers = [threading.Thread(target=drain, args=(n, f)) for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = chunks["err"].decode("utf-8", "replace")
    lines = [x.strip() for x in err.splitlines() if x.strip().startswith("error")]
    return {"exit": proc.returncode, "seconds": round(time.perf_counter() - t, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "error_line": lines[0][:300] if lines else None,
            "stdout_bytes": len(chunks["out"])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bomb-mb", type=int, default=2048)
    ap.add_argument("--trickle-deadline", type=float, default=None)
    ap.add_argument("--text-mb", type=int, default=4)
    ap.add_argument("--only", default="bomb,trickle,redirect,extract")
    a = ap.parse_args()
    only = set(a.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="kamerstukken-hostile-"))
    bomb = gzip_bomb(a.bomb_mb) if "bomb" in only else b""

    def send_bomb(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/xml")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(bomb)))
        h.end_headers()
        h.wfile.write(bomb)

    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/xml")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100000):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(1.0)

    other = serve({"/x.xml": send_bomb})

    def offsite(h):
        h.send_response(302)
        h.send_header("Location", f"http://127.0.0.1:{other.server_address[1]}/x.xml")
        h.send_header("Content-Length", "0")
        h.end_headers()
    routes = {}
    for ext in ("xml", "html", "pdf"):
        routes[f"/kst-1-1.{ext}"] = send_bomb
        routes[f"/kst-2-2.{ext}"] = trickle
        routes[f"/kst-3-3.{ext}"] = offsite
    srv = serve(routes)
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    env = {"KAMERSTUKKEN_FETCH_DEADLINE": str(a.trickle_deadline)} if a.trickle_deadline else {}
    cases = [("bomb", "kst-1-1", {}), ("trickle", "kst-2-2", env), ("redirect", "kst-3-3", {})]
    for name, doc, extra in cases:
        if name in only:
            r = run_cli(["fetch", "kamerstuk", doc, "--ob-url", url, "--db", str(work / f"{name}.db"), "--rate", "0"],
                        extra)
            print(json.dumps({"case": name, "gzip_bytes": len(bomb) if name == "bomb" else None, **r}))
    if "extract" in only:
        seed = (ROOT / "tests/fixtures/deadlines/seed_000_kst-35300-VII-109.txt").read_text(encoding="utf-8")
        text = ("\n\n".join([seed] * (a.text_mb * MB // len(seed) + 1)))[: a.text_mb * MB]
        f = work / "big.jsonl"
        f.write_text(json.dumps({"id": "big", "text": text, "anchor_date": "2020-03-12"}) + "\n", encoding="utf-8")
        r = run_cli(["extract", str(f)])
        print(json.dumps({"case": "extract", "text_mb": a.text_mb, **r}))
    srv.shutdown()
    other.shutdown()


if __name__ == "__main__":
    main()
