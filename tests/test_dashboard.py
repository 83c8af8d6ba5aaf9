"""The dashboard's chart data and specs (kamerstukken.web.dashboard), without a server, on the bundled build."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from kamerstukken.web.dashboard import CHARTS, chapter_ministry, chart_rows, vega_spec


def test_budget_chapter_names_the_ministry_and_nothing_else_does():
    assert chapter_ministry("36600-VII") == "BZK" and chapter_ministry("36 600-XVI") == "VWS"
    assert chapter_ministry("21501-20") is None and chapter_ministry("36600") is None
    assert chapter_ministry(None) is None


def _chart(slug):
    return next(c for c in CHARTS if c["slug"] == slug)


def test_every_mark_links_to_the_rows_it_counts(tmp_path):
    """Each chart's marks link to a status-table filter; that filter, run as SQL, counts what the mark shows."""
    from kamerstukken.cli_main import build
    from kamerstukken.store import Store
    store = Store(tmp_path / "k.db")
    build(store)
    today = "2025-10-01"
    for c in CHARTS:
        rows = [dict(r) for r in store.db.query(c["sql"], {"today": today})]
        data = chart_rows(c, rows, "/kamerstukken", today)
        assert data, c["slug"]
        spec = vega_spec(c, data)
        assert spec["encoding"]["href"] == {"field": "href"} and spec["data"]["values"] == data
        for d in data[:6]:
            url = urlsplit(d["href"])
            assert url.path == "/kamerstukken/status"
            assert _count(store, parse_qs(url.query)) == d["count"], (c["slug"], d)


def _count(store, q: dict) -> int:
    """Datasette's table filters of the links, as SQL (only the operators the dashboard uses)."""
    ops = {"": "= ?", "lt": "< ?", "gte": ">= ?", "lte": "<= ?", "startswith": "like ? || '%'"}
    where, args = [], []
    for key, (value,) in q.items():
        if key.startswith("_"):
            continue
        col, _, op = key.partition("__")
        if op == "in":
            vals = value.split(",")
            where.append(f"{col} in ({','.join('?' * len(vals))})")
            args += vals
        elif op == "isblank":
            where.append(f"({col} is null or {col} = '')")
        else:
            where.append(f"{col} {ops[op]}")
            args.append(value)
    return store.db.execute("select count(*) from status where " + " and ".join(where), args).fetchone()[0]
