"""Datasette plugin: the dashboard page (`/-/dashboard`, charts of the status ledger, see
`kamerstukken.web.dashboard`), its menu link, and an empty Atom feed where datasette-atom has no rows.

datasette-atom renders any query with `atom_id`, `atom_title`, `atom_updated` columns as `.atom` (the canned
queries `watch_feed` and `status_feed`); with no rows it fails on `max()` of nothing, so that case is answered
here with a valid feed without entries.
"""
from __future__ import annotations

import re
from datetime import date

from datasette import hookimpl
from datasette.utils.asgi import Response

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _database(datasette, request) -> str | None:
    names = [n for n in datasette.databases if n != "_internal"]
    want = request.args.get("db")
    return want if want in names else (names[0] if names else None)


async def dashboard_page(request, datasette):
    from kamerstukken.web.dashboard import dashboard_context
    today = (request.args.get("peildatum") or "").strip() or date.today().isoformat()
    try:
        if not _ISO.fullmatch(today):
            raise ValueError
        date.fromisoformat(today)
    except ValueError:
        return Response.html(await datasette.render_template(
            "error.html", {"ok": False, "status": 400, "title": "Bad date",
                           "error": f"peildatum must be a date YYYY-MM-DD, not {today!r}"}, request=request),
            status=400)
    name = _database(datasette, request)
    ctx = await dashboard_context(datasette, name, today)
    ctx["db_name"] = name
    return Response.html(await datasette.render_template("kamerstukken_dashboard.html", ctx, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/dashboard$", dashboard_page)]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": datasette.urls.path("/-/dashboard"), "label": "Dashboard"}]


@hookimpl
def handle_exception(datasette, request, exception):
    if not request.path.endswith(".atom") or "empty" not in str(exception):
        return None
    from kamerstukken.watch_atom import feed_xml
    body = feed_xml(request.path.rsplit("/", 1)[-1], f"{request.path}?{request.query_string}: no entries", [])
    return Response(body.decode("utf-8"), content_type="application/xml; charset=utf-8", status=200)
