"""The status ledger, on the real seed letter kst-35300-VII-109 and the Kamerbrief kst-28844-269."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kamerstukken.status import (compute_status, decide, list_commitments, list_motions, register_class,
                                 status_of)
from kamerstukken.store import Store
from conftest import linked_letters_store

FIX = Path(__file__).parent / "fixtures" / "link"


# ----------------------------------------------------------------------------- pure decision

def test_decide_fulfilled_late_counts_days_from_deadline_end():
    d = decide("2019-11-14", "2020-02-29", [("kst-35300-VII-109", "2020-03-12")], [], date(2024, 1, 1))
    assert d["status"] == "fulfilled_late" and d["days_late"] == 12 and d["fulfilled_by"] == "kst-35300-VII-109"


def test_decide_in_time_overdue_open_claimed():
    today = date(2020, 4, 1)
    assert decide(None, "2020-02-29", [("L", "2020-02-20")], [], today)["status"] == "fulfilled"
    od = decide(None, "2020-02-29", [], [], today)
    assert od["status"] == "overdue" and od["days_overdue"] == 32
    assert decide(None, "2020-12-31", [], [], today)["status"] == "open"
    assert decide(None, None, [], [], today)["status"] == "open"
    cl = decide(None, None, [], [("L", "2020-03-01")], today)
    assert cl["status"] == "claimed_done" and cl["claimed_by"] == "L"
    # a letter older than the motion cannot have carried it out
    assert decide("2020-03-10", None, [("L", "2020-03-01")], [], today)["status"] == "open"


def test_register_vocabulary():
    assert register_class("Voldaan") == "done" and register_class("Openstaand") == "open"
    assert register_class("Vervallen") == "lapsed" and register_class("Deels voldaan") == "partly"


# ----------------------------------------------------------------------------- store

@pytest.fixture()
def store() -> Store:
    return linked_letters_store()


def test_35300_VII_20_fulfilled_twelve_days_late(store):
    rows = {r.id: r for r in compute_status(store, date(2024, 1, 1))}
    r = rows["kst-35300-VII-20"]
    assert r.status == "fulfilled_late" and r.days_late == 12
    assert r.fulfilled_by == "kst-35300-VII-109" and r.fulfilled_on == "2020-03-12"
    assert r.deadline_end == "2020-02-29" and r.claimed_by == "kst-35300-VII-109"


def test_28844_261_declared_done_by_28844_269(store):
    info = status_of(store, "kst-28844-261", date(2024, 1, 1))
    assert info["kind"] == "motion" and info["status"]["status"] == "claimed_done"
    assert info["status"]["fulfilled_by"] == "kst-28844-269"
    assert any(l["from_id"] == "kst-28844-269" and l["relation"] == "fulfils" for l in info["links"])


def test_status_table_is_rebuilt_not_edited(store):
    first = compute_status(store, date(2024, 1, 1))
    store.db.execute("update status set status = 'fulfilled' where id = ?", [first[-1].id])
    again = compute_status(store, date(2024, 1, 1))
    assert [r.to_dict() for r in again] == [r.to_dict() for r in first]
    n_targets = store.db["motions"].count + store.db["commitments"].count
    assert store.db["status"].count == n_targets == len(again)


def test_commitment_overdue_relative_to_today(store):
    rows = list_commitments(store, overdue=True, ministry="BZK", today=date(2021, 1, 1))
    na_de_zomer = [r for r in rows if "na de zomer" in (r["deadline_text"] or "")]
    assert na_de_zomer, rows
    r = na_de_zomer[0]
    assert r["deadline_end"] == "2020-11-30" and r["days_overdue"] == 32
    assert list_commitments(store, overdue=True, today=date(2020, 6, 1)) == []
    assert list_commitments(store, ministry="EZK", today=date(2021, 1, 1)) == []


def test_register_disagreement_is_flagged_and_both_kept(store):
    rows = compute_status(store, date(2021, 1, 1))
    c = next(r for r in rows if r.kind == "commitment" and r.status == "overdue")
    store.db.execute("update commitments set register_status = 'Voldaan' where id = ?", [c.id])
    r = next(r for r in compute_status(store, date(2021, 1, 1)) if r.id == c.id)
    assert r.status == "overdue" and r.register_status == "Voldaan" and r.register_disagrees
    assert "register says" in r.note


def test_tk_process_finished_is_not_fulfilment(store):
    store.db.execute("update motions set tk_process_finished = 1")
    store.db.execute("delete from links")
    store.db.execute("update motion_mentions set declared_done = 0")
    rows = {r.id: r for r in compute_status(store, date(2024, 1, 1))}
    assert rows["kst-35300-VII-20"].status == "overdue"


def test_list_motions_filters(store):
    allm = list_motions(store, today=date(2024, 1, 1))
    assert {r["id"] for r in allm} >= {"kst-35300-VII-20", "kst-28844-261"}
    assert list_motions(store, open_only=True, today=date(2024, 1, 1)) == []
    assert [r["id"] for r in list_motions(store, dossier="35300-VII", today=date(2024, 1, 1))] == ["kst-35300-VII-20"]


def test_cli_status_json(store, tmp_path, monkeypatch):
    from typer.testing import CliRunner
    from kamerstukken.cli import app
    db = tmp_path / "k.db"
    disk = Store(db)
    store.db.conn.backup(disk.db.conn)
    disk.close()
    res = CliRunner().invoke(app, ["status", "kst-35300-VII-20", "--db", str(db), "--json", "--today", "2024-01-01"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["status"]["status"] == "fulfilled_late" and info["status"]["days_late"] == 12
    res = CliRunner().invoke(app, ["motions", "--db", str(db), "--csv"])
    assert res.exit_code == 0 and res.output.splitlines()[0].startswith("id,kind,")
    res = CliRunner().invoke(app, ["status", "kst-00000-1", "--db", str(db)])
    assert res.exit_code == 1


def test_queries_read_the_ledger_and_judge_overdue_for_the_day_asked(tmp_path):
    """The ledger is built once (by link); each query decides open/overdue for its own `today`."""
    from pathlib import Path
    from kamerstukken.ingest import ingest_paths
    from kamerstukken.link import link_store
    from kamerstukken.stages import extract_all
    from kamerstukken.status import list_commitments, status_of
    from kamerstukken.store import Store
    docs = Path(__file__).resolve().parents[1] / "kamerstukken" / "data" / "documents"
    store = Store(tmp_path / "k.db")
    ingest_paths(store, [docs / "000_08a2b23839bb489f.txt"])
    extract_all(store)
    link_store(store)
    computed = store.db.execute("select value from meta where key = 'status_computed'").fetchone()[0]
    # "Het is mijn voornemen uw Kamer na de zomer te informeren …" → end 2020-11-30 (found by its sentence: its
    # statement index depends on how the sentences before it are classified)
    cid = store.db.execute("select id from commitments where text like 'Het is mijn voornemen uw Kamer na de zomer%'"
                           ).fetchone()[0]
    before = {r["id"]: r for r in list_commitments(store, today=date(2020, 10, 1))}
    assert before[cid]["status"] == "open" and before[cid]["days_overdue"] is None
    assert cid not in {r["id"] for r in list_commitments(store, overdue=True, today=date(2020, 10, 1))}
    late = {r["id"]: r for r in list_commitments(store, overdue=True, today=date(2021, 1, 1))}
    assert late[cid]["status"] == "overdue" and late[cid]["days_overdue"] == 32
    assert status_of(store, cid, date(2021, 1, 1))["status"]["days_overdue"] == 32
    # no query rebuilt the ledger
    assert store.db.execute("select value from meta where key = 'status_computed'").fetchone()[0] == computed


def test_motions_by_dossier_number_cover_its_chapters(tmp_path):
    import gzip
    from pathlib import Path
    from kamerstukken.ingest import ingest_jsonl
    from kamerstukken.link import link_store
    from kamerstukken.stages import extract_all
    from kamerstukken.status import list_motions
    from kamerstukken.store import Store
    src = Path(__file__).resolve().parents[1] / "kamerstukken" / "data" / "corpus" / "motions.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f:
        recs = [json.loads(x) for x in f]
    budget = [r for r in recs if (r.get("dossier") or "").startswith("36600-")][:6]
    other = [r for r in recs if not (r.get("dossier") or "").startswith("36600")][:3]
    assert len({r["dossier"] for r in budget}) > 1 and other
    p = tmp_path / "m.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in budget + other), encoding="utf-8")
    store = Store(tmp_path / "k.db")
    ingest_jsonl(store, p)
    extract_all(store)
    link_store(store)
    assert {r["id"] for r in list_motions(store, dossier="36600")} == {r["id"] for r in budget}
    one = budget[0]["dossier"]                      # e.g. 36600-VII
    spaced = one[:2] + " " + one[2:].replace("-", " ")  # "36 600 VII", as printed on the kamerstuk
    assert {r["id"] for r in list_motions(store, dossier=spaced)} == {r["id"] for r in budget if r["dossier"] == one}
