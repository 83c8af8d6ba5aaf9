"""Ingest: files, folders and JSON Lines → documents in the store.

The edge between the disk and the pure parsers. Each document is written in its own transaction, so a
failing file leaves nothing half-written; the failure is recorded with a one-line message and the batch
goes on. A file whose exact bytes were ingested before is skipped without parsing (idempotent re-runs).
"""
from __future__ import annotations

import json
import os
import stat
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .models import KINDS, Document, Paragraph, Source, content_hash
from .store import Store, crash_point

SKIP_SUFFIXES = {".db", ".db-wal", ".db-shm", ".pyc", ".json", ".md5"}


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)      # new documents
    merged: list[str] = field(default_factory=list)     # a new source for a document already stored
    unchanged: list[str] = field(default_factory=list)  # bytes seen before
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"added": self.added, "merged": self.merged, "unchanged": self.unchanged,
                "errors": [{"origin": o, "error": e} for o, e in self.errors]}


# one file: PDFs up to MAX_FILE_BYTES; text, XML, HTML up to MAX_TEXT_FILE_BYTES (parsing text costs about 20x
# its size in memory: a 200 MB text file took 4.2 GB)
MAX_FILE_BYTES = int(os.environ.get("KAMERSTUKKEN_MAX_FILE") or 128 * 1024 * 1024)
MAX_TEXT_FILE_BYTES = int(os.environ.get("KAMERSTUKKEN_MAX_TEXT_FILE") or 32 * 1024 * 1024)


def check_input_file(path: Path) -> int:
    """The size of a file that may be read, or ValueError/OSError saying why not: FIFOs, devices and sockets
    (reading one blocks or never ends), symlink loops, files over MAX_FILE_BYTES ($KAMERSTUKKEN_MAX_FILE)."""
    st = path.stat()   # OSError for a symlink loop or a dangling link
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise ValueError(f"skipped: {kind}, not a regular file")
    pdf = path.suffix.lower() == ".pdf"
    limit = MAX_FILE_BYTES if pdf else MAX_TEXT_FILE_BYTES
    if st.st_size > limit:
        raise ValueError(f"skipped: {st.st_size:,} bytes, over the limit of {limit:,} bytes for one "
                         f"{'PDF' if pdf else 'text/XML/HTML'} file "
                         f"({'KAMERSTUKKEN_MAX_FILE' if pdf else 'KAMERSTUKKEN_MAX_TEXT_FILE'})")
    return st.st_size


_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def display_origin(path: Path) -> str:
    """The origin recorded for a file: relative to the working folder, else to the installed package (bundled
    data: "kamerstukken/data/…"), so a store and the web UI do not carry this machine's folder layout; a path
    elsewhere is kept as given."""
    p = Path(os.path.abspath(path))
    for root in (Path.cwd(), _PACKAGE_PARENT):
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            continue
    return str(path)


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named, and files under folders named (sorted, hidden files skipped). Entries that are not
    regular files (FIFOs, sockets, devices, symlink loops) are yielded too, so `ingest_paths` reports them."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_dir() or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if f.suffix.lower() not in SKIP_SUFFIXES and f.name not in ("README.md", "INDEX.md"):
                    yield f
        else:
            yield p


def _split_paragraphs(text: str) -> list[Paragraph]:
    out = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        if m.group().strip():
            out.append(Paragraph(m.start(), m.end()))
    return out


def _rename(store: Store, old: str, new: str) -> None:
    """Move a document stored under a content id to its canonical id (learned from a richer source)."""
    db = store.db
    for t in ("paragraphs", "footnotes", "references", "motion_mentions", "statements", "deadlines"):
        if t in db.table_names():
            db.execute(f"update [{t}] set doc_id = ? where doc_id = ?", [new, old])
    db.execute("update sources set doc_id = ? where doc_id = ?", [new, old])
    db.execute("update links set from_id = ? where from_id = ?", [new, old])
    db.execute("delete from documents where id = ?", [old])


def _find_duplicate(store: Store, doc: Document) -> Optional[str]:
    """Blocked candidate search (same date, or FTS on distinctive words), then fuzzy comparison."""
    from .parse.dedupe import find_duplicate
    ids: list[str] = []
    if doc.date:
        ids += [r[0] for r in store.db.execute(
            "select id from documents where date = ? and id != ? limit 200", [doc.date, doc.id])]
    words = sorted({w for w in re.findall(r"[a-zà-ÿ]{9,}", doc.text.lower())}, key=lambda w: (-len(w), w))[:6]
    if words:
        q = " OR ".join('"%s"' % w for w in words)
        try:
            ids += [r["id"] for r in store.db.query(
                "select d.id from documents_fts f join documents d on d.rowid = f.rowid "
                "where documents_fts match ? order by rank limit 20", [q])]
        except Exception:
            pass
    seen, cands = set(), []
    for i in ids:
        if i in seen or i == doc.id:
            continue
        seen.add(i)
        row = store.get_document_row(i)
        if row and row["text"]:
            cands.append((i, row["text"]))
    return find_duplicate(doc, cands) if cands else None


def ingest_document(store: Store, doc: Document, result: IngestResult) -> str:
    """Store one parsed document, merging it into an earlier copy of the same document when there is one."""
    with store.transaction():
        if store.has_document(doc.id):
            store.upsert_document(doc)
            result.merged.append(doc.id)
            return doc.id
        dup = _find_duplicate(store, doc)
        if dup:
            if dup.startswith("doc-") and not doc.id.startswith("doc-"):
                _rename(store, dup, doc.id)
            else:
                doc.id = dup
            store.upsert_document(doc)
            result.merged.append(doc.id)
            return doc.id
        store.upsert_document(doc)
        result.added.append(doc.id)
        return doc.id


def ingest_paths(store: Store, paths: Iterable[str | os.PathLike], *, date_override: Optional[str] = None,
                 progress: Optional[Callable[[Path], None]] = None) -> IngestResult:
    from .parse import ParseError, parse
    from .scrapers.ek_pages import ingest_ek_page
    result = IngestResult()
    for path in iter_files(paths):
        origin = display_origin(path)
        try:
            check_input_file(path)
            data = path.read_bytes()
        except ValueError as exc:
            result.errors.append((origin, str(exc)))
            store.record_error(origin, result.errors[-1][1])
            if progress:
                progress(path)
            continue
        except OSError as exc:
            result.errors.append((origin, f"cannot read: {exc.strerror or exc}"))
            store.record_error(origin, result.errors[-1][1])
            if progress:
                progress(path)
            continue
        h = content_hash(data)
        known = store.source_known(h)
        if known and not date_override:
            result.unchanged.append(known)
            if progress:
                progress(path)
            continue
        try:
            ek_ids = ingest_ek_page(store, data, origin) if data.lstrip()[:1] == b"<" else None
            if ek_ids:              # an Eerste Kamer motion or toezegging page: register rows, no document
                result.added += ek_ids
                store.clear_error(origin)
                if progress:
                    progress(path)
                continue
            doc = parse(data, origin=origin)
            if date_override and not doc.date:
                date.fromisoformat(date_override)
                doc.date = date_override
            ingest_document(store, doc, result)
            store.clear_error(origin)
        except ParseError as exc:
            result.errors.append((origin, str(exc)))
            store.record_error(origin, str(exc))
        except Exception as exc:  # a parser bug must not stop the batch; say which file
            msg = f"{type(exc).__name__}: {exc}"
            result.errors.append((origin, msg))
            store.record_error(origin, msg)
        if progress:
            progress(path)
    return result


def document_from_record(rec: dict, origin: str, raw: str) -> Document:
    """One JSON Lines record (spec/extract-io.md §2) → Document. Raises ValueError on a bad record."""
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    from .nlp.extract import _valid_unicode  # noqa: PLC0415
    if not _valid_unicode(rec):
        raise ValueError("a lone surrogate (\\ud800-\\udfff) in the record: not valid Unicode")
    doc_id = str(rec.get("id") or "").strip()
    if not doc_id:
        raise ValueError("record has no id")
    for k in ("kind", "date", "title", "text", "source", "dossier", "ministry"):
        if rec.get(k) is not None and not isinstance(rec[k], str):
            raise ValueError(f"{k} is not a string: {json.dumps(rec[k])[:60]}")
    kind = (rec.get("kind") or "other").strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    d = (rec.get("date") or "").strip() or None
    if d:
        from .nlp.extract import parse_iso_date  # noqa: PLC0415
        parse_iso_date(d)  # YYYY-MM-DD only; raises ValueError on 2020-02-31, 20200101, 2020-W01-1, times
        if d.startswith("0001-"):
            d = None
    text = rec.get("text") or ""
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    meta = {k: v for k, v in rec.items() if k not in ("id", "kind", "date", "title", "text", "source")}
    m = re.match(r"kst-(\d+)(?:-([A-Z]+|\d+|[IVXL]+))?-", doc_id)
    dossier = None
    if m:
        dossier = m.group(1) + (f"-{m.group(2)}" if m.group(2) and m.group(2) != doc_id.split("-")[-1] else "")
    return Document(id=doc_id, kind=kind, title=rec.get("title") or "", date=d, text=text,
                    dossier=rec.get("dossier") or dossier, ministry=rec.get("ministry"),
                    paragraphs=_split_paragraphs(text), meta=meta,
                    sources=[Source("jsonl", rec.get("source") or origin, content_hash(raw))])


def _decode_line(raw: bytes, lineno: int) -> str:
    """One line as UTF-8 text without lone surrogates (what SQLite and the output can hold), or ValueError."""
    try:
        line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: byte {raw[exc.start:exc.start + 1]!r} at byte {exc.start}") from None
    return line


def ingest_jsonl(store: Store, path: str | os.PathLike, *, progress: Optional[Callable[[], None]] = None,
                 batch: int = 500) -> IngestResult:
    """Documents given as JSON Lines; the same id twice updates it. Commits every `batch` records."""
    result = IngestResult()
    path = Path(path)
    import gzip
    import sys
    if str(path) == "-":
        fh = None
    elif path.suffix == ".gz":
        fh = gzip.open(path, "rb")
    else:
        fh = open(path, "rb")   # bytes: each line is decoded on its own, so one bad byte costs one record
    stream = fh if fh else sys.stdin.buffer
    src_name = "-" if fh is None else display_origin(path)
    pending = 0
    store.db.conn.execute("BEGIN IMMEDIATE")
    try:
        for lineno, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            origin = f"{path}:{lineno}"
            try:
                line = _decode_line(raw, lineno)
                rec = json.loads(line)
                doc = document_from_record(rec, src_name, line)
                existed = store.has_document(doc.id)
                store.upsert_document(doc, merge=True)
                (result.merged if existed else result.added).append(doc.id)
            except (ValueError, TypeError) as exc:   # UnicodeError and JSONDecodeError are ValueErrors
                result.errors.append((origin, " ".join(str(exc).split())[:300]))
            except RecursionError:
                result.errors.append((origin, "JSON nested too deeply"))
            pending += 1
            crash_point()
            if progress:
                progress()
            if pending >= batch:
                store.db.conn.commit()
                store.db.conn.execute("BEGIN IMMEDIATE")
                pending = 0
        store.db.conn.commit()
    except BaseException:
        store.db.conn.rollback()
        raise
    finally:
        if fh:
            fh.close()
    return result
