"""Watches on the bundled real data: what a run reports, that it reports it once, reminders scaled to the term,
crash safety, and Atom feeds read back with a standard feed parser (feedparser)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from kamerstukken.cli import app
from kamerstukken.store import Store
from kamerstukken.watch import Watch, WatchError, add_watch, diff_item, remind_on, run_watches
from kamerstukken.watch_atom import write_feeds

D = date.fromisoformat


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The main job over the bundled real documents, once per module."""
    from replay import build_database
    return build_database(tmp_path_factory.mktemp("watch") / "built.db")


@pytest.fixture(scope="module")
def seed(built) -> str:
    """The seed letter kst-35300-VII-109's commitment "Het is mijn voornemen uw Kamer na de zomer te informeren
    over de eerste opbrengsten ..." (its index in the letter depends on the extraction, its text does not)."""
    from kamerstukken.status import list_commitments
    ids = [r["id"] for r in list_commitments(Store(built), ministry="BZK")
           if r["id"].startswith("kst-35300-VII-109#") and r["deadline_text"] == "na de zomer"]
    assert len(ids) == 1, ids
    return ids[0]


@pytest.fixture
def db(built, tmp_path) -> Path:
    path = tmp_path / "k.db"
    shutil.copy(built, path)
    return path


def _events(result: dict, name: str, item: str | None = None) -> list[tuple[str, str]]:
    return [(e["event"], e["item_id"]) for e in result[name] if item is None or e["item_id"] == item]


def test_bzk_watch_reports_the_seed_commitment_overdue_after_30_november_2020_and_once(db, seed):
    store = Store(db)
    add_watch(store, Watch("bzk", ministry="BZK"))
    first = run_watches(store, today=D("2020-11-30"))
    assert ("new", seed) in _events(first, "bzk")
    assert ("overdue", seed) not in _events(first, "bzk")     # the last day of the term: not yet
    assert all(e["item_id"].split("#")[0] != "kst-28844-269" for e in first["bzk"])  # a 2023 letter: not made yet
    second = run_watches(store, today=D("2020-12-01"))
    assert _events(second, "bzk", seed) == [("overdue", seed)]
    ev = next(e for e in second["bzk"] if e["item_id"] == seed)
    assert ev["new"] == "2020-11-30" and "na de zomer" in ev["detail"]
    assert run_watches(store, today=D("2020-12-01")) == {"bzk": []}      # nothing new on a second run
    assert run_watches(store, today=D("2021-03-01")) == {"bzk": []}      # still overdue: told once


def test_a_new_watch_on_a_later_day_reports_the_overdue_item_at_once(db, seed):
    store = Store(db)
    add_watch(store, Watch("bzk-late", ministry="bzk", query="zomer"))
    got = run_watches(store, "bzk-late", today=D("2021-01-15"))
    assert _events(got, "bzk-late") == [("new", seed), ("overdue", seed)]


def test_reminder_comes_before_the_end_of_the_term_not_at_its_start(db, seed):
    store = Store(db)
    add_watch(store, Watch("seed", item_id="kst-35300-VII-109"))   # the letter's commitments
    start = run_watches(store, today=D("2020-03-12"))               # the day it was promised
    month_in = run_watches(store, today=D("2020-04-12"))
    assert ("due_soon", seed) not in _events(start, "seed") + _events(month_in, "seed")
    near = run_watches(store, today=D("2020-11-20"))
    assert _events(near, "seed", seed) == [("due_soon", seed)]
    assert "10 days left" in near["seed"][0]["detail"]
    assert run_watches(store, today=D("2020-11-25")) == {"seed": []}  # reminded once per deadline


def test_reminder_is_scaled_to_the_length_of_the_term():
    half_year = remind_on(D("2025-01-01"), D("2025-06-30"))
    assert D("2025-05-01") < half_year < D("2025-06-30")             # not a month into a half-year term
    three_weeks = remind_on(D("2025-03-01"), D("2025-03-22"))
    assert (D("2025-03-22") - three_weeks).days == 3
    assert (D("2026-12-31") - remind_on(D("2020-01-01"), D("2026-12-31"))).days == 60  # capped
    assert (D("2025-03-22") - remind_on(None, D("2025-03-22"))).days == 1


def test_fulfilling_letter_arrives_between_two_runs(tmp_path):
    """Motions first, the letters later (as a daily fetch brings them): the run after the letters reports every
    motion of dossier 24587 that the ledger now has fulfilled, each with its letter, and nothing else as fulfilled."""
    from kamerstukken.cli_main import BUNDLED_JSONL, build
    from kamerstukken.status import DONE, list_motions
    store = Store(tmp_path / "k.db")
    motions, letters = BUNDLED_JSONL
    build(store, jsonl=[motions])
    add_watch(store, Watch("d24587", dossier="24587"))
    before = run_watches(store, today=D("2025-10-01"))
    assert ("new", "kst-24587-995") in _events(before, "d24587")
    assert not [e for e in before["d24587"] if e["event"] in ("fulfilled", "claimed_done")]
    build(store, jsonl=[letters])
    after = run_watches(store, today=D("2025-10-01"))
    done = {e["item_id"]: e["letter"] for e in after["d24587"] if e["event"] in ("fulfilled", "claimed_done")}
    ledger = {r["id"]: r["fulfilled_by"] for r in list_motions(store, dossier="24587", today=D("2025-10-01"))
              if r["status"] in DONE}
    assert done == ledger and done.get("kst-24587-995") == "2024D44229"
    assert run_watches(store, today=D("2025-10-01")) == {"d24587": []}


def test_diff_of_a_real_row_reports_the_letter_and_a_moved_deadline(db):
    from kamerstukken.status import list_motions
    row = next(r for r in list_motions(Store(db), dossier="35300-VII", today=D("2021-01-01"))
               if r["id"] == "kst-35300-VII-20")        # motie Van der Molen, fulfilled late by the seed letter
    prev = {"status": "open", "deadline_end": "2019-12-31", "responded_by": None, "reminded_end": None,
            "first_seen": "2019-11-01"}
    events, state = diff_item("w", prev, row, D("2021-01-01"))
    kinds = {e["event"]: e for e in events}
    assert kinds["fulfilled"]["letter"] == "kst-35300-VII-109" and kinds["fulfilled"]["new"] == row["status"]
    if row["deadline_end"] != "2019-12-31":
        assert kinds["deadline"]["old"] == "2019-12-31"
    assert state["status"] == row["status"] and state["fulfilled_by"] == "kst-35300-VII-109"
    again, _ = diff_item("w", state, row, D("2021-01-01"))
    assert again == []


def test_bad_watches_get_one_line_errors_and_nothing_is_lost(db):
    r = CliRunner()
    ok = r.invoke(app, ["watch", "add", "bzk", "--ministry", "BZK", "--db", str(db)])
    assert ok.exit_code == 0
    for args, msg in ((["watch", "add", "bad name", "--ministry", "BZK"], "bad watch name"),
                      (["watch", "add", "nothing"], "at least one of"),
                      (["watch", "add", "bzk", "--ministry", "BZ"], "exists with other filters"),
                      (["watch", "run", "nope"], "no watch named 'nope'"),
                      (["watch", "remove", "nope"], "no watch named 'nope'")):
        res = r.invoke(app, args + ["--db", str(db)])
        assert res.exit_code == 2, res.output
        assert msg in res.output and res.output.count("\n") == 1, res.output
    again = r.invoke(app, ["watch", "add", "bzk", "--ministry", "BZK", "--db", str(db)])
    assert again.exit_code == 0                                          # the same watch again: no change
    listed = json.loads(r.invoke(app, ["watch", "list", "--json", "--db", str(db)]).output)
    assert [(w["name"], w["ministry"]) for w in listed] == [("bzk", "BZK")]


def test_cli_json_and_atom_feed_read_by_feedparser(db, seed, tmp_path):
    r = CliRunner()
    r.invoke(app, ["watch", "add", "bzk", "--ministry", "BZK", "--db", str(db)])
    feeds = tmp_path / "feeds"
    out = [r.invoke(app, ["watch", "run", "--today", day, "--json", "--atom", str(feeds), "--db", str(db)])
           for day in ("2020-11-20", "2020-12-01")]
    assert all(o.exit_code == 0 for o in out), out[0].output
    second = json.loads(out[1].stdout)
    assert [(e["event"], e["item_id"]) for e in second["bzk"]] == [("overdue", seed)]
    parsed = feedparser.parse((feeds / "bzk.atom").read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    overdue = [e for e in parsed.entries if e.tags[0].term == "overdue" and e.title.endswith(seed)]
    assert len(overdue) == 1 and overdue[0].link == "https://zoek.officielebekendmakingen.nl/kst-35300-VII-109.html"
    assert overdue[0].updated.startswith("2020-12-01")
    assert parsed.feed.updated.startswith("2020-12-01")
    # a rewrite keeps every entry id: a feed reader shows each event once
    write_feeds(Store(db), feeds, ["bzk"])
    assert [e.id for e in feedparser.parse((feeds / "bzk.atom").read_bytes()).entries] == ids


RUNNER = "import sys\nfrom kamerstukken.cli import main\nsys.argv = ['kamerstukken'] + sys.argv[1:]\nmain()"


def _cli(db: Path, *args, crash_after=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMERSTUKKEN_")}
    if crash_after:
        env["KAMERSTUKKEN_CRASH_AFTER"] = str(crash_after)
    return subprocess.run([sys.executable, "-c", RUNNER, *args, "--db", str(db)], env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_run_killed_before_its_commit_is_run_again_whole(db, tmp_path):
    """Two watches; the process dies (os._exit) just before the second watch's commit. The first watch's run
    stands, the second's left no trace, and the next run reports exactly what an uninterrupted run reports."""
    clean = tmp_path / "clean.db"
    shutil.copy(db, clean)
    for path in (db, clean):
        for name, flt in (("a-bzk", "--ministry"), ("b-bzk", "--ministry")):
            assert _cli(path, "watch", "add", name, flt, "BZK").returncode == 0
    crashed = _cli(db, "watch", "run", "--today", "2020-12-01", "--json", crash_after=2)
    assert crashed.returncode == 137
    s = Store(db)
    assert s.db.execute("select count(*) from watch_events where watch = 'b-bzk'").fetchone()[0] == 0
    assert s.db.execute("select last_today from watches where name = 'b-bzk'").fetchone()[0] is None
    assert s.db.execute("select count(*) from watch_events where watch = 'a-bzk'").fetchone()[0] > 0
    resumed = json.loads(_cli(db, "watch", "run", "--today", "2020-12-01", "--json").stdout)
    whole = json.loads(_cli(clean, "watch", "run", "--today", "2020-12-01", "--json").stdout)
    assert resumed["a-bzk"] == []
    assert resumed["b-bzk"] == whole["b-bzk"] and whole["b-bzk"]
    cols = "atom_id, watch, item_id, event, day, old, new, letter, detail"
    q = f"select {cols} from watch_events order by atom_id"
    assert list(Store(db).db.execute(q)) == list(Store(clean).db.execute(q))


def test_watch_errors_are_watch_errors(db):
    with pytest.raises(WatchError):
        add_watch(Store(db), Watch("x"))
