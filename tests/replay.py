"""Shared test helpers: a local HTTP server replaying recorded payloads by route, with scripted quirks, and the
main job over the bundled documents (`build_database`).

    with ReplayServer() as srv:
        srv.add("/sru", Reply(500), Reply(200, body))      # a sequence: the last reply repeats
        srv.route("/odata/Zaak", odata_pages(items, 2))     # a handler: fn(Request) -> Reply
        srv.url                                             # http://127.0.0.1:PORT

Quirks: any status with any headers (429 + Retry-After, 5xx), `Reply(drop_after=n)` sends the full
Content-Length but closes the connection after n bytes (a body cut off mid-way), `srv.rewrite` replaces
strings in every body at serve time (e.g. the real https://repository.overheid.nl -> this server).
Every request is logged (path, query, headers) for assertions. Nothing here touches the network.
"""
from __future__ import annotations

import copy
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional, Union
from urllib.parse import parse_qs, urlencode, urlsplit

from lxml import etree


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    drop_after: Optional[int] = None
    content_type: Optional[str] = None


@dataclass
class Request:
    path: str
    query: dict
    headers: dict
    raw_query: str = ""


Handler = Callable[[Request], Reply]


class ReplayServer:
    def __init__(self):
        self.routes: dict[str, Union[list, Handler]] = {}
        self.log: list[Request] = []
        self.rewrite: dict[str, str] = {}
        self._lock = threading.Lock()
        server = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                req = Request(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                              {k.lower(): v for k, v in self.headers.items()}, parts.query)
                with server._lock:
                    server.log.append(req)
                reply = server._reply_for(req)
                body = reply.body
                for a, b in server.rewrite.items():
                    body = body.replace(a.encode(), b.encode())
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if reply.drop_after is not None:
                    self.wfile.write(body[:reply.drop_after])
                    self.wfile.flush()
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    self.close_connection = True
                    return
                if self.command != "HEAD":
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    # -------------------------------------------------------------- routes
    def add(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def _reply_for(self, req: Request) -> Reply:
        r = self.routes.get(req.path)
        if r is None:
            return Reply(404, b"<html><head><title>404 Not Found</title></head><body>nope</body></html>",
                         content_type="text/html")
        if callable(r):
            return r(req)
        with self._lock:
            return r.pop(0) if len(r) > 1 else r[0]

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    # -------------------------------------------------------------- lifecycle
    def __enter__(self) -> "ReplayServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------------ ready-made handlers

def _ts_key(v: Optional[str]) -> str:
    from kamerstukken.scrapers.odata import norm_ts
    return norm_ts(v) or ""


def odata_pages(server: ReplayServer, items: list[dict], page_size: int = 2,
                honour_changed_filter: bool = True, honour_deleted: bool = True) -> Handler:
    """An OData entity set: `$filter` (only `Verwijderd eq false` and `ApiGewijzigdOp gt X` are understood),
    `$orderby=ApiGewijzigdOp asc`, server-driven paging with `$skip` in `@odata.nextLink` (never `$top`)."""
    def handle(req: Request) -> Reply:
        flt = req.query.get("$filter", "")
        rows = list(items)
        if honour_deleted and "Verwijderd eq false" in flt:
            rows = [r for r in rows if not r.get("Verwijderd")]
        m = re.search(r"ApiGewijzigdOp gt (\S+?)\)?(?:\s|$)", flt)
        if m and honour_changed_filter:
            cut = _ts_key(m.group(1))
            rows = [r for r in rows if _ts_key(r.get("ApiGewijzigdOp")) > cut]
        rows.sort(key=lambda r: _ts_key(r.get("ApiGewijzigdOp")))
        skip = int(req.query.get("$skip", "0"))
        page = rows[skip: skip + page_size]
        out = {"@odata.context": f"{server.url}/$metadata#{req.path.rsplit('/', 1)[-1]}", "value": page}
        if "$top" not in req.query and skip + page_size < len(rows):
            q = dict(req.query)
            q["$skip"] = str(skip + page_size)
            out["@odata.nextLink"] = f"{server.url}{req.path}?{urlencode(q)}"
        return Reply(200, json.dumps(out).encode(), content_type="application/json; odata.metadata=minimal")
    return handle


SRU_NS = {"sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse"}


def sru_pages(response_xml: bytes) -> Handler:
    """A recorded SRU response served as a result set: startRecord/maximumRecords slice its records,
    `dt.modified>=YYYY-MM-DD` in the query filters them; numberOfRecords and positions follow."""
    root0 = etree.fromstring(response_xml)

    def handle(req: Request) -> Reply:
        root = copy.deepcopy(root0)
        recs_el = root.find("sru:records", SRU_NS)
        recs = list(recs_el)
        m = re.search(r"dt\.modified>=(\d{4}-\d{2}-\d{2})", req.query.get("query", ""))
        if m:
            def modified(r):
                el = [e for e in r.iter() if etree.QName(e).localname == "modified"]
                return el[0].text if el else ""
            recs = [r for r in recs if modified(r) >= m.group(1)]
        start = int(req.query.get("startRecord", "1"))
        size = int(req.query.get("maximumRecords", "10"))
        for r in list(recs_el):
            recs_el.remove(r)
        for pos, r in enumerate(recs[start - 1: start - 1 + size], start=start):
            [e for e in r.iter() if etree.QName(e).localname == "recordPosition"][0].text = str(pos)
            recs_el.append(r)
        root.find("sru:numberOfRecords", SRU_NS).text = str(len(recs))
        return Reply(200, etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                     content_type="text/xml; charset=utf-8")
    return handle


# ------------------------------------------------------------------ the recorded OData motion Zaken

ODATA_FIXTURES = Path(__file__).parent / "fixtures" / "payloads" / "odata"
REAL_ZAKEN = ("tkmoties_zaak_motie_2022Z00782_expanded.json", "tkmoties_zaak_motie_2023Z20049_expanded.json")


def real_zaak(name: str = REAL_ZAKEN[1]) -> dict:
    """A recorded Zaak as the API gives it: tkmoties's added `Besluit[].Stats` stripped, and `Soort` (left out by
    the recorded $select, which filtered on it) put back."""
    z = json.loads((ODATA_FIXTURES / name).read_text(encoding="utf-8"))
    for b in z.get("Besluit", []):
        b.pop("Stats", None)
    z.setdefault("Soort", "Motie")
    return z


def build_database(path):
    """The main job's `build` over the bundled real documents (as `kamerstukken build --db path`); returns path."""
    from kamerstukken.cli_main import build
    from kamerstukken.store import Store
    store = Store(path)
    try:
        build(store)
    finally:
        store.close()
    return path
