"""`kamerstukken fetch …`: the scrapers on the command line (mounted by the main CLI as `fetch`)."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Iterator, List, Optional

import typer

from ..store import Store, db_path
from .http import FetchError, HttpClient
from .rawstore import RawStore

fetch_app = typer.Typer(help="Fetch documents and registers from the official sources into the store "
                             "(officielebekendmakingen SRU, Tweede Kamer OData, Eerste Kamer, ROB).",
                        no_args_is_help=True)

DbOpt = typer.Option(None, "--db", help="SQLite store (default: $KAMERSTUKKEN_DB or ./kamerstukken.db)")
JsonOpt = typer.Option(False, "--json", help="print the summary as JSON")
QuietOpt = typer.Option(False, "--quiet", "-q", help="no progress bar")
RateOpt = typer.Option(3.0, "--rate", help="maximum requests per second")
RawOpt = typer.Option(None, "--raw-dir", help="where response bodies are kept (default: <db>.raw/)")


@contextmanager
def _session(db: Optional[str], rate: float, raw_dir: Optional[str]) -> Iterator[tuple[Store, HttpClient]]:
    store = Store(db_path(db))
    client = HttpClient(rawstore=RawStore(store, raw_dir), rate=rate)
    try:
        yield store, client
    finally:
        client.close()
        store.close()


@contextmanager
def _progress(label: str, quiet: bool):
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[item]}", markup=False), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as prog:
        task = prog.add_task(label, total=None, item="")

        def update(item: str, n: int, total: Optional[int]) -> None:
            prog.update(task, completed=n, total=total, item=item[-60:])
        yield update


def _report(title: str, summary: dict, as_json: bool, http: Optional[HttpClient] = None) -> None:
    if http is not None:
        summary = {**summary, "http": http.stats.as_dict()}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(title)
    for k, v in summary.items():
        if k in ("ids",) and isinstance(v, list):
            if v:
                typer.echo(f"  {k}: {', '.join(v[:20])}{' …' if len(v) > 20 else ''}")
            continue
        if isinstance(v, dict):
            v = ", ".join(f"{a}={b}" for a, b in v.items())
        typer.echo(f"  {k}: {v}")


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


# summary keys that count records read successfully, per command (an outage reads none of them)
_OK_KEYS = ("fetched", "unchanged", "toezeggingen", "new", "changed", "same", "skipped", "advices")


def _run(label: str, fn, title: str, *, db, rate, raw_dir, quiet, as_json, **kw) -> None:
    """One fetch command: a session and a progress bar, `fn(store, client, progress=…, **kw)`, a FetchError as a
    clean exit 2, and the report, whose title is `title` filled in from the summary. A run where every record
    failed (an outage) exits 1: it is reported as a failure, not as "0 read"."""
    with _session(db, rate, raw_dir) as (store, client), _progress(label, quiet) as prog:
        try:
            s = fn(store, client, progress=prog, **kw)
        except FetchError as exc:
            _fail(exc)
        _report(title.format_map(s), s, as_json, client)
    if s.get("errors") and not any(s.get(k) for k in _OK_KEYS):
        typer.echo(f"error: {label}: every record failed ({s['errors']} errors, see the ingest_errors table); "
                   f"is the source down? last: {_last_error(db)}", err=True)
        raise typer.Exit(1)


def _last_error(db) -> str:
    store = Store(db_path(db))
    try:
        row = store.db.execute("select origin, error from ingest_errors order by at desc, rowid desc limit 1").fetchone()
    finally:
        store.close()
    return f"{row[0]}: {' '.join(str(row[1]).split())[:300]}" if row else "-"


@fetch_app.command("kamerstukken")
def cmd_kamerstukken(
    dossier: Optional[str] = typer.Option(None, "--dossier", help="dossier number, e.g. 35300-VII"),
    since: Optional[str] = typer.Option(None, "--since", help="publication date from (YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, "--until", help="publication date up to (YYYY-MM-DD)"),
    type_: Optional[str] = typer.Option(None, "--type", help="subrubriek: Motie, Brief, Verslag, …"),
    vergaderjaar: Optional[str] = typer.Option(None, "--vergaderjaar", help="e.g. 2019-2020"),
    text: Optional[str] = typer.Option(None, "--text", help="full-text words"),
    publicatie: str = typer.Option("Kamerstuk", "--publicatie", help="publicatienaam (Kamerstuk, Handelingen, …)"),
    limit: Optional[int] = typer.Option(None, "--limit", help="stop after this many hits"),
    full: bool = typer.Option(False, "--full", help="ignore the 'modified since' cursor of an earlier run"),
    sru_url: Optional[str] = typer.Option(None, "--sru-url"), ob_url: Optional[str] = typer.Option(None, "--ob-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Search officielebekendmakingen (SRU) and download every hit (XML > HTML > PDF, plus metadata.xml)."""
    if not any([dossier, since, until, type_, vergaderjaar, text]):
        _fail(ValueError("give at least one of --dossier, --since, --until, --type, --vergaderjaar, --text"))
    from .sru import fetch_kamerstukken
    _run("kamerstukken", fetch_kamerstukken,
         "kamerstukken: {fetched} fetched, {unchanged} unchanged, {errors} errors ({found} hits)",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json,
         dossier=dossier, since=since, until=until, type=type_, vergaderjaar=vergaderjaar, text=text,
         publicatienaam=publicatie, limit=limit, incremental=not full, sru_url=sru_url, ob_url=ob_url)


@fetch_app.command("kamerstuk")
def cmd_kamerstuk(
    ids: List[str] = typer.Argument(..., help="publication ids, e.g. kst-35300-VII-109"),
    ob_url: Optional[str] = typer.Option(None, "--ob-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Download single documents from zoek.officielebekendmakingen.nl (.xml, else .html, else .pdf)."""
    from .sru import fetch_kamerstuk
    out = {"fetched": [], "errors": {}}
    with _session(db, rate, raw_dir) as (store, client):
        for i in ids:
            try:
                doc = fetch_kamerstuk(store, client, i, ob_url=ob_url)
                out["fetched"].append(doc.id)
            except Exception as exc:  # noqa: BLE001 - one bad id does not stop the others
                store.record_error(i, f"{type(exc).__name__}: {exc}")
                out["errors"][i] = f"{type(exc).__name__}: {exc}"
        _report(f"kamerstuk: {len(out['fetched'])} fetched, {len(out['errors'])} errors",
                {"ids": out["fetched"], "errors": out["errors"]}, as_json, client)
    for i, msg in ({} if as_json else out["errors"]).items():   # --json carries them in "errors"
        typer.echo(f"error {i}: {' '.join(msg.split())[:500]}", err=True)
    if out["errors"] and not out["fetched"]:
        raise typer.Exit(1)


@fetch_app.command("moties")
def cmd_moties(
    since: Optional[str] = typer.Option(None, "--since", help="motions started on or after (YYYY-MM-DD)"),
    odata_url: Optional[str] = typer.Option(None, "--odata-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Motions from the Tweede Kamer OData (submitters, besluit, kabinetsappreciatie, related Zaken)."""
    from .odata import fetch_moties
    _run("moties", fetch_moties, "moties: {new} new, {changed} changed, {same} unchanged",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json, since=since, odata_url=odata_url)


@fetch_app.command("brieven")
def cmd_brieven(
    since: Optional[str] = typer.Option(None, "--since", help="letters dated on or after (YYYY-MM-DD)"),
    with_text: bool = typer.Option(False, "--with-text", help="also download the official text (kst XML)"),
    odata_url: Optional[str] = typer.Option(None, "--odata-url"), ob_url: Optional[str] = typer.Option(None, "--ob-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Government letters ('Brief regering') from the Tweede Kamer OData, with their Zaak relations."""
    from .odata import fetch_brieven
    _run("brieven", fetch_brieven, "brieven: {new} new, {updated} seen before",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json,
         since=since, odata_url=odata_url, with_text=with_text, ob_url=ob_url)


@fetch_app.command("toezeggingen")
def cmd_toezeggingen(
    odata_url: Optional[str] = typer.Option(None, "--odata-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """The Tweede Kamer toezeggingen register (OData Toezegging + Activiteit)."""
    from .odata import fetch_toezeggingen
    _run("toezeggingen", fetch_toezeggingen, "toezeggingen: {new} new, {changed} changed, {same} unchanged",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json, odata_url=odata_url)


@fetch_app.command("ek-toezeggingen")
def cmd_ek_toezeggingen(
    list_path: str = typer.Option("/toezeggingen", "--path", help="overview page on the EK site"),
    ek_url: Optional[str] = typer.Option(None, "--ek-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Eerste Kamer toezeggingen (T-numbers): text, status, deadline, responsible minister, quotes."""
    from .eerstekamer import fetch_ek_toezeggingen
    _run("ek-toezeggingen", fetch_ek_toezeggingen, "ek-toezeggingen: {toezeggingen} read, {new} new, {changed} changed",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json, ek_url=ek_url, list_path=list_path)


@fetch_app.command("ek-moties")
def cmd_ek_moties(
    list_path: str = typer.Option("/moties", "--path", help="overview page on the EK site"),
    ek_url: Optional[str] = typer.Option(None, "--ek-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """Eerste Kamer motions with their "uitvoeringsstatus"."""
    from .eerstekamer import fetch_ek_moties
    _run("ek-moties", fetch_ek_moties, "ek-moties: {new} new, {changed} changed",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json, ek_url=ek_url, list_path=list_path)


@fetch_app.command("rob")
def cmd_rob(
    list_path: str = typer.Option("/adviezen", "--path", help="overview page on the ROB site"),
    reactions: bool = typer.Option(True, "--reactions/--no-reactions", help="look up cabinet reactions via SRU"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    rob_url: Optional[str] = typer.Option(None, "--rob-url"), sru_url: Optional[str] = typer.Option(None, "--sru-url"),
    ob_url: Optional[str] = typer.Option(None, "--ob-url"),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, quiet: bool = QuietOpt, rate: float = RateOpt,
    raw_dir: Optional[str] = RawOpt,
) -> None:
    """ROB advice reports (kind 'advice') and the cabinet's reaction letters."""
    from .rob import fetch_rob
    _run("rob", fetch_rob, "rob: {advices} advices, {reactions} reaction letters",
         db=db, rate=rate, raw_dir=raw_dir, quiet=quiet, as_json=as_json,
         rob_url=rob_url, list_path=list_path, reactions=reactions, sru_url=sru_url, ob_url=ob_url, limit=limit)


@fetch_app.command("reparse")
def cmd_reparse(
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt, raw_dir: Optional[str] = RawOpt,
) -> None:
    """Parse every stored document again from the kept raw bodies (no network)."""
    from .rawstore import reparse
    store = Store(db_path(db))
    try:
        s = reparse(store, RawStore(store, raw_dir))
    finally:
        store.close()
    _report(f"reparse: {s['reparsed']} documents, {s['missing']} bodies missing, {s['errors']} errors", s, as_json)
