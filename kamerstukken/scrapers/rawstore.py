"""Every fetched body, kept content-addressed on disk, with its fetch record in `raw_responses`.

Files live under a directory (default: next to the database, `<db>.raw/`) at `ab/cdef…` where `abcdef…` is
the sha256 of the body. Paths are derived only from that hash (never from a URL or anything fetched), so
nothing a server sends can choose where a file is written.

`reparse(store)` rebuilds documents from stored bodies without any network access.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Iterator, Mapping, Optional

from ..models import content_hash
from ..store import Store, now_iso

_HEX64 = re.compile(r"[0-9a-f]{64}")


def default_root(store: Store) -> Path:
    if store.path == ":memory:":
        return Path(tempfile.gettempdir()) / f"kamerstukken-raw-{os.getpid()}"
    p = Path(store.path)
    return p.with_name(p.name + ".raw")


class RawStore:
    def __init__(self, store: Store, root: str | os.PathLike | None = None):
        self.store = store
        self.root = Path(root) if root else default_root(store)

    def path_for(self, h: str) -> Path:
        if not _HEX64.fullmatch(h or ""):
            raise ValueError(f"not a sha256 hex digest: {h!r}")
        return self.root / h[:2] / h[2:]

    def put(self, url: str, status: int, content: bytes, headers: Mapping[str, str] | None = None, *,
            final_url: Optional[str] = None) -> str:
        """Keep `content` (once per hash) and record this fetch: `url` as asked, `final_url` the address the body
        came from after redirects (provenance). Returns the hash."""
        h = content_hash(content)
        path = self.path_for(h)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        hdr = {k.lower(): v for k, v in (headers or {}).items()}
        row = {"hash": h, "url": url, "status": int(status), "fetched_at": now_iso(),
               "path": str(path.relative_to(self.root)), "etag": hdr.get("etag"),
               "last_modified": hdr.get("last-modified"), "content_type": hdr.get("content-type"),
               "final_url": final_url or url}
        with self.store.transaction():
            self.store.db["raw_responses"].upsert(row, pk="hash")
        return h

    def get(self, h: str) -> Optional[bytes]:
        try:
            return self.path_for(h).read_bytes()
        except (OSError, ValueError):
            return None

    def has(self, h: str) -> bool:
        try:
            return self.path_for(h).exists()
        except ValueError:
            return False

    def latest_for(self, url: str) -> Optional[dict]:
        rows = list(self.store.db.query(
            "select * from raw_responses where url = ? order by fetched_at desc, rowid desc limit 1", [url]))
        return rows[0] if rows else None

    def iter_rows(self, url_like: Optional[str] = None) -> Iterator[dict]:
        sql, args = "select * from raw_responses", []
        if url_like:
            sql += " where url like ?"
            args.append(url_like)
        yield from self.store.db.query(sql + " order by fetched_at, hash", args)


# source formats that came from a fetched body (parse() takes the same names)
_REPARSABLE = {"kst-xml", "ob-html", "pdf", "pdf-text", "markdown", "news", "text"}


def reparse(store: Store, raw: RawStore, *, parse=None, doc_ids: Optional[set[str]] = None) -> dict:
    """Parse again every document source whose body is in the raw store; no network.

    Returns counts {"reparsed", "missing", "errors"}. Errors are recorded with `store.record_error`.
    """
    if parse is None:
        from ..parse import parse as parse  # noqa: PLC0415  (lazy: the parser is another module)
    out = {"reparsed": 0, "missing": 0, "errors": 0}
    rows = list(store.db.query("select doc_id, format, origin, content_hash from sources order by doc_id"))
    for r in rows:
        if doc_ids is not None and r["doc_id"] not in doc_ids:
            continue
        fmt = r["format"]
        if fmt not in _REPARSABLE:
            continue
        body = raw.get(r["content_hash"])
        if body is None:
            out["missing"] += 1
            continue
        try:
            doc = parse(body, r["origin"], fmt)
        except ValueError as exc:   # a ParseError is a ValueError
            store.record_error(r["origin"], f"reparse: {exc}")
            out["errors"] += 1
            continue
        existing = store.get_document(r["doc_id"])
        doc.id = r["doc_id"]
        if existing:
            doc.meta = {**existing.meta, **(doc.meta or {})}
            doc.kind = doc.kind if doc.kind not in (None, "", "other") else existing.kind
        store.upsert_document(doc)
        out["reparsed"] += 1
    return out
