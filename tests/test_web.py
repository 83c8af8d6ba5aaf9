"""The web UI (`kamerstukken serve`): a real Datasette server on 127.0.0.1 over a database built from the bundled
real documents. Canned queries answer as JSON and as pages, writes are refused, a bad full-text query gets a
clear message, official ids link to zoek.officielebekendmakingen.nl, and the metadata describes every column.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kamerstukken import web
from kamerstukken.web.plugins.kamerstukken_ui import (fts_query, fts_words, mark_span, motion_id, publication_url,
                                                      render_highlight)

QUERIES = ["search_documents", "motion_status", "overdue_commitments", "overdue_counts", "motions_declared_done",
           "motion_decisions",
           "commitments_fulfilled_late", "letters_settling_nothing", "watch_feed", "status_feed",
           "document_extractions"]
# Facts of the bundled real documents: the letter kst-28844-269 (BZK, 7 July 2023) says "beschouw ik de betreffende
# motie Van Baarle-Dassen als afgedaan" about motion kst-28844-261, and cites kst-28844-266 in a footnote.
LETTER, MOTION = "kst-28844-269", "kst-28844-261"


from replay import build_database  # noqa: E402  (shared with the browser and watch tests)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    return build_database(tmp_path_factory.mktemp("web") / "kamerstukken.db")


@pytest.fixture(scope="module")
def server(db_file, tmp_path_factory):
    log = open(tmp_path_factory.mktemp("weblog") / "serve.log", "w+")
    before = sha256(db_file)
    proc, base = web.start_server(db_file, log=log)
    try:
        yield {"base": base, "db": base + "/kamerstukken", "hash_before": before, "proc": proc}
    finally:
        web.stop_server(proc)
        log.close()


def get(url: str, *, method: str = "GET", data: bytes | None = None):
    """(status, body text, content-type) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8"), r.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), e.headers.get("content-type", "")


def query_json(server, name: str, **params):
    qs = urllib.parse.urlencode({**params, "_shape": "objects"})
    status, body, ctype = get(f"{server['db']}/{name}.json?{qs}")
    assert status == 200, body[:500]
    assert "json" in ctype
    data = json.loads(body)
    assert data["ok"] is True, data.get("error")
    return data


def rows_of(db_file: Path, sql: str, params=()):
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


# --------------------------------------------------------------------------- plain functions (no server)

def test_publication_url_only_for_official_ids():
    assert publication_url("kst-35300-VII-20") == "https://zoek.officielebekendmakingen.nl/kst-35300-VII-20.html"
    assert publication_url("h-tk-20192020-45-7") == "https://zoek.officielebekendmakingen.nl/h-tk-20192020-45-7.html"
    assert publication_url("ah-tk-20192020-2345").endswith("/ah-tk-20192020-2345.html")
    for not_an_id in ("2024D14761", "kst-", "zie kst-35300-VII-20", "doc-c9306e2648bdade8", None, 12):
        assert publication_url(not_an_id) is None


def test_motion_id_reads_what_people_type():
    for typed in ("kst-36200-VII-12", "36200-VII-12", "36200 VII nr 12", "Kamerstuk 36 200 VII, nr. 12"):
        assert motion_id(typed) == "kst-36200-VII-12", typed
    assert motion_id("21501-32-1740") == "kst-21501-32-1740"
    assert motion_id("stikstof boeren") is None


def test_fts_helpers_never_produce_invalid_syntax():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(x)")
    conn.execute("insert into t values ('motie over stikstof en mest')")
    for q in ('"stikstof', "stikstof (mest", "NOT", "AND OR", "", "  ", "mest*", 'a"b', "x:y"):
        for f in (fts_words, fts_query):
            conn.execute("select * from t where t match ?", [f(q)]).fetchall()  # must not raise
    assert fts_query('"stikstof en mest"') == '"stikstof en mest"'  # valid syntax is kept
    assert conn.execute("select count(*) from t where t match ?", [fts_words("mest*")]).fetchone()[0] == 1


def test_mark_span_marks_the_span_in_its_sentence():
    text = ("Ik heb uw Kamer toegezegd te informeren. Met deze brief geef ik gevolg aan mijn toezegging "
            "(Kamerstuk 28 844, nr. 266). Tot slot nog dit.")
    s = text.index("Kamerstuk")
    e = text.index(")", s)
    out = mark_span(text, s, e)
    assert out == "Met deze brief geef ik gevolg aan mijn toezegging (⟦Kamerstuk 28 844, nr. 266⟧)."
    assert render_highlight(out).count("<mark>") == 1
    assert render_highlight("a <b> ⟦c⟧") == "a &lt;b&gt; <mark>c</mark>"
    assert mark_span(text, -1, -1) is None and mark_span(text, 5, 10_000) is None


# --------------------------------------------------------------------------- metadata

def test_metadata_describes_every_table_and_column(db_file):
    md = web.load_metadata()["databases"]["kamerstukken"]["tables"]
    tables = rows_of(db_file, "select name from sqlite_master where type in ('table', 'view') "
                              "and name not like 'sqlite_%'")
    missing = []
    for t in (r["name"] for r in tables):
        if not (md.get(t) or {}).get("description"):
            missing.append(t)
            continue
        cols = [r["name"] for r in rows_of(db_file, f"select name from pragma_table_info('{t}')")]
        missing += [f"{t}.{c}" for c in cols if not (md[t].get("columns") or {}).get(c)]
    assert not missing, f"describe these in kamerstukken/web/metadata.yaml: {missing}"


def test_every_canned_query_prepares_against_the_built_database(db_file):
    assert web.check_queries(db_file) == {}
    assert list(web.load_metadata()["databases"]["kamerstukken"]["queries"]) == QUERIES
    for name, q in web.load_metadata()["databases"]["kamerstukken"]["queries"].items():
        assert q.get("title") and q.get("description_html"), name
        assert not q.get("write"), name
        assert re.match(r"\s*(select|with)\b", q["sql"], re.I), name


def test_datasette_command_is_read_only_and_sql_off_by_default(db_file):
    args = web.datasette_args(db_file, "m.json")
    assert args[args.index("default_allow_sql") + 1] == "off"
    assert "-i" not in args and "--immutable" not in args and str(db_file) in args
    imm = web.datasette_args(db_file, "m.json", immutable=True)
    assert imm[imm.index("-i") + 1] == str(db_file)
    on = web.datasette_args(db_file, "m.json", allow_sql=True)
    assert on[on.index("default_allow_sql") + 1] == "on"


# --------------------------------------------------------------------------- the server

def test_index_lists_the_canned_queries_and_tables(server):
    status, body, _ = get(server["db"] + ".json")
    assert status == 200
    data = json.loads(body)
    assert [q["name"] for q in data["queries"]] == QUERIES
    names = {t["name"]: t for t in data["tables"]}
    assert not names["documents"]["hidden"] and names["raw_responses"]["hidden"]
    assert names["documents"]["fts_table"] == "documents_fts"


def test_search_documents_marks_hits(server):
    data = query_json(server, "search_documents", zoek="stikstof")
    assert data["rows"]
    for r in data["rows"]:
        inside = re.findall("⟦(.*?)⟧", r["highlight"])
        assert inside and all(w.lower().startswith("stikstof") for w in inside), r
    letters = query_json(server, "search_documents", zoek="stikstof", soort="letter")["rows"]
    assert letters and {r["kind"] for r in letters} == {"letter"} and len(letters) < len(data["rows"])


def test_search_documents_falls_back_to_words_on_bad_syntax(server):
    bad = query_json(server, "search_documents", zoek='"stikstof (mest')["rows"]
    words = query_json(server, "search_documents", zoek="stikstof mest")["rows"]
    assert bad and [r["id"] for r in bad] == [r["id"] for r in words]
    assert query_json(server, "search_documents", zoek="")["rows"] == []


def test_motion_status_by_id_in_any_spelling(server):
    for typed in (MOTION, "28844-261", "Kamerstuk 28 844, nr. 261"):
        rows = query_json(server, "motion_status", motie=typed)["rows"]
        assert [r["motie"] for r in rows] == [MOTION], typed
        assert rows[0]["status"] in ("claimed_done", "fulfilled_late") and rows[0]["claimed_by"] == LETTER
        assert LETTER in (rows[0]["letters"] or "")


def test_motion_status_by_words(server, db_file):
    rows = query_json(server, "motion_status", motie="grenscontroles migratie noodsituatie")["rows"]
    ids = [r["motie"] for r in rows]
    assert "kst-19637-3191" in ids
    titles = {r["id"]: r["title"] for r in rows_of(db_file, "select id, title from motions")}
    assert all(i in titles for i in ids)


def test_overdue_commitments_per_ministry(server, db_file):
    rows = query_json(server, "overdue_commitments", ministerie="BZK", peildatum="2025-10-01")["rows"]
    assert rows, "the bundled BZK letters hold commitments with deadlines in 2020"
    for r in rows:
        assert r["ministry"] == "BZK" and r["deadline_end"] < "2025-10-01" and r["days_overdue"] > 0
    assert [r["days_overdue"] for r in rows] == sorted((r["days_overdue"] for r in rows), reverse=True)
    everyone = query_json(server, "overdue_commitments", peildatum="2025-10-01")["rows"]
    assert len(everyone) >= len(rows)
    assert query_json(server, "overdue_commitments", peildatum="2000-01-01")["rows"] == []
    no_member = query_json(server, "overdue_commitments", kamerlid="Zzyzx-niemand")["rows"]
    assert no_member == []
    counts = query_json(server, "overdue_counts", peildatum="2025-10-01")["rows"]
    assert sum(r["overdue"] for r in counts) == len(everyone)
    bzk = [r for r in counts if r["ministry"] == "BZK"]
    assert sum(r["overdue"] for r in bzk) == len(rows)
    assert max(r["max_days_overdue"] for r in bzk) == rows[0]["days_overdue"]


def test_motions_declared_done_with_the_letter_sentence(server):
    rows = query_json(server, "motions_declared_done")["rows"]
    hit = [r for r in rows if r["motie"] == MOTION]
    assert hit and hit[0]["brief"] == LETTER and hit[0]["brief_datum"] == "2023-07-07"
    assert "⟦" in hit[0]["highlight"] and "afgedaan" in hit[0]["highlight"]


def test_commitments_fulfilled_late_are_late_and_ranked(server, db_file):
    data = query_json(server, "commitments_fulfilled_late")
    assert data["columns"][:4] == ["ministry", "member", "days_late", "deadline_end"]
    rows = data["rows"]
    assert rows, "the bundled motions include some answered after their deadline"
    days = [r["days_late"] for r in rows]
    assert all(d > 0 for d in days) and days == sorted(days, reverse=True)
    for r in rows:  # days late = date of the fulfilling letter - deadline end, checked against the documents
        letter_date = rows_of(db_file, "select date from documents where id = ?", [r["brief"]])[0]["date"]
        assert letter_date == r["fulfilled_on"] > r["deadline_end"]
    kinds = {r["kind"] for r in rows}
    for k in kinds:
        only = query_json(server, "commitments_fulfilled_late", soort=k)["rows"]
        assert only and {r["kind"] for r in only} == {k}


def test_letters_settling_nothing(server, db_file):
    rows = query_json(server, "letters_settling_nothing", _size="max")["rows"]
    ids = {r["brief"] for r in rows}
    assert rows and LETTER not in ids
    settled = {r["from_id"] for r in rows_of(db_file, "select from_id from links where accepted = 1 and "
                                                       "relation in ('fulfils', 'responds')")}
    kinds = {r["id"]: r["kind"] for r in rows_of(db_file, "select id, kind from documents")}
    assert not ids & settled and {kinds[i] for i in ids} == {"letter"}


def test_document_extractions_mark_exactly_the_extracted_span(server, db_file):
    rows = query_json(server, "document_extractions", document=LETTER, _size="max")["rows"]
    text = rows_of(db_file, "select text from documents where id = ?", [LETTER])[0]["text"]
    kinds = {r["wat"].split(":")[0].split(" ")[0] for r in rows}
    assert {"uitspraak", "verwijzing", "motie"} <= kinds
    starts = [r["char_start"] for r in rows]
    assert starts == sorted(starts)
    checked = 0
    for r in rows:
        if r["char_start"] < 0:
            continue
        inside = re.search("⟦(.*?)⟧", r["highlight"], re.S).group(1)
        if r["char_end"] > r["char_start"]:
            assert re.sub(r"\s+", " ", text[r["char_start"]:r["char_end"]]).strip() == inside.strip()
            checked += 1
    assert checked >= 3
    assert any(r["details"] == "kst-28844-266" for r in rows)


def test_canned_queries_render_as_pages(server):
    for name, params in [("search_documents", {"zoek": "stikstof"}), ("motion_status", {"motie": MOTION}),
                         ("overdue_commitments", {"peildatum": "2025-10-01"}), ("overdue_counts", {}),
                         ("motions_declared_done", {}),
                         ("commitments_fulfilled_late", {}), ("letters_settling_nothing", {}),
                         ("document_extractions", {"document": LETTER})]:
        status, body, ctype = get(f"{server['db']}/{name}?{urllib.parse.urlencode(params)}")
        assert status == 200 and "text/html" in ctype, name
        title = web.load_metadata()["databases"]["kamerstukken"]["queries"][name]["title"]
        assert title.replace("'", "&#39;") in body or title in body, name
    _, body, _ = get(f"{server['db']}/document_extractions?document={LETTER}")
    assert '<a class="ob-link" href="https://zoek.officielebekendmakingen.nl/kst-28844-266.html"' in body
    assert "<mark>" in body
    _, body, _ = get(f"{server['db']}/motions_declared_done")
    assert f'href="https://zoek.officielebekendmakingen.nl/{LETTER}.html"' in body


def test_table_page_facets_and_year_facet(server):
    status, body, _ = get(server["db"] + "/documents.json?_search=stikstof&_col=title")
    data = json.loads(body)
    facets = data["facet_results"]
    assert {"kind", "ministry", "date", "vergaderjaar"} <= set(facets)
    years = facets["date"]
    assert years["type"] == "year" and all(re.fullmatch(r"\d{4}", v["value"]) for v in years["results"])
    assert sum(v["count"] for v in years["results"]) == data["filtered_table_rows_count"]
    y = years["results"][0]
    _, body, _ = get(y["toggle_url"].replace("/documents?", "/documents.json?"))
    assert json.loads(body)["filtered_table_rows_count"] == y["count"]


def test_bad_fulltext_query_gets_a_clear_message(server):
    status, body, ctype = get(server["db"] + "/documents.json?" + urllib.parse.urlencode({"_search": '"stikstof'}))
    assert status == 400 and "json" in ctype
    err = json.loads(body)["error"]
    assert "search query not understood" in err and '"stikstof' in err and "double quotes" in err
    status, body, _ = get(server["db"] + "/documents?" + urllib.parse.urlencode({"_search": "stikstof AND"}))
    assert status == 400 and "Zoekfout" in body and "search query not understood" in body
    status, _, _ = get(server["db"] + "/documents.json?" + urllib.parse.urlencode({"_search": '"stikstof"'}))
    assert status == 200


def test_writes_and_arbitrary_sql_are_refused(server, db_file):
    for url in (server["db"] + "/documents", server["db"] + "/motion_status", server["db"],
                server["db"] + "/documents/-/insert"):
        status, body, _ = get(url, method="POST", data=b"motie=x")
        assert status == 405 and "read-only" in body, url
    status, _, _ = get(server["db"] + "/documents/" + urllib.parse.quote(LETTER), method="DELETE")
    assert status == 405
    status, body, _ = get(server["db"] + ".json?" + urllib.parse.urlencode({"sql": "select 1"}))
    assert status == 403  # arbitrary SQL is off (the canned queries, facets and search stay available)
    for sql in ("delete from documents", "insert into meta values ('x', 'y')"):
        status, body, _ = get(server["db"] + ".json?" + urllib.parse.urlencode({"sql": sql}))
        assert status in (400, 403) and json.loads(body)["ok"] is False, sql
    assert sha256(db_file) == server["hash_before"]
    assert rows_of(db_file, "select count(*) n from meta where key = 'x'")[0]["n"] == 0


def test_allow_sql_is_still_read_only(db_file, tmp_path):
    proc, base = web.start_server(db_file, extra=("--allow-sql",))
    try:
        status, body, _ = get(base + "/kamerstukken.json?" + urllib.parse.urlencode(
            {"sql": "select count(*) as n from documents", "_shape": "array"}))
        assert status == 200 and json.loads(body)[0]["n"] > 1000
        for sql in ("insert into meta values ('x', 'y')", "delete from documents",
                    "select 1; delete from documents", "pragma query_only = 0"):
            status, body, _ = get(base + "/kamerstukken.json?" + urllib.parse.urlencode({"sql": sql}))
            assert status in (400, 403), (sql, status)
    finally:
        web.stop_server(proc)
    assert rows_of(db_file, "select count(*) n from meta where key = 'x'")[0]["n"] == 0


def test_serve_cli_refuses_a_missing_database_and_dry_runs(db_file, tmp_path):
    from typer.testing import CliRunner
    from kamerstukken.cli import app
    res = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 2 and "no database" in res.output
    res = CliRunner().invoke(app, ["serve", "--db", str(db_file), "--port", "8123", "--dry-run"])
    assert res.exit_code == 0, res.output
    cmd = res.output.split()
    assert cmd[1:4] == ["-m", "datasette", "serve"] and cmd[cmd.index("--port") + 1] == "8123"
    meta = json.loads(Path(cmd[cmd.index("--metadata") + 1]).read_text(encoding="utf-8"))
    assert list(meta["databases"]) == ["kamerstukken"] and list(meta["databases"]["kamerstukken"]["queries"]) == QUERIES


def test_runtime_metadata_leaves_out_what_an_older_database_cannot_answer(tmp_path):
    import sqlite_utils
    from kamerstukken.store import MIGRATIONS
    old = tmp_path / "old.db"
    db = sqlite_utils.Database(old)
    MIGRATIONS[0](db)  # documents and full-text search only
    db.conn.close()
    warnings = []
    md = web.runtime_metadata(old, warn=warnings.append)["databases"]["old"]
    assert set(md["queries"]) == {"search_documents"}
    assert len(warnings) == len(QUERIES) - 1 and all("left out" in w for w in warnings)
    assert "documents" in md["tables"] and "status" not in md["tables"]


# --------------------------------------------------------------------------- hostile requests (issue 16)

def test_debug_endpoints_do_not_expose_local_paths(server, db_file):
    for path in ("/-/databases.json", "/-/databases", "/-/threads.json", "/-/threads", "/-/permissions"):
        status, body, _ = get(server["base"] + path)
        assert status == 404 and str(db_file) not in body, path
    status, body, _ = get(server["base"] + "/-/versions.json")      # harmless ones stay
    assert status == 200
    status, body, _ = get(server["db"] + "/sources.json?_shape=array&_size=max")
    origins = [r["origin"] for r in json.loads(body)]
    assert origins and not [o for o in origins if o.startswith("/")]   # relative paths or URLs only
    assert any(o.startswith("kamerstukken/data/") for o in origins)


def test_peildatum_must_be_an_iso_date(server):
    for bad in ("garbage", "2024-02-30", "20240101", "2024-W01-1", "2024-01-01T25:00"):
        status, body, _ = get(server["db"] + "/overdue_commitments.json?" + urllib.parse.urlencode({"peildatum": bad}))
        assert status == 400 and "YYYY-MM-DD" in json.loads(body)["error"], bad
    good = query_json(server, "overdue_commitments", peildatum="2021-01-01")
    later = query_json(server, "overdue_commitments", peildatum="2030-01-01")
    assert len(good["rows"]) <= len(later["rows"])


def test_oversized_search_and_junk_parameters_are_400_not_500(server):
    status, body, _ = get(server["db"] + "/documents.json?" + urllib.parse.urlencode({"_search": " ".join(["a*"] * 300)}))
    assert status == 400 and "search too long" in json.loads(body)["error"]
    status, _, _ = get(server["db"] + "/search_documents.json?" + urllib.parse.urlencode({"zoek": "x " * 400}))
    assert status == 400
    for junk in ("_sort=%00", "_facet=%00", "_sort_desc=nope", "id__in=%5B"):
        status, body, _ = get(server["db"] + "/documents.json?" + junk)
        assert status == 400 and json.loads(body)["ok"] is False, junk
