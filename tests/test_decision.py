"""The Kamer's decision on a motion decides what its status can be (real motions and letter Zaken of the shared
corpus, tests/fixtures/decision): a rejected motion is `not_adopted` whatever letters say, a motion whose decision
is unknown is never open or overdue, a held motion is `held`; the decision's source is shown with it."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamerstukken.decision import decision_of, inferred_adoption, keep_stored_decision, replaced_motion
from kamerstukken.ingest import ingest_jsonl
from kamerstukken.link import link_store
from kamerstukken.stages import extract_all
from kamerstukken.status import compute_status, list_motions, status_of
from kamerstukken.store import Store

FIX = Path(__file__).parent / "fixtures" / "decision"
TODAY = date(2025, 12, 1)
THIRD = "third party, unverified"


def _records() -> list[dict]:
    """The fixture as `ingest --jsonl` records (spec/extract-io.md §2), the corpus's vote as `besluit`."""
    out = []
    for l in (FIX / "motions.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(l)
        rec = {"id": m["kst_id"], "kind": "motion", "date": m["datum"], "title": m["onderwerp"], "text": m["tekst"],
               "source": f"https://zoek.officielebekendmakingen.nl/{m['kst_id']}.html", "dossier": m["dossier"]}
        if m["besluit_motiematcher_unverified"]:
            rec.update(besluit=m["besluit_motiematcher_unverified"], besluit_source=THIRD)
        out.append(rec)
    for l in (FIX / "letters.jsonl").read_text(encoding="utf-8").splitlines():
        z = json.loads(l)
        out.append({"id": z["Nummer"], "kind": "letter", "date": z["GestartOp"], "title": z["Onderwerp"], "text": ""})
    return out


def _write(tmp_path: Path, recs: list[dict], name: str = "in.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return p


@pytest.fixture()
def store(tmp_path) -> Store:
    s = Store(tmp_path / "k.db")
    ingest_jsonl(s, _write(tmp_path, _records()))
    extract_all(s)
    link_store(s, update_status=False)
    compute_status(s, TODAY)
    return s


def test_decision_vocabulary_of_the_sources():
    assert decision_of("Stemmen - aangenomen") == decision_of("aangenomen") == decision_of("Overgenomen") == "adopted"
    assert decision_of("Stemmen - verworpen") == decision_of("Stemmen - niet aangenomen") == "rejected"
    assert decision_of("ingetrokken") == "withdrawn" and decision_of("Stemmen - aangehouden") == "held"
    assert decision_of("Stemmen - gestaakt") == decision_of("Stemmen - uitstellen") == decision_of(None) == "unknown"


def test_a_rejected_motion_is_not_adopted_whatever_letters_say(store):
    # 2024Z06607 "Uitvoering van de motie … (Kamerstuk 36410-XIV-85)" names it by reference as carried out
    info = status_of(store, "kst-36410-XIV-85", TODAY)
    assert any(l["from_id"] == "2024Z06607" and l["relation"] == "fulfils" and l["accepted"] for l in info["links"])
    st = info["status"]
    assert st["status"] == "not_adopted" and st["fulfilled_by"] is None and st["days_overdue"] is None
    assert (st["decision"], st["decision_source"], st["besluit"]) == ("rejected", THIRD, "Stemmen - verworpen")
    assert "2024Z06607" in st["note"]


def test_a_motion_with_unknown_decision_is_never_open(store, tmp_path):
    rows = {r.id: r for r in compute_status(store, TODAY)}
    # kst-33836-94: no decision in the record, though 2024Z10606 "Invulling motie … (Kamerstuk 33836-94)" names it
    assert rows["kst-33836-94"].status == "decision_unknown" and rows["kst-33836-94"].fulfilled_by is None
    assert rows["kst-36410-X-51"].status == "decision_unknown"
    # the adopted motion of the same letter is fulfilled by it
    assert rows["kst-33836-93"].status == "fulfilled" and rows["kst-33836-93"].fulfilled_by == "2024Z10606"
    assert rows["kst-24587-1031"].status == "held"
    open_ids = {r["id"] for r in list_motions(store, open_only=True, today=TODAY)}
    assert not open_ids & {"kst-33836-94", "kst-36410-X-51", "kst-36410-XIV-85", "kst-24587-1031"}
    from kamerstukken.cli import app
    res = CliRunner().invoke(app, ["motions", "--open", "--json", "--db", str(store.path), "--today", "2025-12-01"])
    assert res.exit_code == 0, res.output
    assert all(r["decision"] == "adopted" for r in json.loads(res.output))


def test_a_decision_given_later_changes_the_status_and_keeps_its_source(store, tmp_path):
    """`ingest --jsonl` of the same motion with the Kamer's own decision: the status follows; the bundled
    third-party field given again afterwards does not overrule it."""
    rec = next(r for r in _records() if r["id"] == "kst-33836-94")
    ingest_jsonl(store, _write(tmp_path, [{**rec, "besluit": "aangenomen", "besluit_source": "tk-odata"}], "b.jsonl"))
    extract_all(store)
    link_store(store, update_status=False)
    row = {r.id: r for r in compute_status(store, TODAY)}["kst-33836-94"]
    assert (row.decision, row.decision_source, row.status) == ("adopted", "tk-odata", "fulfilled")
    ingest_jsonl(store, _write(tmp_path, [{**rec, "besluit": "Stemmen - verworpen", "besluit_source": THIRD}], "c.jsonl"))
    extract_all(store)
    link_store(store, update_status=False)
    row = {r.id: r for r in compute_status(store, TODAY)}["kst-33836-94"]
    assert (row.decision, row.decision_source) == ("adopted", "tk-odata")


def test_keep_stored_decision_and_replaced_motion():
    old = {"besluit": "aangenomen", "besluit_source": "tk-odata"}
    assert keep_stored_decision(old, {"besluit": "verworpen", "besluit_source": THIRD, "title": "t"}) == {"title": "t"}
    assert keep_stored_decision(None, {"besluit": "verworpen"}) == {"besluit": "verworpen"}
    # real titles and headers of the corpus: kst-19637-3195 replaces kst-19637-3190
    assert replaced_motion("kst-19637-3195", "Gewijzigde motie van het lid Keijzer over … t.v.v. 19637-3190") == \
        "kst-19637-3190"
    assert replaced_motion("kst-19637-3195", "", "MOTIE VAN HET LID KEIJZER TER VERVANGING VAN DIE GEDRUKT ONDER "
                                                 "NR. 3190") == "kst-19637-3190"
    assert replaced_motion("kst-19637-3191", "Motie van het lid Keijzer over uitspreken …") is None


def test_a_letter_saying_the_kamer_asked_for_it_shows_adoption():
    # seed 000, kst-35300-VII-109
    ctx = "Uw Kamer heeft bij motie van het lid Van der Molen¹ verzocht om «op systematische wijze het gesprek"
    assert inferred_adoption(ctx, False) and inferred_adoption("", True) == "declared done"
    assert inferred_adoption("In deze motie wordt de regering verzocht om de correspondentie", False) is None


def test_the_bundled_motions_carry_the_corpus_decision_marked_unverified(tmp_path):
    import gzip
    src = Path(__file__).resolve().parents[1] / "kamerstukken" / "data" / "corpus" / "motions.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        recs = [json.loads(l) for _, l in zip(range(300), fh)]
    s = Store(tmp_path / "b.db")
    ingest_jsonl(s, _write(tmp_path, recs))
    extract_all(s)
    rows = compute_status(s, TODAY)
    by = {r.id: r for r in rows}
    for rec in recs:
        r = by[rec["id"]]
        assert r.decision == decision_of(rec.get("besluit"))
        if rec.get("besluit"):
            assert r.decision_source.startswith(THIRD)
        if r.decision != "adopted":
            assert r.status not in ("open", "overdue", "fulfilled", "fulfilled_late", "claimed_done")
    assert {r.decision for r in rows} >= {"adopted", "rejected"}
