"""The `kamerstukken` command line: a thin skin over the Python API (each command calls one function).

Readable tables by default; `--json` for programs. The database is `--db PATH`, else $KAMERSTUKKEN_DB,
else ./kamerstukken.db.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .extract_cmd import safe  # text as text for a terminal (also imported from here by cli_ledger and others)
from .store import SearchError, Store, db_path

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Mine Dutch parliamentary documents: motions, commitments, deadlines, and the letters "
                       "that settle them.")
console = Console()
err = Console(stderr=True)

DbOpt = typer.Option(None, "--db", help="SQLite database (default: $KAMERSTUKKEN_DB or ./kamerstukken.db)")
JsonOpt = typer.Option(False, "--json", help="Machine-readable JSON output")
CsvOpt = typer.Option(False, "--csv", help="CSV output (for spreadsheets)")


def say_error(where: str, msg) -> None:
    """One error line on stderr: `error <where>: <msg>`, no markup read from the values, never wrapped."""
    from rich.text import Text
    line = Text("error", style="red")
    line.append(f" {safe(where)}: " if where else ": ")
    line.append(" ".join(safe(msg).split()))
    err.print(line, soft_wrap=True)


def esc(value) -> str:
    """A value inside a rich markup string: its brackets escaped, its control characters shown."""
    from rich.markup import escape
    return escape(safe(value))


def open_store(db: Optional[Path]) -> Store:
    return Store(db_path(db))


def progress_bar(quiet: bool = False) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, disable=quiet or not err.is_terminal, transient=False)


# columns holding prose: one line each, cut with "…" to what the terminal has room for (--json/--csv give it whole)
_PROSE = {"title", "text", "mention", "evidence", "request", "topic", "dictum", "subject", "sentence", "snippet",
          "deadline_text", "member", "submitters", "detail"}


def make_table(rows: list[dict], columns: list, title: str = "", width: Optional[int] = None):
    """What a person can read in any terminal width: a table when the columns fit on one line each
    (identifiers, dates and numbers never broken, prose cut with "…"), else one block per row."""
    from rich.console import Group
    from rich.text import Text
    width = width or console.width or 80
    cells = [["" if r.get(c) is None else " ".join(str(r.get(c)).split()) for c in columns] for r in rows]
    natural = [max([len(c.replace("_", " "))] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    fixed = {i: min(n, 40) for i, (c, n) in enumerate(zip(columns, natural)) if c not in _PROSE}
    prose = [i for i, c in enumerate(columns) if c in _PROSE]
    room = width - sum(fixed.values()) - 3 * len(columns) - 1
    if room >= 14 * len(prose):
        shares = {i: (1 if columns[i] == "deadline_text" else 3) for i in prose}
        t = Table(title=title or None, show_lines=False)
        for i, c in enumerate(columns):
            if i in fixed:
                t.add_column(c.replace("_", " "), no_wrap=True, min_width=fixed[i], overflow="fold")
            else:
                w = max(14, room * shares[i] // max(1, sum(shares.values())))
                t.add_column(c.replace("_", " "), no_wrap=True, overflow="ellipsis", max_width=min(w, natural[i]))
        for row in cells:
            t.add_row(*(Text(safe(c)) for c in row))
        return t
    # too narrow for a table: the first column as a heading, the short fields on one line, prose below
    parts = [Text(title, style="bold underline")] if title else []
    for row in cells:
        parts.append(Text(safe(row[0]), style="bold"))
        short = [f"{columns[i].replace('_', ' ')} {row[i]}" for i in fixed if i and row[i]]
        if short:
            parts.append(Text(safe("  " + " · ".join(short))))
        for i in prose:
            if row[i]:
                line = Text(safe(f"  {columns[i].replace('_', ' ')}: {row[i]}"), no_wrap=True, overflow="ellipsis")
                line.truncate(width, overflow="ellipsis")
                parts.append(line)
    return Group(*parts)


def emit_rows(rows: list[dict], *, as_json: bool, as_csv: bool, title: str = "", columns: Optional[list] = None):
    """One listing, three ways: a rich table, JSON Lines-like JSON array, or CSV."""
    columns = columns or (list(rows[0].keys()) if rows else [])
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    if as_csv:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                        for k, v in r.items()})
        sys.stdout.write(buf.getvalue())
        return
    console.print(make_table(rows, columns, title))
    if not rows:
        console.print("[dim]nothing found[/dim]")


# ----------------------------------------------------------------------------------- ingest & documents

@app.command()
def ingest(paths: List[Path] = typer.Argument(None, help="Files and folders in any supported format"),
           jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Documents as JSON Lines (spec §2); - = stdin"),
           date: Optional[str] = typer.Option(None, "--date", help="Date (YYYY-MM-DD) for documents whose text "
                                                                   "gives none"),
           db: Optional[Path] = DbOpt, as_json: bool = JsonOpt,
           quiet: bool = typer.Option(False, "--quiet", "-q")):
    """Add documents to the store. Re-ingesting the same input changes nothing."""
    from .ingest import IngestResult, ingest_jsonl, ingest_paths, iter_files
    if not paths and not jsonl:
        err.print("[red]error:[/red] give files/folders or --jsonl FILE")
        raise typer.Exit(2)
    store = open_store(db)
    result = IngestResult()
    with progress_bar(quiet or as_json) as prog:
        if paths:
            files = list(iter_files(paths))
            task = prog.add_task("ingest", total=len(files))
            r = ingest_paths(store, files, date_override=date, progress=lambda _p: prog.advance(task))
            result.added += r.added; result.merged += r.merged
            result.unchanged += r.unchanged; result.errors += r.errors
        if jsonl:
            task = prog.add_task(f"ingest {jsonl.name}", total=None)
            r = ingest_jsonl(store, jsonl, progress=lambda: prog.advance(task))
            result.added += r.added; result.merged += r.merged; result.errors += r.errors
    for origin, msg in result.errors:
        say_error(origin, msg)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        console.print(f"{len(result.added)} added, {len(result.merged)} updated or merged, "
                      f"{len(result.unchanged)} unchanged, {len(result.errors)} failed "
                      f"→ {safe(store.path)} ({store.db['documents'].count} documents)", markup=False,
                      highlight=False, soft_wrap=True)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def documents(kind: Optional[str] = typer.Option(None, help="letter, motion, commitment, advice, news, other"),
              limit: Optional[int] = typer.Option(None), db: Optional[Path] = DbOpt, as_json: bool = JsonOpt,
              as_csv: bool = CsvOpt):
    """One line per document: id, kind, date, title, sources."""
    rows = open_store(db).list_documents(kind=kind, limit=limit)
    emit_rows(rows, as_json=as_json, as_csv=as_csv, columns=["id", "kind", "date", "title", "n_sources", "sources"])


@app.command()
def show(doc_id: str, db: Optional[Path] = DbOpt, as_json: bool = JsonOpt):
    """One document with its metadata, sources, footnotes and text."""
    doc = open_store(db).get_document(doc_id)
    if not doc:
        say_error("", f"no document {doc_id!r}")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
        return
    from rich.text import Text
    plain = dict(markup=False, highlight=False)   # document values are text, never markup or escape codes
    console.print(Text(safe(f"{doc.id}  {doc.kind}  {doc.date or 'no date'}"), style="bold"))
    console.print(Text(safe(doc.title or ""), style="bold"))
    for label, v in (("sender", doc.sender), ("ministry", doc.ministry), ("addressee", doc.addressee),
                     ("signatory", doc.signatory), ("dossier", doc.dossier), ("vergaderjaar", doc.vergaderjaar)):
        if v:
            console.print(safe(f"{label}: {v}"), **plain)
    for s in doc.sources:
        console.print(safe(f"source: {s.format} {s.origin} sha256:{s.content_hash[:12]} {s.ingested_at}"), **plain)
    console.print()
    console.print(safe(doc.text), **plain)
    if doc.footnotes:
        console.print()
        for f in doc.footnotes:
            console.print(safe(f"[{f.mark}] {f.text}  (at {f.position})"), **plain)


@app.command()
def search(query: str, limit: int = typer.Option(20), db: Optional[Path] = DbOpt, as_json: bool = JsonOpt,
           as_csv: bool = CsvOpt):
    """Full-text search over titles and texts (FTS5)."""
    try:
        rows = open_store(db).search(query, limit=limit)
    except SearchError as exc:
        say_error("", exc)
        raise typer.Exit(2)
    emit_rows(rows, as_json=as_json, as_csv=as_csv, columns=["id", "kind", "date", "title", "snippet"])


# ----------------------------------------------------------------------------------- extraction

@app.command()
def extract(input: Optional[str] = typer.Argument(None, help="JSON Lines file, or - for standard input"),
            all_: bool = typer.Option(False, "--all", help="Run extraction over every document in the store"),
            db: Optional[Path] = DbOpt, as_json: bool = JsonOpt, quiet: bool = typer.Option(False, "--quiet", "-q")):
    """Extract deadlines, statements, motions and references (spec/extract-io.md §1), or run the stage (--all)."""
    if all_:
        from .stages import extract_all
        store = open_store(db)
        total = store.db["documents"].count
        with progress_bar(quiet or as_json) as prog:
            task = prog.add_task("extract", total=total)
            res = extract_all(store, progress=lambda n: prog.advance(task, n))
        for did, msg in res.errors:
            say_error(did, msg)
        for did, msg in res.notes:
            err.print(f"note {safe(did)}: {safe(msg)}", markup=False, highlight=False, soft_wrap=True)
        out = {"documents": res.documents, **res.counts, "errors": len(res.errors)}
        print(json.dumps(out) if as_json else
              f"{res.documents} documents: " + ", ".join(f"{v} {k}" for k, v in res.counts.items()))
        raise typer.Exit(1 if res.errors else 0)
    if not input:
        err.print("[red]error:[/red] give a JSON Lines file, - for stdin, or --all")
        raise typer.Exit(2)
    from .extract_cmd import run_extract
    code = run_extract(input, on_error=lambda msg: say_error("", msg))
    if code:
        raise typer.Exit(code)


@app.command()
def evaluate(gold: Path = typer.Option(..., "--gold", help="Folder in the format of gold/dev"),
             only: Optional[str] = typer.Option(None, "--only", help="deadlines, commitments or motion_refs"),
             misses: bool = typer.Option(False, "--misses", help="Also list every miss"),
             as_json: bool = JsonOpt):
    """Precision, recall and F1 per task on a gold folder (the grading rule of spec/deadlines.md)."""
    from .evaluate import evaluate_gold
    missed: Optional[dict] = {} if misses else None
    res = evaluate_gold(gold, only=only, misses=missed)
    if as_json:
        print(json.dumps({**res, "misses": missed} if misses else res, ensure_ascii=False, indent=1))
        return
    for task, ms in (missed or {}).items():
        for m in ms:
            console.print(f"[yellow]miss[/yellow] {task} {json.dumps(m, ensure_ascii=False)}", markup=True,
                          highlight=False)
    rows = []
    base = ("precision", "recall", "f1", "tp", "fp", "fn")
    for task, m in res.items():
        for label, mm in (m.items() if task == "commitments" else [(None, m)]):
            extra = ", ".join(f"{k}={v}" for k, v in mm.items() if k not in base)
            rows.append({"task": f"statements:{label}" if label else task, **{k: mm[k] for k in base},
                         "also": extra})
    emit_rows(rows, as_json=False, as_csv=False, columns=["task", *base, "also"])


# ----------------------------------------------------------------------------------- export

@app.command()
def export(what: str = typer.Argument(..., help="links, or a table name (documents, motions, commitments, "
                                                 "links, deadlines, statements, ...)"),
           candidates: int = typer.Option(5, "--candidates", help="links: candidates per letter"),
           fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv (tables)"),
           db: Optional[Path] = DbOpt):
    """Export links (spec §2) or any table as JSON Lines / CSV."""
    store = open_store(db)
    if what == "links":
        from .link import export_links
        for obj in export_links(store, candidates):
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    if what not in store.db.table_names() and what not in store.db.view_names():
        say_error("", f"no table {what!r}; one of: links, {', '.join(store.db.table_names())}")
        raise typer.Exit(2)
    rows = store.db.query(f"select * from [{what}]")
    if fmt == "csv":
        w = None
        for r in rows:
            if w is None:
                w = csv.DictWriter(sys.stdout, fieldnames=list(r.keys()))
                w.writeheader()
            w.writerow(r)
    else:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")


def _mount_optional():
    """Commands that live with their stage (scrapers, linker/ledger, web UI, main job)."""
    try:
        from .scrapers.cli import fetch_app
        app.add_typer(fetch_app, name="fetch", help="Fetch documents and records from the sources")
    except ImportError:
        pass
    for modname in ("cli_ledger", "cli_main", "cli_watch", "web.cli", "bench_cli"):
        try:
            mod = __import__(f"kamerstukken.{modname}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            full = f"kamerstukken.{modname}"
            if exc.name and full.startswith(exc.name):
                continue  # that stage is not installed in this build
            raise
        mod.register(app)


_mount_optional()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500] or type(exc).__name__


def fault_message(exc: BaseException) -> Optional[tuple[str, int]]:
    """A store, source or machine fault as (one-line message, exit code); None for a programming error."""
    import errno
    import sqlite3

    from .scrapers.http import FetchError
    from .store import StoreError
    msg = _one_line(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg):
        return (f"the database is busy: another kamerstukken command has been writing to it for more than 30 s "
                f"({msg}); run this command again when the other one has finished (every stage resumes where "
                f"it stopped)", 75)
    if isinstance(exc, StoreError):
        return msg, 3
    if isinstance(exc, sqlite3.DatabaseError):
        if "readonly" in msg or "read-only" in msg:
            return f"the database is read-only ({msg}); give a writable --db", 3
        if "full" in msg:
            return f"the disk is full ({msg}); nothing after the last commit was kept, free space and rerun", 74
        if "not a database" in msg or "malformed" in msg:
            return f"the --db file is not a kamerstukken (SQLite) database or is damaged ({msg})", 3
        return f"database error: {msg}", 3
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return f"the disk is full ({msg}); free space and rerun (every stage resumes)", 74
        return f"{msg}", 74
    if isinstance(exc, FetchError):
        return msg, 2
    if isinstance(exc, MemoryError):
        return "out of memory: an input or response was too large for this machine (see docs/reliability.md " \
               "for the limits)", 70
    if isinstance(exc, UnicodeError):
        return f"input is not valid UTF-8: {msg}", 2
    return None


def main():
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - a known fault becomes one line; anything else stays a traceback
        known = fault_message(exc)
        if known is None:
            raise
        sys.stderr.write(f"error: {known[0]}\n")
        sys.exit(known[1])


if __name__ == "__main__":
    main()
