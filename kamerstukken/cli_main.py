"""The main job: build a database from documents (the bundled real ones by default) and report on it.

    kamerstukken build                 # bundled seeds, kamerstuk XMLs and a real open-data sample
    kamerstukken build PATH... --jsonl FILE   # the same over fetched or other data (the daily job)

ingest → extract → link → status, each stage idempotent, then a short report a person reads.
"""
from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

DATA = Path(__file__).parent / "data"
BUNDLED_DOCUMENTS = DATA / "documents"
BUNDLED_JSONL = [DATA / "corpus" / "motions.jsonl.gz", DATA / "corpus" / "letters.jsonl.gz"]


def build(store, paths: Optional[list[Path]] = None, jsonl: Optional[list[Path]] = None, *,
          today: Optional[date] = None, progress=None) -> dict:
    """Run every stage over `paths`/`jsonl` (default: the bundled real documents). Returns a report dict."""
    from .ingest import ingest_jsonl, ingest_paths
    from .link import link_store
    from .stages import extract_all
    from .status import compute_status, list_commitments
    if paths is None and jsonl is None:
        paths, jsonl = [BUNDLED_DOCUMENTS], BUNDLED_JSONL
    timings, errors = {}, []
    t0 = time.perf_counter()
    step = progress or (lambda name, total=None: (lambda n=1, **kw: None))
    if paths:
        from .ingest import iter_files
        files = list(iter_files(paths))
        adv = step("ingest files", len(files))
        r = ingest_paths(store, files, progress=lambda _p: adv())
        errors += [{"stage": "ingest", "origin": o, "error": e} for o, e in r.errors]
    for j in jsonl or []:
        adv = step(f"ingest {Path(j).name}", None)
        r = ingest_jsonl(store, j, progress=lambda: adv())
        errors += [{"stage": "ingest", "origin": o, "error": e} for o, e in r.errors]
    timings["ingest_s"] = round(time.perf_counter() - t0, 2)
    t1 = time.perf_counter()
    adv = step("extract", store.db["documents"].count)
    ex = extract_all(store, progress=lambda n: adv(n))
    errors += [{"stage": "extract", "origin": d, "error": e} for d, e in ex.errors]
    timings["extract_s"] = round(time.perf_counter() - t1, 2)
    t2 = time.perf_counter()
    adv = step("link", None)
    # the ledger is computed once, below, for the day the build is for
    link_stats = link_store(store, progress=lambda done, total: adv(0, completed=done, total=total),
                            update_status=False)
    timings["link_s"] = round(time.perf_counter() - t2, 2)
    report = {"database": str(store.path), "counts": store.counts(), "timings": timings, "errors": errors,
              "link": link_stats}
    t3 = time.perf_counter()
    rows = compute_status(store, today=today)
    timings["status_s"] = round(time.perf_counter() - t3, 2)
    by: dict = {}
    for r in rows:
        by[r.status] = by.get(r.status, 0) + 1
    report["status_counts"] = by
    report["motion_decisions"] = [dict(r) for r in store.db.query(
        "select decision, coalesce(decision_source, '(none)') as source, count(*) as motions, "
        "sum(status in ('open', 'overdue')) as open_or_overdue from status where kind = 'motion' "
        "group by 1, 2 order by motions desc")]
    report["overdue_commitments"] = list_commitments(store, overdue=True)[:15]
    report["motions_declared_done"] = [
        dict(r) for r in store.db.query(
            "select m.ref as motion, m.doc_id as letter, d.date as letter_date, m.text as mention "
            "from motion_mentions m join documents d on d.id = m.doc_id where m.declared_done = 1 "
            "order by d.date")]
    timings["total_s"] = round(time.perf_counter() - t0, 2)
    return report


def register(app: typer.Typer) -> None:
    from .cli import DbOpt, JsonOpt, console, esc, open_store, progress_bar, say_error

    @app.command("build")
    def build_cmd(paths: List[Path] = typer.Argument(None, help="Files/folders (default: the bundled documents)"),
                  jsonl: List[Path] = typer.Option(None, "--jsonl", help="JSON Lines documents (repeatable)"),
                  today: Optional[str] = typer.Option(None, help="Reference date for 'overdue' (default: today)"),
                  db: Optional[Path] = DbOpt, as_json: bool = JsonOpt,
                  quiet: bool = typer.Option(False, "--quiet", "-q")):
        """The main job: ingest → extract → link → status, then a short report."""
        store = open_store(db)
        with progress_bar(quiet or as_json) as prog:
            def step(name, total=None):
                task = prog.add_task(name, total=total)

                def adv(n=1, completed=None, total=None):
                    if completed is not None:
                        prog.update(task, completed=completed, total=total)
                    else:
                        prog.advance(task, n)
                return adv
            report = build(store, list(paths) if paths else None, list(jsonl) if jsonl else None,
                           today=date.fromisoformat(today) if today else None, progress=step)
        if as_json:
            print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
        else:
            _print_report(console, report)
        for e in report["errors"]:
            say_error(f"{e['stage']} {e['origin']}", e["error"])

    def _print_report(console, report):
        c = report["counts"]
        console.rule("[bold]kamerstukken: build report")
        console.print(f"database: {esc(report['database'])}")
        console.print(", ".join(f"{v} {k}" for k, v in c.items()))
        console.print("time: " + ", ".join(f"{k[:-2]} {v}s" for k, v in report["timings"].items()))
        if report.get("status_counts"):
            console.print("status: " + ", ".join(f"{v} {k}" for k, v in sorted(report["status_counts"].items(),
                                                                              key=lambda kv: str(kv[0]))))
        from .cli import make_table
        if report.get("motion_decisions"):
            console.print(make_table(report["motion_decisions"], ["decision", "source", "motions", "open_or_overdue"],
                                     "The Kamer's decision on the motions, and where it comes from"))
        if report.get("motions_declared_done"):
            console.print(make_table(report["motions_declared_done"], ["motion", "letter", "letter_date", "mention"],
                                     "Motions declared done in a letter"))
        if report.get("overdue_commitments"):
            cols = [k for k in ("id", "ministry", "deadline_text", "deadline_end", "days_overdue", "title")
                    if k in report["overdue_commitments"][0]]
            console.print(make_table(report["overdue_commitments"], cols, "Overdue commitments (first 15)"))
        if report["errors"]:
            console.print(f"[yellow]{len(report['errors'])} problems, listed below[/yellow]")
