"""Time the web UI's canned queries as JSON against a built database (a real `kamerstukken serve` on 127.0.0.1).

    python bench/bench_web.py                 # builds the bundled real documents into a temporary database
    python bench/bench_web.py --db kamerstukken.db --repeat 100 --json

For each canned query: the wall time of the whole HTTP request (`GET /<db>/<query>.json`, median and p95 over
--repeat requests after 3 warm-up requests) and Datasette's own SQL time (`query_ms`, median).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

# Representative parameters: facts of the bundled real documents (see tests/test_web.py).
CASES = [
    ("search_documents", {"zoek": "stikstof"}),
    ("motion_status", {"motie": "kst-28844-261"}),
    ("motion_status", {"motie": "grenscontroles migratie"}),
    ("overdue_commitments", {"ministerie": "BZK"}),
    ("overdue_counts", {}),
    ("motions_declared_done", {}),
    ("commitments_fulfilled_late", {}),
    ("letters_settling_nothing", {}),
    ("document_extractions", {"document": "kst-28844-269"}),
]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def fetch(url: str) -> tuple[float, dict]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, json.loads(body)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a built database (default: build the bundled documents)")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    from kamerstukken import web
    tmp = None
    db = args.db
    build_s = None
    if db is None:
        from kamerstukken.cli_main import build
        from kamerstukken.store import Store
        tmp = tempfile.TemporaryDirectory(prefix="bench-web-")
        db = Path(tmp.name) / "kamerstukken.db"
        t = time.perf_counter()
        store = Store(db)
        build(store)
        store.close()
        build_s = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    proc, base = web.start_server(db)
    startup_s = round(time.perf_counter() - t, 2)
    name = web.db_name(db)
    results = []
    try:
        for query, params in CASES:
            url = f"{base}/{name}/{query}.json?" + urllib.parse.urlencode({**params, "_shape": "objects"})
            for _ in range(3):
                fetch(url)
            walls, sqls, nrows = [], [], 0
            for _ in range(args.repeat):
                ms, data = fetch(url)
                if not data.get("ok"):
                    raise SystemExit(f"{query}: {data.get('error')}")
                walls.append(ms)
                sqls.append(float(data.get("query_ms") or 0))
                nrows = len(data["rows"])
            results.append({"query": query, "params": params, "rows": nrows,
                            "wall_ms_median": round(statistics.median(walls), 2),
                            "wall_ms_p95": round(pct(walls, 95), 2),
                            "sql_ms_median": round(statistics.median(sqls), 2)})
    finally:
        web.stop_server(proc)
        if tmp:
            tmp.cleanup()
    out = {"database": str(args.db or "bundled documents (temporary build)"), "build_s": build_s,
           "server_startup_s": startup_s, "repeat": args.repeat, "queries": results}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"database: {out['database']}" + (f" (build {build_s}s)" if build_s else "") +
          f"; server ready in {startup_s}s; {args.repeat} requests per query")
    print(f"{'query':28} {'params':34} {'rows':>5} {'wall p50':>9} {'wall p95':>9} {'sql p50':>8}")
    for r in results:
        p = urllib.parse.urlencode(r["params"])[:34]
        print(f"{r['query']:28} {p:34} {r['rows']:>5} {r['wall_ms_median']:>7.1f}ms {r['wall_ms_p95']:>7.1f}ms "
              f"{r['sql_ms_median']:>6.1f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
