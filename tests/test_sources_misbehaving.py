"""Sources misbehaving, against the local replay server: 500s, 429s, timeouts, bodies cut off mid-way, and a
source that sends the same page forever. A scrape either gets through (retries) or stops with a clear
message, never loops, and never loses what it fetched before the trouble.

The motion Zaken are the real recorded ones (tests/fixtures/payloads/odata) and SYNTHETIC copies of them
with new Id/Nummer/ApiGewijzigdOp (to have several pages).
"""
from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kamerstukken.scrapers.http import FetchError, HttpClient
from kamerstukken.scrapers.odata import fetch_moties
from kamerstukken.scrapers.rawstore import RawStore
from kamerstukken.scrapers.sru import fetch_kamerstukken, search
from kamerstukken.store import Store
from replay import REAL_ZAKEN, Reply, ReplayServer, odata_pages, real_zaak, sru_pages

FIX = Path(__file__).parent / "fixtures" / "payloads"
TK_PAGE = (FIX / "sru" / "sru_tk_reshaped_4records.xml").read_bytes()


def zaken(n: int = 6) -> list[dict]:
    out = [real_zaak(name) for name in REAL_ZAKEN]
    for i in range(n - 2):
        z = copy.deepcopy(out[i % 2])
        z.update(Id=f"00000000-0000-0000-0000-{i:012d}", Nummer=f"2099Z{i:05d}",
                 ApiGewijzigdOp=f"2024-04-{1 + i:02d}T10:00:00Z")
        for d in z.get("Document") or []:
            d["Volgnummer"] = 800 + i
            for v in d.get("DocumentVersie") or []:
                v["ExterneIdentifier"] = None
        out.append(z)
    return out


@pytest.fixture
def env(tmp_path):
    store = Store(tmp_path / "k.db")
    client = HttpClient(rawstore=RawStore(store), rate=0, retries=3, backoff=0.01, max_backoff=0.05,
                        max_retry_after=0.2, timeout=1.0, sleep=time.sleep)
    with ReplayServer() as srv:
        yield srv, store, client
    client.close()
    store.close()


def n_motions(store) -> int:
    return store.db["motions"].count


class Flaky:
    """Wraps a handler: scripted trouble on the first calls of chosen pages, then the real answer."""

    def __init__(self, inner, trouble: dict):
        self.inner, self.trouble, self.calls = inner, trouble, {}
        self.lock = threading.Lock()

    def __call__(self, req):
        key = req.query.get("$skip", "0")
        with self.lock:
            k = self.calls[key] = self.calls.get(key, 0) + 1
        plan = self.trouble.get(key, [])
        if k <= len(plan):
            what = plan[k - 1]
            if what == "timeout":
                time.sleep(1.6)            # longer than the client's 1 s timeout
                return self.inner(req)
            if what == "cut":
                r = self.inner(req)
                return Reply(r.status, r.body, r.headers, drop_after=len(r.body) // 3, content_type=r.content_type)
            if what == 429:
                return Reply(429, b"slow down", {"Retry-After": "0"})
            return Reply(what, b"<html><title>Server error</title></html>", content_type="text/html")
        return self.inner(req)


def test_500_429_timeout_and_cut_bodies_are_retried_nothing_lost(env):
    srv, store, client = env
    items = zaken(6)
    srv.route("/odata/Zaak", Flaky(odata_pages(srv, items, 2),
                                   {"0": [500, 429], "2": ["timeout"], "4": ["cut", 503]}))
    s = fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert n_motions(store) == 6 and s["rows"] == 6 and s["duplicates"] == 0
    assert client.stats.retries == 5
    assert {500, 429, 503} <= set(client.stats.by_status)


def test_persistent_500_stops_with_clear_error_and_keeps_earlier_pages(env):
    srv, store, client = env
    items = zaken(6)
    srv.route("/odata/Zaak", Flaky(odata_pages(srv, items, 2), {"4": [500] * 10}))
    with pytest.raises(FetchError) as ei:
        fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert "HTTP 500" in str(ei.value)
    assert n_motions(store) == 4                      # the two pages before the failing one are kept
    cursor = store.get_cursor("odata:moties")
    assert cursor is not None
    # the source recovers: the next run asks from the cursor and ends with every motion once
    srv.route("/odata/Zaak", odata_pages(srv, items, 2))
    s = fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert n_motions(store) == 6 and s["duplicates"] == 0
    assert "ApiGewijzigdOp gt" in srv.log[-1].query.get("$filter", "")   # resumed from the cursor


def test_odata_nextlink_to_itself_stops_with_clear_message(env):
    srv, store, client = env
    items = zaken(2)

    def same_page_forever(req):
        body = {"value": items, "@odata.nextLink": f"{srv.url}{req.path}?{req.raw_query}"}
        return Reply(200, json.dumps(body).encode(), content_type="application/json")
    srv.route("/odata/Zaak", same_page_forever)
    with pytest.raises(FetchError, match="paging loops"):
        fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert len(srv.requests_to("/odata/Zaak")) == 1
    assert n_motions(store) == 2                      # what the page held is kept


def test_odata_server_ignoring_skip_stops(env):
    """Ever new nextLinks ($skip grows) but always the same rows: stopped after 3 such pages."""
    srv, store, client = env
    items = zaken(2)

    def ignores_skip(req):
        skip = int(req.query.get("$skip", "0")) + 2
        q = dict(req.query, **{"$skip": str(skip)})
        body = {"value": items, "@odata.nextLink": f"{srv.url}{req.path}?{urlencode(q)}"}
        return Reply(200, json.dumps(body).encode(), content_type="application/json")
    srv.route("/odata/Zaak", ignores_skip)
    with pytest.raises(FetchError, match="does not advance"):
        fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert len(srv.requests_to("/odata/Zaak")) == 4
    assert n_motions(store) == 2


def _sru_same_page(records_xml: bytes, next_pos=None):
    from lxml import etree
    root = etree.fromstring(records_xml)
    ns = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
    root.find(f"{{{ns}}}numberOfRecords").text = "1000000"
    if next_pos is not None:
        el = etree.SubElement(root, f"{{{ns}}}nextRecordPosition")
        el.text = str(next_pos)
    return etree.tostring(root)


def test_sru_server_ignoring_startrecord_stops(env):
    srv, store, client = env
    srv.add("/sru", Reply(200, _sru_same_page(TK_PAGE), content_type="text/xml"))   # the same 4 records, always
    got = []
    with pytest.raises(FetchError, match="does not advance"):
        for rec in search(client, "x", page_size=4, sru_url=srv.url + "/sru"):
            got.append(rec.identifier)
    assert len(got) == 4 and len(srv.requests_to("/sru")) == 2


def test_sru_next_record_position_going_back_stops(env):
    srv, store, client = env
    srv.add("/sru", Reply(200, _sru_same_page(TK_PAGE, next_pos=1), content_type="text/xml"))
    with pytest.raises(FetchError, match="nextRecordPosition 1 after startRecord 1"):
        list(search(client, "x", page_size=4, sru_url=srv.url + "/sru"))
    assert len(srv.requests_to("/sru")) == 1


def test_sru_document_cut_off_then_500s_is_fetched_on_the_next_run(env):
    srv, store, client = env
    srv.rewrite["https://repository.overheid.nl"] = srv.url + "/repo"
    srv.route("/sru", sru_pages(TK_PAGE))
    repo = "/repo/frbr/officielepublicaties/kst"
    files = {"kst-28844-269": ("28844", "kst-28844-269_brief_toezegging_motie_afgedaan.xml"),
             "kst-35786-7": ("35786", "kst-35786-7_motie.xml"), "kst-36045-299": ("36045", "kst-36045-299_motie.xml")}
    for kid, (dossier, fname) in files.items():
        body = (FIX / "kst" / fname).read_bytes()
        replies = [Reply(200, body, content_type="text/xml")]
        if kid == "kst-35786-7":    # modified 2022-03-30, older than the others
            replies = [Reply(200, body, drop_after=100), Reply(502), Reply(503), Reply(500)] + replies
        srv.add(f"{repo}/{dossier}/{kid}/1/xml/{kid}.xml", *replies)
    # retries=3: cut, 502, 503, 500 use up the four attempts -> a per-record error, the others are stored
    s = fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    assert s["errors"] == 2 and sorted(store.document_ids()) == ["kst-28844-269", "kst-36045-299"]
    assert "HTTP 500" in store.db.execute("select error from ingest_errors where origin = 'kst-35786-7'").fetchone()[0]
    # the next incremental run asks from the failed record's date, so it is fetched now (and nothing twice)
    s = fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    assert "dt.modified>=2022-03-30" in s["query"]
    assert sorted(store.document_ids()) == ["kst-28844-269", "kst-35786-7", "kst-36045-299"]
    assert store.db["sources"].count == 3 and s["unchanged"] >= 2


def test_garbage_200_bodies_are_errors_not_documents(env):
    srv, store, client = env
    for body in (b"", b"{not json", b"<html><title>Pagina niet gevonden</title></html>", b"\x00" * 100):
        srv.add("/odata/Zaak", Reply(200, body, content_type="application/json"))
        with pytest.raises((FetchError, ValueError)):
            fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert n_motions(store) == 0
