"""Eerste Kamer toezeggingen/motions and ROB advice pages.

No recorded copy of these pages exists; the pages below follow the documented structure of eerstekamer.nl
toezegging pages (heading "Toezegging … (Tnnnnn)", "Kerngegevens" rows, "Uit de stukken", "Brondocumenten").
Identifiers, statuses and dates of T01970 come from shared/corpus/pages_extracted_facts; all prose is a
SYNTHETIC placeholder, not real text.
"""
import json

from kamerstukken.scrapers.eerstekamer import (fetch_ek_toezeggingen, nl_date, parse_motie_page,
                                               parse_toezeggingen, store_ek_motion)
from kamerstukken.scrapers.rob import fetch_rob, parse_advice_page
from replay import Reply

DETAIL_TABLE = """<html><body><main>
<h1>Toezegging Schrappen artikel 5, tweede lid, sub d van de Algemene wet gelijke behandeling (33.344) (T01970)</h1>
<p>SYNTHETIC placeholder: de minister zegt de Kamer toe een voorstel te doen.</p>
<h2>Kerngegevens</h2>
<table>
<tr><th>Nummer</th><td>T01970</td></tr>
<tr><th>Status</th><td>deels voldaan</td></tr>
<tr><th>Datum toezegging</th><td>27 mei 2014</td></tr>
<tr><th>Deadline</th><td>1 juli 2025</td></tr>
<tr><th>Verantwoordelijke(n)</th><td>Minister van Binnenlandse Zaken en Koninkrijksrelaties</td></tr>
<tr><th>Commissie</th><td>commissie voor Binnenlandse Zaken (BIZA)</td></tr>
<tr><th>Soort activiteit</th><td>Plenaire vergadering</td></tr>
<tr><th>Categorie</th><td>evaluatie</td></tr>
<tr><th>Kamerstukken</th><td><a href="/wetsvoorstel/33344">SYNTHETIC titel (33.344)</a></td></tr>
</table>
<h2>Uit de stukken</h2>
<p>Handelingen I 2013-2014, nr. 31, item 10 - blz. 3</p>
<p>SYNTHETIC placeholder quote one.</p>
<p>SYNTHETIC placeholder quote two.</p>
<h2>Brondocumenten</h2>
<ul><li><a href="/behandeling/20140527/x">SYNTHETIC brondocument</a></li></ul>
</main></body></html>"""

RAPPEL_LINES = """<html><body><main>
<h2>Toezegging SYNTHETIC titel een (22.112 / 31.544, CK) (T01237)</h2>
<p>SYNTHETIC placeholder: de staatssecretaris zegt toe iets op te sturen.</p>
<h3>Kerngegevens</h3>
<p>Nummer T01237</p><p>Status openstaand</p><p>Datum toezegging 7 april 2009</p><p>Deadline 1 januari 2024</p>
<dl><dt>Huidige Verantwoordelijke(n)</dt><dd>Minister van Binnenlandse Zaken en Koninkrijksrelaties</dd>
<dt>Kamerstukken</dt><dd>SYNTHETIC (31.544)<br>SYNTHETIC (22.112)</dd></dl>
<h3>Uit de stukken</h3>
<p>Kamerstukken I 2008/09, 22 112 / 31 544, CK, p. 3:</p><p>SYNTHETIC placeholder quote.</p>
<h2>Toezegging SYNTHETIC titel twee (34.349) (T02615)</h2>
<p>SYNTHETIC placeholder twee.</p>
<h3>Kerngegevens</h3><p>Status voldaan</p>
<a href="/toezegging/T01970_detail">detail</a>
<a href="/toezeggingen?page=2" rel="next">volgende</a>
</main></body></html>"""

PAGE2 = """<html><body><main><h1>Toezeggingen</h1><ul>
<li><a href="/toezegging/T01970_detail">(T01970)</a></li></ul></main></body></html>"""


def test_parse_detail_page_table_layout():
    [t] = parse_toezeggingen(DETAIL_TABLE, "https://www.eerstekamer.nl/toezegging/T01970_detail")
    assert t.nummer == "T01970" and t.title.startswith("Schrappen artikel 5")
    assert (t.status, t.date, t.deadline) == ("deels voldaan", "2014-05-27", "2025-07-01")
    assert t.responsible == "Minister van Binnenlandse Zaken en Koninkrijksrelaties"
    assert (t.committee, t.activity, t.category, t.kamerstukken) == \
        ("commissie voor Binnenlandse Zaken (BIZA)", "Plenaire vergadering", "evaluatie", ["33344"])
    assert t.text.startswith("SYNTHETIC placeholder: de minister")
    assert t.quotes == [{"source": "Handelingen I 2013-2014, nr. 31, item 10 - blz. 3",
                         "text": "SYNTHETIC placeholder quote one.\nSYNTHETIC placeholder quote two."}]
    assert t.documents[0]["url"] == "https://www.eerstekamer.nl/behandeling/20140527/x"


def test_parse_rappel_list_with_line_and_dl_layouts():
    ts = {t.nummer: t for t in parse_toezeggingen(RAPPEL_LINES)}
    assert set(ts) == {"T01237", "T02615"}
    a = ts["T01237"]
    assert (a.status, a.date, a.deadline, a.kamerstukken) == ("openstaand", "2009-04-07", "2024-01-01",
                                                               ["31544", "22112"])
    assert a.quotes[0]["source"] == "Kamerstukken I 2008/09, 22 112 / 31 544, CK, p. 3"
    assert ts["T02615"].status == "voldaan" and ts["T02615"].text == "SYNTHETIC placeholder twee."


def test_nl_dates():
    assert nl_date("1 juli 2025") == "2025-07-01" and nl_date("02-07-25") == "2025-07-02" and nl_date("x") is None


def test_crawl_stores_register_rows_once(env):
    srv, store, client = env
    srv.route("/toezeggingen", lambda req: Reply(200, (PAGE2 if req.query.get("page") == "2" else RAPPEL_LINES)
                                                 .encode(), content_type="text/html"))
    srv.add("/toezegging/T01970_detail", Reply(200, DETAIL_TABLE.encode(), content_type="text/html"))
    s = fetch_ek_toezeggingen(store, client, ek_url=srv.url)
    assert s["pages"] == 2 and s["details"] == 1 and s["toezeggingen"] == 3 and s["new"] == 3
    e = store.db["register_entries"].get("ek-T01970")
    assert (e["register"], e["status"], e["due_date"], e["ministry"], e["function"]) == \
        ("ek", "deels voldaan", "2025-07-01", "Binnenlandse Zaken en Koninkrijksrelaties",
         "Minister van Binnenlandse Zaken en Koninkrijksrelaties")
    assert json.loads(e["raw"])["kamerstukken"] == ["33344"]
    c = store.db["commitments"].get("ek-T01970")
    assert (c["source"], c["register_status"], c["date"], c["deadline_end"], c["ministry"]) == \
        ("ek_register", "deels voldaan", "2014-05-27", "2025-07-01", "BZK")
    s2 = fetch_ek_toezeggingen(store, client, ek_url=srv.url)
    assert s2["same"] == 3 and store.db["register_entries"].count == 3 and store.db["commitments"].count == 3


MOTIE_PAGE = """<html><body><main><h1>Motie-SYNTHETIC c.s. over iets (35.788, letter D)</h1>
<table><tr><th>Status</th><td>aangenomen</td></tr><tr><th>Uitvoeringsstatus</th><td>Uitgevoerd</td></tr>
<tr><th>Datum</th><td>22 februari 2022</td></tr></table></main></body></html>"""


def test_ek_motion_uitvoeringsstatus(env):
    srv, store, client = env
    m = parse_motie_page(MOTIE_PAGE)
    assert (m.id, m.status, m.uitvoeringsstatus, m.date) == ("kst-35788-D", "aangenomen", "uitgevoerd", "2022-02-22")
    assert store_ek_motion(store, m) == "new"
    row = store.db["motions"].get("kst-35788-D")
    assert row["uitvoeringsstatus"] == "uitgevoerd" and row["known_from"] == "ek"


ROB_LIST = """<html><body><main><h1>Adviezen</h1>
<a href="/documenten/publicaties/2016/03/09/synthetic-advies">SYNTHETIC advies</a>
<a href="https://elders.example/documenten/publicaties/2016/03/09/x">elsewhere</a></main></body></html>"""
ROB_ADVICE = """<html><body><main><h1>SYNTHETIC advies titel</h1><p>Advies | 09-03-2016</p>
<p>SYNTHETIC placeholder introduction of the advice, long enough to count as the introduction paragraph.</p>
<a href="/binaries/synthetic-advies.pdf">Download PDF</a></main></body></html>"""


def test_rob_advice_falls_back_to_page_when_pdf_missing(env):
    srv, store, client = env
    info = parse_advice_page(ROB_ADVICE, "https://www.raadopenbaarbestuur.nl/documenten/publicaties/2016/03/09/s")
    assert info["title"] == "SYNTHETIC advies titel" and info["date"] == "2016-03-09"
    assert info["pdf_url"] == "https://www.raadopenbaarbestuur.nl/binaries/synthetic-advies.pdf"
    srv.add("/adviezen", Reply(200, ROB_LIST.encode(), content_type="text/html"))
    srv.add("/documenten/publicaties/2016/03/09/synthetic-advies", Reply(200, ROB_ADVICE.encode()))
    srv.add("/sru", Reply(200, b'<?xml version="1.0"?><searchRetrieveResponse xmlns="http://docs.oasis-open.org/ns/'
                               b'search-ws/sruResponse"><version>2.0</version><numberOfRecords>0</numberOfRecords>'
                               b'</searchRetrieveResponse>'))
    s = fetch_rob(store, client, rob_url=srv.url, sru_url=srv.url + "/sru")
    assert s["advices"] == 1 and s["ids"] == ["rob-synthetic-advies"]
    doc = store.get_document("rob-synthetic-advies")
    assert doc.kind == "advice" and doc.date == "2016-03-09" and "SYNTHETIC placeholder introduction" in doc.text
    assert store.db.execute("select count(*) from ingest_errors where origin like '%synthetic-advies.pdf'"
                            ).fetchone()[0] == 1
    q = srv.requests_to("/sru")[0].query["query"]
    assert "kabinetsreactie" in q and "SYNTHETIC advies titel" in q
