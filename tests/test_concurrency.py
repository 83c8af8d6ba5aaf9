"""Concurrency: the web UI and other readers read while a stage writes (WAL): never "database is locked" for a
reader, never a torn result; two writers at once serialize (the second waits, both finish, nothing lost).

Writers are real `kamerstukken` subprocesses on the bundled real corpus; readers are read-only connections
(`mode=ro`, as `kamerstukken serve` opens the file) and the Datasette UI itself.
"""
from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kamerstukken" / "data"
CLI = "from kamerstukken.cli import main; main()"

# Invariants every committed state satisfies (each written in one transaction); a reader seeing one broken
# has read a torn state.
INVARIANTS = {
    "document without source": "select count(*) from documents d where not exists "
                               "(select 1 from sources s where s.doc_id = d.id)",
    "paragraph past the text": "select count(*) from paragraphs p join documents d on d.id = p.doc_id "
                               "where p.[end] > length(d.text)",
    "deadline of a missing statement": "select count(*) from deadlines x where x.statement_idx is not null and not "
                                       "exists (select 1 from statements s where s.doc_id = x.doc_id and "
                                       "s.idx = x.statement_idx)",
    "fts out of step": "select (select count(*) from documents) - (select count(*) from documents_fts)",
}


def cli(*args, db: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMERSTUKKEN_")}
    return subprocess.Popen([sys.executable, "-c", CLI, *map(str, args), "--db", str(db)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def corpus(tmp: Path, n_motions: int = 700) -> tuple[Path, Path]:
    with gzip.open(DATA / "corpus" / "motions.jsonl.gz", "rt", encoding="utf-8") as fh:
        motions = [line for _, line in zip(range(n_motions), fh)]
    a, b = tmp / "motions.jsonl", tmp / "letters.jsonl"
    a.write_text("".join(motions), encoding="utf-8")
    with gzip.open(DATA / "corpus" / "letters.jsonl.gz", "rt", encoding="utf-8") as fh:
        b.write_text(fh.read(), encoding="utf-8")
    return a, b


class Reader(threading.Thread):
    """Reads in a loop on its own read-only connection until stopped; records every error and torn state."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.stop, self.errors, self.torn, self.reads, self.counts = db, False, [], [], 0, []

    def run(self):
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=0.1, check_same_thread=False)
        while not self.stop:
            try:
                conn.execute("begin")   # one snapshot for the whole round
                n = conn.execute("select count(*) from documents").fetchone()[0]
                for name, sql in INVARIANTS.items():
                    bad = conn.execute(sql).fetchone()[0]
                    if bad:
                        self.torn.append((name, bad))
                conn.execute("select d.id from documents_fts f join documents d on d.rowid = f.rowid "
                             "where documents_fts match 'motie' limit 5").fetchall()
                conn.execute("commit")
                self.counts.append(n)
                self.reads += 1
            except sqlite3.Error as exc:
                self.errors.append(str(exc))
                try:
                    conn.execute("rollback")
                except sqlite3.Error:
                    pass
            time.sleep(0.02)
        conn.close()


@pytest.fixture
def seeded_db(tmp_path):
    db = tmp_path / "k.db"
    p = cli("ingest", "-q", DATA / "documents", db=db)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    return db


def test_readers_and_web_ui_while_stages_write(seeded_db, tmp_path):
    from kamerstukken import web
    motions, letters = corpus(tmp_path, 300)
    server, base = web.start_server(seeded_db, timeout=90)
    readers = [Reader(seeded_db) for _ in range(2)]   # one checks while the other is mid-snapshot
    http_errors, http_ok = [], [0]
    stop = threading.Event()

    def browse():
        name = web.db_name(seeded_db)
        urls = [f"{base}/{name}/documents.json?_size=5", f"{base}/{name}/documents.json?_search=motie&_size=5",
                f"{base}/{name}/deadlines.json?_size=5", f"{base}/{name}.json"]
        i = 0
        while not stop.is_set():
            try:
                with urllib.request.urlopen(urls[i % len(urls)], timeout=30) as r:
                    body = r.read()
                    if b"database is locked" in body:
                        http_errors.append("locked")
                http_ok[0] += 1
            except urllib.error.HTTPError as exc:
                http_errors.append(f"{exc.code} {urls[i % len(urls)]}: {exc.read()[:200]!r}")
            except OSError as exc:
                http_errors.append(str(exc))
            i += 1
            time.sleep(0.02)
    browser = threading.Thread(target=browse, daemon=True)
    try:
        for r in readers:
            r.start()
        browser.start()
        for args in (["ingest", "-q", "--jsonl", motions], ["ingest", "-q", "--jsonl", letters],
                     ["extract", "--all", "-q"], ["link", "--json"]):
            p = cli(*args, db=seeded_db)
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, (args, err[-2000:])
        # arbitrary SQL is off in the UI: a visitor's statement is refused, nothing is written
        name = web.db_name(seeded_db)
        from urllib.parse import quote
        for sql in ("delete from documents", "select * from documents"):
            with pytest.raises(urllib.error.HTTPError) as ei:
                urllib.request.urlopen(f"{base}/{name}.json?sql={quote(sql)}", timeout=30)
            assert ei.value.code in (400, 403)
    finally:
        stop.set()
        for r in readers:
            r.stop = True
        for r in readers:
            r.join(10)
        browser.join(40)
        web.stop_server(server)
    for r in readers:
        assert r.errors == [], r.errors[:3]
        assert r.torn == [], r.torn[:3]
        assert r.reads > 20
        assert r.counts == sorted(r.counts)          # documents only grow while ingesting
    assert http_errors == [], http_errors[:3]
    assert http_ok[0] > 5
    assert readers[0].counts[-1] == 7 + 300 + 224


def test_two_writers_at_once_serialize_and_lose_nothing(seeded_db, tmp_path):
    motions, letters = corpus(tmp_path, 250)
    a = cli("ingest", "-q", "--json", "--jsonl", motions, db=seeded_db)
    b = cli("ingest", "-q", "--json", "--jsonl", letters, db=seeded_db)
    c = cli("extract", "--all", "-q", "--json", db=seeded_db)
    outs = [p.communicate(timeout=300) for p in (a, b, c)]
    for p, (out, err) in zip((a, b, c), outs):
        assert p.returncode == 0, err[-2000:]
        assert "locked" not in err
    ra, rb = json.loads(outs[0][0]), json.loads(outs[1][0])
    assert len(ra["added"]) == 250 and len(rb["added"]) == 224 and not ra["errors"] and not rb["errors"]
    conn = sqlite3.connect(seeded_db)
    assert conn.execute("select count(*) from documents").fetchone()[0] == 7 + 250 + 224
    assert conn.execute("select count(*) from sources").fetchone()[0] == 8 + 250 + 224
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    # the extract that ran alongside may have seen only part of the documents; run again: the rest is done,
    # and a third run changes nothing
    p = cli("extract", "--all", "-q", "--json", db=seeded_db)
    out, _ = p.communicate(timeout=300)
    assert p.returncode == 0 and json.loads(out)["documents"] == 7 + 250 + 224


@pytest.mark.slow
def test_writer_blocked_past_the_busy_timeout_reports_clearly(seeded_db, tmp_path):
    """The store waits up to 30 s for another writer; past that, the command must say so, not dump a traceback."""
    new = tmp_path / "note.txt"
    new.write_text("Een nieuwe notitie over de uitvoering van de motie.\n", encoding="utf-8")
    holder = sqlite3.connect(seeded_db)
    holder.execute("begin immediate")
    try:
        p = cli("ingest", "-q", new, db=seeded_db)
        out, err = p.communicate(timeout=120)
    finally:
        holder.rollback()
        holder.close()
    assert p.returncode == 75, err[-1500:]
    assert "the database is busy" in err
    assert "Traceback" not in err, err[-1500:]
