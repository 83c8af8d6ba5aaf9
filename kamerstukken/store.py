"""The SQLite store (sqlite-utils): the only shared state between stages.

- WAL mode, foreign keys on, a schema version in `meta` and numbered migrations: a database made by an
  older version is brought up to date on open, an existing table is never dropped.
- Every write is an upsert on a stable key inside a transaction, so re-running a stage changes nothing.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

import sqlite_utils

from .models import Document, Footnote, Paragraph, Source

DEFAULT_DB = "kamerstukken.db"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else $KAMERSTUKKEN_DB, else ./kamerstukken.db (spec/extract-io.md §3)."""
    return Path(explicit or os.environ.get("KAMERSTUKKEN_DB") or DEFAULT_DB)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# Crash-test hook (tests/test_crash.py). With KAMERSTUKKEN_CRASH_AFTER=N the process dies at the N-th crash
# point with os._exit(137): a real hard exit, no rollback, no cleanup, no flush. Crash points: just before
# each COMMIT of Store.transaction (every stage writes through it), and per record / per document inside the
# batches of `ingest --jsonl` and `extract --all`. Unset (the normal case) it costs one int comparison.
_CRASH_AFTER = int(os.environ.get("KAMERSTUKKEN_CRASH_AFTER") or 0)
_crash_points = 0


def crash_point() -> None:
    global _crash_points
    if _CRASH_AFTER:
        _crash_points += 1
        if _crash_points >= _CRASH_AFTER:
            os._exit(137)


# --------------------------------------------------------------------------- migrations

def _m1_core(db: sqlite_utils.Database) -> None:
    db["documents"].create({
        "id": str, "kind": str, "title": str, "date": str, "vergaderjaar": str, "dossier": str,
        "sender": str, "ministry": str, "addressee": str, "signatory": str, "text": str,
        "text_hash": str, "meta": str, "updated_at": str,
    }, pk="id", not_null={"kind"}, if_not_exists=True)
    db["sources"].create({
        "id": str, "doc_id": str, "format": str, "origin": str, "content_hash": str, "ingested_at": str,
    }, pk="id", foreign_keys=[("doc_id", "documents", "id")], if_not_exists=True)
    db["paragraphs"].create({"doc_id": str, "idx": int, "start": int, "end": int, "kind": str},
                            pk=("doc_id", "idx"), foreign_keys=[("doc_id", "documents", "id")], if_not_exists=True)
    db["footnotes"].create({"doc_id": str, "mark": str, "text": str, "position": int},
                           pk=("doc_id", "mark"), foreign_keys=[("doc_id", "documents", "id")], if_not_exists=True)
    db["documents"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2",
                               replace=True)
    db["sources"].create_index(["doc_id"], if_not_exists=True)
    db["sources"].create_index(["content_hash"], if_not_exists=True)
    for col in ("kind", "date", "dossier", "ministry"):
        db["documents"].create_index([col], if_not_exists=True)


def _m2_extractions(db: sqlite_utils.Database) -> None:
    """Tables written by `extract --all`: each row carries doc_id and character offsets."""
    common = {"doc_id": str, "idx": int, "text": str, "char_start": int, "char_end": int}
    db["references"].create({**common, "ref_id": str, "via": str}, pk=("doc_id", "idx"), if_not_exists=True)
    db["motion_mentions"].create({**common, "ref": str, "submitters": str, "declared_done": int, "request": str},
                                 pk=("doc_id", "idx"), if_not_exists=True)
    db["statements"].create({**common, "type": str, "score": float, "actor": str, "action": str, "topic": str,
                             "member": str, "points_to": str}, pk=("doc_id", "idx"), if_not_exists=True)
    db["deadlines"].create({**common, "kind": str, "start": str, "end": str, "statement_idx": int},
                           pk=("doc_id", "idx"), if_not_exists=True)
    # Motions: one row per motion, from its own document, from open data, or only from a citing text.
    db["motions"].create({
        "id": str, "doc_id": str, "title": str, "date": str, "dossier": str, "submitters": str,
        "considerations": str, "dicta": str, "deadline_text": str, "deadline_kind": str,
        "deadline_start": str, "deadline_end": str, "kabinetsappreciatie": str,
        "tk_process_finished": int,  # Zaak.Afgedaan: the Kamer finished with it; NOT that it was carried out
        "besluit": str, "zaak_nummer": str, "known_from": str, "updated_at": str,
    }, pk="id", if_not_exists=True)
    # Commitments: extracted from letters/debates, or register entries (TK/EK toezeggingen).
    db["commitments"].create({
        "id": str, "doc_id": str, "idx": int, "text": str, "actor": str, "action": str, "topic": str,
        "member": str, "ministry": str, "date": str, "deadline_text": str, "deadline_kind": str,
        "deadline_start": str, "deadline_end": str, "char_start": int, "char_end": int,
        "source": str, "register_status": str, "register_id": str, "updated_at": str,
    }, pk="id", if_not_exists=True)
    for t, cols in (("references", ["ref_id"]), ("motion_mentions", ["ref"]), ("statements", ["type"]),
                    ("deadlines", ["end"]), ("motions", ["dossier"]), ("motions", ["date"]),
                    ("commitments", ["ministry"]), ("commitments", ["deadline_end"]), ("commitments", ["doc_id"])):
        db[t].create_index(cols, if_not_exists=True)


def _m3_links_and_sources(db: sqlite_utils.Database) -> None:
    db["links"].create({"from_id": str, "to_id": str, "relation": str, "score": float, "accepted": int,
                        "evidence": str, "rank": int, "updated_at": str},
                       pk=("from_id", "to_id"), if_not_exists=True)
    db["links"].create_index(["to_id"], if_not_exists=True)
    db["register_entries"].create({"id": str, "register": str, "nummer": str, "text": str, "status": str,
                                   "due_date": str, "ministry": str, "person": str, "function": str,
                                   "fulfilling_letters": str, "activiteit": str, "raw": str, "updated_at": str},
                                  pk="id", if_not_exists=True)
    db["raw_responses"].create({"hash": str, "url": str, "status": int, "fetched_at": str, "path": str,
                                "etag": str, "last_modified": str, "content_type": str},
                               pk="hash", if_not_exists=True)
    db["raw_responses"].create_index(["url"], if_not_exists=True)
    db["cursors"].create({"name": str, "value": str, "updated_at": str}, pk="name", if_not_exists=True)
    db["ingest_errors"].create({"origin": str, "error": str, "at": str}, pk="origin", if_not_exists=True)


def _m4_scraper_tables(db: sqlite_utils.Database) -> None:
    """Scrapers: TK Zaak relations (GerelateerdNaar/Vanuit) and the Eerste Kamer motion 'uitvoeringsstatus'."""
    db["zaak_relations"].create({"from_zaak": str, "to_zaak": str, "relation": str, "from_soort": str,
                                 "to_soort": str, "from_id": str, "to_id": str, "updated_at": str},
                                pk=("from_zaak", "to_zaak", "relation"), if_not_exists=True)
    db["zaak_relations"].create_index(["to_zaak"], if_not_exists=True)
    if "uitvoeringsstatus" not in db["motions"].columns_dict:
        db["motions"].add_column("uitvoeringsstatus", str)


def _m5_ledger(db: sqlite_utils.Database) -> None:
    """Linker state (what was linked with which inputs, for incremental runs) and the status ledger, which
    `kamerstukken.status.compute_status` rebuilds from the store every time (never edited by hand)."""
    db["link_state"].create({"kind": str, "id": str, "fingerprint": str, "updated_at": str},
                            pk=("kind", "id"), if_not_exists=True)
    db["status"].create({
        "id": str, "kind": str, "title": str, "date": str, "dossier": str, "ministry": str, "member": str,
        "deadline_text": str, "deadline_end": str, "status": str, "fulfilled_by": str, "fulfilled_on": str,
        "days_late": int, "days_overdue": int, "claimed_by": str, "responded_by": str, "register_status": str,
        "register_disagrees": int, "note": str, "today": str, "computed_at": str,
    }, pk="id", if_not_exists=True)
    for col in ("status", "kind", "deadline_end", "ministry", "dossier"):
        db["status"].create_index([col], if_not_exists=True)


def _m6_sources_as_they_are(db: sqlite_utils.Database) -> None:
    """What the real EK/TK pages say beyond an id and a status (issue 14): a motion's co-signers, debate,
    decision note and the parties for and against; a register entry's every published state (status,
    deadline) with the day it was first seen; which deadline the ledger measured against."""
    for col in ("cosigners", "debate", "besluit_note", "vote_date", "parties_for", "parties_against", "summary"):
        if col not in db["motions"].columns_dict:
            db["motions"].add_column(col, str)
    for col in ("members", "category", "topics", "kamerstukken", "revisions"):
        if col not in db["register_entries"].columns_dict:
            db["register_entries"].add_column(col, str)
    db["register_history"].create({"id": int, "register_id": str, "seen_on": str, "status": str,
                                   "status_class": str, "due_date": str, "recorded_at": str},
                                  pk="id", if_not_exists=True)
    db["register_history"].create_index(["register_id", "seen_on"], if_not_exists=True)
    if "deadline_basis" not in db["status"].columns_dict:
        db["status"].add_column("deadline_basis", str)


def _m7_motion_decision(db: sqlite_utils.Database) -> None:
    """The Kamer's decision on a motion with its provenance: `motions.besluit_source` (tk-odata, eerstekamer.nl,
    the JSON Lines record, "third party, unverified"); in the ledger the folded decision, its source, the
    decision as published and the amended motion that replaces a motion."""
    if "besluit_source" not in db["motions"].columns_dict:
        db["motions"].add_column("besluit_source", str)
    cols = db["status"].columns_dict
    for col in ("decision", "decision_source", "besluit", "replaced_by"):
        if col not in cols:
            db["status"].add_column(col, str)
    db["status"].create_index(["decision"], if_not_exists=True)


def _m8_final_url(db: sqlite_utils.Database) -> None:
    """Provenance: the address a fetched body really came from (after redirects), next to the one asked."""
    if "final_url" not in db["raw_responses"].columns_dict:
        db["raw_responses"].add_column("final_url", str)


def _m9_watches(db: sqlite_utils.Database) -> None:
    """Watches (`kamerstukken watch`): their filters, what each watch last saw of every item it follows (so a run
    reports only what changed), and the events it reported (the Atom feeds are written from these)."""
    db["watches"].create({"name": str, "ministry": str, "member": str, "dossier": str, "item_id": str,
                          "query": str, "created_at": str, "last_run_at": str, "last_today": str},
                         pk="name", if_not_exists=True)
    db["watch_items"].create({"watch": str, "item_id": str, "kind": str, "status": str, "deadline_end": str,
                              "fulfilled_by": str, "responded_by": str, "first_seen": str, "reminded_end": str,
                              "updated_at": str}, pk=("watch", "item_id"), if_not_exists=True)
    db["watch_events"].create({"atom_id": str, "watch": str, "item_id": str, "item_kind": str, "event": str,
                               "day": str, "old": str, "new": str, "letter": str, "title": str, "detail": str,
                               "created_at": str}, pk="atom_id", if_not_exists=True)
    db["watch_events"].create_index(["watch", "day"], if_not_exists=True)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_m1_core, _m2_extractions, _m3_links_and_sources,
                                                             _m4_scraper_tables, _m5_ledger,
                                                             _m6_sources_as_they_are, _m7_motion_decision,
                                                             _m8_final_url, _m9_watches]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The file is not a kamerstukken store this version can write: another application's SQLite file, or a
    store made by a newer version (its schema_version is higher than SCHEMA_VERSION)."""


class Store:
    """A kamerstukken database. `Store(path)` opens (and migrates) it; `Store(":memory:")` for tests."""

    def __init__(self, path: str | os.PathLike | None = None, *, readonly: bool = False):
        self.path = db_path(path) if path != ":memory:" else ":memory:"
        if readonly:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            self.db = sqlite_utils.Database(conn)
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30)
        else:
            conn = sqlite3.connect(":memory:")
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA busy_timeout = 30000")
        try:
            self.check_schema()   # before anything is written (WAL mode is a write)
        except BaseException:
            conn.close()
            raise
        if self.path != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA foreign_keys = ON")
        self.migrate()

    # ------------------------------------------------------------------ schema
    @property
    def version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def check_schema(self) -> int:
        """The schema version, or StoreError for a newer or foreign schema (nothing is written then)."""
        tables = set(self.db.table_names())
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} is an SQLite database of another application (tables: "
                             f"{', '.join(sorted(tables)[:5])}{' …' if len(tables) > 5 else ''}), not a kamerstukken "
                             f"store; refusing to change it")
        try:
            current = self.version
        except (ValueError, TypeError):
            raise StoreError(f"{self.path}: unreadable schema_version in table meta; refusing to change it") from None
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema version {current}, newer than this kamerstukken "
                             f"({SCHEMA_VERSION}); upgrade kamerstukken, the store is left unchanged")
        return current

    def migrate(self) -> int:
        current = self.check_schema()
        if current >= SCHEMA_VERSION:
            return current
        with self.transaction():
            self.db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
            for n in range(current, SCHEMA_VERSION):
                MIGRATIONS[n](self.db)
            self.db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
        return SCHEMA_VERSION

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            crash_point()
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()

    def close(self) -> None:
        self.db.conn.close()

    # ------------------------------------------------------------------ documents
    def document_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("select id from documents")}

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("select 1 from documents where id = ?", [doc_id]).fetchone() is not None

    def upsert_document(self, doc: Document, *, merge: bool = True) -> str:
        """Insert or update one document with its sources, paragraphs and footnotes, in one transaction.

        Idempotent: writing the same document twice leaves every row as it was (the first-seen time of a
        source is kept; `updated_at` only moves when the stored text or fields change).
        With merge=True, fields already stored and missing from `doc` (None/"") are kept, and a source
        seen before keeps its record, so a second format of the same document adds a source only.
        """
        with self.transaction():
            existing = self.get_document_row(doc.id)
            row = {
                "id": doc.id, "kind": doc.kind or "other", "title": doc.title or "", "date": doc.date,
                "vergaderjaar": doc.vergaderjaar, "dossier": doc.dossier, "sender": doc.sender,
                "ministry": doc.ministry, "addressee": doc.addressee, "signatory": doc.signatory,
                "text": doc.text or "", "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, default=str),
            }
            replace_body = True
            if existing and merge:
                for k, v in list(row.items()):
                    if v in (None, "") and existing.get(k) not in (None, ""):
                        row[k] = existing[k]
                if existing.get("kind") not in (None, "", "other") and row["kind"] == "other":
                    row["kind"] = existing["kind"]
                # Keep the richer body: the longer text wins (a PDF text without headings loses to the HTML)
                if len(existing.get("text") or "") > len(doc.text or ""):
                    row["text"] = existing["text"]
                    replace_body = False
                if existing.get("meta") and doc.meta:
                    merged = {**json.loads(existing["meta"] or "{}"), **doc.meta}
                    row["meta"] = json.dumps(merged, ensure_ascii=False, sort_keys=True, default=str)
                elif existing.get("meta") and not doc.meta:
                    row["meta"] = existing["meta"]
            from .models import content_hash
            row["text_hash"] = content_hash(row["text"])
            changed = not existing or any(existing.get(k) != v for k, v in row.items())
            row["updated_at"] = now_iso() if changed else existing["updated_at"]
            if changed:
                self.db["documents"].upsert(row, pk="id")
            if replace_body and (not existing or changed):
                self._write_body(doc.id, doc.paragraphs, doc.footnotes)
            for src in doc.sources:
                self.add_source(doc.id, src)
        return doc.id

    def _write_body(self, doc_id: str, paragraphs: list[Paragraph], footnotes: list[Footnote]) -> None:
        self.db.execute("delete from paragraphs where doc_id = ?", [doc_id])
        self.db.execute("delete from footnotes where doc_id = ?", [doc_id])
        if paragraphs:
            self.db["paragraphs"].insert_all(
                ({"doc_id": doc_id, "idx": i, "start": p.start, "end": p.end, "kind": p.kind}
                 for i, p in enumerate(paragraphs)), pk=("doc_id", "idx"))
        if footnotes:
            self.db["footnotes"].upsert_all(
                ({"doc_id": doc_id, "mark": f.mark, "text": f.text, "position": f.position} for f in footnotes),
                pk=("doc_id", "mark"))

    def add_source(self, doc_id: str, src: Source) -> None:
        from .models import content_hash
        sid = content_hash(f"{doc_id}\0{src.origin}\0{src.content_hash}")[:32]
        if self.db.execute("select 1 from sources where id = ?", [sid]).fetchone():
            return
        self.db["sources"].insert({"id": sid, "doc_id": doc_id, "format": src.format, "origin": src.origin,
                                   "content_hash": src.content_hash, "ingested_at": src.ingested_at or now_iso()},
                                  pk="id")

    def source_known(self, content_hash: str) -> Optional[str]:
        row = self.db.execute("select doc_id from sources where content_hash = ?", [content_hash]).fetchone()
        return row[0] if row else None

    def get_document_row(self, doc_id: str) -> Optional[dict]:
        rows = list(self.db.query("select * from documents where id = ?", [doc_id]))
        return rows[0] if rows else None

    def get_document(self, doc_id: str) -> Optional[Document]:
        row = self.get_document_row(doc_id)
        if not row:
            return None
        paragraphs = [Paragraph(r["start"], r["end"], r["kind"]) for r in
                      self.db.query("select * from paragraphs where doc_id = ? order by idx", [doc_id])]
        footnotes = [Footnote(r["mark"], r["text"], r["position"]) for r in
                     self.db.query("select * from footnotes where doc_id = ? order by cast(mark as int), mark",
                                   [doc_id])]
        sources = [Source(r["format"], r["origin"], r["content_hash"], r["ingested_at"]) for r in
                   self.db.query("select * from sources where doc_id = ? order by rowid", [doc_id])]
        return Document(
            id=row["id"], kind=row["kind"], title=row["title"] or "", date=row["date"],
            vergaderjaar=row["vergaderjaar"], dossier=row["dossier"], sender=row["sender"],
            ministry=row["ministry"], addressee=row["addressee"], signatory=row["signatory"],
            text=row["text"] or "", paragraphs=paragraphs, footnotes=footnotes, sources=sources,
            meta=json.loads(row["meta"] or "{}"))

    def iter_documents(self, where: str = "", params: Iterable[Any] = (), batch: int = 500,
                       kinds: Optional[Iterable[str]] = None) -> Iterator[Document]:
        """Stream documents in id order, `batch` at a time (never all in memory)."""
        clauses, args = [], list(params)
        if where:
            clauses.append(f"({where})")
        if kinds:
            kinds = list(kinds)
            clauses.append("kind in (%s)" % ",".join("?" * len(kinds)))
            args += kinds
        last = ""
        while True:
            sql = "select id from documents where id > ?" + "".join(" and " + c for c in clauses) + \
                  " order by id limit ?"
            ids = [r[0] for r in self.db.execute(sql, [last, *args, batch])]
            if not ids:
                return
            for i in ids:
                doc = self.get_document(i)
                if doc:
                    yield doc
            last = ids[-1]

    def list_documents(self, kind: Optional[str] = None, limit: Optional[int] = None) -> list[dict]:
        sql = ("select d.id, d.kind, d.date, d.title, d.ministry, "
               "(select group_concat(format || ':' || origin, ' | ') from sources s where s.doc_id = d.id) as sources, "
               "(select count(*) from sources s where s.doc_id = d.id) as n_sources from documents d")
        args: list[Any] = []
        if kind:
            sql += " where d.kind = ?"
            args.append(kind)
        sql += " order by d.date is null, d.date, d.id"
        if limit:
            sql += " limit ?"
            args.append(limit)
        return list(self.db.query(sql, args))

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text search (FTS5) over title and text. Bad FTS syntax raises SearchError, not a traceback."""
        q = (query or "").strip()
        if not q:
            raise SearchError("empty search query")
        try:
            return self._search(q, limit)
        except sqlite3.OperationalError as exc:
            # Retry as a plain phrase of words: users type "motie Van der Molen", not FTS syntax.
            words = " ".join('"%s"' % w.replace('"', '""') for w in q.split())
            try:
                return self._search(words, limit)
            except sqlite3.OperationalError:
                raise SearchError(f"cannot search for {query!r}: {exc}") from None

    RANK_ALL_UP_TO = 20_000  # bm25 over more matches than this costs more than the match itself

    def _search(self, q: str, limit: int) -> list[dict]:
        cols = ("select d.id, d.kind, d.date, d.title, snippet(documents_fts, 1, '[', ']', ' … ', 12) as snippet, "
                "rank from documents_fts join documents d on d.rowid = documents_fts.rowid where documents_fts match ?")
        n = self.db.execute("select count(*) from (select rowid from documents_fts where documents_fts match ? "
                            "limit ?)", [q, self.RANK_ALL_UP_TO + 1]).fetchone()[0]
        if n <= self.RANK_ALL_UP_TO:
            return list(self.db.query(cols + " order by rank limit ?", [q, limit]))
        # A phrase in nearly every document ("verzoekt de regering"): relevance says little there, and bm25
        # over all matches costs seconds; show the most recently stored matches instead.
        return list(self.db.query(cols + " order by documents_fts.rowid desc limit ?", [q, limit]))

    # ------------------------------------------------------------------ cursors / errors
    def get_cursor(self, name: str) -> Optional[str]:
        row = self.db.execute("select value from cursors where name = ?", [name]).fetchone()
        return row[0] if row else None

    def set_cursor(self, name: str, value: str) -> None:
        with self.transaction():
            self.db["cursors"].upsert({"name": name, "value": value, "updated_at": now_iso()}, pk="name")

    def record_error(self, origin: str, error: str) -> None:
        with self.transaction():
            self.db["ingest_errors"].upsert({"origin": origin, "error": error, "at": now_iso()}, pk="origin")

    def clear_error(self, origin: str) -> None:
        self.db.execute("delete from ingest_errors where origin = ?", [origin])
        self.db.conn.commit()

    def counts(self) -> dict[str, int]:
        out = {}
        for t in ("documents", "sources", "footnotes", "references", "motion_mentions", "statements", "deadlines",
                  "motions", "commitments", "links", "register_entries"):
            if t in self.db.table_names():
                out[t] = self.db[t].count
        return out


class SearchError(ValueError):
    pass
