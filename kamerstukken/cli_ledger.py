"""Commands of the linker and the status ledger: `link`, `status ID`, `commitments`, `motions`.

Each command calls one function of `kamerstukken.link` / `kamerstukken.status`; readable rich tables by
default, `--json` / `--csv` for programs and spreadsheets.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

TodayOpt = typer.Option(None, "--today", help="Date to measure overdue against (ISO, default: today)")

LIST_COLUMNS = ["id", "status", "decision", "date", "deadline_end", "days_late", "days_overdue", "fulfilled_by",
                "member", "title"]


def _today(s: Optional[str]) -> Optional[date]:
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise typer.BadParameter(f"not an ISO date: {s!r}")


def decision_line(st: dict) -> str:
    """"decision: rejected (Stemmen - verworpen), source: tk-odata" for a motion's status row."""
    line = f"decision: [bold]{st.get('decision') or 'unknown'}[/bold]"
    if st.get("besluit"):
        line += f" ({st['besluit']})"
    line += f", source: {st.get('decision_source') or 'none'}"
    if st.get("replaced_by"):
        line += f"; replaced by {st['replaced_by']}"
    return line


def register(app: typer.Typer) -> None:
    from .cli import CsvOpt, DbOpt, JsonOpt, console, emit_rows, err, esc, open_store, progress_bar

    @app.command("link")
    def link_cmd(db: Optional[Path] = DbOpt,
                 full: bool = typer.Option(False, "--full", help="Relink every letter (default: only what is new "
                                                                 "or affected by new motions/commitments)"),
                 as_json: bool = JsonOpt):
        """Link every letter to the motions and commitments it answers (writes table `links`)."""
        from .link import link_store
        store = open_store(db)
        with progress_bar(quiet=as_json) as bar:
            task = bar.add_task("linking", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            stats = link_store(store, incremental=not full, progress=progress)
        if as_json:
            sys.stdout.write(json.dumps(stats, ensure_ascii=False) + "\n")
            return
        emit_rows([{"what": k, "count": v} for k, v in stats.items()], as_json=False, as_csv=False,
                  title="link", columns=["what", "count"])

    @app.command("status")
    def status_cmd(id: str = typer.Argument(..., help="A motion, commitment or letter id (kst-35300-VII-20)"),
                   db: Optional[Path] = DbOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
                   today: Optional[str] = TodayOpt):
        """Text, deadline, links (with evidence) and status of one motion, commitment or letter."""
        from .status import status_of
        store = open_store(db)
        try:
            info = status_of(store, id, _today(today))
        except KeyError:
            err.print(f"[red]error:[/red] no motion, commitment or document {esc(repr(id))}")
            raise typer.Exit(1)
        if as_json:
            sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=1, default=str) + "\n")
            return
        if as_csv:
            emit_rows([{"to_or_from": l.get("from_id") or l.get("to_id"), **l} for l in
                       info["links"] + info["links_from"]], as_json=False, as_csv=True)
            return
        st = info.get("status") or {}
        console.print(f"[bold]{esc(info['id'])}[/bold]  ({esc(info.get('kind'))}, "
                      f"{esc(info.get('date') or 'date unknown')})")
        if info.get("title"):
            console.print(esc(info["title"]))
        if info.get("text"):
            console.print(f"[dim]{esc(info['text'][:600])}[/dim]")
        dl = info.get("deadline") or {}
        if dl.get("end"):
            console.print(f"deadline: {esc(repr(dl.get('text')))} → {esc(dl.get('end'))}")
        if st:
            line = f"status: [bold]{st['status']}[/bold]"
            if st.get("fulfilled_by"):
                line += f" by {esc(st['fulfilled_by'])} ({esc(st['fulfilled_on'])})"
            if st.get("days_late"):
                line += f", {st['days_late']} days late"
            if st.get("days_overdue"):
                line += f", {st['days_overdue']} days overdue"
            if st.get("register_status"):
                line += f"; register: {esc(st['register_status'])}"
                if st.get("register_disagrees"):
                    line += " [red](disagrees)[/red]"
            console.print(line)
            if info.get("kind") == "motion":
                console.print(decision_line(st))
            if st.get("note"):
                console.print(f"[dim]{esc(st['note'])}[/dim]")
            if st.get("deadline_basis"):
                console.print(f"[dim]measured against: {esc(st['deadline_basis'])}[/dim]")
        if info["links"]:
            emit_rows(info["links"], as_json=False, as_csv=False, title="letters answering it",
                      columns=["from_id", "date", "relation", "score", "accepted", "evidence", "title"])
        if info["links_from"]:
            emit_rows(info["links_from"], as_json=False, as_csv=False, title="what it answers",
                      columns=["rank", "to_id", "relation", "score", "accepted", "evidence"])

    @app.command("commitments")
    def commitments_cmd(overdue: bool = typer.Option(False, "--overdue", help="Only past their deadline"),
                        ministry: Optional[str] = typer.Option(None, "--ministry", help="Ministry code, e.g. BZK"),
                        since: Optional[str] = typer.Option(None, "--since", help="Made on or after (ISO date)"),
                        member: Optional[str] = typer.Option(None, "--member", help="Part of a member's name"),
                        moved: Optional[int] = typer.Option(None, "--deadline-moved", min=1,
                                                            help="Only register entries whose deadline moved N+ times"),
                        db: Optional[Path] = DbOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
                        today: Optional[str] = TodayOpt):
        """Commitments (toezeggingen) with their status."""
        from .status import list_commitments
        if since:
            _today(since)
        rows = list_commitments(open_store(db), overdue=overdue, ministry=ministry, since=since, member=member,
                                today=_today(today), deadline_moved=moved)
        emit_rows(rows, as_json=as_json, as_csv=as_csv,
                  title="commitments", columns=None if (as_json or as_csv) else
                  ["id", "status", "date", "ministry", "deadline_end", "days_overdue", "days_late", "fulfilled_by",
                   "member", "title"])

    @app.command("motions")
    def motions_cmd(open_only: bool = typer.Option(False, "--open", help="Only open and overdue motions"),
                    dossier: Optional[str] = typer.Option(None, "--dossier", help="Dossier, e.g. 35300-VII"),
                    db: Optional[Path] = DbOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
                    today: Optional[str] = TodayOpt):
        """Motions with their status."""
        from .status import list_motions
        rows = list_motions(open_store(db), open_only=open_only, dossier=dossier, today=_today(today))
        emit_rows(rows, as_json=as_json, as_csv=as_csv, title="motions",
                  columns=None if (as_json or as_csv) else LIST_COLUMNS)
