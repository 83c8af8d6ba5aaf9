"""One measurement in a fresh interpreter: `python bench/worker.py TASK 'JSON-ARGS'`.

Prints one JSON line with the figures, `baseline_mb` (peak RSS after imports and input loading, before the
measured work) and `maxrss_mb` (peak RSS at the end). Run by run_all.py through benchlib.run_worker.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
from benchlib import best_of, maxrss_mb, percentiles  # noqa: E402

TASKS = {}


def task(fn):
    TASKS[fn.__name__] = fn
    return fn


# ------------------------------------------------------------------------------------------- parse

@task
def parse(args: dict) -> dict:
    """Parse every file of one format (format detected from content, as ingest does), best pass of several."""
    from kamerstukken.parse import detect_format, parse as parse_bytes
    files = [Path(f) for f in args["files"]]
    blobs = [(str(f), f.read_bytes()) for f in files]
    nbytes = sum(len(b) for _, b in blobs)
    detected = {}
    for name, b in blobs:
        fmt = detect_format(b, name)
        detected[fmt] = detected.get(fmt, 0) + 1
    errors = []
    chars = 0
    for name, b in blobs:  # warm-up pass (imports, compiled patterns) and correctness check
        try:
            chars += len(parse_bytes(b, name).text)
        except Exception as exc:
            errors.append(f"{Path(name).name}: {exc}")
    base = maxrss_mb()

    def one_pass():
        for name, b in blobs:
            try:
                parse_bytes(b, name)
            except Exception:
                pass
    t = best_of(one_pass, repeat=args.get("repeat", 3), min_total=args.get("min_seconds", 1.0))
    return {"files": len(blobs), "bytes": nbytes, "seconds": round(t, 4), "mb_s": round(nbytes / t / 1e6, 3),
            "docs_s": round(len(blobs) / t, 1), "chars_out": chars, "text_mchars_s": round(chars / t / 1e6, 3), "detected": detected,
            "errors": errors[:5], "n_errors": len(errors), "baseline_mb": round(base, 1)}


# ------------------------------------------------------------------------------------------- extract

def _documents(corpus: str, moties):
    from kamerstukken.models import Document
    recs = benchlib.corpus_records(corpus, moties)
    return [Document(id=r["id"], kind=r["kind"], date=(r["date"] or None) and r["date"][:10],
                     title=r["title"], text=r["text"]) for r in recs]


def _extract_one(doc):
    from kamerstukken.nlp.extract import extract_document
    return extract_document(doc)


def _init_worker(warm=None):
    """Load every lazily loaded model once, outside the timing: extract a few real letters and motions."""
    from kamerstukken.nlp.extract import extract_document
    if warm is None:
        warm = _documents("letters", None)[:4] + _documents("motions", None)[:2]
    for d in warm:
        extract_document(d)


def _count_sentences(texts) -> tuple[int, str]:
    from kamerstukken.nlp.sentences import split_sentences
    return sum(len(split_sentences(t)) for t in texts), "kamerstukken.nlp.sentences.split_sentences"


@task
def extract(args: dict) -> dict:
    """extract_document over a real corpus: one core, all cores (Pool over documents), and the spaCy blank("nl")
    tokenizer on the same texts in the same run as the reference."""
    import multiprocessing as mp
    import os
    import spacy
    docs = _documents(args["corpus"], args.get("moties"))
    texts = [d.text for d in docs]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    nchars = sum(len(t) for t in texts)
    nsent, sent_how = _count_sentences(texts)
    nlp = spacy.blank("nl")
    _init_worker()
    base = maxrss_mb()
    repeat = args.get("repeat", 1)

    def tok():
        for t in texts:
            nlp.tokenizer(t)

    def ext():
        for d in docs:
            _extract_one(d)
    # interleave reference and subject so background load hits both alike
    t_tok = best_of(tok, repeat=repeat)
    t_ext = best_of(ext, repeat=repeat)
    t_tok = min(t_tok, best_of(tok, repeat=1))
    mem_single = maxrss_mb()
    procs = args.get("procs") or os.cpu_count() or 1
    ctx = mp.get_context("fork")
    with ctx.Pool(procs, initializer=_init_worker, initargs=(docs[:6],)) as pool:
        list(pool.imap_unordered(_extract_one, docs[: procs * 4], chunksize=1))  # workers warm
        chunk = max(1, min(8, len(docs) // (procs * 20)))  # small chunks: one long letter must not stall a core

        def run_pool():
            for _ex in pool.imap_unordered(_extract_one, docs, chunksize=chunk):  # results come back, as in a stage
                pass
        t_pool = best_of(run_pool, repeat=max(1, repeat))
    ntok = sum(len(nlp.tokenizer(t)) for t in texts[:2000])
    return {"docs": len(docs), "bytes": nbytes, "chars": nchars, "sentences": nsent, "sentence_splitter": sent_how,
            "tokens_first2000": ntok,
            "tokenizer_s": round(t_tok, 3), "tokenizer_mb_s": round(nbytes / t_tok / 1e6, 3),
            "extract_s": round(t_ext, 3), "extract_mb_s": round(nbytes / t_ext / 1e6, 3),
            "extract_sent_s": round(nsent / t_ext, 1), "extract_docs_s": round(len(docs) / t_ext, 1),
            "ratio_vs_tokenizer": round(t_tok / t_ext, 3),
            "pool_procs": procs, "pool_s": round(t_pool, 3), "pool_mb_s": round(nbytes / t_pool / 1e6, 3),
            "pool_sent_s": round(nsent / t_pool, 1), "pool_speedup": round(t_ext / t_pool, 2),
            "baseline_mb": round(base, 1), "single_maxrss_mb": round(mem_single, 1)}


@task
def profile_extract(args: dict) -> dict:
    """cProfile of extract_document over a corpus: the functions with the largest own and cumulative time."""
    import cProfile
    import pstats
    docs = _documents(args["corpus"], args.get("moties"))[: args.get("limit", 400)]
    _init_worker()
    pr = cProfile.Profile()
    pr.enable()
    for d in docs:
        _extract_one(d)
    pr.disable()
    st = pstats.Stats(pr)
    total = st.total_tt
    rows = []
    for (fname, line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        rows.append({"function": f"{Path(fname).name}:{line}({func})", "own_s": tt, "cum_s": ct, "calls": nc})
    top_cum = sorted(rows, key=lambda r: -r["cum_s"])[:25]
    top_own = sorted(rows, key=lambda r: -r["own_s"])[:15]
    for r in top_cum + top_own:
        r["cum_share"] = round(r["cum_s"] / total, 3)
        r["own_share"] = round(r["own_s"] / total, 3)
    return {"corpus": args["corpus"], "docs": len(docs), "total_s": round(total, 3), "top_cumulative": top_cum,
            "top_own": top_own}


# ------------------------------------------------------------------------------------------- stages on a db

@task
def extract_all(args: dict) -> dict:
    from kamerstukken.stages import extract_all as run
    from kamerstukken.store import Store
    store = Store(args["db"])
    import kamerstukken.nlp.extract  # noqa: F401
    _init_worker()
    n = store.db["documents"].count
    base = maxrss_mb()
    t0 = time.perf_counter()
    res = run(store)
    dt = time.perf_counter() - t0
    return {"documents": n, "chars": res.chars, "seconds": round(dt, 3), "docs_s": round(res.documents / dt, 1),
            "mb_s": round(res.chars / dt / 1e6, 3), "errors": len(res.errors), "baseline_mb": round(base, 1)}


@task
def link(args: dict) -> dict:
    """link_store on a fresh copy of the store, best of `repeat` runs; then a second (incremental) run."""
    import shutil
    from kamerstukken.link import link_store
    from kamerstukken.store import Store
    src = Path(args["db"])
    times = []
    stats = None
    base = None
    for i in range(args.get("repeat", 1)):
        tmp = src.with_name(src.stem + f"-link{i}.db")
        shutil.copyfile(src, tmp)
        store = Store(tmp)
        n = store.db["documents"].count
        base = base or maxrss_mb()
        t0 = time.perf_counter()
        stats = link_store(store, incremental=True)
        times.append(time.perf_counter() - t0)
        if i + 1 < args.get("repeat", 1):
            store.close()
            for s in ("", "-wal", "-shm"):
                Path(str(tmp) + s).unlink(missing_ok=True)
    t1 = time.perf_counter()
    link_store(store, incremental=True)  # second run: nothing new, should be cheap
    dt2 = time.perf_counter() - t1
    links = store.db["links"].count
    accepted = store.db.execute("select count(*) from links where accepted = 1").fetchone()[0]
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    if args.get("keep"):
        shutil.move(str(tmp), args["keep"])
    else:
        tmp.unlink(missing_ok=True)
    for s in ("-wal", "-shm"):
        Path(str(tmp) + s).unlink(missing_ok=True)
    return {"documents": n, "seconds": round(min(times), 3), "runs_s": [round(t, 3) for t in times],
            "rerun_s": round(dt2, 3), "links": links, "accepted": accepted,
            "stats": stats if isinstance(stats, dict) else str(stats)[:200], "baseline_mb": round(base, 1)}


@task
def status_all(args: dict) -> dict:
    from kamerstukken.status import compute_status
    from kamerstukken.store import Store
    from datetime import date
    store = Store(args["db"])
    base = maxrss_mb()
    t0 = time.perf_counter()
    rows = compute_status(store, today=date.fromisoformat(args.get("today", "2025-11-01")))
    dt = time.perf_counter() - t0
    n = len(rows) if hasattr(rows, "__len__") else sum(1 for _ in rows)
    return {"rows": n, "seconds": round(dt, 3), "baseline_mb": round(base, 1)}


def _lat(fn, reps: int, budget: float = 30.0) -> dict:
    """Latencies of `fn()`: `reps` calls, fewer when the first call alone is slow (time budget in seconds)."""
    samples = []
    t_all = time.perf_counter()
    n = None
    for i in range(reps):
        t = time.perf_counter()
        out = fn(i)
        samples.append(time.perf_counter() - t)
        n = len(out) if hasattr(out, "__len__") else n
        if time.perf_counter() - t_all > budget:
            break
    res = percentiles(samples)
    if n is not None:
        res["rows"] = n
    return res


@task
def query(args: dict) -> dict:
    """Latency of the questions users ask, on a big store: status_of, the overdue listing, full-text search.

    status_of/list_commitments are measured as they are, and again with compute_status skipped (the status
    table as last computed), which shows what the lookups themselves cost."""
    import random
    from datetime import date
    from kamerstukken.store import Store
    store = Store(args["db"])
    db = store.db
    today = date.fromisoformat(args.get("today", "2025-11-01"))
    rng = random.Random(7)
    out: dict = {"documents": db.execute("select count(*) from documents").fetchone()[0]}
    base = maxrss_mb()
    reps = args.get("reps", 30)
    budget = args.get("budget_s", 30.0)

    def pick(table: str, col: str, k: int) -> list[str]:
        mx = db.execute(f"select max(rowid) from [{table}]").fetchone()[0] or 0
        if not mx:
            return []
        rowids = ",".join(str(rng.randint(1, mx)) for _ in range(k))
        return [r[0] for r in db.execute(f"select [{col}] from [{table}] where rowid in ({rowids})")]
    ids = pick("motions", "id", reps) + pick("links", "to_id", reps) + pick("commitments", "id", 5)
    rng.shuffle(ids)
    ids = ids or ["kst-35300-VII-20"]
    out["status_ids_sample"] = ids[:5]
    try:
        import kamerstukken.status as st
        ministries = [r[0] for r in db.execute("select ministry from commitments where ministry is not null "
                                               "group by ministry order by count(*) desc limit 1")]
        mini = ministries[0] if ministries else "BZK"
        real_compute = st.compute_status
        # as they are (each call recomputes the status of the whole store first)
        out["status_of"] = _lat(lambda i: st.status_of(store, ids[i % len(ids)], today=today),
                                args.get("full_reps", reps), budget)
        out["overdue"] = _lat(lambda i: st.list_commitments(store, overdue=True, today=today),
                              args.get("full_reps", 5), budget)
        t = time.perf_counter()
        real_compute(store, today=today)
        out["compute_status_s"] = round(time.perf_counter() - t, 3)
        out["compute_status_rows"] = db.execute("select count(*) from status").fetchone()[0]
        out["maxrss_after_compute_mb"] = round(maxrss_mb(), 1)
        # lookups only: the status table as computed just now
        st.compute_status = lambda *a, **k: []
        try:
            out["status_of_lookup"] = _lat(lambda i: st.status_of(store, ids[i % len(ids)], today=today), reps, budget)
            out["overdue_lookup"] = _lat(lambda i: st.list_commitments(store, overdue=True, today=today), 5, budget)
            out["overdue_ministry_lookup"] = {
                **_lat(lambda i: st.list_commitments(store, overdue=True, ministry=mini, today=today), 5, budget),
                "ministry": mini}
        finally:
            st.compute_status = real_compute
    except ImportError as exc:
        out["status_of"] = {"error": f"not measured: {exc}"}
    except Exception as exc:
        out["status_of"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    searches = {}
    for q in args.get("queries", []):
        try:
            r = _lat(lambda i: store.search(q), args.get("search_reps", 5), budget)
            try:
                hits = db.execute("select count(*) from documents_fts where documents_fts match ?", [q]).fetchone()[0]
            except Exception:
                hits = None
            searches[q] = {**r, "returned": r.pop("rows", None), "matching_docs": hits}
        except Exception as exc:
            searches[q] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    out["search"] = searches
    out["baseline_mb"] = round(base, 1)
    return out


@task
def watch_run(args: dict) -> dict:
    """`watch run` on a big store: three watches (the busiest ministry, the busiest motion dossier, a word), the
    first run (every item is new), a second run the same day (nothing new), a run a month later, and one watch
    alone. The watches are removed afterwards, so the store is left as it was."""
    from datetime import date, timedelta
    from kamerstukken.store import Store
    from kamerstukken.watch import Watch, add_watch, get_watch, remove_watch, run_watches
    store = Store(args["db"])
    db = store.db
    today = date.fromisoformat(args.get("today", "2025-11-01"))
    top = lambda sql: (db.execute(sql).fetchone() or [None])[0]  # noqa: E731
    mini = top("select ministry from status where kind = 'commitment' and ministry is not null "
               "group by ministry order by count(*) desc limit 1") or "BZK"
    dossier = top("select dossier from status where kind = 'motion' and dossier is not null "
                  "group by dossier order by count(*) desc limit 1") or "36600"
    watches = [Watch("bench-ministry", ministry=mini), Watch("bench-dossier", dossier=dossier),
               Watch("bench-words", query=args.get("words", "woningbouw"))]
    for w in watches:
        if get_watch(store, w.name):
            remove_watch(store, w.name)
        add_watch(store, w)
    out: dict = {"documents": top("select count(*) from documents"), "status_rows": top("select count(*) from status"),
                 "watches": {w.name: w.filters() for w in watches}}
    base = maxrss_mb()
    try:
        for label, day in (("first", today), ("again", today), ("month_later", today + timedelta(days=30))):
            t = time.perf_counter()
            r = run_watches(store, today=day)
            out[label] = {"seconds": round(time.perf_counter() - t, 3), "events": sum(map(len, r.values()))}
        t = time.perf_counter()
        r = run_watches(store, "bench-dossier", today=today + timedelta(days=31))
        out["one_watch"] = {"seconds": round(time.perf_counter() - t, 3), "events": sum(map(len, r.values()))}
        out["tracked_items"] = top("select count(*) from watch_items where watch like 'bench-%'")
    finally:
        for w in watches:
            remove_watch(store, w.name)
    out["baseline_mb"] = round(base, 1)
    return out


@task
def build_base(args: dict) -> dict:
    import synth
    base = maxrss_mb()
    out = synth.build_base(Path(args["db"]))
    out["baseline_mb"] = round(base, 1)
    return out


@task
def replicate(args: dict) -> dict:
    import synth
    base = maxrss_mb()
    out = synth.replicate(Path(args["src"]), Path(args["dst"]), args.get("factor", 1), args.get("mode", "dossier"),
                          target_docs=args.get("target_docs"),
                          progress=(lambda m: print(m, file=sys.stderr, flush=True)))
    out["baseline_mb"] = round(base, 1)
    return out


def main() -> None:
    name, args = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    t0 = time.perf_counter()
    out = TASKS[name](args)
    out["maxrss_mb"] = round(maxrss_mb(), 1)
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
