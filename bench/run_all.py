"""The kamerstukken benchmark suite, one command:

    python bench/run_all.py [--quick] [--moties PATH] [--docs 500000] [--rebuild]
    kamerstukken bench [same options]

Measures, on real data (see bench/benchlib.py and bench/inputs.py for what and where from):
  1. parse throughput per format (MB/s)
  2. extract throughput (MB/s, sentences/s) on one core and with all cores, against spaCy blank("nl")'s tokenizer
     on the same texts in the same run (target: ≥ 0.5× the tokenizer)
  3. link time at 1×, 2×, 4×, 8× the real corpus (target: growth per doubling ≤ 2.4, i.e. ≤ 1.2× linear)
  4. query latency on a store of ≥ 500,000 documents: status_of and the overdue listing (< 50 ms), search (< 200 ms)
  5. `watch run` on the same store: three watches, first run, a second run (nothing new), a month later
  6. peak memory of each measurement (own subprocess, getrusage maxrss) and database bytes per document;
     extract_all at 1× and 4× (a streaming stage: memory should not grow with the corpus)
Writes bench/results/latest.json and docs/benchmarks.md, prints a table. Each measurement runs in its own
subprocess; a stage that is missing or fails is reported as not measured, the rest goes on.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
from benchlib import CACHE, RESULTS, ROOT, run_worker  # noqa: E402

SEARCHES = ["taakdifferentiatie", "stikstof", "verzoekt de regering", "motie Van der Molen", "woningbouw OR huurders"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------- sections

def bench_parse(res: dict, quick: bool) -> None:
    import inputs
    rows = []
    for fmt, spec in inputs.parse_inputs().items():
        if not spec["files"]:
            rows.append({"format": fmt, "error": spec["origin"]})
            continue
        log(f"parse {fmt}: {len(spec['files'])} files")
        r = run_worker("parse", {"files": [str(f) for f in spec["files"]], "min_seconds": 0.5 if quick else 1.5,
                                 "repeat": 2 if quick else 3})
        rows.append({"format": fmt, "origin": spec["origin"], **r})
    res["parse"] = rows


def bench_extract(res: dict, quick: bool, moties: str | None) -> None:
    rows = []
    corpora = ["motions", "letters"] + (["moties_full"] if moties and not quick else [])
    for c in corpora:
        log(f"extract {c}")
        r = run_worker("extract", {"corpus": c, "moties": moties, "repeat": 1 if (quick or c == "moties_full") else 2},
                       timeout=1500)
        rows.append({"corpus": c, **r})
    if moties and quick:
        res.setdefault("not_measured", []).append("extract over the full moties.jsonl (skipped with --quick)")
    res["extract"] = rows


_TOKENIZE = ("import json, sys, spacy\n"
             "nlp = spacy.blank('nl')\n"
             "for line in open(sys.argv[1], encoding='utf-8'):\n"
             "    nlp.tokenizer(json.loads(line)['text'])\n")


def bench_extract_process(res: dict, quick: bool) -> None:
    """Whole-process `kamerstukken extract FILE` (start-up, model load, JSON out) against a process that loads
    spaCy blank("nl") and tokenizes the same texts: what a user running the command waits for."""
    import benchlib as bl
    exe = Path(sys.executable).with_name("kamerstukken")
    rows = []
    for corpus in ("motions", "letters"):
        recs = bl.corpus_records(corpus, None)
        path = CACHE / f"extract-{corpus}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps({"id": r["id"], "text": r["text"], "anchor_date": (r["date"] or "")[:10] or None},
                                    ensure_ascii=False) + "\n")

        def run(cmd: list[str]) -> float:
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=1800)
            return time.perf_counter() - t
        reps = 1 if quick else 3
        t_tok = t_ext = float("inf")
        for _ in range(reps):   # interleaved, best of each: background load hits both alike
            t_tok = min(t_tok, run([sys.executable, "-c", _TOKENIZE, str(path)]))
            t_ext = min(t_ext, run([str(exe), "extract", str(path)]))
        log(f"extract {corpus} as a whole process: {t_ext:.2f} s, tokenizer process {t_tok:.2f} s")
        rows.append({"corpus": corpus, "docs": len(recs), "tokenizer_process_s": round(t_tok, 3),
                     "extract_process_s": round(t_ext, 3), "ratio": round(t_tok / t_ext, 3)})
    res["extract_process"] = rows


def _fresh(path: Path) -> None:
    for s in ("", "-wal", "-shm"):
        Path(str(path) + s).unlink(missing_ok=True)


def bench_scaling(res: dict, quick: bool, scales: list[int] | None = None) -> None:
    """Base store from the real corpus, then 2×/4×/8× replicas (own dossier numbers per copy) for link and
    extract_all."""
    work = CACHE / "scale"
    work.mkdir(parents=True, exist_ok=True)
    base = work / "base.db"
    log("base store: ingest + extract of the bundled real corpus")
    b = run_worker("build_base", {"db": str(base)}, timeout=1500)
    res["base"] = b
    if "error" in b:
        return
    res["db_size"] = [{"store": "1× after ingest+extract", "documents": b["documents"],
                       "bytes": base.stat().st_size, "bytes_per_doc": round(base.stat().st_size / b["documents"])}]
    factors = scales or ([1, 2, 4] if quick else [1, 2, 4, 8])
    link_rows = []
    for f in factors:
        db = work / f"x{f}.db"
        log(f"link at {f}×: replicate")
        rep = run_worker("replicate", {"src": str(base), "dst": str(db), "factor": f, "mode": "dossier"})
        if "error" in rep:
            link_rows.append({"factor": f, "error": rep["error"]})
            continue
        log(f"link at {f}×: {rep['documents']:,} documents")
        linked = work / f"x{f}-linked.db"
        r = run_worker("link", {"db": str(db), "repeat": 1 if quick else 3, "keep": str(linked)}, timeout=1500)
        size = linked.stat().st_size if linked.exists() else db.stat().st_size
        link_rows.append({"factor": f, **r, "db_bytes": size,
                          "bytes_per_doc": round(size / max(1, rep["documents"]))})
        if f == factors[-1]:
            res["db_size"].append({"store": f"{f}× after link", "documents": rep["documents"], "bytes": size,
                                   "bytes_per_doc": round(size / rep["documents"])})
    for prev, cur in zip(link_rows, link_rows[1:]):
        if prev.get("seconds") and cur.get("seconds"):
            cur["growth"] = round(cur["seconds"] / prev["seconds"], 2)
    timed_rows = [r for r in link_rows if r.get("seconds")]
    if len(timed_rows) >= 3:
        a, b = timed_rows[1], timed_rows[-1]  # from 2x on: the 1x run is dominated by fixed costs and noise
        import math
        doublings = math.log2(b["factor"] / a["factor"])
        res["link_growth_per_doubling"] = round((b["seconds"] / a["seconds"]) ** (1 / doublings), 2)
    res["link"] = link_rows
    # extract_all memory: a streaming stage, 1× vs 4× (2× with --quick)
    mem = []
    for f in ([1, 2] if quick else [1, 4]):
        db = work / f"x{f}.db"
        if not db.exists():
            continue
        tmp = work / f"extract-x{f}.db"
        shutil.copyfile(db, tmp)
        log(f"extract_all at {f}×")
        r = run_worker("extract_all", {"db": str(tmp)}, timeout=1500)
        mem.append({"factor": f, **r})
        _fresh(tmp)
    res["extract_all"] = mem
    # status over the whole store (compute_status) at the largest scale
    f = factors[-1]
    log(f"compute_status at {f}×")
    r = run_worker("status_all", {"db": str(work / f"x{f}.db")})
    res["status_all"] = {"factor": f, **r}


def bench_queries(res: dict, quick: bool, ndocs: int, rebuild: bool) -> None:
    """A store of ≥ ndocs documents (replicas of the real 1× store after link), cached under bench/.cache."""
    work = CACHE / "scale"
    src = work / "x1.db"
    if not src.exists():
        res["query"] = {"error": "no 1× store (scaling section failed)"}
        return
    linked = work / "x1-linked.db"
    if not linked.exists():
        shutil.copyfile(src, linked)
        run_worker("link", {"db": str(src), "keep": str(linked)})
        run_worker("status_all", {"db": str(linked)})  # the status table is replicated with the rest
    schema = subprocess.run([sys.executable, "-c", "from kamerstukken.store import SCHEMA_VERSION as v; print(v)"],
                            capture_output=True, text=True, cwd=str(ROOT)).stdout.strip()
    big = CACHE / f"big-{ndocs}-schema{schema}.db"
    built = None
    if rebuild or not big.exists():
        for old in CACHE.glob("big-*.db*"):
            old.unlink()
        log(f"query store: replicating the real corpus to {ndocs:,} documents (cached in {big.name})")
        built = run_worker("replicate", {"src": str(linked), "dst": str(big), "mode": "suffix", "target_docs": ndocs},
                           timeout=1800)
        if "error" in built:
            res["query"] = {"error": built["error"]}
            return
    else:
        log(f"query store: cached {big.name}")
    log("query latency")
    r = run_worker("query", {"db": str(big), "queries": SEARCHES, "reps": 20 if quick else 50, "full_reps": 1,
                             "search_reps": 3 if quick else 5, "budget_s": 20}, timeout=1800)
    r["build"] = built or "cached"
    r["db_bytes"] = big.stat().st_size
    res["query"] = r
    if "documents" in r:
        res.setdefault("db_size", []).append({"store": f"{r['documents']:,} documents (query store)",
                                              "documents": r["documents"], "bytes": r["db_bytes"],
                                              "bytes_per_doc": round(r["db_bytes"] / r["documents"])})


def _big_store(ndocs: int) -> Path:
    schema = subprocess.run([sys.executable, "-c", "from kamerstukken.store import SCHEMA_VERSION as v; print(v)"],
                            capture_output=True, text=True, cwd=str(ROOT)).stdout.strip()
    return CACHE / f"big-{ndocs}-schema{schema}.db"


def bench_watch(res: dict, ndocs: int) -> None:
    """`watch run` on the query store (made by the query section, or cached)."""
    big = _big_store(ndocs)
    if not big.exists():
        res["watch"] = {"error": f"no query store {big.name} (run the query section)"}
        return
    log("watch run on the query store")
    res["watch"] = run_worker("watch_run", {"db": str(big)}, timeout=1800)


# ----------------------------------------------------------------------------------------- summary

def summary(res: dict) -> list[dict]:
    """One line per figure: section, what, value, target, verdict."""
    out = []

    def add(section, what, value, target="", ok=None):
        out.append({"section": section, "measure": what, "value": value, "target": target,
                    "ok": None if ok is None else bool(ok)})
    for r in res.get("parse", []):
        if "error" in r:
            add("parse", r["format"], "not measured: " + r["error"][:80])
        else:
            extra = f" ({r['n_errors']} failed)" if r.get("n_errors") else ""
            add("parse", f"{r['format']} ({r['files']} files, {r['bytes'] / 1e6:.2f} MB)",
                f"{r['mb_s']:.2f} MB/s, {r['docs_s']:,.0f} docs/s{extra}")
    for r in res.get("extract", []):
        if "error" in r:
            add("extract", r["corpus"], "not measured: " + r["error"][:120])
            continue
        add("extract", f"{r['corpus']}: tokenizer (spaCy blank nl), 1 core", f"{r['tokenizer_mb_s']:.3f} MB/s")
        add("extract", f"{r['corpus']}: extract, 1 core ({r['docs']:,} docs, {r['bytes'] / 1e6:.2f} MB)",
            f"{r['extract_mb_s']:.3f} MB/s, {r['extract_sent_s']:,.0f} sentences/s")
        add("extract", f"{r['corpus']}: extract, {r['pool_procs']} cores (Pool)",
            f"{r['pool_mb_s']:.3f} MB/s, {r['pool_sent_s']:,.0f} sentences/s (×{r['pool_speedup']})")
        add("extract", f"{r['corpus']}: extract ÷ tokenizer speed", f"{r['ratio_vs_tokenizer']:.2f}×", "≥ 0.5×",
            r["ratio_vs_tokenizer"] >= 0.5)
    for r in res.get("extract_process", []):
        add("extract", f"{r['corpus']}: whole process `kamerstukken extract` ({r['docs']:,} docs)",
            f"{r['extract_process_s']:.2f} s vs tokenizer process {r['tokenizer_process_s']:.2f} s: {r['ratio']:.2f}×",
            "≥ 0.8×", r["ratio"] >= 0.8)
    for r in res.get("link", []):
        if "error" in r:
            add("link", f"{r['factor']}×", r["error"][:120])
            continue
        growth = r.get("growth")
        add("link", f"{r['factor']}× ({r['documents']:,} docs)",
            f"{r['seconds']:.2f} s" + (f", ×{growth} vs previous" if growth else "") + f"; re-run {r['rerun_s']:.2f} s"
            + f"; {r.get('accepted', 0):,} accepted of {r.get('links', 0):,} links",
            "", None)
    if res.get("link_growth_per_doubling"):
        g = res["link_growth_per_doubling"]
        rows_l = [r for r in res["link"] if r.get("seconds")]
        add("link", f"growth per doubling, {rows_l[1]['factor']}× → {rows_l[-1]['factor']}× (geometric mean)",
            f"×{g}", "≤ 2.4", g <= 2.4)
    if res.get("status_all"):
        s = res["status_all"]
        add("status", f"compute_status at {s.get('factor')}×", s.get("error") or f"{s['seconds']:.2f} s, {s['rows']:,} rows")
    q = res.get("query") or {}
    if "error" in q:
        add("query", "query store", "not measured: " + q["error"][:120])
    elif q:
        n = q.get("documents", 0)
        for key, label, target in (("status_of", "status_of(id), as is", 50),
                                   ("overdue", "list_commitments(overdue=True), as is", 50),
                                   ("status_of_lookup", "status_of(id), status table precomputed", 50),
                                   ("overdue_lookup", "list_commitments(overdue=True), precomputed", 50),
                                   ("overdue_ministry_lookup", "list_commitments(overdue, ministry), precomputed", 50)):
            v = q.get(key)
            if not v:
                continue
            if "error" in v:
                add("query", f"{label} @ {n:,} docs", v["error"][:120])
            else:
                add("query", f"{label} @ {n:,} docs",
                    f"p50 {v['p50_ms']:,.1f} ms, p95 {v['p95_ms']:,.1f} ms (n={v['n']})"
                    + (f", {v['rows']:,} rows" if v.get("rows") is not None else ""),
                    f"< {target} ms", v["p95_ms"] < target)
        if q.get("compute_status_s") is not None:
            add("status", f"compute_status (rebuilds the status table) @ {n:,} docs",
                f"{q['compute_status_s']:.1f} s, {q.get('compute_status_rows', 0):,} rows")
        for qs, v in (q.get("search") or {}).items():
            if "error" in v:
                add("query", f"search {qs!r}", v["error"][:120])
            else:
                add("query", f"search {qs!r} @ {n:,} docs ({v['matching_docs']:,} match)",
                    f"p50 {v['p50_ms']:.1f} ms, p95 {v['p95_ms']:.1f} ms", "< 200 ms", v["p95_ms"] < 200)
    w = res.get("watch") or {}
    if "error" in w:
        add("watch", "watch run", "not measured: " + w["error"][:120])
    elif w:
        n = w.get("documents", 0)
        for key, label in (("first", "watch run, 3 watches, first run"), ("again", "watch run, 3 watches, again"),
                           ("month_later", "watch run, 3 watches, a month later"),
                           ("one_watch", "watch run NAME (one watch)")):
            v = w.get(key) or {}
            add("watch", f"{label} @ {n:,} docs", f"{v.get('seconds', 0):.2f} s, {v.get('events', 0):,} events")
        if w.get("maxrss_mb"):
            add("memory", f"watch run on the {n:,}-document store",
                f"{w['maxrss_mb']:.0f} MB peak ({w['maxrss_mb'] - w.get('baseline_mb', 0):+.0f})")
    # memory
    for r in res.get("parse", []):
        if "maxrss_mb" in r:
            add("memory", f"parse {r['format']}", f"{r['maxrss_mb']:.0f} MB peak ({r['maxrss_mb'] - r['baseline_mb']:+.0f})")
    for r in res.get("extract", []):
        if "maxrss_mb" in r:
            add("memory", f"extract {r['corpus']} (texts in memory)",
                f"{r['single_maxrss_mb']:.0f} MB peak ({r['single_maxrss_mb'] - r['baseline_mb']:+.0f})")
    ea = [r for r in res.get("extract_all", []) if "maxrss_mb" in r]
    for r in ea:
        add("memory", f"extract_all stage {r['factor']}× ({r['documents']:,} docs, {r['mb_s']:.3f} MB/s)",
            f"{r['maxrss_mb']:.0f} MB peak ({r['maxrss_mb'] - r['baseline_mb']:+.0f})")
    if len(ea) == 2:
        a, b = ea
        flat = (b["maxrss_mb"] - b["baseline_mb"]) <= 1.25 * (a["maxrss_mb"] - a["baseline_mb"]) + 10
        add("memory", f"extract_all {b['factor']}× vs {a['factor']}×",
            f"{b['maxrss_mb'] / a['maxrss_mb']:.2f}× peak", "flat (≤ 1.25× +10 MB)", flat)
    for r in res.get("link", []):
        if "maxrss_mb" in r:
            add("memory", f"link {r['factor']}×", f"{r['maxrss_mb']:.0f} MB peak ({r['maxrss_mb'] - r['baseline_mb']:+.0f})")
    if q.get("maxrss_mb"):
        add("memory", f"status_of / compute_status on the {q.get('documents', 0):,}-document store",
            f"{q['maxrss_mb']:.0f} MB peak ({q['maxrss_mb'] - q.get('baseline_mb', 0):+.0f})")
    for d in res.get("db_size", []):
        add("db", d["store"], f"{d['bytes_per_doc']:,} bytes/doc ({d['bytes'] / 1e6:,.0f} MB)")
    if res.get("base") and "documents" in res["base"]:
        b = res["base"]
        add("ingest", f"ingest of the real corpus ({b['documents']:,} docs)", f"{b['ingest_s']:.2f} s")
    add("suite", "whole suite", f"{res['meta']['total_s']:.0f} s", "< 600 s", res["meta"]["total_s"] < 600)
    for n in res.get("not_measured", []):
        add("not measured", n, "")
    return out


def print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table
    t = Table(title="kamerstukken benchmarks")
    for c in ("section", "measure", "value", "target", "ok"):
        t.add_column(c, overflow="fold")
    for r in rows:
        ok = "" if r["ok"] is None else ("[green]yes[/green]" if r["ok"] else "[red]NO[/red]")
        t.add_row(r["section"], r["measure"], str(r["value"]), r["target"], ok)
    con = Console()
    if not con.is_terminal:
        con = Console(width=170)
    con.print(t)


def markdown(res: dict, rows: list[dict]) -> str:
    m = res["meta"]
    lines = ["# Benchmarks", "",
             "Produced by `python bench/run_all.py` (or `kamerstukken bench`); the raw figures are in "
             "`bench/results/latest.json`. Every measurement runs in its own subprocess, so its peak memory "
             "(`getrusage` maxrss) is its own; \"+N\" is what the work added to the interpreter and its imports.",
             "",
             f"Run: {m['date']} · commit `{m['commit']}` · {m['machine']} · Python {m['python']} · "
             f"{m['cpus']} cores · {'quick' if m['quick'] else 'full'} run · {m['total_s']:.0f} s · load average "
             f"{m.get('loadavg_start', ['?'])[0]} at start, {m.get('loadavg_end', ['?'])[0]} at end (other jobs on the "
             "machine make timings noisy)", "",
             "| section | measure | value | target | ok |", "|---|---|---|---|---|"]
    for r in rows:
        ok = "" if r["ok"] is None else ("yes" if r["ok"] else "**no**")
        lines.append(f"| {r['section']} | {r['measure']} | {r['value']} | {r['target']} | {ok} |".replace("\n", " "))
    lines += ["", "## Inputs", ""]
    for r in res.get("parse", []):
        lines.append(f"- parse `{r['format']}`: {r.get('origin', '')}")
    lines += ["- extract `motions`: the 1,268 real motions bundled in `kamerstukken/data/corpus/motions.jsonl.gz`; "
              "`letters`: the 80 real letter excerpts and seeds 000/001/003/004 (`bench/data/`); `moties_full`: "
              "the 6,388 real motions of `moties.jsonl` when given with `--moties`.",
              "- link: the real bundled corpus (1,268 motions, 224 letters) ingested and extracted, then replicated "
              "2×/4×/8×; each copy gets its own dossier numbers in ids and texts, so letters of a copy cite the "
              "motions of that copy, as in a larger real corpus.",
              "- query store: the 1× store after `link`, replicated under new ids (`~n` suffix) with bulk inserts "
              "(sqlite-utils `insert_all`, indexes and FTS triggers off during the load, FTS rebuilt once), cached "
              "in `bench/.cache/`.", ""]
    if res.get("not_measured"):
        lines += ["## Not measured", ""] + [f"- {n}" for n in res["not_measured"]] + [""]
    if res.get("profile"):
        lines += [f"## Profile of extract (cProfile, {res['profile'].get('corpus')}, below target)", "",
                  "| function | cumulative share | own share |", "|---|---|---|"]
        for r in res["profile"].get("top_cumulative", [])[:15]:
            lines.append(f"| `{r['function']}` | {r['cum_share']:.0%} | {r['own_share']:.0%} |")
        lines.append("")
    lines += ["## Reproduce", "", "```bash", ". .venv/bin/activate",
              "python bench/run_all.py                 # full run (≤ 10 min on 2 cores; the big store is cached)",
              "python bench/run_all.py --quick         # smaller scales, fewer repetitions",
              "python bench/run_all.py --moties ../shared/corpus/tk_moties_2023_2025/moties.jsonl   # + full motions",
              "```", ""]
    return "\n".join(lines)


def git_commit() -> str:
    p = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=str(ROOT))
    return p.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller scales and fewer repetitions")
    ap.add_argument("--moties", default=None, help="the full moties.jsonl (6,388 real motions), optional")
    ap.add_argument("--docs", type=int, default=500_000, help="documents in the query store (default 500,000)")
    ap.add_argument("--scales", default=None, help="link scales, e.g. 1,2,4,8,32 (default 1,2,4,8; quick 1,2,4)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached query store")
    ap.add_argument("--only", default="parse,extract,scale,query,watch,profile",
                    help="comma-separated sections: parse, extract, scale, query, watch, profile")
    ap.add_argument("--no-write", action="store_true", help="do not write latest.json / docs/benchmarks.md")
    a = ap.parse_args(argv)
    moties = a.moties or (str(benchlib.default_moties()) if benchlib.default_moties() else None)
    if moties and not Path(moties).exists():
        log(f"--moties {moties} not found: skipped")
        moties = None
    only = set(a.only.split(","))
    t0 = time.perf_counter()
    res: dict = {"meta": {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": git_commit(),
                          "machine": f"{platform.system()} {platform.machine()}", "python": platform.python_version(),
                          "cpus": os.cpu_count(), "quick": a.quick,
                          "loadavg_start": [round(x, 2) for x in os.getloadavg()], "moties": moties, "docs": a.docs},
                 "not_measured": []}
    CACHE.mkdir(parents=True, exist_ok=True)
    sections = [("parse", lambda: bench_parse(res, a.quick)),
                ("extract", lambda: bench_extract(res, a.quick, moties)),
                ("extract", lambda: bench_extract_process(res, a.quick)),
                ("scale", lambda: bench_scaling(res, a.quick, [int(x) for x in a.scales.split(",")] if a.scales else None)),
                ("query", lambda: bench_queries(res, a.quick, a.docs, a.rebuild)),
                ("watch", lambda: bench_watch(res, a.docs))]
    for name, fn in sections:
        if name not in only:
            continue
        try:
            fn()
        except Exception as exc:  # one broken section must not hide the others
            res["not_measured"].append(f"{name}: {type(exc).__name__}: {exc}")
            log(f"{name} failed: {exc}")
    low = [r["corpus"] for r in res.get("extract", []) if r.get("ratio_vs_tokenizer", 1) < 0.5]
    if "profile" in only and low:
        log(f"extract below target on {low[0]}: profiling")
        res["profile"] = run_worker("profile_extract", {"corpus": low[0], "moties": moties,
                                                        "limit": 300 if a.quick else 1000})
    res["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["meta"]["total_s"] = round(time.perf_counter() - t0, 1)
    rows = summary(res)
    res["summary"] = rows
    print_table(rows)
    if not a.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str) + "\n")
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "benchmarks.md").write_text(markdown(res, rows), encoding="utf-8")
        log("wrote bench/results/latest.json and docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
