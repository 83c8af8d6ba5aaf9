"""Build benchmark databases from the real bundled corpus, and grow them by replicating real documents.

- `build_base(db)`   : the real corpus (bundled motions, letters, bundled documents) → ingest → extract_all
- `replicate(src, dst, factor, mode)`: `factor` copies of every row of every data table of `src`.
    mode "dossier": copy r gets its own dossier numbers (kst-19637-3191 → kst-40012-3191, "19 637" → "40 012"
                    in every text column too), so each copy is a corpus with the same shape as the real one:
                    letters of copy r cite motions of copy r. Used for the link scaling runs.
    mode "suffix" : ids get "~r" appended, texts are kept; bulk inserts with indexes and FTS triggers off, the
                    FTS index rebuilt once at the end. Used for the ≥500,000-document query store.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Callable, Optional

from benchlib import BUNDLED_DOCUMENTS, BUNDLED_LETTERS, BUNDLED_MOTIONS

SKIP_TABLES = {"meta", "cursors", "raw_responses", "ingest_errors"}
ID_COLS = {"id", "doc_id", "from_id", "to_id"}


def build_base(db: Path, *, documents: bool = True) -> dict:
    """Ingest the real bundled corpus and run extraction. Returns timings and counts."""
    from kamerstukken.ingest import ingest_jsonl, ingest_paths
    from kamerstukken.stages import extract_all
    from kamerstukken.store import Store
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    t0 = time.perf_counter()
    errors = 0
    if documents and BUNDLED_DOCUMENTS.exists():
        errors += len(ingest_paths(store, [BUNDLED_DOCUMENTS]).errors)
    for j in (BUNDLED_MOTIONS, BUNDLED_LETTERS):
        errors += len(ingest_jsonl(store, j).errors)
    t_ingest = time.perf_counter() - t0
    t1 = time.perf_counter()
    ex = extract_all(store)
    t_extract = time.perf_counter() - t1
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = {"documents": store.db["documents"].count, "ingest_s": round(t_ingest, 3),
           "extract_s": round(t_extract, 3), "extract_chars": ex.chars, "extract_errors": len(ex.errors),
           "ingest_errors": errors, "counts": store.counts()}
    store.close()
    return out


def data_tables(conn: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in conn.execute("select name from sqlite_master where type='table' order by name")]
    fts = [n for n in names if n.endswith("_fts")]
    return [n for n in names if n not in SKIP_TABLES and not n.startswith("sqlite_")
            and not any(n == f or n.startswith(f + "_") for f in fts)]


# ----------------------------------------------------------------------------------------- remapping

_NUM = re.compile(r"(?<![\d.,])(\d{2})([ \u00a0]?)(\d{3})(?![\d])")
_KST = re.compile(r"kst-(\d{5})")


def dossier_numbers(conn: sqlite3.Connection) -> list[str]:
    nums = set()
    for (i,) in conn.execute("select id from documents"):
        m = _KST.match(i or "")
        if m:
            nums.add(m.group(1))
    for (d,) in conn.execute("select distinct dossier from documents where dossier is not null"):
        m = re.match(r"(\d{5})", d)
        if m:
            nums.add(m.group(1))
    return sorted(nums)


def surnames(conn: sqlite3.Connection) -> list[str]:
    """Last words of the submitters' names of the motions (Keijzer, Nispen, Dijk, ...)."""
    import json
    out = set()
    try:
        for (js,) in conn.execute("select submitters from motions where submitters is not null"):
            for name in json.loads(js or "[]"):
                last = (name or "").split()[-1:] or [""]
                if len(last[0]) >= 3 and last[0][:1].isupper():
                    out.add(last[0])
    except sqlite3.OperationalError:
        pass
    return sorted(out, key=lambda w: (-len(w), w))


def copy_tag(r: int) -> str:
    """a, b, ..., z, aa, ab, ... — appended to submitters' surnames in copy r."""
    s = ""
    while True:
        s = chr(ord("a") + r % 26) + s
        r = r // 26 - 1
        if r < 0:
            return s


def dossier_maps(nums: list[str], factor: int) -> list[dict[str, str]]:
    used = set(nums)
    free = (f"{n:05d}" for n in range(40000, 100000) if f"{n:05d}" not in used)
    maps = [{n: n for n in nums}]
    for _ in range(1, factor):
        maps.append({n: next(free) for n in nums})
    return maps


def make_remap(mode: str, r: int, dmap: Optional[dict[str, str]],
               names: Optional[re.Pattern] = None) -> tuple[Callable, Callable]:
    """(remap_id, remap_text) for copy r. In "dossier" mode the submitters' surnames get a copy tag too
    (Keijzer → Keijzerb), so that a copy's motions are as distinct from the other copies' as the motions of
    different members are; without it every letter would find k identical twins of each motion it names."""
    suffix = f"~{r}"
    if mode == "suffix" or not dmap:
        def remap_id(v):
            if not isinstance(v, str) or not v:
                return v
            base, hash_, rest = v.partition("#")
            return base + suffix + hash_ + rest
        return remap_id, (lambda v: v)

    def sub(m: re.Match) -> str:
        new = dmap.get(m.group(1) + m.group(3))
        if not new:
            return m.group(0)
        return new[:2] + m.group(2) + new[2:]

    tag = copy_tag(r)

    def name_sub(m: re.Match) -> str:
        w = m.group(0)
        return w + (tag.upper() if w.isupper() else tag)

    def remap_text(v):
        if not isinstance(v, str) or not v:
            return v
        v = _NUM.sub(sub, v)
        return names.sub(name_sub, v) if names is not None else v

    def remap_id(v):
        if not isinstance(v, str) or not v:
            return v
        new = remap_text(v)
        if new == v:
            base, hash_, rest = v.partition("#")
            new = base + suffix + hash_ + rest
        return new
    return remap_id, remap_text


# ----------------------------------------------------------------------------------------- replicate

def replicate(src: Path, dst: Path, factor: int, mode: str = "dossier", *, target_docs: Optional[int] = None,
              batch: int = 5000, progress: Optional[Callable[[str], None]] = None) -> dict:
    """Write `dst` = `src` plus copies 1..factor-1 of every data row (ids remapped per `mode`).

    With `target_docs`, as many copies as needed to reach that many documents (the last one partial).
    Bulk path ("suffix"): secondary indexes and FTS triggers are dropped during the inserts, then the indexes are
    re-created from their own SQL and the FTS index rebuilt once, the way a bulk load is done in SQLite.
    """
    import sqlite_utils
    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    s = sqlite3.connect(str(src))
    s.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(str(dst))
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("PRAGMA temp_store=MEMORY")
    db = sqlite_utils.Database(conn)
    tables = data_tables(conn)
    base_docs = conn.execute("select count(*) from documents").fetchone()[0]
    if target_docs:
        factor = max(1, -(-target_docs // max(1, base_docs)))
    bulk = mode == "suffix"
    saved_sql: list[str] = []
    if bulk:
        for name, sql in conn.execute("select name, sql from sqlite_master where type in ('index','trigger') "
                                      "and sql is not null and tbl_name in (%s)" % ",".join("?" * len(tables)),
                                      tables).fetchall():
            saved_sql.append(sql)
            kind = "TRIGGER" if sql.lstrip().upper().startswith("CREATE TRIGGER") else "INDEX"
            conn.execute(f"DROP {kind} [{name}]")
    rows = {}
    cols = {}
    for t in tables:
        cur = conn.execute(f"select * from [{t}]")
        cols[t] = [c[0] for c in cur.description]
        rows[t] = cur.fetchall()
    dmaps = dossier_maps(dossier_numbers(conn), factor) if mode == "dossier" else [None] * factor
    sn = surnames(conn) if mode == "dossier" else []
    names = re.compile(r"\b(?:" + "|".join(map(re.escape, sn)) + r")\b", re.I) if sn else None
    written_docs = base_docs
    for r in range(1, factor):
        remap_id, remap_text = make_remap(mode, r, dmaps[r], names)
        last_copy = target_docs is not None and r == factor - 1
        keep_ids = None
        if last_copy:
            need = target_docs - written_docs
            keep_ids = {row[0] for row in rows["documents"][:need]} if need < base_docs else None
        conn.execute("BEGIN")
        for t in tables:
            cs = cols[t]
            fn = [remap_id if c in ID_COLS else remap_text for c in cs]
            doc_col = cs.index("doc_id") if "doc_id" in cs else (0 if t == "documents" else None)
            src_rows = rows[t]
            if keep_ids is not None and doc_col is not None:
                src_rows = [row for row in src_rows if row[doc_col] in keep_ids]

            def gen():
                for row in src_rows:
                    yield {c: (f(v) if isinstance(v, str) else v) for c, f, v in zip(cs, fn, row)}
            if src_rows:
                db[t].insert_all(gen(), batch_size=batch)
        conn.execute("COMMIT")
        written_docs += len(keep_ids) if keep_ids is not None else base_docs
        if progress:
            progress(f"copy {r + 1}/{factor}: {written_docs:,} documents")
    t_insert = time.perf_counter() - t0
    t1 = time.perf_counter()
    if bulk:
        for sql in saved_sql:
            if not sql.lstrip().upper().startswith("CREATE TRIGGER"):
                conn.execute(sql)
        if "documents_fts" in [r[0] for r in conn.execute("select name from sqlite_master")]:
            conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('rebuild')")
            conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('optimize')")
        for sql in saved_sql:
            if sql.lstrip().upper().startswith("CREATE TRIGGER"):
                conn.execute(sql)
        conn.commit()
    conn.commit()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return {"documents": written_docs, "factor": factor, "insert_s": round(t_insert, 2),
            "index_s": round(time.perf_counter() - t1, 2), "bytes": dst.stat().st_size}
