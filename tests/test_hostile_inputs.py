"""Hostile files and stores (issue 16): foreign and newer schemas, store faults as one line, FIFOs, symlink loops
and oversized files, a PDF whose pages share one huge content stream, bad lines for `extract -` and
`ingest --jsonl`, markup and escape codes in paths and text, and the NLP stage's budget and linear deadline
attachment. Bounded by the inputs (counts), never by the clock.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kamerstukken.cli import fault_message, safe
from kamerstukken.models import Deadline, Statement
from kamerstukken.nlp import extract as nlp_extract
from kamerstukken.store import Store, StoreError

FIX = Path(__file__).parent / "fixtures"
LETTER = FIX / "parse" / "kst-21501-02-3147.xml"
SEED = (FIX / "deadlines" / "seed_000_kst-35300-VII-109.txt").read_text(encoding="utf-8")


def cli(*args, stdin: bytes | None = None, env: dict | None = None, cwd=None):
    """The CLI in a child process (as a user runs it). The timeout only guards a hang; nothing asserts on it."""
    return subprocess.run([sys.executable, "-m", "kamerstukken.cli", *map(str, args)], input=stdin,
                          capture_output=True, timeout=300, env={**os.environ, **(env or {})}, cwd=cwd)


def one_error_line(p) -> str:
    err = p.stderr.decode("utf-8")
    assert "Traceback" not in err, err[-2000:]
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error"), err
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- stores

def test_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path):
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("create table users(id integer primary key, name text)")
    conn.execute("insert into users(name) values ('a')")
    conn.commit()
    conn.close()
    before = sha(db)
    p = cli("ingest", LETTER, "--db", db)
    assert p.returncode == 3 and "another application" in one_error_line(p)
    assert sha(db) == before and not (tmp_path / "app.db-wal").exists()
    with pytest.raises(StoreError):
        Store(db)


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "k.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.commit()
    conn.close()
    before = sha(db)
    p = cli("ingest", LETTER, "--db", db)
    assert p.returncode == 3 and "schema version 99, newer" in one_error_line(p)
    assert sha(db) == before


def test_not_a_database_is_one_line(tmp_path):
    db = tmp_path / "k.db"
    db.write_bytes(b"this is not SQLite\n" * 100)
    p = cli("documents", "--db", db)
    assert p.returncode == 3 and "not a kamerstukken (SQLite) database" in one_error_line(p)


def test_disk_full_and_read_only_are_one_line_messages(tmp_path):
    """Real SQLite errors (a page limit makes SQLITE_FULL; a mode=ro connection refuses a write)."""
    store = Store(tmp_path / "k.db")
    store.db.execute("pragma max_page_count = %d" % store.db.execute("pragma page_count").fetchone()[0])
    with pytest.raises(sqlite3.OperationalError) as full:
        with store.transaction():
            store.db["documents"].insert({"id": "x", "kind": "letter", "text": "y" * 200_000})
    store.close()
    msg, code = fault_message(full.value)
    assert code == 74 and "disk is full" in msg and "\n" not in msg
    ro = sqlite3.connect(f"file:{tmp_path / 'k.db'}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("delete from documents")
    msg, code = fault_message(readonly.value)
    assert code == 3 and "read-only" in msg
    assert fault_message(MemoryError())[1] == 70
    assert fault_message(KeyError("a programming error")) is None   # a bug stays a traceback


# ----------------------------------------------------------------------------- files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_symlink_loop_and_oversized_files_are_skipped_with_a_message(tmp_path):
    folder = tmp_path / "in [" / "b] map"          # the path holds "[/b]", rich markup's closing tag
    folder.mkdir(parents=True)
    (folder / "letter.xml").write_bytes(LETTER.read_bytes())
    os.mkfifo(folder / "pipe")
    (folder / "loop1").symlink_to(folder / "loop2")
    (folder / "loop2").symlink_to(folder / "loop1")
    (folder / "big.txt").write_text(SEED * 10, encoding="utf-8")
    db = tmp_path / "k.db"
    p = cli("ingest", folder, folder / "pipe", "--db", db, env={"KAMERSTUKKEN_MAX_TEXT_FILE": "10000"})
    out, err = p.stdout.decode(), p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err
    assert "1 added" in out and "in [/b] map" in err     # the summary prints; the path's markup stays literal
    assert err.count("a FIFO, not a regular file") == 2                   # in the folder and named
    assert err.count("Too many levels of symbolic links") == 2
    assert "over the limit of 10,000 bytes for one text/XML/HTML file" in err
    assert all(line.startswith("error ") for line in err.splitlines() if line.strip())
    s = Store(db)
    try:
        assert s.db["documents"].count == 1 and s.db["ingest_errors"].count == 4
    finally:
        s.close()


def shared_stream_pdf(path: Path, pages: int, stream_mb: int) -> int:
    """A small PDF whose pages all point at ONE big content stream (a hostile file: tiny on disk, huge to
    extract). The stream is real text-showing operators, flate-compressed."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject
    w = PdfWriter()
    ops = b"BT /F1 12 Tf 72 720 Td (voor de zomer) Tj ET\n"
    content = DecodedStreamObject()
    content.set_data(ops * (stream_mb * 1024 * 1024 // len(ops)))
    content = content.flate_encode()
    ref = w._add_object(content)
    for _ in range(pages):
        page = w.add_blank_page(612, 792)
        page[NameObject("/Contents")] = ref
    with open(path, "wb") as fh:
        w.write(fh)
    return path.stat().st_size


def test_pdf_pages_sharing_one_huge_stream_are_refused(tmp_path):
    from kamerstukken.parse import ParseError, parse
    path = tmp_path / "shared.pdf"
    size = shared_stream_pdf(path, 120, 24)
    assert size < 1024 * 1024                      # under a megabyte on disk
    with pytest.raises(ParseError, match=r"page 1 has 24 MB of content, over the limit of 8 MB"):
        parse(path.read_bytes(), str(path))


def test_pdf_page_count_limit(tmp_path, monkeypatch):
    from kamerstukken.parse import ParseError, parse, pdf
    path = tmp_path / "many.pdf"
    shared_stream_pdf(path, 30, 0)
    monkeypatch.setattr(pdf, "MAX_PAGES", 20)
    with pytest.raises(ParseError, match="30 pages, over the limit of 20"):
        parse(path.read_bytes(), str(path))


@pytest.mark.parametrize("fmt", ["ob-html", "kst-xml"])
def test_a_tag_with_100000_attributes_is_refused_before_lxml(fmt):
    """lxml/libxml2 is quadratic in the attributes of one tag; the real page keeps parsing."""
    from kamerstukken.parse import ParseError, parse
    attrs = " ".join(f"a{i}='x'" for i in range(100_000)).encode()
    data = (b"<html><body><div " + attrs + b">tekst</div></body></html>" if fmt == "ob-html" else
            b"<?xml version='1.0'?><kamerstuk " + attrs + b"><al>tekst</al></kamerstuk>")
    with pytest.raises(ParseError, match="100,000 attributes"):
        parse(data, "x", fmt)
    real = (FIX / "parse" / "kst-28844-269_ob.html").read_bytes()
    assert parse(real, "x.html").id == "kst-28844-269"


# ----------------------------------------------------------------------------- extract - and ingest --jsonl

BAD_LINES = [
    b'{"id": "ok", "text": "Ik stuur u voor de zomer van 2024 een brief.", "anchor_date": "2024-01-10"}',
    b'{"id": "byte", "text": "caf\xe9 voor de zomer"}',                 # cp1252 byte: not UTF-8
    b'{"id": "hi", "text": "x \\ud800 voor de zomer"}',                  # lone high surrogate
    b'{"id": "lo", "text": "x \\udc80 voor de zomer"}',                  # lone low surrogate
    b"[" * 100_000,                                                      # nested too deep for json
    b'{"id": "d1", "text": "voor de zomer", "anchor_date": "20240101"}',
    b'{"id": "d2", "text": "voor de zomer", "anchor_date": "2024-W01-1"}',
    b'{"id": "d3", "text": "voor de zomer", "anchor_date": "2024-01-01T25:00"}',
    b'{"id": "d4", "text": "voor de zomer", "anchor_date": "2024-02-30"}',
    b'{"id": "last", "text": "Binnen drie weken ontvangt u de brief.", "anchor_date": "2024-01-10"}',
]


@pytest.mark.parametrize("via", ["stdin", "file"])
def test_extract_gives_one_object_per_bad_line_and_valid_utf8(tmp_path, via):
    data = b"\n".join(BAD_LINES) + b"\n"
    if via == "stdin":
        p = cli("extract", "-", stdin=data)
    else:
        f = tmp_path / "in.jsonl"
        f.write_bytes(data)
        p = cli("extract", f)
    assert p.returncode == 0 and p.stderr.decode().strip() == ""
    out = [json.loads(x) for x in p.stdout.decode("utf-8", errors="strict").splitlines()]
    assert len(out) == len(BAD_LINES)
    by_id = {o["id"]: o for o in out if o["id"]}
    assert by_id["ok"]["deadlines"] and by_id["last"]["deadlines"]
    assert "not valid UTF-8" in out[1]["error"]
    assert "lone surrogate" in by_id["hi"]["error"] and "lone surrogate" in by_id["lo"]["error"]
    assert "nested too deeply" in out[4]["error"]
    for i in ("d1", "d2", "d3", "d4"):
        assert "want YYYY-MM-DD" in by_id[i]["error"]


@pytest.mark.parametrize("via", ["stdin", "file"])
def test_ingest_jsonl_handles_every_bad_line_on_its_own(tmp_path, via):
    recs = [b'{"id": "a", "kind": "letter", "text": "een", "date": "2024-01-02"}',
            b'{"id": "b", "kind": "letter", "text": "tw\xffee"}',
            b'{"id": "c", "kind": "letter", "text": "x\\ud800"}',
            b'{"id": "d", "kind": "letter", "text": "vier", "date": "20240101"}',
            b'{"id": "e", "kind": "letter", "text": "vijf", "date": "2024-01-01T10:00"}',
            b"[" * 100_000,
            b'{"id": "f", "kind": "letter", "text": "zes"}']
    data = b"\n".join(recs) + b"\n"
    db = tmp_path / "k.db"
    if via == "stdin":
        p = cli("ingest", "--jsonl", "-", "--db", db, stdin=data)
    else:
        (tmp_path / "in.jsonl").write_bytes(data)
        p = cli("ingest", "--jsonl", tmp_path / "in.jsonl", "--db", db)
    err = p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err
    assert "not UTF-8" in err and "lone surrogate" in err and "nested too deeply" in err
    assert err.count("not a date in the form YYYY-MM-DD") == 2
    s = Store(db)
    try:
        assert sorted(s.document_ids()) == ["a", "f"]
    finally:
        s.close()


# ----------------------------------------------------------------------------- terminal output

def test_show_prints_escape_codes_as_text_and_markup_literally(tmp_path):
    rec = {"id": "esc", "kind": "letter", "title": "[bold]titel[/b] \x1b]0;pwned\x07",
           "text": "tekst met \x1b[31mrood\x1b[0m en [/b] haken"}
    db = tmp_path / "k.db"
    p = cli("ingest", "--jsonl", "-", "--db", db, stdin=json.dumps(rec).encode())
    assert p.returncode == 0, p.stderr
    p = cli("show", "esc", "--db", db)
    out = p.stdout.decode()
    assert p.returncode == 0 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mrood" in out and "[bold]titel[/b]" in out and "[/b] haken" in out
    p = cli("documents", "--db", db, env={"COLUMNS": "200"})
    assert p.returncode == 0 and "\x1b]0;" not in p.stdout.decode() and "[bold]titel" in p.stdout.decode()
    assert safe("a\x1bb\x9bc\u202ed") == "a\\x1bb\\x9bc\\u202ed"
    for cmd in ("show", "status"):                 # an id that is markup: a one-line error, not a crash
        p = cli(cmd, "[/b]\x1b[2J", "--db", db)
        assert p.returncode == 1 and "[/b]" in one_error_line(p) and "\x1b" not in p.stderr.decode()


# ----------------------------------------------------------------------------- NLP stage

class CountingDeadline(Deadline):
    reads = 0

    def __getattribute__(self, name):
        if name in ("char_start", "char_end"):
            CountingDeadline.reads += 1
        return object.__getattribute__(self, name)


def _naive(statements, deadlines):
    return [[d for d in deadlines if s.char_start <= d.char_start and d.char_end <= s.char_end] for s in statements]


def test_attach_deadlines_is_linear_and_equals_the_plain_rule():
    """On a real letter repeated: the same attachment as the statements x deadlines rule, and the number of
    offset reads grows with the input (n log n), not with statements x deadlines."""
    reads = []
    for copies in (10, 40):
        text = "\n\n".join([SEED] * copies)
        ex = nlp_extract.extract_text(text, date(2020, 3, 12))
        dls = [CountingDeadline(**{k: getattr(d, k) for k in d.__dataclass_fields__}) for d in ex.deadlines]
        sts = [Statement(**{k: getattr(s, k) for k in s.__dataclass_fields__}) for s in ex.statements]
        expected = _naive(sts, dls)
        CountingDeadline.reads = 0
        nlp_extract._attach_deadlines(sts, dls)
        reads.append((len(sts), len(dls), CountingDeadline.reads))
        assert [[id(d) for d in s.deadlines] for s in sts] == [[id(d) for d in e] for e in expected]
        assert any(s.deadlines for s in sts)
    (s1, d1, r1), (s2, d2, r2) = reads
    assert s2 == 4 * s1 and d2 == 4 * d1
    assert r2 < 6 * r1                       # statements x deadlines would be 16x
    assert r2 < s2 * d2 // 20


def test_nlp_budget(monkeypatch, tmp_path):
    monkeypatch.setattr(nlp_extract, "NLP_MAX_CHARS", 1000)
    out = nlp_extract.extract_line(json.dumps({"id": "big", "text": SEED * 2}))
    assert "over the NLP budget of 1,000" in out["error"]
    from kamerstukken.ingest import ingest_jsonl
    from kamerstukken.stages import extract_all
    f = tmp_path / "d.jsonl"
    f.write_text(json.dumps({"id": "big", "kind": "letter", "text": SEED, "date": "2020-03-12"}), encoding="utf-8")
    store = Store(tmp_path / "k.db")
    try:
        ingest_jsonl(store, f)
        res = extract_all(store)
        assert res.documents == 1 and res.notes and "only the first 1,000" in res.notes[0][1]
        assert all(r["char_end"] <= 1000 for r in store.db["deadlines"].rows)
    finally:
        store.close()
