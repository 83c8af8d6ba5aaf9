"""End to end over the bundled real documents: ingest → store → extract, through the CLI a user types."""
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamerstukken.cli import app
from kamerstukken.store import Store

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "kamerstukken" / "data" / "documents"
BROKEN = ROOT / "tests" / "fixtures" / "parse"
runner = CliRunner()


def run(*args, ok=True):
    res = runner.invoke(app, [str(a) for a in args])
    if ok:
        assert res.exit_code == 0, res.output
    return res


def copy_db(src_path, dst_path):
    """A copy of a store, including what is still in its WAL file (sqlite's backup API)."""
    import sqlite3
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
    src.backup(dst)
    src.close()
    dst.close()
    return dst_path


def table_dump(path) -> dict:
    s = Store(path)
    out = {t: sorted(map(repr, s.db.execute(f"select * from [{t}]").fetchall()))
           for t in s.db.table_names() if not t.startswith("documents_fts")}
    s.close()
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    db = tmp_path_factory.mktemp("pipe") / "k.db"
    run("ingest", DOCS, "--db", db, "-q")
    run("extract", "--all", "--db", db, "-q")
    return db


def test_bundled_documents_give_seven_documents(built):
    rows = json.loads(run("documents", "--db", built, "--json").stdout)
    assert len(rows) == 7
    ids = {r["id"]: r for r in rows}
    assert ids["kst-35786-7"]["kind"] == "motion" and ids["kst-36045-299"]["kind"] == "motion"
    assert ids["kst-28844-269"]["kind"] == "letter"
    assert ids["kst-35300-VII-109"]["n_sources"] == 2


def test_same_letter_from_html_text_and_pdf_text_is_one_document(built):
    doc = json.loads(run("show", "kst-35300-VII-109", "--db", built, "--json").stdout)
    assert doc["date"] == "2020-03-12"
    assert {s["format"] for s in doc["sources"]} == {"text", "pdf-text"}
    notes = {f["mark"]: f["text"] for f in doc["footnotes"]}
    assert "Kamerstuk 35 300 VII, nr. 20" in notes["1"]
    assert "nr. 7" in notes["2"]


def test_reingest_changes_nothing(built, tmp_path):
    copy = copy_db(built, tmp_path / "again.db")
    before = table_dump(copy)
    res = run("ingest", DOCS, "--db", copy, "--json")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["added"] == [] and len(out["unchanged"]) == 8
    run("extract", "--all", "--db", copy, "-q")
    assert table_dump(copy) == before


def test_bad_files_fail_alone_with_a_message(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DOCS / "kst-35786-7_motie.xml", folder)
    broken = [p for p in BROKEN.iterdir() if p.name.startswith(("truncated", "corrupt", "malformed", "empty", "binary"))]
    assert len(broken) >= 4
    for p in broken:
        shutil.copy(p, folder)
    db = tmp_path / "k.db"
    res = run("ingest", folder, "--db", db, "--json", ok=False)
    assert res.exit_code == 1
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["added"] == ["kst-35786-7"]
    failed = {Path(e["origin"]).name for e in out["errors"]}
    assert failed == {p.name for p in broken}
    assert all(e["error"] and "\n" not in e["error"] for e in out["errors"])
    s = Store(db)
    assert s.db["documents"].count == 1 and s.db["paragraphs"].count > 0
    assert {Path(r["origin"]).name for r in s.db["ingest_errors"].rows} == failed


def test_search_finds_the_letter(built):
    hits = json.loads(run("search", "taakdifferentiatie", "--db", built, "--json").stdout)
    assert hits[0]["id"] == "kst-35300-VII-109"
    # an FTS syntax error (a stray quote) → the words searched as a phrase, no traceback
    res = run("search", 'taakdifferentiatie"', "--db", built, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)[0]["id"] == "kst-35300-VII-109"


def test_seed_000_motion_declared_done_with_reference_and_deadlines(built):
    s = Store(built)
    mentions = list(s.db.query("select * from motion_mentions where doc_id = 'kst-35300-VII-109' order by idx"))
    assert mentions[0]["ref"] == "kst-35300-VII-20"
    assert json.loads(mentions[0]["submitters"]) == ["Van der Molen"]
    done = [m for m in mentions if m["declared_done"]]
    assert done and done[0]["ref"] == "kst-35300-VII-20"  # "deze motie … als afgedaan" points back
    dls = {d["text"]: d for d in s.db.query("select * from deadlines where doc_id = 'kst-35300-VII-109'")}
    assert dls["vóór 1 maart 2020"]["end"] == "2020-02-29"
    assert (dls["na de zomer"]["start"], dls["na de zomer"]["end"]) == ("2020-09-01", "2020-11-30")
    commitments = list(s.db.query("select * from commitments where doc_id = 'kst-35300-VII-109'"))
    assert any(c["deadline_text"] == "na de zomer" and c["deadline_end"] == "2020-11-30" for c in commitments)


def test_kst_28844_269_fulfils_a_toezegging_and_declares_motion_261_done(built):
    s = Store(built)
    types = {r["type"] for r in s.db.query("select type from statements where doc_id = 'kst-28844-269'")}
    assert "fulfilment" in types
    done = [r["ref"] for r in s.db.query(
        "select ref from motion_mentions where doc_id = 'kst-28844-269' and declared_done = 1")]
    assert done == ["kst-28844-261"]


def test_undated_seed_004_resolves_only_after_it_gets_a_date(tmp_path):
    db = tmp_path / "k.db"
    seed = DOCS / "004_ef7e409c40d2d7de.txt"
    run("ingest", seed, "--db", db, "-q")
    run("extract", "--all", "--db", db, "-q")
    s = Store(db)

    def deadlines():
        return {r["text"].lower(): (r["start"], r["end"]) for r in s.db.query("select * from deadlines")}
    d = deadlines()
    assert d["in het voorjaar van 2020"] == ("2020-03-01", "2020-05-31")
    assert d["voor de zomer 2020"][1] is not None
    assert d["voor het einde van dit jaar"] == (None, None)
    assert d["eerdaags"] == (None, None)
    run("ingest", seed, "--db", db, "--date", "2019-10-14", "-q")
    run("extract", "--all", "--db", db, "-q")
    d = deadlines()
    assert d["voor het einde van dit jaar"][1] == "2019-12-31"
    assert d["eerdaags"][1] == "2019-11-13"
    assert s.db["documents"].count == 1


def test_extract_interface_on_a_real_sentence():
    line = json.dumps({"id": "s1", "anchor_date": "2020-03-12",
                       "text": "Het is mijn voornemen uw Kamer na de zomer te informeren over de eerste opbrengsten."})
    res = runner.invoke(app, ["extract", "-"], input=line + "\n{broken\n")
    assert res.exit_code == 0
    first, second = [json.loads(x) for x in res.stdout.splitlines()]
    assert first["statements"][0]["type"] == "commitment"
    assert first["deadlines"][0]["end"] == "2020-11-30"
    assert "error" in second


def test_evaluate_counts_like_the_grading_rule():
    """A wrong gold end date (Dec 31 instead of Nov 30 for "na de zomer") is a miss and a false positive."""
    res = json.loads(run("evaluate", "--gold", ROOT / "tests" / "fixtures" / "evaluate", "--json").stdout)
    d = res["deadlines"]
    assert (d["tp"], d["fp"], d["fn"]) == (0, 1, 1)
    assert d["end_date_accuracy"] == 0.0


def test_export_tables_and_links(built, tmp_path):
    import csv
    import io
    db = copy_db(built, tmp_path / "linked.db")
    run("link", "--db", db, "--json")
    rows = [json.loads(x) for x in run("export", "documents", "--db", db).stdout.splitlines()]
    assert {r["id"] for r in rows} >= {"kst-35300-VII-109", "kst-28844-269"}
    table = list(csv.DictReader(io.StringIO(run("export", "deadlines", "--db", db, "--format", "csv").stdout)))
    assert any(r["text"] == "na de zomer" and r["end"] == "2020-11-30" for r in table)
    links = {o["from"]: o["candidates"] for o in
             map(json.loads, run("export", "links", "--candidates", "3", "--db", db).stdout.splitlines())}
    top = links["kst-35300-VII-109"][0]
    assert (top["to"], top["relation"], top["accepted"]) == ("kst-35300-VII-20", "fulfils", True)
    assert set(top) >= {"to", "score", "accepted", "relation", "evidence"}
    assert links["kst-28844-269"][0]["to"] == "kst-28844-261"


def test_a_register_entry_given_as_jsonl_is_one_commitment_with_its_deadline(tmp_path):
    # a real sentence (letter kst-35300-VII-113, tests/fixtures/commitments/sentences.jsonl), given as an entry
    text = next(json.loads(x)["text"] for x in (ROOT / "tests/fixtures/commitments/sentences.jsonl").open()
                if "uiterlijk 30 april" in x)
    p = tmp_path / "register.jsonl"
    p.write_text(json.dumps({"id": "reg-1", "kind": "commitment", "date": "2020-03-24", "title": "Toezegging",
                             "text": text}) + "\n", encoding="utf-8")
    db = tmp_path / "k.db"
    run("ingest", "--jsonl", p, "--db", db, "-q")
    run("extract", "--all", "--db", db, "-q")
    run("extract", "--all", "--db", db, "-q")  # re-running replaces, never doubles
    rows = json.loads(run("commitments", "--db", db, "--json", "--today", "2020-06-01").stdout)
    assert [(r["id"], r["deadline_end"], r["status"], r["days_overdue"]) for r in rows] == \
        [("reg-1", "2020-04-30", "overdue", 32)]
