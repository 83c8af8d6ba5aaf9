"""`kamerstukken watch add/list/remove/run`: deadline-aware watches over motions and commitments.

Each command calls one function of `kamerstukken.watch` (feeds: `kamerstukken.watch_atom`).
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

EVENT_COLUMNS = ["watch", "event", "item_id", "day", "letter", "detail", "title"]


def register(app: typer.Typer) -> None:
    from .cli import DbOpt, JsonOpt, console, emit_rows, err, open_store
    from .cli_ledger import TodayOpt, _today
    watch_app = typer.Typer(no_args_is_help=True, help="Watches: be told what changed (new, overdue, fulfilled, "
                                                       "answered, deadline moved, due soon)")
    app.add_typer(watch_app, name="watch")

    def fail(exc: Exception) -> None:
        sys.stderr.write(f"error: {exc}\n")  # one line, whatever the terminal's width
        raise typer.Exit(2)

    @watch_app.command("add")
    def add_cmd(name: str = typer.Argument(..., help="Name of the watch (letters, digits, - _ .)"),
                ministry: Optional[str] = typer.Option(None, "--ministry", help="Ministry code, e.g. BZK "
                                                                                "(commitments)"),
                member: Optional[str] = typer.Option(None, "--member", help="Part of a member's name"),
                dossier: Optional[str] = typer.Option(None, "--dossier", help="Dossier, e.g. 35300-VII or 36600"),
                item_id: Optional[str] = typer.Option(None, "--id", help="A motion or commitment id, or a "
                                                                         "document id (its commitments)"),
                query: Optional[str] = typer.Option(None, "--query", help="Words that must all occur in the "
                                                                          "title or text"),
                db: Optional[Path] = DbOpt, as_json: bool = JsonOpt):
        """Keep a watch: any combination of filters, at least one."""
        from .watch import Watch, WatchError, add_watch
        try:
            w = add_watch(open_store(db), Watch(name, ministry=ministry, member=member, dossier=dossier,
                                                item_id=item_id, query=query))
        except WatchError as exc:
            fail(exc)
        if as_json:
            sys.stdout.write(json.dumps(asdict(w), ensure_ascii=False) + "\n")
        else:
            console.print(f"watch [bold]{w.name}[/bold]: {', '.join(f'{k}={v}' for k, v in w.filters().items())}")

    @watch_app.command("list")
    def list_cmd(db: Optional[Path] = DbOpt, as_json: bool = JsonOpt):
        """The watches, their filters and their last run."""
        from .watch import list_watches
        rows = [asdict(w) for w in list_watches(open_store(db))]
        emit_rows(rows, as_json=as_json, as_csv=False, title="watches",
                  columns=None if as_json else ["name", "ministry", "member", "dossier", "item_id", "query",
                                                "last_today", "last_run_at"])

    @watch_app.command("remove")
    def remove_cmd(name: str = typer.Argument(...), db: Optional[Path] = DbOpt):
        """Forget a watch with what it saw and reported."""
        from .watch import WatchError, remove_watch
        try:
            remove_watch(open_store(db), name)
        except WatchError as exc:
            fail(exc)
        console.print(f"watch {name} removed")

    @watch_app.command("run")
    def run_cmd(name: Optional[str] = typer.Argument(None, help="One watch (default: all)"),
                today: Optional[str] = TodayOpt, as_json: bool = JsonOpt,
                atom: Optional[Path] = typer.Option(None, "--atom", help="Write one Atom feed per watch to DIR"),
                base_url: Optional[str] = typer.Option(None, "--base-url", help="Web UI database URL for feed "
                                                       "links (e.g. http://localhost:8001/kamerstukken)"),
                db: Optional[Path] = DbOpt):
        """What changed for each watch since its last run (a second run reports nothing new)."""
        from .watch import WatchError, run_watches
        from .watch_atom import write_feeds
        store = open_store(db)
        try:
            result = run_watches(store, name, _today(today))
        except WatchError as exc:
            fail(exc)
        if atom:
            for p in write_feeds(store, atom, list(result), base_url):
                err.print(f"feed {p}")
        rows = [e for events in result.values() for e in events]
        if as_json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
            return
        if not result:
            console.print("[dim]no watches; add one with `kamerstukken watch add NAME --ministry CODE`[/dim]")
            return
        if not rows:
            console.print(f"nothing new for {', '.join(result)}")
            return
        emit_rows(rows, as_json=False, as_csv=False, title="watch " + ", ".join(result), columns=EVENT_COLUMNS)
