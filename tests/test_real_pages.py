"""The HTML sources as they really are (issue 14): every page kind is served by the local replay server in its
layout and goes through the normal path (fetch -> parse -> store). Real pages: tests/fixtures/real_pages;
constructed ones (no raw copy exists): tests/fixtures/constructed (see tests/fixtures/README.md)."""
import json
import re
from pathlib import Path

import pytest

from kamerstukken.ingest import ingest_paths
from kamerstukken.parse import parse
from kamerstukken.parse.ob_meta import table_fields
from kamerstukken.register import deadline_moves, history_of, status_class, unknown_statuses
from kamerstukken.scrapers.eerstekamer import fetch_ek_moties, fetch_ek_toezeggingen, parse_toezeggingen
from kamerstukken.scrapers.ek_motion import motion_id, parse_motie_page, read_vote
from kamerstukken.scrapers.odata import fetch_toezeggingen
from kamerstukken.scrapers.rob import fetch_rob
from kamerstukken.scrapers.sru import fetch_kamerstuk
from kamerstukken.status import compute_status, list_commitments
from replay import Reply, odata_pages

FIX = Path(__file__).parent / "fixtures"
REAL = FIX / "real_pages"
EK = FIX / "constructed" / "ek"
ROB = FIX / "constructed" / "rob"
HTML = "text/html; charset=utf-8"


def page(path: Path) -> Reply:
    return Reply(200, path.read_bytes(), content_type=HTML)


# ------------------------------------------------------------------ officielebekendmakingen

OB = {"stb": ("stb-2014-296", "2014-07-14", "Wij Willem-Alexander, bij de gratie Gods"),
      "stcrt": ("stcrt-2013-10981", "2013-04-23", "Het college van burgemeester en wethouders van de gemeente Staphorst"),
      "gmb": ("gmb-2017-100007", "2017-06-14", "Activiteit: Bingoavond op 17 juni 2017.")}


@pytest.mark.parametrize("name", sorted(OB))
def test_real_ob_html_parses_with_id_date_text(name):
    data = (REAL / f"{name}.html").read_bytes()
    doc = parse(data, f"{name}.html")
    ident, date, phrase = OB[name]
    assert (doc.id, doc.date, doc.kind) == (ident, date, "other")
    assert phrase in doc.text
    # no page furniture of the older web layout (the ASP.NET form around everything)
    assert "Skip navigatie" not in doc.text and "Snelzoeken" not in doc.text


def test_xml_declaration_and_form_wrapper_are_what_made_them_fail():
    stb = (REAL / "stb.html").read_bytes()
    gmb = (REAL / "gmb.html").read_bytes()
    assert stb.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert b'<form action="gmb-2015-16426.html" id="mainForm"' in gmb and b'id="broodtekst"' in gmb


def test_ob_pages_fetched_from_local_server(env):
    """fetch kamerstuk <id> against the replay: the .xml is tried first (404 here), then the real .html."""
    srv, store, client = env
    for name, (ident, date, phrase) in OB.items():
        srv.add(f"/{ident}.html", page(REAL / f"{name}.html"))
        doc = fetch_kamerstuk(store, client, ident, ob_url=srv.url)
        row = store.get_document_row(ident)
        assert (doc.id, row["date"]) == (ident, date) and phrase in row["text"]
    assert store.db["documents"].count == 3


def test_ob_xml_that_is_not_a_kamerstuk_gives_way_to_html(env):
    srv, store, client = env
    srv.add("/stb-2014-296.xml", Reply(200, b'<?xml version="1.0"?><officiele-publicatie><metadata/>'
                                            b'<kop/></officiele-publicatie>', content_type="application/xml"))
    srv.add("/stb-2014-296.html", page(REAL / "stb.html"))
    doc = fetch_kamerstuk(store, client, "stb-2014-296", ob_url=srv.url)
    assert doc.sources[-1].format == "ob-html" and "Wij Willem-Alexander" in doc.text


@pytest.mark.parametrize("name,ident,phrase", [("stb", "stb-2018-84", "zilveren vijf-euromunt"),
                                               ("stcrt", "stcrt-2015-47076", "Vennewatersweg 29"),
                                               ("gmb", "gmb-2017-100002", "Zuiderweg 21")])
def test_real_ob_xml_of_other_publications_parses(name, ident, phrase):
    doc = parse((REAL / f"{name}.xml").read_bytes(), f"{name}.xml")
    assert doc.id == ident and doc.kind == "other" and phrase in doc.text


def test_ingest_all_real_pages(tmp_path):
    from kamerstukken.store import Store
    store = Store(tmp_path / "k.db")
    res = ingest_paths(store, sorted(p for p in REAL.iterdir() if p.name != "ek_motion_37020_m.html"))
    assert not res.errors
    ids = {r["id"] for r in store.db.query("select id from documents")}
    assert {"stb-2014-296", "stcrt-2013-10981", "gmb-2017-100007", "stb-2018-84"} <= ids


def test_modern_kst_page_metadata_table():
    """The metadata table: the only place this page says its vergaderjaar; read, and kept out of the text."""
    doc = parse((FIX / "constructed" / "ob_kst-28844-269_metadata_table.html").read_bytes(), "kst.html")
    assert (doc.id, doc.date, doc.vergaderjaar, doc.dossier) == ("kst-28844-269", "2023-07-07", "2022-2023", "28844")
    assert doc.meta["ob_table"]["published"] == "10-07-2023"
    assert "Dossier- en ondernummer" not in doc.text and "Datum publicatie" not in doc.text


def test_metadata_table_values():
    f = table_fields({"dossier_nr": "36200-VII nr. 5", "vergaderjaar": "2022-2023", "received": "8 november 2004"})
    assert (f["dossier"], f["nr"], f["date"]) == ("36200-VII", "5", "2004-11-08")
    assert table_fields({"dossier_nr": "28747 nr. C"})["nr"] == "C"


# ------------------------------------------------------------------ Eerste Kamer motions

def test_real_ek_motion_page():
    m = parse_motie_page((REAL / "ek_motion_37020_m.html").read_bytes(), "https://www.eerstekamer.nl/motie/x")
    assert (m.id, m.status, m.date, m.vote_date) == ("kst-37020-M", "verworpen", "2026-10-06", "2026-10-06")
    assert m.submitters == ["A.J.A. Beukering (Beukering)"]
    assert m.cosigners == ["I.M. Lagas (BBB)", "C.A.H. van de Sanden (Van de Sanden)", "P. Schalk (SGP)",
                           "P.V.A. Walenkamp (Walenkamp)"]
    assert m.debate == "de Algemene Politieke Beschouwingen" and m.dossiers == ["37020"]
    assert m.parties_for == ["SGP", "PVV", "BBB", "Fractie-Van de Sanden", "Fractie-Walenkamp", "Fractie-Beukering"]
    assert m.summary.startswith("In deze motie wordt de regering verzocht")
    assert m.title == "Motie 37.020, M"       # no title inside <main>; the number stands in


def test_motion_numbers_and_votes():
    assert motion_id("36.200 VII, K") == "kst-36200-VII-K" and motion_id("35.788, letter D") == "kst-35788-D"
    assert motion_id("37.020, M") == "kst-37020-M" and motion_id("geen nummer") is None
    assert read_vote("Op 19 maart 2024 na stemming aangenomen. PVV en SP stemden tegen.") == \
        ("2024-03-19", [], ["PVV", "SP"])


def test_ek_motion_crawl_follows_verder(env):
    srv, store, client = env
    srv.route("/moties_3", lambda req: page(EK / ("moties_overview_p2.html" if req.query.get("start_00j") == "20"
                                                  else "moties_overview_p1.html")))
    srv.add("/motie/motie_van_het_lid_beukering_c_s_2", page(REAL / "ek_motion_37020_m.html"))
    srv.add("/motie/motie_synthetic_36200_vii_k", page(EK / "motie_36200_VII_K.html"))
    s = fetch_ek_moties(store, client, ek_url=srv.url, list_path="/moties_3")
    assert (s["pages"], s["details"], s["new"]) == (2, 2, 2)
    assert [r.query.get("start_00j") for r in srv.requests_to("/moties_3")] == [None, "20"]
    row = store.db["motions"].get("kst-37020-M")
    assert (row["besluit"], row["date"], row["debate"], row["dossier"]) == \
        ("verworpen", "2026-10-06", "de Algemene Politieke Beschouwingen", "37020")
    assert json.loads(row["cosigners"])[2] == "P. Schalk (SGP)" and "BBB" in json.loads(row["parties_for"])
    k = store.db["motions"].get("kst-36200-VII-K")
    assert k["uitvoeringsstatus"] == "niet uitgevoerd" and json.loads(k["parties_against"]) == ["PVV", "SP"]
    rows = {r.id: r for r in compute_status(store)}
    assert rows["kst-37020-M"].status == "not_adopted"
    assert fetch_ek_moties(store, client, ek_url=srv.url, list_path="/moties_3")["same"] == 2


# ------------------------------------------------------------------ Eerste Kamer toezeggingen

def test_ek_toezegging_detail_title_outside_main():
    [t] = parse_toezeggingen((EK / "toezegging_detail_T01970.html").read_bytes())
    assert (t.nummer, t.status, t.date, t.deadline) == ("T01970", "deels voldaan", "2014-05-27", "2025-07-01")
    assert t.title.startswith("Schrappen artikel 5") and t.text.startswith("SYNTHETIC placeholder: de minister")
    assert (t.members, t.category, t.topics, t.kamerstukken) == \
        ("SYNTHETIC Lid A (SYN); SYNTHETIC Lid B (SYN)", "evaluatie", "Gelijke behandeling; Onderwijs", ["33344"])


def test_rappel_page_lists_several_entries_with_and_without_headings():
    html = (EK / "rappel_bzk.html").read_text(encoding="utf-8")
    for variant in (html, re.sub(r"<h2>.*?</h2>", "", html)):
        ts = {t.nummer: t for t in parse_toezeggingen(variant)}
        assert list(ts) == ["T01970", "T02881", "T03063"]
        assert (ts["T02881"].deadline, ts["T03063"].status) == ("2023-01-01", "openstaand")
        assert ts["T03063"].text == "SYNTHETIC placeholder: de minister zegt toe een brief te sturen."
        assert ts["T02881"].quotes[0]["text"] == "SYNTHETIC placeholder quote two."


def test_ek_toezeggingen_crawl_verder_detail_rappel(env):
    srv, store, client = env
    srv.route("/toezeggingen", lambda req: page(EK / ("toezeggingen_overview_p2.html"
                                                      if req.query.get("start_00j") == "20"
                                                      else "toezeggingen_overview_p1.html")))
    srv.add("/toezegging/schrappen_artikel_5_tweede_lid", page(EK / "toezegging_detail_T01970.html"))
    srv.add("/rappel", page(EK / "rappel_bzk.html"))
    srv.add("/toezegging/synthetic_titel_t03063", Reply(404, b"niet gevonden"))
    s = fetch_ek_toezeggingen(store, client, ek_url=srv.url)
    assert (s["pages"], s["details"], s["toezeggingen"], s["errors"]) == (2, 3, 3, 1)
    e = store.db["register_entries"].get("ek-T01970")
    assert (e["ministry"], e["category"], json.loads(e["kamerstukken"])) == \
        ("Binnenlandse Zaken en Koninkrijksrelaties", "evaluatie", ["33344"])
    assert store.db["commitments"].get("ek-T01970")["ministry"] == "BZK"
    assert [r["id"] for r in list_commitments(store, ministry="BZK")] != []
    assert s["unknown_statuses"] == {}


# ------------------------------------------------------------------ ROB

def test_rob_pages_without_type_segment_and_kabinetsreacties(env):
    srv, store, client = env
    srv.add("/adviezen", page(ROB / "adviezen_overview.html"))
    srv.add("/documenten/2019/03/14/advies-beleidsvrijheid-geduid", page(ROB / "advies_beleidsvrijheid_geduid.html"))
    srv.add("/over-de-rob/documenten/kabinetsreacties/2009/11/19/kabinetsreactie-synthetic",
            page(ROB / "kabinetsreactie_synthetic.html"))
    srv.add("/documenten/publicaties/2013/11/14/evaluatie-en-vooruitblik-rob-2009-2017",
            page(ROB / "evaluatie_en_vooruitblik.html"))
    srv.add("/binaries/evaluatie-en-vooruitblik.pdf", Reply(404, b""))
    s = fetch_rob(store, client, rob_url=srv.url, reactions=False)
    assert (s["advices"], s["reactions"], s["errors"]) == (2, 1, 0)
    adv = store.get_document("rob-advies-beleidsvrijheid-geduid")
    assert (adv.kind, adv.date, adv.title) == ("advice", "2019-03-14", "Beleidsvrijheid geduid")
    reac = store.get_document("rob-kabinetsreactie-synthetic")
    assert (reac.kind, reac.date, reac.meta["rob_page"]) == ("letter", "2009-11-19", "kabinetsreactie")
    assert not any("elders" in r.path for r in srv.log)


# ------------------------------------------------------------------ register statuses and history

@pytest.mark.parametrize("word,cls", [("Nagekomen", "done"), ("Niet nagekomen", "not_kept"),
                                      ("Deels voldaan", "partly"), ("Deels Voldaan", "partly"),
                                      ("Vervallen", "lapsed"), ("Afgedaan", "done"), ("Deels afgedaan", "partly"),
                                      ("Deels Afgedaan", "partly"), ("Voldaan", "done"), ("Openstaand", "open"),
                                      ("  openstaand ", "open"), ("Uitgevoerd", "done")])
def test_every_register_status_word_maps(word, cls):
    assert status_class(word) == cls


def _tk_states():
    return json.loads((FIX / "constructed" / "tk" / "toezegging_states.json").read_text(encoding="utf-8"))["states"]


def _fetch_every_tk_state(srv, store, client) -> None:
    """The TK Toezegging feed served in each of its published states in turn, one fetch per state."""
    items: list = []
    srv.route("/odata/Toezegging", odata_pages(srv, items, page_size=2))
    for state in _tk_states():
        items[:] = state
        fetch_toezeggingen(store, client, odata_url=srv.url + "/odata")


def test_tk_register_history_fields_and_revisions(env):
    srv, store, client = env
    _fetch_every_tk_state(srv, store, client)
    q = srv.requests_to("/odata/Toezegging")[0].query["$expand"]
    assert "ToegezegdAanPersoon" in q and "IsWijzigingVan" in q and "IsAanvullingOp" in q
    e = store.db["register_entries"].get("tk-TZ202401-017")
    assert e["members"] == "C. Lid (SYN); SYN" and e["status"] == "Deels Voldaan" and e["due_date"] == "2025-09-30"
    assert json.loads(store.db["register_entries"].get("tk-TZ202407-030")["revisions"]) == \
        {"aanvulling_op": ["TZ202401-017"], "wijziging_van": ["TZ202402-021"]}
    hist = history_of(store, "tk-TZ202401-017")
    assert [(h["seen_on"], h["due_date"]) for h in hist] == [
        ("2024-01-18", "2024-06-30"), ("2024-07-02", "2024-12-31"), ("2025-01-06", "2025-03-31"),
        ("2025-04-02", "2025-09-30")]
    assert deadline_moves(store, min_moves=3) == [{"id": "tk-TZ202401-017", "moves": 3, "deadlines": [
        "2024-06-30", "2024-12-31", "2025-03-31", "2025-09-30"]}]
    rows = {r.id: r for r in compute_status(store)}
    assert rows["tk-TZ202401-017"].deadline_basis == ("latest register deadline 2025-09-30 (published 2025-04-02; "
                                                      "moved 3 times, earlier 2024-06-30, 2024-12-31, 2025-03-31)")
    assert rows["tk-TZ202402-021"].register_status == "Nagekomen"
    assert "unknown" not in rows["tk-TZ202407-030"].note
    # the same feed again changes nothing in the history
    fetch_toezeggingen(store, client, odata_url=srv.url + "/odata")
    assert len(history_of(store, "tk-TZ202401-017")) == 4


def test_unknown_status_word_is_kept_and_reported(env):
    srv, store, client = env
    html = (EK / "rappel_bzk.html").read_text(encoding="utf-8").replace(
        '<td class="fontwit">openstaand</td>', '<td class="fontwit">In afwachting van Kamer</td>')
    srv.add("/toezeggingen", Reply(200, html.encode(), content_type=HTML))
    s = fetch_ek_toezeggingen(store, client, ek_url=srv.url)
    assert s["unknown_statuses"] == {"In afwachting van Kamer": 1}
    assert store.db["register_entries"].get("ek-T03063")["status"] == "In afwachting van Kamer"
    assert unknown_statuses(store) == {"In afwachting van Kamer": 1}
    rows = {r.id: r for r in compute_status(store)}
    assert "unknown register status 'In afwachting van Kamer'" in rows["ek-T03063"].note


def test_status_of_shows_history_and_motion_details(env):
    from kamerstukken.status import status_of
    srv, store, client = env
    _fetch_every_tk_state(srv, store, client)
    out = status_of(store, "tk-TZ202401-017")
    assert [h["status"] for h in out["register_history"]] == ["Openstaand"] * 3 + ["Deels Voldaan"]
    assert out["status"]["deadline_basis"].startswith("latest register deadline 2025-09-30")
    from kamerstukken.scrapers.ek_motion import store_ek_motion
    store_ek_motion(store, parse_motie_page((REAL / "ek_motion_37020_m.html").read_bytes()))
    compute_status(store)                    # the ledger is rebuilt by `link`/`build`
    m = status_of(store, "kst-37020-M")
    assert m["besluit"] == "verworpen" and m["cosigners"][0] == "I.M. Lagas (BBB)" and m["status"]["status"] == \
        "not_adopted"


def test_ingest_of_saved_ek_pages_stores_register_rows(tmp_path):
    """`kamerstukken ingest` on a fetched EK page stores what `fetch ek-…` stores, not a text document."""
    from kamerstukken.store import Store
    store = Store(tmp_path / "k.db")
    res = ingest_paths(store, [REAL / "ek_motion_37020_m.html", EK / "rappel_bzk.html",
                               EK / "toezegging_detail_T01970.html"])
    assert not res.errors and res.added == ["kst-37020-M", "ek-T01970", "ek-T02881", "ek-T03063", "ek-T01970"]
    assert store.db["documents"].count == 0
    assert store.db["motions"].get("kst-37020-M")["besluit"] == "verworpen"
    assert store.db["register_entries"].get("ek-T01970")["members"] == "SYNTHETIC Lid A (SYN); SYNTHETIC Lid B (SYN)"
    again = ingest_paths(store, [REAL / "ek_motion_37020_m.html"])
    assert again.added == ["kst-37020-M"] and store.db["motions"].count == 1


def test_cli_commitments_deadline_moved(env, tmp_path):
    """The CLI mirrors the API: `commitments --deadline-moved 3` lists the promise whose deadline moved 3 times."""
    from typer.testing import CliRunner
    from kamerstukken.cli import app
    srv, store, client = env
    _fetch_every_tk_state(srv, store, client)
    compute_status(store)
    db = str(tmp_path / "k.db")          # the store of `env`
    r = CliRunner().invoke(app, ["commitments", "--deadline-moved", "3", "--json", "--db", db])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["id"], x["deadline_moves"]) for x in rows] == [("tk-TZ202401-017", 3)]
    r1 = CliRunner().invoke(app, ["commitments", "--deadline-moved", "1", "--json", "--db", db])
    assert [x["id"] for x in json.loads(r1.output)] == ["tk-TZ202401-017"]
    assert len(json.loads(CliRunner().invoke(app, ["commitments", "--json", "--db", db]).output)) == 3
