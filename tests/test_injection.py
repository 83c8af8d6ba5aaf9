"""No injection: search queries and every CLI filter reach SQLite as parameters; bad FTS5 syntax is a clear
message (exit 2), not a traceback; the web UI is read-only; raw-store paths never come from fetched data.

Each hostile value is tried against a built database; afterwards every table is still there with the same
row counts (nothing dropped, nothing changed) and a filter that would match everything if it were pasted
into the SQL matches nothing.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamerstukken.cli import app
from kamerstukken.scrapers.rawstore import RawStore
from kamerstukken.store import SearchError, Store

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "kamerstukken" / "data" / "documents"
runner = CliRunner()

HOSTILE = ["' OR '1'='1", "x' OR 1=1 --", "\"; DROP TABLE documents; --", "') UNION SELECT name, sql FROM sqlite_master --",
           "%", "_", "*", "]; DROP TABLE links; --", "\\", "\x00", "kst-1' || '"]
FTS_BAD = ['"', '"unterminated', "AND", "OR OR", "NEAR(", "title:", "nonexistingcolumn:foo", "*", "^", "(", ")",
           "a AND", "-", "motie NOT", "{title text}: x", "\x00"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("inj") / "k.db"
    for args in (["ingest", str(DOCS), "-q"], ["extract", "--all", "-q"], ["link"]):
        res = runner.invoke(app, [*args, "--db", str(path)])
        assert res.exit_code == 0, res.output
    return path


def counts(path) -> dict:
    """Row counts of every table but `status` (the ledger that `status`/`commitments`/`motions` rebuild)."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0]
                for (t,) in conn.execute("select name from sqlite_master where type = 'table'") if t != "status"}
    finally:
        conn.close()


def invoke(*args):
    res = runner.invoke(app, [str(a) for a in args])
    # a clean exit (typer.Exit/SystemExit) or none; CliRunner hides any other exception's traceback
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output, res.output[-2000:]
    return res


@pytest.mark.parametrize("q", FTS_BAD + HOSTILE)
def test_search_bad_syntax_is_a_clear_message(db, q):
    before = counts(db)
    res = invoke("search", q, "--db", db, "--json")
    assert res.exit_code in (0, 2), res.output
    if res.exit_code == 2:
        assert "error" in res.output and "cannot search" in res.output or "empty search" in res.output
    else:
        json.loads(res.stdout)
    assert counts(db) == before


def test_search_api_raises_search_error_only(db):
    s = Store(db)
    for q in FTS_BAD + HOSTILE + ["", "   "]:
        try:
            rows = s.search(q)
        except SearchError as exc:
            assert str(exc)
        else:
            assert isinstance(rows, list)
    s.close()


@pytest.mark.parametrize("value", HOSTILE)
def test_cli_filters_are_parameters(db, value):
    before = counts(db)
    checks = [
        ("documents", "--kind", value),
        ("commitments", "--ministry", value),
        ("commitments", "--member", value),
        ("motions", "--dossier", value),
    ]
    for args in checks:
        res = invoke(*args, "--db", db, "--json")
        assert res.exit_code == 0, (args, res.output)
        rows = json.loads(res.stdout)
        # a pasted-in "' OR '1'='1" would list everything; as a parameter it matches no real value
        if value not in ("%", "_"):
            assert rows == [], (args, rows[:2])
    res = invoke("status", value, "--db", db, "--json")
    assert res.exit_code == 1 and "no motion, commitment or document" in res.output
    res = invoke("show", value, "--db", db)
    assert res.exit_code == 1 and "no document" in res.output
    res = invoke("export", value, "--db", db)
    assert res.exit_code == 2 and "no table" in res.output
    assert counts(db) == before


def test_member_filter_wildcards_are_literal_enough(db):
    """`--member %` is a LIKE pattern inside a parameter: it may match every member, but it cannot leave the
    parameter (no rows beyond the commitments table appear)."""
    res = invoke("commitments", "--member", "%", "--db", db, "--json")
    assert res.exit_code == 0
    n = counts(db)["commitments"]
    assert len(json.loads(res.stdout)) <= n


def test_web_ui_is_read_only_by_configuration():
    from kamerstukken import web
    md = web.load_metadata()
    queries = md["databases"][web.DB_KEY].get("queries", {})
    assert queries, "canned queries expected"
    for name, q in queries.items():
        assert not (isinstance(q, dict) and q.get("write")), f"canned query {name} writes"
        sql = q["sql"] if isinstance(q, dict) else q
        first = sql.strip().split(None, 1)[0].lower()
        assert first in ("select", "with"), f"canned query {name} is not a SELECT: {first}"
    args = web.datasette_args("x.db", "m.json")
    assert args[args.index("default_allow_sql") + 1] == "off"
    assert "--setting" in args and "x.db" in args
    assert "-i" in web.datasette_args("x.db", "m.json", immutable=True)


def test_read_only_store_refuses_writes(db):
    s = Store(db, readonly=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        s.db.execute("delete from documents")
    s.close()


def test_raw_store_paths_come_from_hashes_only(tmp_path):
    store = Store(tmp_path / "k.db")
    raw = RawStore(store, tmp_path / "raw")
    for url in ("http://x/../../../../etc/passwd", "file:///etc/passwd", "http://x/%2e%2e/%2e%2e/boot",
                "http://x/" + "a/" * 500, "http://x/\x00evil"):
        h = raw.put(url, 200, b"body of " + url.encode("utf-8", "replace"), {"etag": "../../x"})
        p = raw.path_for(h)
        assert p.resolve().is_relative_to((tmp_path / "raw").resolve())
        assert raw.get(h).startswith(b"body of ")
    for bad in ("../../etc/passwd", "/etc/passwd", "ab/../../x", "0" * 63 + "/", "A" * 64, ""):
        with pytest.raises(ValueError):
            raw.path_for(bad)
        assert raw.get(bad) is None and not raw.has(bad)
    # a tampered fetch record cannot point reparse outside the store: bodies are looked up by hash only
    store.db.execute("update raw_responses set path = '../../../etc/passwd'")
    store.db.conn.commit()
    assert all(raw.get(r["hash"]) for r in raw.iter_rows())
    store.close()
