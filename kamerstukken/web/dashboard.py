"""The dashboard page of the web UI (`/-/dashboard`): charts a journalist reads without SQL.

Every chart is one SQL query over the status ledger (table `status`), run read-only for the day asked
(`?peildatum=YYYY-MM-DD`, default today). Each mark carries `href`: the table page (Datasette filters) that
lists exactly the rows counted in it, so a click shows the motions and commitments behind the figure. Under each
chart the page shows its query, its parameters and when the ledger was computed (the provenance of every figure).
Charts are drawn by Vega-Lite from the scripts in `web/static/vendor/` (no CDN: the page works offline).

Plain functions (`chapter_ministry`, `chart_rows`, `vega_spec`) are tested without a server.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Optional
from urllib.parse import urlencode

# Budget chapters of the 2023-2026 budgets (the numbering the bundled motions use; older budgets numbered some
# chapters differently). A motion carries no ministry; under a budget bill its chapter names the ministry.
CHAPTER = {"III": "AZ", "IV": "BZK", "V": "BZ", "VI": "JenV", "VII": "BZK", "VIII": "OCW", "IX": "Fin",
           "IXA": "Fin", "IXB": "Fin", "X": "Def", "XII": "IenW", "XIII": "EZ", "XIV": "LVVN", "XV": "SZW",
           "XVI": "VWS", "XVII": "BHO", "XX": "AenM", "XXII": "VRO", "XXIII": "KGG", "A": "IenW", "J": "IenW",
           "B": "BZK", "C": "BZK", "H": "BZK", "F": "LVVN"}
UNKNOWN = "(onbekend / unknown)"
LATE_BUCKETS = [(1, 30, "1-30"), (31, 90, "31-90"), (91, 180, "91-180"), (181, 365, "181-365"),
                (366, 100_000, "> 365")]


def chapter_ministry(dossier: Optional[str]) -> Optional[str]:
    """"36600-VII" -> "BZK" (budget chapter); thematic dossiers ("21501-20") and bills -> None."""
    d = (dossier or "").replace(" ", "")
    head, _, tail = d.partition("-")
    return CHAPTER.get(tail) if head.isdigit() and tail else None


def _href(base: str, table: str, **args) -> str:
    return f"{base}/{table}?" + urlencode({k: v for k, v in args.items() if v is not None})


def _overdue(rows: list[dict], base: str, today: str) -> list[dict]:
    out = []
    for r in rows:
        m = r["ministry"]
        filt = {"ministry": m} if m else {"ministry__isblank": "1"}
        out.append({"ministry": m or UNKNOWN, "count": r["n"], "max_days_overdue": r["max_days"],
                    "href": _href(base, "status", kind="commitment", status__in="open,overdue",
                                  deadline_end__lt=today, **filt, _sort="deadline_end")})
    return out


def _motions(rows: list[dict], base: str, today: str) -> list[dict]:
    per: dict[str, list] = {}
    for r in rows:
        m = chapter_ministry(r["dossier"])
        if m:
            per.setdefault(m, []).append(r)
    out = [{"ministry": m, "count": sum(r["n"] for r in rs),
            "href": _href(base, "status", kind="motion", status__in="open,overdue",
                          dossier__in=",".join(sorted(r["dossier"] for r in rs)), _sort="date")}
           for m, rs in per.items()]
    return sorted(out, key=lambda r: -r["count"])


def _monthly(rows: list[dict], base: str, today: str) -> list[dict]:
    out = []
    for r in rows:
        col = "date" if r["what"] == "made" else "fulfilled_on"
        label = "gemaakt / made" if r["what"] == "made" else "nagekomen / fulfilled"
        out.append({"month": r["month"], "series": label, "count": r["n"],
                    "href": _href(base, "status", **{f"{col}__startswith": r["month"]}, _sort=col)})
    return out


def _late(rows: list[dict], base: str, today: str) -> list[dict]:
    out = []
    for lo, hi, label in LATE_BUCKETS:
        n = sum(r["n"] for r in rows if lo <= (r["days_late"] or 0) <= hi)
        out.append({"days_late": label, "order": lo, "count": n,
                    "href": _href(base, "status", status="fulfilled_late", days_late__gte=lo, days_late__lte=hi,
                                  _sort_desc="days_late")})
    return out


CHARTS: list[dict] = [
    {"slug": "overdue-per-ministry", "title": "Toezeggingen over de termijn per ministerie / overdue commitments",
     "sql": "select ministry, count(*) as n, max(cast(julianday(:today) - julianday(deadline_end) as integer)) "
            "as max_days from status where kind = 'commitment' and status in ('open', 'overdue') "
            "and deadline_end < :today group by ministry order by n desc",
     "rows": _overdue, "x": ("ministry", "nominal"), "y": "count", "mark": "bar",
     "note": "commitments with no fulfilling letter whose deadline ended before the peildatum"},
    {"slug": "open-motions-per-ministry", "title": "Open moties per ministerie (begrotingshoofdstuk) / open motions",
     "sql": "select dossier, count(*) as n from status where kind = 'motion' and status in ('open', 'overdue') "
            "group by dossier",
     "rows": _motions, "x": ("ministry", "nominal"), "y": "count", "mark": "bar",
     "note": "motions without a fulfilling letter; the ministry is inferred from the budget chapter of the "
             "dossier (36600-VII = BZK); motions in other dossiers are not in this chart"},
    {"slug": "made-vs-fulfilled", "title": "Gemaakt en nagekomen per maand / made vs fulfilled per month",
     "sql": "select 'made' as what, substr(date, 1, 7) as month, count(*) as n from status "
            "where date is not null and date <= :today group by month union all "
            "select 'fulfilled', substr(fulfilled_on, 1, 7), count(*) from status "
            "where fulfilled_on is not null and fulfilled_on <= :today group by 2 order by 2",
     "rows": _monthly, "x": ("month", "ordinal"), "y": "count", "mark": "line", "color": "series",
     "note": "motions and commitments by the month they were made, and by the month of their first "
             "fulfilling letter"},
    {"slug": "days-late", "title": "Hoe laat nagekomen / days late",
     "sql": "select days_late, count(*) as n from status where status = 'fulfilled_late' group by days_late",
     "rows": _late, "x": ("days_late", "ordinal"), "y": "count", "mark": "bar", "sort": "order",
     "note": "motions and commitments whose first fulfilling letter came after the deadline, by days late"},
]


def chart_rows(chart: dict, rows: list[dict], base: str, today: str) -> list[dict]:
    """The chart's data (with `href` per mark) from its query's rows. Pure."""
    fn: Callable = chart["rows"]
    return fn(rows, base, today)


def vega_spec(chart: dict, data: list[dict]) -> dict:
    """A Vega-Lite spec: one mark per data row, clicking a mark opens its `href`. Pure."""
    field, kind = chart["x"]
    x = {"field": field, "type": kind, "title": None}
    if chart.get("sort"):
        x["sort"] = {"field": chart["sort"]}
    elif chart["mark"] == "bar":
        x["sort"] = "-y"
    enc = {"x": x, "y": {"field": chart["y"], "type": "quantitative", "title": "aantal / count",
                 "axis": {"tickMinStep": 1, "format": "d"}},
           "href": {"field": "href"},
           "tooltip": [{"field": k, "type": "nominal" if isinstance(data[0][k], str) else "quantitative"}
                       for k in (data[0] if data else {}) if k not in ("href", "order")]}
    if chart.get("color"):
        enc["color"] = {"field": chart["color"], "type": "nominal", "title": None,
                        "legend": {"orient": "top"}}
    mark = {"type": chart["mark"], "cursor": "pointer", "tooltip": True}
    if chart["mark"] == "line":
        mark["point"] = {"size": 60, "cursor": "pointer"}
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "width": "container", "height": 240,
            "data": {"values": data}, "mark": mark, "encoding": enc}


async def dashboard_context(datasette, db_name: str, today: Optional[str] = None) -> dict:
    """Run every chart's query on the served database and return what the template shows."""
    today = today or date.today().isoformat()
    db = datasette.get_database(db_name)
    base = datasette.urls.database(db_name)
    charts = []
    for c in CHARTS:
        res = await db.execute(c["sql"], {"today": today})
        data = chart_rows(c, [dict(r) for r in res.rows], base, today)
        charts.append({"slug": c["slug"], "title": c["title"], "sql": c["sql"], "note": c["note"],
                       "total": sum(d["count"] for d in data), "spec": vega_spec(c, data)})
    meta = {r[0]: r[1] for r in (await db.execute("select key, value from meta")).rows}
    watches = []
    if "watches" in await db.table_names():
        watches = [dict(r) for r in (await db.execute("select name, ministry, member, dossier, item_id, query, "
                                                      "last_today from watches order by name")).rows]
    return {"charts": charts, "today": today, "base": base, "status_computed": meta.get("status_computed"),
            "watches": watches}
