"""TK OData scrapers against the replay server: nextLink paging, Verwijderd, 0001-01-01, duplicates, cursor, resume.

The two motion Zaken are real (tkmoties recordings, `Stats` stripped). Records marked SYNTHETIC are built here
because no real recording of them exists (see tests/fixtures/payloads/README.md).
"""
import copy
import json
from urllib.parse import unquote

import pytest

from kamerstukken.scrapers.http import FetchError
from kamerstukken.scrapers.odata import (clean, fetch_brieven, fetch_moties, fetch_toezeggingen, motion_url,
                                         norm_ts)
from replay import ODATA_FIXTURES as FIX, Reply, odata_pages, real_zaak



Z1 = real_zaak("tkmoties_zaak_motie_2022Z00782_expanded.json")
Z2 = real_zaak("tkmoties_zaak_motie_2023Z20049_expanded.json")

SYNTH = {   # SYNTHETIC motion Zaak: exercises Afgedaan, Document/DocumentVersie, 0001 dates, relations, deleted rows
    "Id": "00000000-0000-0000-0000-000000000001", "Nummer": "2099Z00001", "Soort": "Motie",
    "Onderwerp": "SYNTHETIC test motion", "GestartOp": "0001-01-01T00:00:00Z", "Afgedaan": True,
    "Kabinetsappreciatie": "Oordeel Kamer", "ApiGewijzigdOp": "2024-01-01T00:00:00Z", "Verwijderd": False,
    "ZaakActor": [{"Id": "a1", "ActorNaam": "SYNTHETIC Indiener", "Relatie": "Indiener", "Verwijderd": False},
                  {"Id": "a2", "ActorNaam": "SYNTHETIC Deleted", "Relatie": "Medeindiener", "Verwijderd": True}],
    "Besluit": [],
    "Document": [{"Id": "d1", "Soort": "Motie", "Volgnummer": 12, "Datum": "2099-01-01T00:00:00Z",
                  "DocumentVersie": [{"Id": "v1", "Versienummer": 1, "ExterneIdentifier": "kst-99999-12"}],
                  "Kamerstukdossier": [{"Id": "k1", "Nummer": 99999, "Toevoeging": None}]}],
    "Kamerstukdossier": [{"Id": "k1", "Nummer": 99999, "Toevoeging": None}],
    "GerelateerdNaar": [], "GerelateerdVanuit": [{"Id": "z9", "Nummer": "2099Z00002", "Soort": "Brief regering"}],
}
DELETED = {**copy.deepcopy(SYNTH), "Id": "00000000-0000-0000-0000-000000000002", "Nummer": "2099Z00003",
           "Verwijderd": True, "ApiGewijzigdOp": "2024-02-01T00:00:00Z"}


def motions(store):
    return {r["id"]: r for r in store.db.query("select * from motions")}


def test_clean_drops_deleted_nested_rows_dates_and_repeats():
    row = clean({"D": "0001-01-01T00:00:00Z", "L": [{"Id": 1}, {"Id": 1}, {"Id": 2, "Verwijderd": True}]})
    assert row == {"D": None, "L": [{"Id": 1}]}
    assert norm_ts("2022-01-20T12:33:58.3595716Z") == "2022-01-20T12:33:58.3595716Z"
    assert norm_ts("2022-01-20T13:33:58+01:00") == "2022-01-20T12:33:58.0000000Z"
    assert norm_ts("2022-01-20T12:33:58Z") < norm_ts("2022-01-20T12:33:58.1Z")


def test_query_filters_deleted_everywhere_and_never_sends_top():
    url = unquote(motion_url("http://x/OData", None, since="2024-01-01"))
    assert "$top" not in url and "$orderby=ApiGewijzigdOp asc" in url
    flt = url.split("$filter=", 1)[1].split("&", 1)[0]
    assert flt.startswith("Verwijderd eq false and (") and "GestartOp ge 2024-01-01T00:00:00Z" in flt
    expand = url.split("$expand=", 1)[1].split("&", 1)[0]
    for nav in ("ZaakActor(", "Besluit(", "Stemming(", "Document(", "DocumentVersie(", "Kamerstukdossier(",
                "GerelateerdNaar(", "GerelateerdVanuit("):
        seg = expand.split(nav, 1)[1]
        assert seg.startswith("$filter=Verwijderd eq false"), nav


def test_moties_pages_dedupes_and_maps_fields(env):
    srv, store, client = env
    # the server pages 2 rows at a time; Z1 appears twice (repeated row across pages); a deleted row is
    # served although the filter asked not to
    items = [Z1, Z2, SYNTH, copy.deepcopy(Z1), DELETED]
    srv.route("/odata/Zaak", odata_pages(srv, items, page_size=2, honour_deleted=False))
    s = fetch_moties(store, client, odata_url=srv.url + "/odata")
    reqs = srv.requests_to("/odata/Zaak")
    assert len(reqs) == 3 and all("$top" not in r.query for r in reqs)
    assert [r.query.get("$skip") for r in reqs] == [None, "2", "4"]          # followed @odata.nextLink
    assert s["duplicates"] == 1 and s["deleted"] == 1 and s["new"] == 3
    m = motions(store)
    assert set(m) == {"2022Z00782", "2023Z20049", "kst-99999-12"}
    a = m["2022Z00782"]
    assert json.loads(a["submitters"]) == ["J.F. Klaver", "L.A.J.M. Dassen", "E.M.J. Ploumen", "S.H. Simons"]
    assert (a["kabinetsappreciatie"], a["besluit"], a["date"], a["known_from"]) == \
        ("Ontraden", "Stemmen - verworpen", "2022-01-19", "odata")
    assert a["besluit_source"] == "tk-odata"                  # the decision's provenance is kept with it
    assert a["title"].startswith("Motie van het lid Simons c.s.") and a["tk_process_finished"] is None
    syn = m["kst-99999-12"]
    assert syn["zaak_nummer"] == "2099Z00001" and syn["date"] is None and syn["tk_process_finished"] == 1
    assert json.loads(syn["submitters"]) == ["SYNTHETIC Indiener"] and syn["dossier"] == "99999"
    rel = list(store.db.query("select from_zaak, to_zaak, from_soort from zaak_relations"))
    assert rel == [{"from_zaak": "2099Z00002", "to_zaak": "2099Z00001", "from_soort": "Brief regering"}]
    assert store.get_cursor("odata:moties") == norm_ts(DELETED["ApiGewijzigdOp"])   # newest row seen

    # second run: asks for rows changed after the cursor, gets none, changes nothing
    before = list(store.db.query("select * from motions order by id"))
    s2 = fetch_moties(store, client, odata_url=srv.url + "/odata")
    last = srv.requests_to("/odata/Zaak")[-1]
    assert f"ApiGewijzigdOp gt {norm_ts(DELETED['ApiGewijzigdOp'])}" in last.query["$filter"]
    assert s2["rows"] == 0 and list(store.db.query("select * from motions order by id")) == before


def test_text_derived_fields_are_never_emptied_and_placeholder_rows_fold(env):
    srv, store, client = env
    store.db["motions"].insert({"id": "kst-99999-12", "title": "Motie van het lid X (from the text)",
                                "considerations": json.dumps(["overwegende dat …"]), "dicta": json.dumps(["verzoekt"]),
                                "submitters": json.dumps(["X"]), "known_from": "document"})
    store.db["motions"].insert({"id": "2099Z00001", "zaak_nummer": "2099Z00001", "besluit": "Stemmen - aangenomen",
                                "known_from": "odata"})
    store.db.conn.commit()
    srv.route("/odata/Zaak", odata_pages(srv, [SYNTH]))
    fetch_moties(store, client, odata_url=srv.url + "/odata")
    m = motions(store)
    assert set(m) == {"kst-99999-12"}                      # the zaak-nummer placeholder folded into the kst row
    row = m["kst-99999-12"]
    assert row["title"] == "Motie van het lid X (from the text)" and json.loads(row["submitters"]) == ["X"]
    assert json.loads(row["considerations"]) == ["overwegende dat …"]
    assert row["besluit"] == "Stemmen - aangenomen"        # empty OData besluit did not erase it
    assert row["kabinetsappreciatie"] == "Oordeel Kamer" and row["known_from"] == "document,odata"


def test_resume_after_failure_mid_run_loses_nothing_and_duplicates_nothing(env):
    srv, store, client = env
    rows = []
    for i in range(6):   # SYNTHETIC copies of a real Zaak with distinct ids and change times
        z = copy.deepcopy(Z2)
        z["Id"], z["Nummer"] = f"id-{i}", f"2099Z1000{i}"
        z["ApiGewijzigdOp"] = f"2024-03-0{1 + i // 2}T00:00:00Z"    # ties in pairs, across page boundaries
        rows.append(z)
    good = odata_pages(srv, rows, page_size=3)
    calls = {"n": 0}

    def flaky(req):
        calls["n"] += 1
        if req.query.get("$skip") == "3" and calls["n"] < 10:
            return Reply(503, b"down")
        return good(req)
    srv.route("/odata/Zaak", flaky)
    with pytest.raises(FetchError):
        fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert store.db["motions"].count == 3
    # rows 0..2 stored; row 2 ties with row 3 on the next page, so the cursor stops below that tie
    assert store.get_cursor("odata:moties") == norm_ts("2024-03-01T00:00:00Z")
    calls["n"] = 100
    s = fetch_moties(store, client, odata_url=srv.url + "/odata")
    assert store.db["motions"].count == 6 and s["new"] == 3 and s["same"] == 1
    assert store.get_cursor("odata:moties") == norm_ts("2024-03-03T00:00:00Z")


def synthetic_toezegging(i, **kw):
    t = {"Id": f"t{i}", "Nummer": f"TZ2099{i:02d}-001", "Tekst": f"SYNTHETIC toezegging {i}",
         "Status": "Openstaand", "DatumNakoming": "0001-01-01T00:00:00Z", "Ministerie": "BZK",
         "Naam": "SYNTHETIC Minister", "Functie": "minister van BZK", "KamerbriefNakoming": None,
         "ActiviteitNummer": "2099A00001", "Aanmaakdatum": "2099-01-02T00:00:00Z",
         "ApiGewijzigdOp": f"2024-01-0{i}T00:00:00Z", "Verwijderd": False,
         "Activiteit": [{"Id": "act1", "Nummer": "2099A00001", "Soort": "Commissiedebat",
                         "Onderwerp": "SYNTHETIC debat", "Datum": "2099-01-01T10:00:00+01:00"}]}
    t.update(kw)
    return t


def test_toezeggingen_register_rows(env):
    srv, store, client = env
    items = [synthetic_toezegging(1), synthetic_toezegging(2, Status="Voldaan", DatumNakoming="2099-06-30T00:00:00Z",
                                                            KamerbriefNakoming="2099D00001; 2099D00002"),
             synthetic_toezegging(1)]
    srv.route("/odata/Toezegging", odata_pages(srv, items, page_size=2))
    s = fetch_toezeggingen(store, client, odata_url=srv.url + "/odata")
    assert s["new"] == 2 and s["duplicates"] == 1
    e1 = store.db["register_entries"].get("tk-TZ209901-001")
    assert (e1["register"], e1["status"], e1["due_date"], e1["ministry"], e1["person"], e1["function"]) == \
        ("tk", "Openstaand", None, "BZK", "SYNTHETIC Minister", "minister van BZK")
    assert json.loads(e1["activiteit"])["activiteiten"][0]["soort"] == "Commissiedebat"
    e2 = store.db["register_entries"].get("tk-TZ209902-001")
    assert json.loads(e2["fulfilling_letters"]) == ["2099D00001", "2099D00002"] and e2["due_date"] == "2099-06-30"
    c2 = store.db["commitments"].get("tk-TZ209902-001")
    assert (c2["source"], c2["register_status"], c2["deadline_end"], c2["date"]) == \
        ("tk_register", "Voldaan", "2099-06-30", "2099-01-01")
    # status changes in the register come through on the next run; nothing is duplicated
    items[0] = synthetic_toezegging(3, Nummer="TZ209901-001", Id="t1", Status="Voldaan")
    s2 = fetch_toezeggingen(store, client, odata_url=srv.url + "/odata")
    assert s2["changed"] == 1 and store.db["register_entries"].count == 2 and store.db["commitments"].count == 2
    assert store.db["register_entries"].get("tk-TZ209901-001")["status"] == "Voldaan"


def test_brieven_without_body_become_letter_documents(env):
    srv, store, client = env
    items = []
    for line in (FIX / "brieven_regering_metadata_2records.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)   # real TK metadata, field names mapped back to the OData Document entity
        items.append({"Id": r["document_id"], "DocumentNummer": r["document_nummer"], "Soort": r["soort"],
                      "Datum": r["datum"] + "T00:00:00+01:00", "Vergaderjaar": r["vergaderjaar"],
                      "Volgnummer": r["volgnummer"], "Titel": r["titel"], "Onderwerp": r["onderwerp"],
                      "ApiGewijzigdOp": r["datum"] + "T12:00:00Z", "Verwijderd": False, "DocumentVersie": [],
                      "Kamerstukdossier": [],
                      "Zaak": [{"Id": "zx", "Nummer": "2099Z20000", "Soort": "Brief regering",   # SYNTHETIC link
                                "GerelateerdNaar": [{"Id": "zm", "Nummer": "2022Z00782", "Soort": "Motie"}]}]})
    srv.route("/odata/Document", odata_pages(srv, items))
    s = fetch_brieven(store, client, odata_url=srv.url + "/odata", since="2023-01-01")
    assert s["new"] == 2
    doc = store.get_document("2023D44593")
    assert doc.kind == "letter" and doc.text == "" and doc.date == "2023-10-26"
    assert doc.title.startswith("Appreciatie van de motie van het lid Pouw-Verweij")
    assert doc.meta["tk_document_nummer"] == "2023D44593" and doc.sources[0].format == "odata"
    flt = srv.requests_to("/odata/Document")[0].query["$filter"]
    assert "Soort eq 'Brief regering'" in flt and "Datum ge 2023-01-01T00:00:00Z" in flt
    assert list(store.db.query("select from_zaak, to_zaak from zaak_relations")) == \
        [{"from_zaak": "2099Z20000", "to_zaak": "2022Z00782"}]
