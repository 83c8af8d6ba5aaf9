"""Hostile sources (issue 16), against local servers: compression bombs, endless and trickling bodies, redirects
off-site or to other schemes, item URLs and nextLinks that leave the source, maintenance pages and another
document's body served with 200. Every test is bounded by what the server sends (counts), never by the clock.
"""
from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kamerstukken.scrapers.http import FetchError, HttpClient, LimitExceeded, Limits, Refused, Unavailable
from kamerstukken.scrapers.odata import fetch_moties
from kamerstukken.scrapers.rawstore import RawStore
from kamerstukken.scrapers.sru import fetch_kamerstuk, fetch_kamerstukken
from kamerstukken.store import Store
from replay import Reply, ReplayServer, real_zaak, sru_pages

FIX = Path(__file__).parent / "fixtures" / "payloads"
TK_PAGE = (FIX / "sru" / "sru_tk_reshaped_4records.xml").read_bytes()
MB = 1024 * 1024


class StreamServer:
    """Routes -> generator functions writing to the socket; counts what each route wrote."""

    def __init__(self):
        self.routes, self.sent, self.hits = {}, {}, {}
        srv = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                srv.hits[path] = srv.hits.get(path, 0) + 1
                fn = srv.routes.get(path)
                if fn is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    fn(self, srv)
                except (BrokenPipeError, ConnectionResetError):
                    pass   # the client stopped reading: that is the point

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _headers(h, status=200, **hdrs):
    h.send_response(status)
    for k, v in hdrs.items():
        h.send_header(k.replace("_", "-"), v)
    h.end_headers()


def gzip_bomb(inflated: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MB
    return b"".join(z.compress(block) for _ in range(inflated // MB)) + z.flush()


def serve_bytes(body: bytes, *, encoding: str | None = None, ctype="text/xml", key="bytes"):
    def fn(h, srv):
        hdrs = {"Content-Type": ctype, "Content-Length": str(len(body))}
        if encoding:
            hdrs["Content-Encoding"] = encoding
        _headers(h, **hdrs)
        for i in range(0, len(body), 65536):
            h.wfile.write(body[i:i + 65536])
            srv.sent[key] = srv.sent.get(key, 0) + len(body[i:i + 65536])
    return fn


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "k.db")
    yield s
    s.close()


def client_for(store, **limits) -> HttpClient:
    return HttpClient(rawstore=RawStore(store), rate=0, retries=2, backoff=0.01, max_backoff=0.02, timeout=2.0,
                      limits=Limits(**limits) if limits else None)


def test_gzip_bomb_stops_at_the_ratio_and_stores_nothing(store):
    bomb = gzip_bomb(256 * MB)                      # ~250 KB on the wire
    with StreamServer() as srv:
        srv.routes["/doc.xml"] = serve_bytes(bomb, encoding="gzip")
        with client_for(store) as c, pytest.raises(LimitExceeded, match="decompresses more than 200x"):
            c.get(srv.url + "/doc.xml", expect="xml")
    assert store.db["raw_responses"].count == 0      # nothing of the bomb reached the raw store
    assert srv.hits["/doc.xml"] == 1                 # a limit is not retried


def test_deflate_bomb_and_size_cap(store):
    body = zlib.compress(b"<x>" + b"a" * (40 * MB) + b"</x>", 9)
    with StreamServer() as srv:
        srv.routes["/d"] = serve_bytes(body, encoding="deflate")
        with client_for(store, max_bytes=8 * MB, max_ratio=10_000) as c, \
                pytest.raises(LimitExceeded, match="larger than the 8 MB limit"):
            c.get(srv.url + "/d", expect="xml")
        # the same body under the default caps is the ratio's business
        with client_for(store) as c, pytest.raises(LimitExceeded, match="decompresses"):
            c.get(srv.url + "/d", expect="xml")
    assert store.db["raw_responses"].count == 0


def test_a_small_gzip_body_still_decodes(store):
    real = (FIX / "kst" / "kst-35786-7_motie.xml").read_bytes()
    with StreamServer() as srv:
        srv.routes["/m.xml"] = serve_bytes(gzip.compress(real), encoding="gzip")
        srv.routes["/bad.xml"] = serve_bytes(b"not gzip at all" * 10, encoding="gzip")
        with client_for(store) as c:
            assert c.get(srv.url + "/m.xml", expect="xml").content == real
            with pytest.raises(FetchError, match="bad gzip body") as ei:
                c.get(srv.url + "/bad.xml", expect="xml")
    assert "\n" not in str(ei.value)


def test_endless_chunked_body_is_cut_at_the_cap(store):
    def endless(h, srv):
        _headers(h, Content_Type="text/xml", Transfer_Encoding="chunked")
        for _ in range(10_000):                         # 640 MB at most: the client must stop long before
            chunk = b"<a>" + b"x" * 65530 + b"</a>"
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            srv.sent["endless"] = srv.sent.get("endless", 0) + len(chunk)
    with StreamServer() as srv:
        srv.routes["/endless"] = endless
        with client_for(store, max_bytes=2 * MB) as c, pytest.raises(LimitExceeded, match="2 MB limit"):
            c.get(srv.url + "/endless", expect="xml")
    assert srv.sent["endless"] < 100 * MB


def test_trickle_gives_up_at_the_deadline(store):
    """A byte every 20 ms, 1,000 bytes in all (20 s): with a 0.3 s deadline the client leaves after a few."""
    def trickle(h, srv):
        _headers(h, Content_Type="text/xml", Content_Length="1000")
        for _ in range(1000):
            h.wfile.write(b"x")
            h.wfile.flush()
            srv.sent["trickle"] = srv.sent.get("trickle", 0) + 1
            time.sleep(0.02)
    with StreamServer() as srv:
        srv.routes["/slow"] = trickle
        with client_for(store, deadline=0.3) as c, pytest.raises(LimitExceeded, match="deadline") as ei:
            c.get(srv.url + "/slow", expect="xml")
        assert srv.hits["/slow"] == 1                   # not retried: the deadline covers the whole request
    assert srv.sent["trickle"] < 1000 and not ei.value.network


def _redirect(to: str):
    def fn(h, srv):
        _headers(h, 302, Location=to.replace("SELF", srv.url), Content_Length="0")
    return fn


def test_redirects_stay_on_the_source_and_final_url_is_kept(store):
    real = (FIX / "kst" / "kst-35786-7_motie.xml").read_bytes()
    with StreamServer() as srv, StreamServer() as other:
        other.routes["/x.xml"] = serve_bytes(real)
        srv.routes["/final.xml"] = serve_bytes(real)
        srv.routes["/ok"] = _redirect("SELF/final.xml")
        srv.routes["/offsite"] = _redirect(other.url + "/x.xml")
        srv.routes["/file"] = _redirect("file:///etc/passwd")
        srv.routes["/ftp"] = _redirect("ftp://127.0.0.1/x.xml")
        srv.routes["/loop"] = _redirect("SELF/loop")
        with client_for(store) as c:
            r = c.get(srv.url + "/ok", expect="xml")
            assert r.url == srv.url + "/final.xml" and r.content == real
            row = store.db.execute("select url, final_url from raw_responses").fetchone()
            assert row == (srv.url + "/ok", srv.url + "/final.xml")
            with pytest.raises(Refused, match="refused redirect .* not within the source's own hosts"):
                c.get(srv.url + "/offsite", expect="xml")
            for path in ("/file", "/ftp"):
                with pytest.raises(Refused, match="or not http"):
                    c.get(srv.url + path, expect="xml")
            with pytest.raises(Refused, match="too many redirects"):
                c.get(srv.url + "/loop", expect="xml")
        assert other.hits.get("/x.xml", 0) == 0          # the other host was never asked
        assert srv.hits["/file"] == 1 and srv.hits["/ftp"] == 1   # refused at once, not retried
        # allowed explicitly, the same redirect is followed
        with HttpClient(rawstore=RawStore(store), rate=0, allowed_hosts={other.url.split("//")[1]}) as c:
            assert c.get(srv.url + "/offsite", expect="xml").url == other.url + "/x.xml"


def test_maintenance_page_is_not_stored_as_the_kamerstuk(store):
    page = b"<!DOCTYPE html><html><head><title>Onderhoud</title></head><body><h1>Wij zijn zo terug</h1></body></html>"
    with ReplayServer() as srv:
        for ext in ("xml", "html", "pdf"):
            srv.add(f"/kst-35786-7.{ext}", Reply(200, page, content_type="text/html"))
        with client_for(store) as c, pytest.raises(Unavailable, match="maintenance"):
            fetch_kamerstuk(store, c, "kst-35786-7", ob_url=srv.url)
    assert store.db["documents"].count == 0


def _sru_env(srv, bodies: dict):
    srv.rewrite["https://repository.overheid.nl"] = srv.url + "/repo"
    srv.route("/sru", sru_pages(TK_PAGE))
    repo = "/repo/frbr/officielepublicaties/kst"
    for kid, (dossier, body) in bodies.items():
        srv.add(f"{repo}/{dossier}/{kid}/1/xml/{kid}.xml", Reply(200, body, content_type="text/xml"))


def test_sru_bad_item_url_is_a_record_error_and_the_run_goes_on(store):
    kst = FIX / "kst"
    with ReplayServer() as srv:
        _sru_env(srv, {"kst-28844-269": ("28844", (kst / "kst-28844-269_brief_toezegging_motie_afgedaan.xml").read_bytes()),
                       "kst-36045-299": ("36045", (kst / "kst-36045-299_motie.xml").read_bytes())})
        # kst-35786-7 (modified 2022-03-30): every item URL points to another scheme or is malformed
        srv.rewrite["https://repository.overheid.nl/frbr/officielepublicaties/kst/35786"] = "ftp://[bad"
        srv.rewrite[srv.url + "/repo/frbr/officielepublicaties/kst/35786"] = "ftp://[bad"
        with client_for(store) as c:
            s = fetch_kamerstukken(store, c, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
            assert "kst-28844-269" in store.document_ids() and "kst-36045-299" in store.document_ids()
            err = store.db.execute("select error from ingest_errors where origin='kst-35786-7'").fetchone()[0]
            assert "Refused" in err and "not http" in err
            # the cursor does not pass the failed record: the next run asks from its date
            s = fetch_kamerstukken(store, c, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
            assert "dt.modified>=2022-03-30" in s["query"]


def test_sru_item_url_serving_another_document_is_an_error_not_a_hybrid(store):
    kst = FIX / "kst"
    other = (kst / "kst-36045-299_motie.xml").read_bytes()
    with ReplayServer() as srv:
        _sru_env(srv, {"kst-28844-269": ("28844", (kst / "kst-28844-269_brief_toezegging_motie_afgedaan.xml").read_bytes()),
                       "kst-35786-7": ("35786", other),          # the wrong document's XML
                       "kst-36045-299": ("36045", other)})
        with client_for(store) as c:
            fetch_kamerstukken(store, c, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    assert "kst-35786-7" not in store.document_ids()
    err = store.db.execute("select error from ingest_errors where origin='kst-35786-7'").fetchone()[0]
    assert "serves kst-36045-299, not kst-35786-7" in err
    assert "Dassen en Piri" in store.get_document("kst-36045-299").title   # the right one is stored as itself


def test_odata_nextlink_off_site_or_not_a_string_is_refused(store):
    items = [real_zaak()]
    with ReplayServer() as srv, StreamServer() as other:
        for bad in (other.url + "/odata/Zaak?$skip=2", 12345, "file:///etc/passwd"):
            body = {"value": items, "@odata.nextLink": bad}
            srv.add("/odata/Zaak", Reply(200, json.dumps(body).encode(), content_type="application/json"))
            with client_for(store) as c, pytest.raises(Refused) as ei:
                fetch_moties(store, c, odata_url=srv.url + "/odata")
            assert "nextLink" in str(ei.value) and "\n" not in str(ei.value)
        assert other.hits == {}
    assert store.db["motions"].count == 1       # the page before the bad link is kept


def test_odata_page_not_utf8_is_one_line_error(store):
    with ReplayServer() as srv:
        srv.add("/odata/Zaak", Reply(200, b'{"value": ["\xff\xfe"]}', content_type="application/json"))
        with client_for(store) as c, pytest.raises(FetchError, match="not UTF-8 JSON"):
            fetch_moties(store, c, odata_url=srv.url + "/odata")


def test_cli_gzip_bomb_one_line_error_and_off_site_redirect(tmp_path):
    """The CLI as a user runs it: a bomb gives one error line (and the id's error row), exit non-zero."""
    import subprocess
    import sys
    bomb = gzip_bomb(64 * MB)
    with StreamServer() as srv, StreamServer() as other:
        for ext in ("xml", "html", "pdf"):
            srv.routes[f"/kst-35786-7.{ext}"] = serve_bytes(bomb, encoding="gzip")
            srv.routes[f"/kst-36045-299.{ext}"] = _redirect(other.url + "/x")
        db = tmp_path / "c.db"
        p = subprocess.run([sys.executable, "-m", "kamerstukken.cli", "fetch", "kamerstuk", "kst-35786-7",
                            "kst-36045-299", "--ob-url", srv.url, "--db", str(db), "--rate", "0"],
                           capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "Traceback" not in p.stderr + p.stdout
    assert "compression bomb" in p.stdout and "refused redirect" in p.stdout
    assert other.hits == {}
    s = Store(db)
    try:
        assert s.db["documents"].count == 0 and s.db["ingest_errors"].count == 2
    finally:
        s.close()
