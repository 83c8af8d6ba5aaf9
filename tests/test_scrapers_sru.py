"""SRU search + download against the replay server: paging, diagnostics, formats, cursor, resume, reparse."""
import json
from pathlib import Path

import pytest

from kamerstukken.scrapers.http import FetchError, NotFound
from kamerstukken.scrapers.rawstore import RawStore, reparse
from kamerstukken.scrapers.sru import (SruDiagnostic, build_query, candidate_urls, fetch_kamerstuk,
                                       fetch_kamerstukken, parse_metadata_xml, parse_response)
from replay import Reply, sru_pages

FIX = Path(__file__).parent / "fixtures" / "payloads"
EK_PAGE = (FIX / "sru" / "sru_ek_kamerstukken_dossier_36867.xml").read_bytes()
TK_PAGE = (FIX / "sru" / "sru_tk_reshaped_4records.xml").read_bytes()
DIAG = (FIX / "sru" / "sru_diagnostic_unknown_prefix.xml").read_bytes()
KST = {"kst-28844-269": ("28844", "kst-28844-269_brief_toezegging_motie_afgedaan.xml"),
       "kst-35786-7": ("35786", "kst-35786-7_motie.xml"),
       "kst-36045-299": ("36045", "kst-36045-299_motie.xml")}
REPO = "/repo/frbr/officielepublicaties/kst"


def xml_path(kid):
    dossier, _ = KST[kid]
    return f"{REPO}/{dossier}/{kid}/1/xml/{kid}.xml"


def serve_tk(srv):
    srv.rewrite["https://repository.overheid.nl"] = srv.url + "/repo"
    srv.route("/sru", sru_pages(TK_PAGE))
    for kid, (_, fname) in KST.items():
        srv.add(xml_path(kid), Reply(200, (FIX / "kst" / fname).read_bytes(), content_type="text/xml"))


def test_parse_real_response_and_pdf_only_record():
    page = parse_response(EK_PAGE)
    assert page.number_of_records == 4
    assert [r.identifier for r in page.records] == ["kst-1259252", "kst-36867-A", "kst-36867-B", "kst-36867-C"]
    b = page.records[2]
    assert (b.subrubriek, b.dossiernummer, b.ondernummer, b.vergaderjaar, b.modified) == \
        ("Brief", "36867", "B", "2025-2026", "2026-08-19")
    assert b.items["xml"].endswith("/kst-36867-B/1/xml/kst-36867-B.xml")
    onopgemaakt = page.records[0]
    assert onopgemaakt.documentstatus == "Onopgemaakt"
    assert [f for f, _ in candidate_urls(onopgemaakt)] == ["pdf"]          # PDF only
    assert [f for f, _ in candidate_urls(b)] == ["xml", "html", "pdf"]     # XML preferred


def test_diagnostic_served_as_200_is_an_error():
    with pytest.raises(SruDiagnostic) as ei:
        parse_response(DIAG)
    assert ei.value.uri == "info:srw/diagnostic/1/10" and "unknown prefix dcterms" in str(ei.value)


def test_build_query():
    q = build_query(dossier="35300-VII", since="2020-01-01", subrubriek="Motie", vergaderjaar="2019-2020",
                    text="kabinetsreactie")
    assert q.startswith("c.product-area==officielepublicaties AND w.publicatienaam==Kamerstuk")
    for part in ('w.dossiernummer=="35300-VII"', "w.subrubriek==Motie", 'w.vergaderjaar=="2019-2020"',
                 "dt.date>=2020-01-01", "cql.textAndIndexes=kabinetsreactie", "sortBy dt.identifier"):
        assert part in q


def test_metadata_xml_reader():
    md = parse_metadata_xml((FIX / "metadata" / "wetsuite_opmeta1_metadata_gegevens_gmb.xml").read_bytes())
    assert md["DC.identifier"] == "gmb-2024-216934"
    assert md["DC.type"] == ["officiële publicatie", "evenementenvergunning"]   # repeated name -> list
    assert "OVERHEIDop.huisnummer" not in md                                      # nested metadata skipped


def test_fetch_pages_downloads_parses_and_resumes_nothing_twice(env):
    srv, store, client = env
    serve_tk(srv)
    s = fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    # four hits over two pages; the PDF-only one has no PDF on this server -> recorded error, not a document
    assert [r.query["startRecord"] for r in srv.requests_to("/sru")] == ["1", "3"]
    assert s["found"] == 4 and s["fetched"] == 3 and s["errors"] == 1
    assert sorted(store.document_ids()) == ["kst-28844-269", "kst-35786-7", "kst-36045-299"]
    err = store.db.execute("select error from ingest_errors where origin='kst-1259252'").fetchone()[0]
    assert "NotFound" in err
    assert any(r.path.endswith("/kst-1259252.pdf") for r in srv.log)
    doc = store.get_document("kst-35786-7")
    assert doc.kind == "motion" and doc.dossier == "35786" and doc.date == "2022-03-30"
    assert doc.meta["sru"]["subrubriek"] == "Motie" and "ob_metadata" not in doc.meta   # metadata.xml was 404
    assert len(doc.sources) == 1 and doc.sources[0].format == "kst-xml"
    assert RawStore(store).get(doc.sources[0].content_hash) == (FIX / "kst" / KST["kst-35786-7"][1]).read_bytes()
    letter = store.get_document("kst-28844-269")
    assert letter.kind == "letter" and "toezegging" in letter.text
    cursor = json.loads(store.get_cursor(s["cursor"]))
    assert cursor == {"running": False, "max_modified": "2026-07-03", "base": s["query"]}

    # second run: asks only for what changed since, downloads nothing
    n_before = len(srv.log)
    s2 = fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    new_requests = srv.log[n_before:]
    # one SRU request; the stored documents are not downloaded again (only the earlier failure is retried)
    assert [r.path for r in new_requests if not r.path.endswith("kst-1259252.pdf")] == ["/sru"]
    assert "dt.modified>=2026-07-03" in new_requests[0].query["query"]
    assert s2["fetched"] == 0
    assert store.db["sources"].count == 3


def test_interrupted_run_resumes_at_cursor_without_duplicates(env):
    srv, store, client = env
    serve_tk(srv)
    # the third hit's XML keeps breaking off mid-body: retries run out, the run stops
    body = (FIX / "kst" / KST["kst-35786-7"][1]).read_bytes()
    srv.add(xml_path("kst-35786-7"), Reply(200, body, drop_after=50))
    with pytest.raises(FetchError):
        fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    assert store.document_ids() == {"kst-28844-269"}
    state = json.loads(store.get_cursor("sru:" + __import__("hashlib").sha1(
        build_query(dossier="28844").encode()).hexdigest()[:16]))
    assert state["running"] is True and state["next"] == 3

    srv.add(xml_path("kst-35786-7"), Reply(200, body))
    n_before = len(srv.log)
    s = fetch_kamerstukken(store, client, dossier="28844", page_size=2, sru_url=srv.url + "/sru")
    assert s["resumed_at"] == 3
    assert srv.log[n_before].query["startRecord"] == "3"
    assert sorted(store.document_ids()) == ["kst-28844-269", "kst-35786-7", "kst-36045-299"]
    assert store.db["sources"].count == 3
    assert not any(r.path.endswith("kst-28844-269.xml") for r in srv.log[n_before:])   # not fetched twice


def test_sru_diagnostic_stops_the_run(env):
    srv, store, client = env
    srv.add("/sru", Reply(200, DIAG, content_type="text/xml"))
    with pytest.raises(SruDiagnostic):
        fetch_kamerstukken(store, client, dossier="1", sru_url=srv.url + "/sru")
    assert store.db["documents"].count == 0


def test_single_kamerstuk_xml_then_html_then_pdf(env):
    srv, store, client = env
    srv.add("/kst-36045-299.xml", Reply(200, (FIX / "kst" / KST["kst-36045-299"][1]).read_bytes()))
    doc = fetch_kamerstuk(store, client, "kst-36045-299", ob_url=srv.url)
    assert doc.id == "kst-36045-299" and doc.kind == "motion" and "verzoekt de regering" in doc.text
    assert [r.path for r in srv.log] == ["/kst-36045-299.xml", "/kst-36045-299/metadata.xml"]
    # a "pagina niet gevonden" page served with 200 for the XML: tried .html and .pdf, then not found
    srv.add("/kst-1-2.xml", Reply(200, b"<html><head><title>Pagina niet gevonden</title></head></html>"))
    with pytest.raises(NotFound):
        fetch_kamerstuk(store, client, "kst-1-2", ob_url=srv.url)
    assert [r.path for r in srv.log[2:]] == ["/kst-1-2.xml", "/kst-1-2.html", "/kst-1-2.pdf"]
    assert not store.has_document("kst-1-2")


def test_reparse_from_raw_without_network(env, tmp_path):
    srv, store, client = env
    serve_tk(srv)
    fetch_kamerstukken(store, client, dossier="28844", sru_url=srv.url + "/sru")
    before = store.get_document("kst-36045-299")
    store.db.execute("update documents set text = '' , title = '' where id = 'kst-36045-299'")
    store.db.conn.commit()
    srv.httpd.shutdown()                       # no network from here on
    out = reparse(store, RawStore(store))
    assert out == {"reparsed": 3, "missing": 0, "errors": 0}
    after = store.get_document("kst-36045-299")
    assert after.text == before.text and after.title == before.title
    assert after.meta["sru"] == before.meta["sru"]
