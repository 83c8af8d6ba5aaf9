"""`fetch` commands through typer's CliRunner, against the replay server (base URLs from the environment)."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamerstukken.scrapers.cli import fetch_app
from kamerstukken.store import Store
from replay import Reply, ReplayServer, odata_pages, real_zaak

FIX = Path(__file__).parent / "fixtures" / "payloads"


@pytest.fixture
def srv():
    with ReplayServer() as s:
        yield s


def test_fetch_moties_json_and_rerun(srv, tmp_path, monkeypatch):
    monkeypatch.setenv("KAMERSTUKKEN_ODATA_URL", srv.url + "/odata")
    srv.route("/odata/Zaak", odata_pages(srv, [real_zaak()]))
    db = str(tmp_path / "k.db")
    r = CliRunner().invoke(fetch_app, ["moties", "--db", db, "--json", "--rate", "0"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["new"] == 1 and out["http"]["requests"] == 1
    row = Store(db).db["motions"].get("2023Z20049")
    assert row["kabinetsappreciatie"] == "Ontraden" and json.loads(row["submitters"]) == ["S.R.T. van Baarle"]
    r2 = CliRunner().invoke(fetch_app, ["moties", "--db", db, "--rate", "0"])
    assert r2.exit_code == 0 and "moties: 0 new, 0 changed" in r2.output
    assert (tmp_path / "k.db.raw").is_dir()


def test_fetch_kamerstuk_and_errors(srv, tmp_path, monkeypatch):
    monkeypatch.setenv("KAMERSTUKKEN_OB_URL", srv.url)
    srv.add("/kst-35786-7.xml", Reply(200, (FIX / "kst" / "kst-35786-7_motie.xml").read_bytes()))
    db = str(tmp_path / "k.db")
    r = CliRunner().invoke(fetch_app, ["kamerstuk", "kst-35786-7", "kst-1-1", "--db", db, "--json", "--rate", "0"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["ids"] == ["kst-35786-7"] and "kst-1-1" in out["errors"]
    assert Store(db).get_document("kst-35786-7").kind == "motion"


def test_fetch_kamerstukken_needs_a_criterion(tmp_path):
    r = CliRunner().invoke(fetch_app, ["kamerstukken", "--db", str(tmp_path / "k.db")])
    assert r.exit_code == 2
